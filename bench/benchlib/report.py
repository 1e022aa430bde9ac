"""Targets, Markdown and JSON output."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import batchbench, codec, procs
from .common import Results, Series, fmt_bytes, fmt_time

MiB = 1024 * 1024

# (ours, floor) contender of each group, for the ratio columns
REFS: dict[str, tuple[str, str]] = {
    "import/in-process": (procs.IMPORT_OURS, procs.IMPORT_FLOOR),
    "import/process wall": (procs.IMPORT_OURS, procs.IMPORT_FLOOR),
    "request/sequential": ("ours sync · httpx · dict body", "raw httpx sync + json"),
    "request/16 in flight": ("ours async · httpx2", "raw httpx2 async + json"),
    "sse/events": ("ours sync · httpx", "raw httpx sync iter_lines + json"),
    "sse/interactions events": ("ours sync · httpx", "raw httpx sync iter_lines + json"),
    "live/round trip": ("ours async", "raw websockets asyncio + msgspec"),
    "live/audio chunks": ("ours async", "raw websockets asyncio + msgspec"),
    "live/client work per turn": ("ours (Codec + SessionState)", "floor: msgspec dicts"),
    "live/encode audio chunk": ("ours (Codec.audio)", "floor: msgspec dict + base64"),
}


def refs(group: str) -> tuple[str | None, str | None]:
    if group in REFS:
        return REFS[group]
    if group.startswith("decode/"):
        return codec.OURS, codec.FLOOR
    if group.startswith("encode/") and group.endswith("from Structs"):
        return "ours (structs.encode_body, Struct)", "floor: msgspec.json.encode(Struct)"
    if group.startswith("encode/"):
        return "ours (structs.encode_body, dict)", "floor: msgspec.json.encode(dict)"
    if group.startswith("memory/"):
        return procs.MEM_OURS, procs.MEM_FLOOR
    if group.startswith("batch/read results"):
        return batchbench.OURS_READ, batchbench.FLOOR_READ
    if group.startswith("batch/write"):
        return batchbench.OURS_WRITE, None
    if group.startswith("batch/peak RSS") and "reading" in group:
        return batchbench.OURS_READ, None
    if group.startswith("batch/"):
        return batchbench.OURS_SUBMIT, None
    return None, None


#: Groups shown as throughput (per second) rather than time per operation: prefix ->
#: what one operation is.
RATE_GROUPS = {"sse/": "event", "batch/read results": "line"}


def rate_unit(group: str) -> str | None:
    return next((unit for prefix, unit in RATE_GROUPS.items() if group.startswith(prefix)), None)


@dataclass
class Target:
    name: str
    measured: str
    threshold: str
    passed: bool | None  # None: could not be measured
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _med(results: Results, group: str, name: str) -> float | None:
    s = results.get(group, name)
    return s.median if s is not None and s.ok else None


def paired(results: Results, group: str, a: str, b: str) -> float | None:
    """Median over repetitions of a_i / b_i (time ratios): both samples of a pair come
    from the same round-robin repetition, so slow drift of the machine cancels out.
    Falls back to the ratio of medians when the sample counts differ."""
    sa, sb = results.get(group, a), results.get(group, b)
    if sa is None or sb is None or not sa.ok or not sb.ok:
        return None
    if len(sa.samples) == len(sb.samples):
        return statistics.median(x / y for x, y in zip(sa.samples, sb.samples, strict=True))
    return sa.median / sb.median


def _fastest(results: Results, group: str, prefix: str) -> tuple[str, float] | None:
    best = None
    for name, s in results.groups.get(group, {}).items():
        if name.startswith(prefix) and s.ok and (best is None or s.median < best[1]):
            best = (name, s.median)
    return best


def _missing(name: str, threshold: str, why: str) -> Target:
    return Target(name, "n/a", threshold, None, why)


def evaluate(results: Results) -> list[Target]:
    out: list[Target] = []

    # 1. import + Client()
    g = "import/in-process"
    ours = _med(results, g, procs.IMPORT_OURS)
    floor = _med(results, g, procs.IMPORT_FLOOR)
    genai = _med(results, g, procs.IMPORT_GENAI)
    if ours and floor:
        r = paired(results, g, procs.IMPORT_OURS, procs.IMPORT_FLOOR)
        out.append(
            Target(
                "import + Client() ≤ 1.3× `import msgspec, httpx`",
                f"{r:.2f}× ({fmt_time(ours)} vs {fmt_time(floor)})",
                "≤ 1.30×",
                r <= 1.3,
                "in-process time of a fresh interpreter",
            )
        )
    else:
        out.append(_missing("import + Client() ≤ 1.3× floor", "≤ 1.30×", "not measured"))
    if ours and genai:
        r = paired(results, g, procs.IMPORT_GENAI, procs.IMPORT_OURS)
        out.append(
            Target(
                "import + Client() ≥ 4× faster than google-genai import + genai.Client()",
                f"{r:.2f}× faster ({fmt_time(ours)} vs {fmt_time(genai)})",
                "≥ 4.00×",
                r >= 4,
            )
        )
    else:
        out.append(_missing("import + Client() ≥ 4× faster than google-genai", "≥ 4×", "n/a"))

    # 2. decode
    for group in [g for g in results.groups if g.startswith("decode/")]:
        label = group.split("/", 1)[1]
        o = _med(results, group, codec.OURS)
        f = _med(results, group, codec.FLOOR)
        if o and f:
            r = paired(results, group, codec.OURS, codec.FLOOR)
            out.append(
                Target(
                    f"decode {label} within 1.3× of msgspec.json.decode(type=...)",
                    f"{r:.2f}× ({fmt_time(o)} vs {fmt_time(f)})",
                    "≤ 1.30×",
                    r <= 1.3,
                )
            )
    g30 = results.meta.get("decode_30k_group")
    if g30:
        o = _med(results, g30, codec.OURS)
        gn = _med(results, g30, "google-genai response path")
        if o and gn:
            r = paired(results, g30, "google-genai response path", codec.OURS)
            out.append(
                Target(
                    f"decode 30 KB ≥ 15× faster than google-genai's response path ({g30.split('/', 1)[1]})",
                    f"{r:.1f}× faster ({fmt_time(o)} vs {fmt_time(gn)})",
                    "≥ 15×",
                    r >= 15,
                )
            )
        else:
            out.append(_missing("decode 30 KB ≥ 15× faster than google-genai", "≥ 15×", "n/a"))

    # 3. encode
    for group in [g for g in results.groups if g.startswith("encode/")]:
        o_name, f_name = refs(group)
        o = _med(results, group, o_name)
        f = _med(results, group, f_name)
        structs_ = group.endswith("from Structs")
        limit = 1.5 if structs_ else 3.0
        if o and f:
            r = paired(results, group, o_name, f_name)
            out.append(
                Target(
                    f"encode {group.split('/', 1)[1]} within {limit:g}× of raw msgspec",
                    f"{r:.2f}× ({fmt_time(o)} vs {fmt_time(f)})",
                    f"≤ {limit:.2f}×",
                    r <= limit,
                )
            )

    # 4. per-request overhead
    g = "request/sequential"
    o_name, f_name = REFS[g]
    o, f = _med(results, g, o_name), _med(results, g, f_name)
    if o and f:
        r = paired(results, g, o_name, f_name)
        out.append(
            Target(
                "per-request, sequential: ours sync (httpx, dict body) ≤ 1.0× raw httpx + json",
                f"{r:.2f}× ({fmt_time(o)} vs {fmt_time(f)} per request)",
                "≤ 1.00×",
                r <= 1.0,
            )
        )
    else:
        out.append(_missing("per-request sequential ≤ 1.0× raw httpx", "≤ 1.00×", "n/a"))
    g = "request/16 in flight"
    o_name, f_name = REFS[g]
    o, f = _med(results, g, o_name), _med(results, g, f_name)
    if o and f:
        r = paired(results, g, f_name, o_name)
        out.append(
            Target(
                "16 in flight: ours async (httpx2) at least as fast as raw httpx2 async + json",
                f"{r:.2f}× the raw throughput ({1 / o:,.0f} vs {1 / f:,.0f} req/s)",
                "≥ 1.00×",
                r >= 1.0,
            )
        )
    else:
        out.append(_missing("16 in flight ≥ raw httpx2", "≥ 1.00×", "n/a"))

    # 5. SSE
    g = "sse/events"
    o_name, f_name = REFS[g]
    o, f = _med(results, g, o_name), _med(results, g, f_name)
    if o and f:
        r = paired(results, g, f_name, o_name)
        out.append(
            Target(
                "SSE events/s: ours sync (httpx) ≥ 0.8× raw httpx iter_lines + json",
                f"{r:.2f}× ({1 / o:,.0f} vs {1 / f:,.0f} events/s)",
                "≥ 0.80×",
                r >= 0.8,
            )
        )
    best = _fastest(results, g, "google-genai sync")
    if o and best:
        r = paired(results, g, best[0], o_name)
        out.append(
            Target(
                "SSE events/s: ours sync (httpx) ≥ 6× google-genai generate_content_stream",
                f"{r:.1f}× ({1 / o:,.0f} vs {1 / best[1]:,.0f} events/s, fastest google-genai: {best[0]})",
                "≥ 6.0×",
                r >= 6,
            )
        )

    # 5b. Interactions API streams
    g = "sse/interactions events"
    o_name, f_name = REFS[g]
    o, f = _med(results, g, o_name), _med(results, g, f_name)
    if o and f:
        r = paired(results, g, f_name, o_name)
        out.append(
            Target(
                "Interactions stream events/s: ours sync (httpx) ≥ 0.8× raw httpx iter_lines + json",
                f"{r:.2f}× ({1 / o:,.0f} vs {1 / f:,.0f} events/s)",
                "≥ 0.80×",
                r >= 0.8,
            )
        )
    best = _fastest(results, g, "google-genai sync")
    if o and best:
        r = paired(results, g, best[0], o_name)
        out.append(
            Target(
                "Interactions stream events/s: ours sync (httpx) ≥ 5× google-genai interactions.create(stream=True)",
                f"{r:.1f}× ({1 / o:,.0f} vs {1 / best[1]:,.0f} events/s, fastest google-genai: {best[0]})",
                "≥ 5.0×",
                r >= 5,
            )
        )
    elif o:
        out.append(
            _missing("Interactions stream ≥ 5× google-genai", "≥ 5.0×", "google-genai not measured")
        )

    # 6. memory
    g = "memory/peak RSS (VmHWM) after import + client"
    o, f = _med(results, g, procs.MEM_OURS), _med(results, g, procs.MEM_FLOOR)
    if o and f:
        d = o - f
        out.append(
            Target(
                "peak RSS after import + Client() within 10 MiB of `import msgspec, httpx`",
                f"+{d / MiB:.1f} MiB ({fmt_bytes(o)} vs {fmt_bytes(f)})",
                "≤ +10.0 MiB",
                d <= 10 * MiB,
            )
        )

    # 7. codegen
    g = "codegen/both versions"
    s = results.get(g, "generate both versions (subprocess wall, format=True)")
    if s is not None and s.ok:
        out.append(
            Target(
                "generate both versions (format=True) in a subprocess",
                f"{s.median:.2f} s (median of {len(s.samples)})",
                "< 5 s",
                s.median < 5,
            )
        )
    elif s is not None:
        out.append(_missing("generate both versions < 5 s", "< 5 s", s.error))

    # 8. batch mode at scale
    out += _batch_targets(results)

    # 9. the Live API over WebSocket: the client's own work, then over loopback sockets
    for g, what in (
        ("live/client work per turn", "Live client work per turn"),
        ("live/encode audio chunk", "Live audio chunk encoding"),
    ):
        o_name, f_name = REFS[g]
        o, f = _med(results, g, o_name), _med(results, g, f_name)
        if o and f:
            r = paired(results, g, o_name, f_name)
            out.append(
                Target(
                    f"{what} (in process) ≤ 1.2× msgspec on dicts",
                    f"{r:.2f}× ({fmt_time(o)} vs {fmt_time(f)})",
                    "≤ 1.20×",
                    r <= 1.2,
                )
            )
    for g, what in (
        ("live/round trip", "Live turn round trip"),
        ("live/audio chunks", "Live audio chunk"),
    ):
        for flavour in ("sync", "async"):
            ours_name = f"ours {flavour}"
            floor_name = f"raw websockets {'sync' if flavour == 'sync' else 'asyncio'} + msgspec"
            o, f = _med(results, g, ours_name), _med(results, g, floor_name)
            if o and f:
                r = paired(results, g, ours_name, floor_name)
                out.append(
                    Target(
                        f"{what}, {flavour}: ≤ 1.2× raw websockets + msgspec",
                        f"{r:.2f}× ({fmt_time(o)} vs {fmt_time(f)})",
                        "≤ 1.20×",
                        r <= 1.2,
                    )
                )
        o, gq = _med(results, g, "ours async"), _med(results, g, "google-genai async")
        if o and gq:
            r = paired(results, g, "google-genai async", "ours async")
            out.append(
                Target(
                    f"{what}: faster than google-genai's live client (async)",
                    f"{r:.2f}× faster ({fmt_time(o)} vs {fmt_time(gq)})",
                    "> 1.00×",
                    r > 1,
                )
            )
    return out


def _batch_group(results: Results, prefix: str, contains: str = "") -> str | None:
    return next((g for g in results.groups if g.startswith(prefix) and contains in g), None)


def _batch_targets(results: Results) -> list[Target]:
    out: list[Target] = []
    for name, what in [(batchbench.OURS_SUBMIT, "submitting"), (batchbench.OURS_READ, "reading")]:
        group = _batch_group(results, "batch/peak RSS", what)
        s = results.get(group, name) if group else None
        title = f"batch: peak RSS {what} ≤ the idle client + 50 MiB"
        if s is None or not s.ok:
            out.append(_missing(title, "≤ +50 MiB", s.error if s is not None else "not measured"))
            continue
        out.append(
            Target(
                f"{title} ({group.split(', ', 1)[1]})",
                f"+{s.median / MiB:.1f} MiB (worst run +{s.max / MiB:.1f} MiB)",
                "≤ +50 MiB",
                s.max <= 50 * MiB,
            )
        )
    group = _batch_group(results, "batch/read results")
    o = _med(results, group, batchbench.OURS_READ) if group else None
    f = _med(results, group, batchbench.FLOOR_READ) if group else None
    title = "batch: results over HTTP ≥ 0.8× raw httpx + msgspec.json.decode over the same lines"
    if group and o and f:
        r = paired(results, group, batchbench.FLOOR_READ, batchbench.OURS_READ)
        size = group.split("(", 1)[1].rstrip(")")
        out.append(
            Target(
                f"{title} ({size})",
                f"{r:.2f}× ({1 / o:,.0f} vs {1 / f:,.0f} lines/s)",
                "≥ 0.80×",
                r >= 0.8,
            )
        )
    else:
        out.append(_missing(title, "≥ 0.80×", "not measured"))
    o = _med(results, group, batchbench.OURS_DISK) if group else None
    f = _med(results, group, batchbench.FLOOR_DISK) if group else None
    title = "batch: decode only (from disk) ≥ 0.8× raw msgspec.json.decode over the same lines"
    if group and o and f:
        r = paired(results, group, batchbench.FLOOR_DISK, batchbench.OURS_DISK)
        out.append(
            Target(title, f"{r:.2f}× ({1 / o:,.0f} vs {1 / f:,.0f} lines/s)", "≥ 0.80×", r >= 0.8)
        )
    else:
        out.append(_missing(title, "≥ 0.80×", "not measured"))
    return out


# -- rendering ---------------------------------------------------------------------


def _cell_value(s: Series, value: float, rate: bool) -> str:
    if s.unit == "B":
        return fmt_bytes(value)
    if rate:
        return f"{1 / value:,.0f}/s"
    return fmt_time(value)


def _ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return ""
    return f"{a / b:.2f}×"


def group_table(results: Results, group: str, seen_notes: set[str] | None = None) -> list[str]:
    series = results.groups[group]
    ours_name, floor_name = refs(group)
    ours = series.get(ours_name) if ours_name else None
    floor = series.get(floor_name) if floor_name else None
    per = rate_unit(group)
    rate = per is not None
    if rate:
        unit_hdr = f"{per}s/s"
    elif group.startswith("memory/") or "RSS" in group:
        unit_hdr = "RSS"
    else:
        unit_hdr = "time per op"
    lines = [f"#### {group}", ""]
    note = results.group_notes.get(group)
    if note:
        lines += [note, ""]
    if rate:
        lines.append(
            f"| contender | min {unit_hdr} | median | max | time per {per} | ÷ ours | ÷ floor "
            f"| ÷ floor, paired | samples × {per}s |"
        )
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    else:
        lines.append(
            "| contender | min | median | max | ÷ ours | ÷ floor | ÷ floor, paired "
            "| samples × ops |"
        )
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, s in series.items():
        tag = " **(ours)**" if s is ours else (" *(floor)*" if s is floor else "")
        if not s.ok:
            cols = 8 if rate else 7
            lines.append(f"| {name}{tag} | " + " | ".join(["n/a"] + [""] * (cols - 1)) + " |")
            lines.append(
                f"| ↳ {s.error.splitlines()[-1] if s.error else 'no samples'} |" + " |" * (cols)
            )
            continue
        o = ours.median if ours is not None and ours.ok else None
        f = floor.median if floor is not None and floor.ok else None
        pf = None
        if floor is not None and floor.ok and s.unit != "B":
            pf = (
                paired(results, group, floor_name, name)
                if rate
                else paired(results, group, name, floor_name)
            )
        pf_cell = f"{pf:.2f}×" if pf else ""
        if rate:
            # for a rate, the ratios are throughput ratios: >1 means faster than the reference
            lines.append(
                f"| {name}{tag} | {1 / s.max:,.0f} | {1 / s.median:,.0f} | {1 / s.min:,.0f} | "
                f"{fmt_time(s.median)} | {_ratio(o, s.median)} | {_ratio(f, s.median)} | "
                f"{pf_cell} | {len(s.samples)} × {s.ops_per_sample} |"
            )
        else:
            lines.append(
                f"| {name}{tag} | {_cell_value(s, s.min, False)} | "
                f"{_cell_value(s, s.median, False)} | {_cell_value(s, s.max, False)} | "
                f"{_ratio(s.median, o)} | {_ratio(s.median, f)} | {pf_cell} | "
                f"{len(s.samples)} × {s.ops_per_sample} |"
            )
    seen = seen_notes if seen_notes is not None else set()
    notes = [(n, s.note) for n, s in series.items() if s.note and (n, s.note) not in seen]
    seen.update(notes)
    if notes and not group.startswith("memory/"):
        lines.append("")
        for n, text in notes:
            lines.append(
                f"- *{n}*: `{text}`" if group.startswith("import/") else f"- *{n}*: {text}"
            )
    lines.append("")
    return lines


SECTIONS = [
    ("1. Import + client construction (fresh process)", "import/"),
    ("2. Decode GenerateContentResponse", "decode/"),
    ("3. Encode GenerateContentRequest", "encode/"),
    ("4. Per-request overhead (local HTTP server, separate process)", "request/"),
    ("5. SSE throughput (streamGenerateContent)", "sse/"),
    ("6. Memory (fresh process)", "memory/"),
    ("7. Code generation", "codegen/"),
    ("8. Batch mode at scale (fresh process per sample)", "batch/"),
]


def markdown(results: Results, targets: list[Target]) -> str:
    m = results.meta
    lines = [
        "# Benchmarks: generativelanguage v1beta client vs google-genai, GAPIC and raw floors",
        "",
        f"- date: {m['date']}",
        f"- command: `{m['command']}` ({m['mode']} mode, {m['duration_s']:.0f} s)",
        f"- machine: {m['cpu']} × {m['cores']} cores, {m['platform']}; load average "
        f"{m['loadavg_start']} at start, {m['loadavg_end']} at end",
        f"- Python {m['python']} ({m['python_executable']})",
        f"- generated client: v1beta revision {m.get('v1beta_revision', '?')}",
        "",
        "Packages: " + ", ".join(f"{k} {v}" for k, v in sorted(m["packages"].items())),
        "",
        "How to read: every contender runs in the same process and the same run, "
        "interleaved round-robin per repetition; min/median/max are over repetitions "
        "(each one a calibrated batch). Times are per operation; *÷ ours* and *÷ floor* "
        "divide the contender's median by the reference's median (above 1: slower than the "
        "reference), except for SSE, where they are throughput ratios (above 1: more "
        "events/s than the reference). *÷ floor, paired* is the median over repetitions of "
        "the ratio within each repetition, which cancels the machine's drift; the targets "
        "use these paired ratios (memory and code generation: medians).",
        "",
        "## Targets",
        "",
        "| # | target | measured (paired ratio; medians in brackets) | threshold | result |",
        "|---:|---|---|---|---|",
    ]
    for i, t in enumerate(targets, 1):
        res = {True: "✅ pass", False: "❌ FAIL", None: "— n/a"}[t.passed]
        lines.append(f"| {i} | {t.name} | {t.measured} | {t.threshold} | {res} |")
    passed = sum(1 for t in targets if t.passed)
    lines += ["", f"{passed} of {len(targets)} targets pass.", ""]
    if m.get("limitations"):
        lines += ["## Limits of the comparison", ""]
        lines += [f"- {x}" for x in m["limitations"]]
        lines.append("")
    for title, prefix in SECTIONS:
        groups = [g for g in results.groups if g.startswith(prefix)]
        if not groups:
            continue
        lines += [f"## {title}", ""]
        seen: set = set()
        for g in groups:
            lines += group_table(results, g, seen)
    return "\n".join(lines).rstrip() + "\n"


def to_json(results: Results, targets: list[Target]) -> dict[str, Any]:
    groups = {}
    for g, series in results.groups.items():
        o, f = refs(g)
        groups[g] = {
            "note": results.group_notes.get(g, ""),
            "ours": o,
            "floor": f,
            "series": [s.to_json() for s in series.values()],
        }
    return {
        "meta": results.meta,
        "targets": [t.to_json() for t in targets],
        "groups": groups,
    }


def write(results: Results, targets: list[Target], out_dir: Path, stem: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    md = out_dir / f"{stem}.md"
    js = out_dir / f"{stem}.json"
    md.write_text(markdown(results, targets), encoding="utf-8")
    js.write_text(json.dumps(to_json(results, targets), indent=2, ensure_ascii=False) + "\n")
    return [md, js]

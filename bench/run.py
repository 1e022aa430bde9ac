"""Benchmark suite of the generativelanguage client: `make bench` / `make bench-quick`.

Runs inside bench/.venv (created by the Makefile from bench/requirements.txt) and
writes bench/results/latest.{md,json} (quick mode: quick.{md,json}).

    bench/.venv/bin/python bench/run.py [--quick] [--only import,decode,...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import sys
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from benchlib import batchbench, codec, data, httpbench, livebench, procs, report  # noqa: E402
from benchlib.common import Results, log  # noqa: E402

SUITES = ("import", "decode", "encode", "http", "memory", "codegen", "batch", "live")

FULL = dict(
    import_reps=30,
    codec_reps=15,
    codec_batch=0.05,
    http_reps=20,
    http_batch=0.15,
    sse_events=2000,
    sse_reps=7,
    memory_reps=5,
    codegen_reps=3,
    batch_n=100_000,
    batch_reps=3,
    batch_subset=10_000,
    live_reps=15,
    live_batch=0.2,
    live_chunks=1000,
)
QUICK = dict(
    import_reps=6,
    codec_reps=5,
    codec_batch=0.015,
    http_reps=3,
    http_batch=0.08,
    sse_events=500,
    sse_reps=3,
    memory_reps=1,
    codegen_reps=1,
    batch_n=10_000,
    batch_reps=1,
    batch_subset=2_000,
    live_reps=3,
    live_batch=0.1,
    live_chunks=300,
)

LIMITATIONS = [
    "GAPIC (google-ai-generativelanguage) is measured over its REST transport with "
    "AnonymousCredentials and an http:// api_endpoint, which it accepts; it has no async "
    "REST client without extra dependencies (its async client is gRPC only), so it is "
    "absent from the 16-in-flight runs and the async rows.",
    "GAPIC's REST streaming does not speak SSE: it requests a streamed JSON array "
    "(`$alt=json;enum-encoding=int`), so its SSE row is fed the same events as one JSON "
    "array, element by element; it is not comparable byte for byte with the SSE rows.",
    "GAPIC parses into its own proto schema and drops fields it does not know "
    "(ignore_unknown_fields=True), so it may do less work than the other decoders on "
    "bodies with newer fields.",
    "google-genai picks httpx2 when both httpx and httpx2 are installed; its rows name "
    "the backend (chosen with GOOGLE_GENAI_HTTP_CLIENT at client construction).",
    "No recorded generateContent response lies within 25% of 30 KB (the largest exact "
    "one under 30 KB is ~13 KB, the next ~53 KB is re-serialized), so the 30 KB body is "
    "generated from recorded texts; the largest recorded one under 30 KB is measured too.",
    "Batch mode: google-genai has no streaming reader of a results file; its documented "
    "path (files.download) returns the whole file as bytes, so its memory grows with the "
    "file. Its typed row (its own GenerateContentResponse per line) reads a smaller file of "
    "the same lines, to keep the run short; the time per line is comparable, the peak RSS "
    "is that of the smaller file. Its submit writes the JSONL with json.dumps streamed from "
    "the same generator (the docs build a list first), uploads it with files.upload and "
    "creates the batch with batches.create; it checks no request before the upload.",
    *livebench.LIMITATIONS,
]


def _pinned() -> dict[str, str]:
    pins = {}
    for line in (HERE / "requirements.txt").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)", line.strip())
        if m:
            pins[m.group(1)] = m.group(2)
    return pins


def _versions() -> tuple[dict[str, str], list[str]]:
    out, mismatched = {}, []
    for name, want in _pinned().items():
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            have = "missing"
        out[name] = have
        if have != want:
            mismatched.append(f"{name} {have} (pinned {want})")
    try:
        out["generativelanguage"] = metadata.version("generativelanguage") + " (editable)"
    except metadata.PackageNotFoundError:
        out["generativelanguage"] = "missing"
    return out, mismatched


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smoke run, under ~2 minutes")
    ap.add_argument("--only", default="", help=f"comma-separated subset of {','.join(SUITES)}")
    ap.add_argument("--fixtures", help="recorded interactions.jsonl (default: ../shared/...)")
    ap.add_argument("--codegen-python", help="python with the generator's tools (.venv)")
    ap.add_argument("--out", default=str(HERE / "results"), help="results folder")
    ap.add_argument("--stem", help="output file stem (default latest, or quick)")
    args = ap.parse_args(argv)
    p = QUICK if args.quick else FULL
    only = {s.strip() for s in args.only.split(",") if s.strip()} or set(SUITES)
    unknown = only - set(SUITES)
    if unknown:
        ap.error(f"unknown suite(s): {', '.join(sorted(unknown))}")

    versions, mismatched = _versions()
    if mismatched:
        log(
            "warning: installed versions differ from bench/requirements.txt: "
            + ", ".join(mismatched)
        )
    started = time.perf_counter()
    results = Results()
    import generativelanguage.v1beta as v1beta
    from generativelanguage.runtime import structs

    results.meta.update(
        date=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
        command=" ".join(["make bench-quick" if args.quick else "make bench"]),
        argv=sys.argv[1:] if argv is None else argv,
        mode="quick" if args.quick else "full",
        parameters=p,
        suites=sorted(only),
        python=platform.python_version(),
        python_implementation=platform.python_implementation(),
        python_executable=sys.executable,
        platform=platform.platform(),
        cpu=_cpu(),
        cores=os.cpu_count(),
        loadavg_start=_loadavg(),
        packages=versions,
        version_mismatches=mismatched,
        v1beta_revision=v1beta.REVISION,
        limitations=LIMITATIONS,
    )

    fixtures = data.fixtures_path(args.fixtures)
    records = data.load_interactions(fixtures)
    bodies = data.response_bodies(records, quick=args.quick)
    b30 = data.body_30k(bodies)
    results.meta["fixtures"] = str(fixtures)
    results.meta["decode_30k_group"] = f"decode/{b30.label}" if "decode" in only else None
    results.meta["bodies"] = [
        {"label": b.label, "bytes": b.size, "origin": b.origin, "source": b.source} for b in bodies
    ]

    def validates(body: dict) -> bool:
        try:
            structs.to_struct(v1beta.types.GenerateContentRequest, body)
            return True
        except Exception:
            return False

    requests = data.request_bodies(records, validates)
    events, events_source = data.sse_events(records)
    results.meta["sse_events_source"] = events_source
    interaction_frames = data.interaction_events(records)
    results.meta["interaction_events_source"] = interaction_frames[1]
    results.meta["requests"] = [{"label": lbl, "source": src} for lbl, _, src in requests]

    if "import" in only:
        log(f"[import] {p['import_reps']} fresh processes per contender")
        procs.import_suite(results, p["import_reps"])
    if "decode" in only:
        log(f"[decode] {len(bodies)} bodies")
        codec.decode_suite(bodies, results, p["codec_reps"], p["codec_batch"])
    if "encode" in only:
        log("[encode]")
        codec.encode_suite(requests, results, p["codec_reps"], p["codec_batch"])
    if "http" in only:
        gen_body = next(b for b in bodies if b.label.startswith("1 KB"))
        log(f"[http] sequential, 16 in flight, SSE x{p['sse_events']}")
        httpbench.http_suite(
            gen_body.text,
            events,
            requests[0][1],
            results,
            reps=p["http_reps"],
            batch=p["http_batch"],
            n_events=p["sse_events"],
            sse_reps=p["sse_reps"],
            interactions=interaction_frames,
        )
    if "memory" in only:
        log(f"[memory] {p['memory_reps']} runs per contender")
        procs.memory_suite(results, b30.data, b30.label, p["memory_reps"])
    if "codegen" in only:
        log("[codegen]")
        procs.codegen_suite(results, p["codegen_reps"], args.codegen_python)
    if "batch" in only:
        log(f"[batch] {p['batch_n']:,} requests / result lines, {p['batch_reps']} runs each")
        batchbench.batch_suite(results, records, p["batch_n"], p["batch_reps"], p["batch_subset"])

    if "live" in only:
        log(f"[live] round trip and audio chunks x{p['live_chunks']} against the emulator")
        livebench.live_suite(
            results, reps=p["live_reps"], batch=p["live_batch"], chunks=p["live_chunks"]
        )

    results.meta["loadavg_end"] = _loadavg()
    results.meta["duration_s"] = time.perf_counter() - started
    targets = report.evaluate(results)
    stem = args.stem or ("quick" if args.quick else "latest")
    if only != set(SUITES) and not args.stem:
        stem += "-partial"
    paths = report.write(results, targets, Path(args.out), stem)
    print(f"\nwrote {', '.join(str(x) for x in paths)} in {results.meta['duration_s']:.0f} s\n")
    width = max(len(t.name) for t in targets) if targets else 0
    for t in targets:
        res = {True: "pass", False: "FAIL", None: "n/a"}[t.passed]
        print(f"  {res:4s}  {t.name:{width}s}  {t.measured}  (target {t.threshold})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Batch mode at scale: writing and submitting N requests of ~1 KB, and reading N results
(~10 KB each, ~1 GB for 100,000) back, against google-genai's documented path and the
raw msgspec floor. Every sample is a fresh interpreter (``batch_child.py``), so peak RSS
(VmHWM) is that of the work alone, measured above the contender's idle client.

Servers run in their own processes: the emulator (``python -m
generativelanguage.emulator``) takes the uploads and creates the batches; ``fileserver.py``
serves the results file from disk. Generated data lives in ``.tmp/bench-batch/`` (git
ignored) and is removed at the end.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import msgspec

from .common import Results, Series, log
from .data import REPO, _real_texts, generate_response
from .procs import child_env

HERE = Path(__file__).resolve().parent
CHILD = HERE / "batch_child.py"
WORK = REPO / ".tmp" / "bench-batch"
RESULTS_ID = "bench-results"
SUBSET_ID = "bench-subset"

OURS_READ = "ours: client.batches.results() over loopback HTTP (sync, httpx)"
OURS_READ_ASYNC = "ours: same, AsyncClient (async for)"
FLOOR_READ = "floor: raw httpx stream, lines split, msgspec.json.decode(line) (to dicts)"
OURS_DISK = "ours, decode only: its line decoder fed the file from disk"
FLOOR_DISK = "floor, decode only: msgspec.json.decode(line) from disk (to dicts)"
FLOOR_TYPED = "floor, decode only: msgspec.json.decode(line, type=Line) from disk (Structs)"
GENAI_READ = "google-genai: files.download() + json.loads per line (docs)"
GENAI_TYPED = "google-genai: same + its GenerateContentResponse per line"
OURS_WRITE = "ours: write_jsonl (msgspec, each request checked)"
GENAI_WRITE = "google-genai docs: json.dumps per line"
OURS_SUBMIT = "ours: client.batches.submit(inline=False)"
GENAI_SUBMIT = "google-genai: json.dumps lines + files.upload + batches.create"


def groups(n: int, size: int) -> dict[str, str]:
    gb = size / 1e9
    return {
        "write": f"batch/write JSONL ({n:,} requests of ~1 KB)",
        "submit": f"batch/submit ({n:,} requests: write + upload + create)",
        "submit_rss": f"batch/peak RSS above the idle client, submitting {n:,} requests",
        "read": f"batch/read results ({n:,} lines, {gb:.2f} GB)",
        "read_rss": f"batch/peak RSS above the idle client, reading {n:,} results",
    }


def request_texts(records: list[dict]) -> list[str]:
    """~900-character prompts made of real response texts."""
    pool = _real_texts(records)
    rng = random.Random(11)
    out = []
    for _ in range(256):
        text = ""
        while len(text) < 900:
            text += rng.choice(pool) + " "
        out.append(text[:900])
    return out


def write_results(records: list[dict], path: Path, n: int) -> int:
    """``n`` output lines ``{"key", "response"}`` of ~10 KB generated realistic responses
    (one in 1,000 an ``{"key", "error"}`` line); returns the file's size."""
    pool = []
    for seed in range(16):
        doc = json.loads(generate_response(records, 12_000, seed=seed))
        pool.append(msgspec.json.encode(doc))
    error = msgspec.json.encode({"code": 3, "message": "Request contains an invalid argument."})
    with open(path, "wb", buffering=1 << 20) as f:
        for i in range(n):
            if i % 1000 == 999:
                f.write(b'{"key":"req-%07d","error":%b}\n' % (i, error))
            else:
                f.write(b'{"key":"req-%07d","response":%b}\n' % (i, pool[i % len(pool)]))
    return path.stat().st_size


def _run(case: str, args: dict, env: dict) -> dict:
    proc = subprocess.run(
        [sys.executable, str(CHILD), case, json.dumps(args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip()[-600:])
    return json.loads(proc.stdout)


class _Server:
    def __init__(self, argv: list[str], env: dict) -> None:
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )
        line = self.proc.stdout.readline()
        if not line.startswith("PORT "):
            self.proc.kill()
            raise RuntimeError(f"file server did not start: {line!r}")
        self.url = f"http://127.0.0.1:{int(line.split()[1])}"

    def stop(self) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def batch_suite(results: Results, records: list[dict], n: int, reps: int, subset: int) -> None:
    env = child_env()
    WORK.mkdir(parents=True, exist_ok=True)
    texts_path = WORK / "texts.json"
    texts_path.write_text(json.dumps(request_texts(records)))
    results_path = WORK / "results.jsonl"
    subset_path = WORK / "results-subset.jsonl"
    log(f"  generating {n:,} result lines ...")
    size = write_results(records, results_path, n)
    write_results(records, subset_path, min(subset, n))
    g = groups(n, size)
    results.meta["batch"] = {
        "requests": n,
        "results_lines": n,
        "results_bytes": size,
        "genai_typed_lines": min(subset, n),
        "reps": reps,
    }
    from generativelanguage.emulator.server import spawn

    emulator = spawn(extra_args=["--operation-polls", "1000000"])
    files = _Server(
        [
            sys.executable,
            str(HERE / "fileserver.py"),
            "--file",
            f"{RESULTS_ID}={results_path}",
            "--file",
            f"{SUBSET_ID}={subset_path}",
        ],
        env,
    )
    s = {
        key: {}
        for key in g  # group key -> contender -> Series
    }

    def series(key: str, name: str, unit: str = "s", ops: int = 1, note: str = "") -> Series:
        if name not in s[key]:
            s[key][name] = results.add(
                Series(g[key], name, unit=unit, ops_per_sample=ops, note=note)
            )
        return s[key][name]

    jsonl = str(WORK / "input.jsonl")
    cases = [
        ("write", OURS_WRITE, "write-ours", {"n": n, "texts": str(texts_path), "path": jsonl}),
        ("write", GENAI_WRITE, "write-genai", {"n": n, "texts": str(texts_path), "path": jsonl}),
        (
            "submit",
            OURS_SUBMIT,
            "submit-ours",
            {"n": n, "texts": str(texts_path), "url": emulator.url},
        ),
        (
            "submit",
            GENAI_SUBMIT,
            "submit-genai",
            {"n": n, "texts": str(texts_path), "url": emulator.url, "path": jsonl},
        ),
        ("read", OURS_READ, "results-ours", {"url": files.url, "batch": f"batches/{RESULTS_ID}"}),
        (
            "read",
            OURS_READ_ASYNC,
            "results-ours-async",
            {"url": files.url, "batch": f"batches/{RESULTS_ID}"},
        ),
        (
            "read",
            FLOOR_READ,
            "results-floor-http",
            {"url": files.url, "batch": f"batches/{RESULTS_ID}", "file": f"files/{RESULTS_ID}"},
        ),
        ("read", OURS_DISK, "results-ours-disk", {"path": str(results_path)}),
        ("read", FLOOR_DISK, "results-floor", {"path": str(results_path)}),
        ("read", FLOOR_TYPED, "results-floor-typed", {"path": str(results_path)}),
        ("read", GENAI_READ, "results-genai", {"url": files.url, "file": f"files/{RESULTS_ID}"}),
        (
            "read",
            GENAI_TYPED,
            "results-genai",
            {"url": files.url, "file": f"files/{SUBSET_ID}", "typed": True},
        ),
    ]
    try:
        for r in range(reps):
            k = r % len(cases)
            for key, name, case, args in cases[k:] + cases[:k]:
                emulator.reset()  # forget earlier uploads (100 MB each)
                try:
                    out = _run(case, args, env)
                except Exception as exc:  # keep going: the table says what failed
                    log(f"  batch: {name}: {exc}")
                    series(key, name).error = str(exc)
                    continue
                count = out["count"]
                series(key, name, ops=count).samples.append(out["seconds"] / count)
                if key in ("submit", "read"):
                    rss = "submit_rss" if key == "submit" else "read_rss"
                    series(rss, name, unit="B").samples.append(float(out["peak"] - out["idle"]))
                log(f"  batch: {name}: {out['seconds']:.2f} s for {count:,}")
                if os.path.exists(jsonl):
                    os.unlink(jsonl)
    finally:
        files.stop()
        emulator.stop()
        shutil.rmtree(WORK, ignore_errors=True)
    results.group_notes[g["write"]] = (
        "time per request to turn a generator of (key, request) pairs into a JSON Lines "
        "file on disk; fresh interpreter per sample"
    )
    results.group_notes[g["submit"]] = (
        "time of the whole submit per batch against the emulator in its own process "
        "(the upload goes over loopback; the emulator keeps it in memory)"
    )
    results.group_notes[g["read"]] = (
        "lines per second; ours reads the results through the client (batches.get, then "
        "the responses file downloaded from a local file server in its own process and "
        "decoded line by line as it arrives), the floor streams the same download with raw "
        "httpx and decodes each line to dicts; the 'decode only' rows read the same file "
        "from disk, without HTTP. "
        f"The typed google-genai row reads a {min(subset, n):,}-line file of the same lines."
    )
    for key in ("submit_rss", "read_rss"):
        results.group_notes[g[key]] = (
            "VmHWM after the work minus VmHWM once the contender's client exists (fresh "
            "interpreter per sample)"
        )

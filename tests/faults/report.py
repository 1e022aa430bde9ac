"""Run the fault matrix and write its table into docs/RELIABILITY.md (``make fault-report``).

Runs ``pytest tests/faults`` with ``FAULT_REPORT`` set, so every case records its
outcome and wall time for each of its four runs (sync and async, httpx and httpx2), and
replaces the text between the ``fault-matrix`` markers of the document with the table.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from tests.faults.cases import CASES, DEADLINE, IDLE, READ_TIMEOUT, TRICKLE

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "RELIABILITY.md"
START, END = "<!-- fault-matrix:start -->", "<!-- fault-matrix:end -->"


def run() -> tuple[list[dict], float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        results = Path(tmp) / "faults.jsonl"
        started = time.monotonic()
        code = subprocess.call(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "tests/faults"],
            cwd=ROOT,
            env={**os.environ, "FAULT_REPORT": str(results)},
        )
        elapsed = time.monotonic() - started
        rows = [json.loads(line) for line in results.read_text().splitlines()]
    return rows, elapsed, code


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def table(rows: list[dict], elapsed: float) -> str:
    by_case: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_case[row["case"]].append(row)
    runs = len(rows)
    passed = sum(r["passed"] for r in rows)
    lines = [
        f"{len(CASES)} cases x 4 (sync and async, httpx and httpx2) = {runs} runs; "
        f"{passed} passed; the whole matrix took {elapsed:.1f} s "
        f"(`make fault-report`, {platform.python_implementation()} "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}).",
        "",
        f"Timeouts in every case: read {READ_TIMEOUT:g} s, stream idle {IDLE:g} s, deadline "
        f"{DEADLINE:g} s (the 50 MB cases: 5 s), 3 attempts; a trickle is one byte every "
        f"{TRICKLE * 1000:g} ms. Every run also checks: no credential in any exception text "
        "or log record (root logger at DEBUG), no descriptor, thread or connection left "
        "behind.",
        "",
        "| case | fault | expected outcome | bound | result (4 runs) | reproduce |",
        "|---|---|---|---|---|---|",
    ]
    for case in CASES:
        got = by_case.get(case.name, [])
        ok = sum(r["passed"] for r in got)
        outcomes = sorted({r.get("outcome", "?") for r in got})
        slowest = max((r.get("elapsed") or 0 for r in got), default=0)
        result = f"{ok}/{len(got)} pass; {', '.join(outcomes)}; slowest {slowest:.2f} s"
        peaks = [r["peak_memory"] for r in got if r.get("peak_memory")]
        if peaks:
            result += f"; peak traced memory {max(peaks) / 2**20:.1f} MiB"
        lines.append(
            "| "
            + " | ".join(
                _cell(x)
                for x in (
                    f"`{case.name}`",
                    case.fault,
                    case.expect,
                    f"{case.bound:g} s",
                    result,
                    f"`.venv/bin/pytest tests/faults --case {case.name}`",
                )
            )
            + " |"
        )
    return "\n".join(lines)


def replace_section(text: str, start: str, end: str, body: str) -> str:
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    if not rest:
        raise SystemExit(f"{DOC}: markers {start} ... {end} not found")
    return f"{head}{start}\n{body}\n{end}{tail}"


def main() -> int:
    rows, elapsed, code = run()
    DOC.write_text(replace_section(DOC.read_text(), START, END, table(rows, elapsed)))
    print(f"wrote {DOC.relative_to(ROOT)} ({len(rows)} runs, {elapsed:.1f} s)")
    return code


if __name__ == "__main__":
    sys.exit(main())

"""``python -m tests.corpus [NAME_FILTER ...] [--workers N]`` (``make test-corpus``).

Checks every document of the pinned google-api-python-client wheel (or those whose file
name contains one of the filters) and prints N/N per stage and the failures grouped by
cause. Exits 1 when any document fails any stage.
"""

from __future__ import annotations

import argparse
import sys
import time

from . import wheel
from .run import report, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.corpus")
    parser.add_argument("filters", nargs="*", help="only documents whose file name contains one")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    started = time.monotonic()
    paths = wheel.documents()
    if args.filters:
        paths = [p for p in paths if any(f in p.name for f in args.filters)]
    print(
        f"{len(paths)} documents from {wheel.PROJECT} {wheel.VERSION} ({wheel.CACHE})",
        flush=True,
    )
    done = 0

    def progress(result) -> None:
        nonlocal done
        done += 1
        if done % 50 == 0 or done == len(paths):
            print(f"  {done}/{len(paths)} checked, {time.monotonic() - started:.0f} s", flush=True)

    results = run(paths, args.workers, progress)
    print(report(results))
    print(f"wall time {time.monotonic() - started:.0f} s")
    return (
        0 if all(all(r.passed(s) for s in r.stages) and len(r.stages) == 5 for r in results) else 1
    )


if __name__ == "__main__":
    sys.exit(main())

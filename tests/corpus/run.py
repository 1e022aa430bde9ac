"""Run the corpus check over many documents in parallel worker processes.

Each worker keeps one loopback server and one output folder for its lifetime and checks
one document at a time; the biggest documents are handed out first so that the workers
finish together.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from generativelanguage.runtime import structs

from .check import PARENT, STAGES, Result, check

_server = None
_workdir: Path | None = None


def _init(root: str) -> None:
    global _server, _workdir
    from tests.support.server import LocalServer

    _server = LocalServer().start()
    _workdir = Path(tempfile.mkdtemp(prefix="worker-", dir=root))


def _one(path: str) -> Result:
    assert _server is not None and _workdir is not None
    try:
        return check(Path(path), _workdir, _server)
    finally:
        # What one document leaves behind goes before the next: its package on disk
        # and what the runtime caches per type (decoders, field tables, strict twins).
        shutil.rmtree(_workdir / PARENT, ignore_errors=True)
        for cache in (structs._decoders, structs._tables, structs._twins, structs._twin_misses):
            cache.clear()
        sys.modules.pop(structs._TWIN_MODULE, None)


def run(paths: list[Path], workers: int | None = None, progress=None) -> list[Result]:
    """Check every document of ``paths``; results in the order of ``paths``."""
    workers = workers or min(2, os.cpu_count() or 1)
    order = sorted(paths, key=lambda p: -p.stat().st_size)
    results: dict[str, Result] = {}
    root = tempfile.mkdtemp(prefix="corpus-")
    try:
        with ProcessPoolExecutor(workers, initializer=_init, initargs=(root,)) as pool:
            for future in as_completed([pool.submit(_one, str(p)) for p in order]):
                result = future.result()
                results[result.document] = result
                if progress:
                    progress(result)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return [results[p.name] for p in paths]


def report(results: list[Result]) -> str:
    """Per stage N/N, then the failures grouped by stage and cause."""
    lines = []
    n = len(results)
    for stage in STAGES:
        ok = sum(r.passed(stage) for r in results)
        busy = sum(r.timings.get(stage, 0.0) for r in results)
        lines.append(f"{stage:9} {ok}/{n}   ({busy:.0f} s of worker time)")
    everything = sum(all(r.passed(s) for s in STAGES) for r in results)
    lines.append(f"{'all':9} {everything}/{n}")
    lines.append(
        f"({sum(r.schemas for r in results)} schemas decoded, "
        f"{sum(r.calls for r in results)} method calls checked)"
    )
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in results:
        for stage, causes in r.stages.items():
            for c in causes:
                groups[stage, c].append(r.document)
    if groups:
        lines.append("\nfailures by cause:")
        order = Counter({k: len(v) for k, v in groups.items()})
        for (stage, c), count in order.most_common():
            docs = groups[stage, c]
            shown = ", ".join(docs[:6]) + (f" (+{len(docs) - 6})" if len(docs) > 6 else "")
            lines.append(f"  [{stage}] {c}\n      {count} document(s): {shown}")
    return "\n".join(lines)

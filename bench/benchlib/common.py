"""Timing primitives: calibrated batches, interleaved (round-robin) repetitions, stats."""

from __future__ import annotations

import gc
import math
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

perf = time.perf_counter


@dataclass
class Series:
    """Samples of one contender in one measurement: seconds per operation (or bytes,
    for memory), one sample per repetition."""

    group: str  # measurement, e.g. "decode/30 KB generated"
    name: str  # contender
    samples: list[float] = field(default_factory=list)
    unit: str = "s"  # "s" (per op) or "B"
    ops_per_sample: int = 1
    note: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and bool(self.samples)

    @property
    def min(self) -> float:
        return min(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def max(self) -> float:
        return max(self.samples)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        if self.ok:
            d.update(min=self.min, median=self.median, max=self.max)
        return d


class Results:
    """Every series of the run, by group then contender."""

    def __init__(self) -> None:
        self.groups: dict[str, dict[str, Series]] = {}
        self.group_notes: dict[str, str] = {}
        self.meta: dict[str, Any] = {}

    def add(self, s: Series) -> Series:
        self.groups.setdefault(s.group, {})[s.name] = s
        return s

    def get(self, group: str, name: str) -> Series | None:
        return self.groups.get(group, {}).get(name)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def calibrate(run: Callable[[int], float], target: float, max_n: int = 1_000_000) -> int:
    """Operations per batch so that one batch takes about ``target`` seconds."""
    run(1)  # warm up (first call may fill caches, open connections, compile)
    n = 1
    while True:
        elapsed = run(n)
        if elapsed >= target / 5 or n >= max_n:
            break
        n *= 4 if elapsed < target / 50 else 2
    per_op = elapsed / n
    return max(1, min(max_n, math.ceil(target / per_op))) if per_op > 0 else max_n


def round_robin(
    group: str,
    contenders: dict[str, Callable[[int], float]],
    *,
    reps: int,
    batch_seconds: float,
    results: Results,
    fixed_n: int | None = None,
    notes: dict[str, str] | None = None,
) -> dict[str, Series]:
    """Time every contender ``reps`` times, interleaved: repetition r runs each contender
    once, in an order rotated by r, so that drift of the machine (frequency, other load)
    spreads over all contenders alike. ``run(n)`` performs n operations and returns the
    elapsed seconds; samples are seconds per operation."""
    notes = notes or {}
    series: dict[str, Series] = {}
    sizes: dict[str, int] = {}
    for name, run in contenders.items():
        s = Series(group, name, note=notes.get(name, ""))
        try:
            if fixed_n:
                run(fixed_n)  # warm up
                sizes[name] = fixed_n
            else:
                sizes[name] = calibrate(run, batch_seconds)
            s.ops_per_sample = sizes[name]
        except Exception as exc:  # a contender that cannot run is reported, not fatal
            s.error = f"{type(exc).__name__}: {exc}"[:300]
            log(f"  {group}: {name}: {s.error}")
        series[name] = s
    live = [name for name in contenders if not series[name].error]
    for r in range(reps):
        k = r % len(live) if live else 0
        order = live[k:] + live[:k]
        if r % 2:
            order.reverse()
        for name in order:
            s = series[name]
            if s.error:
                continue
            gc.collect()
            try:
                elapsed = contenders[name](sizes[name])
            except Exception as exc:
                s.error = f"{type(exc).__name__}: {exc}"[:300]
                log(f"  {group}: {name}: {s.error}")
                continue
            s.samples.append(elapsed / sizes[name])
    for s in series.values():
        results.add(s)
    return series


def loop(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[[int], float]:
    """``run(n)`` that calls ``fn(*args, **kwargs)`` n times."""

    def run(n: int) -> float:
        if kwargs:
            t0 = perf()
            for _ in range(n):
                fn(*args, **kwargs)
            return perf() - t0
        t0 = perf()
        for _ in range(n):
            fn(*args)
        return perf() - t0

    return run


def fmt_time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.3f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    if seconds >= 1e-6:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e9:.0f} ns"


def fmt_bytes(n: float) -> str:
    return f"{n / (1024 * 1024):.1f} MiB"

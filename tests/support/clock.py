"""A fake clock for timing logic: time moves only when the code under test sleeps (or a
test says so), so retry and deadline decisions are tested exactly and without waiting."""

from __future__ import annotations


class FakeClock:
    """Implements ``generativelanguage.runtime.retry.Clock``.

    Args:
        overshoot: Extra seconds every sleep lasts, as on a loaded machine.
    """

    def __init__(self, start: float = 1000.0, overshoot: float = 0.0) -> None:
        self.start = start
        self.now = start
        self.wall_start = 1_700_000_000.0
        self.overshoot = overshoot
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.wall_start + (self.now - self.start)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds + self.overshoot

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def advance(self, seconds: float) -> None:
        self.now += seconds

    @property
    def elapsed(self) -> float:
        return self.now - self.start

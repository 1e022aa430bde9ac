"""When to try a call again and when to stop: the retry policy and the deadline, free of I/O.

This module is the whole rule of time for one call. The sync and async transports (and
the resumable upload) only carry out what a ``Schedule`` decides; the clock is injected,
so every decision here is tested with a fake clock and no sleeping.

The rule:

1. The deadline (``RetryPolicy.deadline``) counts from the start of the call and covers
   everything: connecting, sending, the status line, the body, waits between attempts,
   and for a stream the time to its first event. An attempt must end by the deadline,
   or by ``attempt_timeout`` after it began if that comes first (``Schedule.begin``).
2. A failed attempt is tried again only when the failure is retryable, attempts are
   left, and the wait before the next one ends before the deadline. The wait is the
   server's hint (``Retry-After``, else ``google.rpc.RetryInfo``) when it gave one,
   else jittered exponential backoff. A hint longer than ``max_retry_delay``, or one
   that does not fit before the deadline, fails the call at once with the hint in
   ``APIError.retry_after``: waiting and then giving up helps no one.
3. When the deadline ends a call, the call raises the last failure the network or the
   service gave; ``APITimeoutError`` only when there was none, i.e. when the first
   attempt did not finish in time. Whether a sleep overshot or a retry started with
   little time left, the same situation gives the same error.
4. An attempt cut short by ``attempt_timeout`` (not the deadline) is a retryable
   ``APITimeoutError``.
"""

from __future__ import annotations

import random
import time
from typing import Any, Protocol

from .durations import parse_duration
from .errors import APIError, APITimeoutError, GenerativeLanguageError
from .options import RetryPolicy


class Clock(Protocol):
    """Where the runtime reads the time and sleeps; tests pass a fake one."""

    def monotonic(self) -> float: ...

    def time(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...

    async def asleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock. Sleep functions are looked up at call time, so a test that
    patches ``time.sleep`` or ``asyncio.sleep`` sees the runtime's sleeps."""

    monotonic = staticmethod(time.monotonic)
    time = staticmethod(time.time)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        # asyncio is imported on first use so that importing the sync client stays cheap.
        import asyncio

        await asyncio.sleep(seconds)


SYSTEM_CLOCK = SystemClock()


def retry_hint(error: APIError, now: float | None = None) -> float | None:
    """Seconds the server asked us to wait: ``Retry-After`` (RFC 9110 section 10.2.3),
    else ``google.rpc.RetryInfo.retryDelay`` from the error details.

    Args:
        error: The error response.
        now: Wall-clock seconds since the epoch, for the HTTP-date form of
            ``Retry-After`` (default: the system clock).
    """
    value = {k.lower(): v for k, v in error.headers.items()}.get("retry-after")
    if value:
        value = value.strip()
        if value.isdigit():
            return float(value)
        import email.utils  # only for the rare HTTP-date form

        try:
            when = email.utils.parsedate_to_datetime(value)
            return max(0.0, when.timestamp() - (time.time() if now is None else now))
        except (TypeError, ValueError):
            pass
    info = error.detail("RetryInfo")
    if info is not None:
        delay = info.get("retryDelay")
        if not isinstance(delay, str):
            return None
        try:
            return parse_duration(delay).total_seconds()
        except ValueError:
            return None
    return None


class Schedule:
    """The attempts of one call under a ``RetryPolicy``: when each must end, whether to
    try again and after how long. No I/O; the transports drive it::

        schedule = Schedule(policy)
        while True:
            end = schedule.begin()          # the attempt must be over by `end`
            try:
                return attempt(end)
            except Failure as failure:
                delay = schedule.failed(failure.error, failure.retryable)  # or raises
            sleep(delay)

    Args:
        policy: The retry policy.
        label: Names the call in messages (the Discovery method id).
        clock: Time source; a fake one in tests.
        rng: Random source of the backoff jitter.
    """

    __slots__ = (
        "policy",
        "label",
        "clock",
        "rng",
        "started",
        "deadline_at",
        "attempts",
        "attempt_end",
        "last_error",
    )

    def __init__(
        self,
        policy: RetryPolicy,
        label: str = "call",
        clock: Clock = SYSTEM_CLOCK,
        rng: random.Random | None = None,
    ) -> None:
        self.policy = policy
        self.label = label
        self.clock = clock
        self.rng = rng
        self.started = clock.monotonic()
        self.deadline_at = None if policy.deadline is None else self.started + policy.deadline
        self.attempts = 0
        #: When the current attempt must be over (None: no limit).
        self.attempt_end: float | None = None
        #: The failure of the previous attempt, raised if the deadline ends the call.
        self.last_error: GenerativeLanguageError | None = None

    def begin(self) -> float | None:
        """Start the next attempt.

        Returns:
            The monotonic instant by which the attempt must be over, or None.

        Raises:
            GenerativeLanguageError: The deadline has passed (rule 3).
        """
        now = self.clock.monotonic()
        if self.deadline_at is not None and now >= self.deadline_at:
            self._give_up_at_deadline(None)
        self.attempts += 1
        end = self.deadline_at
        if self.policy.attempt_timeout is not None:
            own = now + self.policy.attempt_timeout
            end = own if end is None else min(end, own)
        self.attempt_end = end
        return end

    def repeat(self) -> None:
        """The attempt is made again without counting (a 401 answered by a fresh token)."""
        self.attempts -= 1

    def out_of_time(self) -> bool:
        """Whether the current attempt has used up the time it was given."""
        end = self.attempt_end
        return end is not None and self.clock.monotonic() >= end

    def failed(self, error: GenerativeLanguageError, retryable: bool) -> float:
        """An attempt failed with ``error``: decide what happens next.

        Args:
            error: What the attempt failed with (already one of our exceptions).
            retryable: Whether this kind of failure may be retried at all.

        Returns:
            Seconds to wait before the next attempt.

        Raises:
            GenerativeLanguageError: ``error`` (or the error rule 3 picks) when the call
                gives up.
        """
        if isinstance(error, APITimeoutError) and self.out_of_time():
            if self.attempt_end == self.deadline_at:
                self._give_up_at_deadline(error)
            error = APITimeoutError(
                f"{self.label}: attempt {self.attempts} took longer than "
                f"attempt_timeout={self.policy.attempt_timeout:g} s"
            )
            retryable = True
        error.attempts = self.attempts
        hint = None
        if isinstance(error, APIError):
            hint = retry_hint(error, self.clock.time())
            if hint is not None:
                error.retry_after = hint
        if not retryable or self.attempts >= self.policy.max_attempts:
            raise error
        if hint is not None:
            if hint > self.policy.max_retry_delay:
                raise error
            delay = hint
        else:
            delay = self.policy.backoff(self.attempts, self.rng)
        if self.deadline_at is not None and self.clock.monotonic() + delay >= self.deadline_at:
            raise error
        self.last_error = error
        return delay

    def _give_up_at_deadline(self, cause: Exception | None) -> Any:
        """Rule 3: the last failure, else ``APITimeoutError``."""
        last = self.last_error
        if last is not None:
            last.attempts = self.attempts
            raise last from cause
        error = APITimeoutError(
            f"{self.label}: deadline of {self.policy.deadline:g} s exceeded "
            "before the first attempt finished"
        )
        error.attempts = self.attempts
        raise error from None

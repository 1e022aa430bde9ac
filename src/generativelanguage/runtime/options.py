"""Per-client and per-call options: timeouts, retry policy, extra headers and query."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

#: Seconds. Generation with thinking models can take minutes before the first byte,
#: so the read timeout is long but finite; connecting should never take long.
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 600.0
#: Seconds a stream may stay silent between events before it is abandoned.
DEFAULT_STREAM_IDLE_TIMEOUT = 120.0

#: HTTP statuses worth retrying: request timeout, rate limit, and transient server errors.
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """Capped exponential backoff with full jitter (AWS architecture blog, 2015).

    How these combine into the one rule of time is written down, once, in
    ``generativelanguage.runtime.retry``.

    Args:
        max_attempts: Total attempts including the first; 1 disables retries.
        initial_backoff: Cap of the first delay, in seconds.
        max_backoff: Upper bound of any single delay, in seconds.
        multiplier: Growth of the cap per attempt.
        deadline: Seconds the whole call may take, every attempt and wait included:
            connecting, sending, the status line and the body, and for a stream the
            time to its first event (None: no overall limit).
        statuses: HTTP statuses that are retried.
        attempt_timeout: Seconds one attempt may take in total, measured like the
            deadline; an attempt that runs out is retried (None: only the deadline).
        max_retry_delay: The longest wait a server may ask for (``Retry-After``,
            ``RetryInfo``) that the client sleeps through; a longer one fails the call
            at once, with the wait in ``APIError.retry_after``.
    """

    max_attempts: int = 4
    initial_backoff: float = 1.0
    max_backoff: float = 30.0
    multiplier: float = 2.0
    deadline: float | None = 900.0
    statuses: frozenset[int] = RETRYABLE_STATUSES
    attempt_timeout: float | None = None
    max_retry_delay: float = 60.0

    def __post_init__(self) -> None:
        if not isinstance(self.max_attempts, int) or self.max_attempts < 1:
            raise ValueError(f"max_attempts: expected an int >= 1, got {self.max_attempts!r}")
        for name in ("initial_backoff", "max_backoff", "multiplier", "max_retry_delay"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"{name}: expected seconds >= 0, got {value!r}")
        for name in ("deadline", "attempt_timeout"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, (int, float)) or value <= 0):
                raise ValueError(f"{name}: expected seconds > 0 or None, got {value!r}")

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        """Delay before retry number ``attempt`` (1-based): uniform in [0, cap]."""
        cap = min(self.max_backoff, self.initial_backoff * self.multiplier ** (attempt - 1))
        return (rng or random).uniform(0, cap)


NO_RETRY = RetryPolicy(max_attempts=1)


@dataclass(frozen=True)
class CallOptions:
    """Options for one call, overriding the client's.

    Args:
        timeout: Seconds (one number for every phase) or an ``httpx.Timeout``.
        stream_idle_timeout: Seconds a stream may stay silent between events.
        retry: A ``RetryPolicy``; ``NO_RETRY`` to disable.
        extra_headers: Headers added to the request.
        extra_query: Query parameters added to the request.
        raw_response: A list to which the ``httpx.Response`` of the call is appended, so
            status and headers can be read next to the typed result.
    """

    timeout: object | None = None
    stream_idle_timeout: float | None = None
    retry: RetryPolicy | None = None
    extra_headers: Mapping[str, str] = field(default_factory=dict)
    extra_query: Mapping[str, object] = field(default_factory=dict)
    raw_response: list[Any] | None = None

    def merged(self, other: CallOptions | None) -> CallOptions:
        """``other`` on top of ``self``: set values win, headers and query are combined."""
        if other is None:
            return self
        return replace(
            self,
            timeout=other.timeout if other.timeout is not None else self.timeout,
            stream_idle_timeout=(
                other.stream_idle_timeout
                if other.stream_idle_timeout is not None
                else self.stream_idle_timeout
            ),
            retry=other.retry if other.retry is not None else self.retry,
            extra_headers={**self.extra_headers, **other.extra_headers},
            extra_query={**self.extra_query, **other.extra_query},
            raw_response=other.raw_response
            if other.raw_response is not None
            else self.raw_response,
        )

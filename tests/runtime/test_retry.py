"""The retry schedule and the deadline rule (``runtime/retry.py``), with a fake clock:
every decision is exact, nothing sleeps.

Loop tests at the end drive the real sync and async transports over loopback with the
fake clock put in place of the system one: the HTTP exchanges are real, the waits are
not.
"""

from __future__ import annotations

import email.utils
import itertools
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generativelanguage.runtime import errors
from generativelanguage.runtime.options import CallOptions, RetryPolicy
from generativelanguage.runtime.retry import Schedule, retry_hint
from tests.runtime.conftest import Harness, ready
from tests.support import faultserver as fs
from tests.support.clock import FakeClock

FIXED = {"initial_backoff": 0.1, "max_backoff": 0.1}


def unavailable(headers: dict[str, str] | None = None, details: list | None = None):
    return errors.error_from_body(
        503,
        json.dumps(
            {"error": {"code": 503, "status": "UNAVAILABLE", "message": "busy", "details": details}}
        ).encode(),
        headers or {},
    )


class FixedRng(random.Random):
    """Full jitter picks ``uniform(0, cap)``; this one always picks the cap."""

    def uniform(self, a: float, b: float) -> float:
        return b


def schedule(clock: FakeClock, **policy) -> Schedule:
    return Schedule(RetryPolicy(**policy), "test.method", clock, FixedRng())


# -- the deadline and attempt ends ----------------------------------------------------------


def test_an_attempt_must_end_by_the_deadline():
    clock = FakeClock()
    s = schedule(clock, deadline=5)
    assert s.begin() == clock.start + 5
    clock.advance(2)
    assert s.failed(unavailable(), True) == 1.0  # backoff cap of attempt 1
    clock.sleep(1.0)
    assert s.begin() == clock.start + 5  # the deadline does not move


def test_attempt_timeout_ends_an_attempt_earlier_than_the_deadline():
    clock = FakeClock()
    s = schedule(clock, deadline=5, attempt_timeout=2)
    assert s.begin() == clock.start + 2
    clock.advance(4)
    assert s.begin() == clock.start + 5  # min(4 + 2, deadline)


def test_no_deadline_and_no_attempt_timeout_means_no_end():
    s = schedule(FakeClock(), deadline=None)
    assert s.begin() is None


# -- rule 2: whether and when to try again ---------------------------------------------------


def test_backoff_grows_and_is_capped():
    clock = FakeClock()
    s = schedule(clock, max_attempts=10, initial_backoff=1, max_backoff=5, deadline=None)
    delays = []
    for _ in range(6):
        s.begin()
        delays.append(s.failed(unavailable(), True))
    assert delays == [1, 2, 4, 5, 5, 5]


def test_attempts_run_out():
    clock = FakeClock()
    s = schedule(clock, max_attempts=2, **FIXED)
    s.begin()
    s.failed(unavailable(), True)
    s.begin()
    error = unavailable()
    with pytest.raises(errors.Unavailable) as info:
        s.failed(error, True)
    assert info.value is error
    assert error.attempts == 2


def test_a_failure_that_is_not_retryable_is_raised_at_once():
    s = schedule(FakeClock())
    s.begin()
    error = errors.InvalidArgument("bad", http_status=400)
    with pytest.raises(errors.InvalidArgument):
        s.failed(error, False)
    assert error.attempts == 1


def test_a_wait_that_would_end_at_or_after_the_deadline_gives_up_now():
    clock = FakeClock()
    s = schedule(clock, deadline=1.0, **FIXED)
    s.begin()
    clock.advance(0.9)
    error = unavailable()
    with pytest.raises(errors.Unavailable) as info:
        s.failed(error, True)  # 0.9 + 0.1 reaches the deadline
    assert info.value is error


def test_a_refreshed_token_does_not_use_up_an_attempt():
    s = schedule(FakeClock(), max_attempts=1)
    s.begin()
    s.repeat()
    s.begin()
    assert s.attempts == 1


# -- the server's hint ---------------------------------------------------------------------


def test_retry_after_seconds_is_the_wait_and_is_attached():
    clock = FakeClock()
    s = schedule(clock)
    s.begin()
    error = unavailable({"Retry-After": "7"})
    assert s.failed(error, True) == 7.0
    assert error.retry_after == 7.0


def test_retry_info_is_the_wait_when_there_is_no_header():
    s = schedule(FakeClock())
    s.begin()
    info = {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "2.5s"}
    assert s.failed(unavailable(details=[info]), True) == 2.5


def test_retry_after_http_date_uses_the_injected_wall_clock():
    clock = FakeClock()
    when = email.utils.formatdate(clock.time() + 30, usegmt=True)
    s = schedule(clock)
    s.begin()
    assert s.failed(unavailable({"Retry-After": when}), True) == pytest.approx(30, abs=1)


@pytest.mark.parametrize(("hint", "deadline"), [("3600", None), ("61", None), ("600", 300)])
def test_a_hint_too_long_to_wait_for_fails_at_once_with_the_hint(hint, deadline):
    clock = FakeClock()
    s = schedule(clock, deadline=deadline)
    s.begin()
    error = unavailable({"Retry-After": hint})
    with pytest.raises(errors.Unavailable) as info:
        s.failed(error, True)
    assert info.value.retry_after == float(hint)
    assert clock.sleeps == []


def test_max_retry_delay_is_the_longest_wait():
    s = schedule(FakeClock(), max_retry_delay=3600, deadline=None)
    s.begin()
    assert s.failed(unavailable({"Retry-After": "3600"}), True) == 3600.0


def test_retry_hint_forms():
    def err(headers=None, details=None):
        return unavailable(headers, details)

    assert retry_hint(err({"retry-after": " 12 "})) == 12.0
    assert retry_hint(err({"Retry-After": "soon"})) is None
    assert retry_hint(err()) is None


# -- rule 3: when the deadline ends the call --------------------------------------------


def test_an_overshooting_sleep_past_the_deadline_raises_the_last_error():
    # The flaky test of issue 9, made exact: a retry is allowed (0.1 + 0.1 < 0.25),
    # the sleep overshoots, and when the next attempt would start the deadline has
    # passed. What the service said is raised, not APITimeoutError.
    clock = FakeClock(overshoot=0.2)
    s = schedule(clock, deadline=0.25, max_attempts=100, **FIXED)
    s.begin()
    clock.advance(0.1)
    error = unavailable()
    clock.sleep(s.failed(error, True))
    with pytest.raises(errors.Unavailable) as info:
        s.begin()
    assert info.value is error


def test_the_deadline_cutting_the_first_attempt_is_a_timeout():
    clock = FakeClock()
    s = schedule(clock, deadline=0.5)
    s.begin()
    clock.advance(0.5)
    with pytest.raises(errors.APITimeoutError, match="deadline of 0.5 s exceeded"):
        s.failed(errors.APITimeoutError("timed out talking to host"), True)


def test_the_deadline_cutting_a_retry_raises_the_earlier_failure():
    clock = FakeClock()
    s = schedule(clock, deadline=1.0, **FIXED)
    s.begin()
    first = unavailable()
    clock.sleep(s.failed(first, True))
    s.begin()
    clock.advance(0.9)  # the retry hangs until the deadline cuts it
    cut = errors.APITimeoutError("timed out talking to host")
    with pytest.raises(errors.Unavailable) as info:
        s.failed(cut, True)
    assert info.value is first
    assert info.value.__cause__ is cut
    assert first.attempts == 2


def test_a_timeout_before_the_end_of_the_attempt_is_an_ordinary_retryable_failure():
    clock = FakeClock()
    s = schedule(clock, deadline=10, **FIXED)
    s.begin()
    clock.advance(2)  # a read timeout of 2 s, well before the deadline
    assert s.failed(errors.APITimeoutError("read timeout"), True) == 0.1


def test_attempt_timeout_is_a_retryable_timeout():
    clock = FakeClock()
    s = schedule(clock, deadline=10, attempt_timeout=1, **FIXED)
    s.begin()
    clock.advance(1)
    assert s.failed(errors.APITimeoutError("read timeout"), True) == 0.1
    clock.sleep(0.1)
    s.begin()
    clock.advance(1)
    assert s.failed(errors.APITimeoutError("read timeout"), True) == 0.1
    assert isinstance(s.last_error, errors.APITimeoutError)
    assert "attempt_timeout=1 s" in str(s.last_error)


@settings(max_examples=300, deadline=None)
@given(
    deadline=st.floats(0.05, 5),
    backoff=st.floats(0, 1),
    overshoot=st.floats(0, 0.5),
    durations=st.lists(st.floats(0, 2), min_size=1, max_size=50),
)
def test_same_situation_same_error(deadline, backoff, overshoot, durations):
    """A service that keeps answering 503, whatever the timing: the call ends with that
    Unavailable once any attempt got an answer, and with APITimeoutError only when the
    first attempt was cut by the deadline."""
    clock = FakeClock(overshoot=overshoot)
    s = schedule(clock, deadline=deadline, max_attempts=1000, initial_backoff=backoff)
    answered = False
    with pytest.raises(errors.GenerativeLanguageError) as info:
        for duration in itertools.cycle(durations):
            end = s.begin()
            if clock.now + duration >= end:
                clock.now = end  # the budget cuts the attempt at its end
                s.failed(errors.APITimeoutError("cut"), True)
            else:
                clock.advance(duration)
                answered = True
                clock.sleep(s.failed(unavailable(), True))
    if answered:
        assert isinstance(info.value, errors.Unavailable)
    else:
        assert type(info.value) is errors.APITimeoutError
    assert clock.elapsed <= deadline + overshoot + 1e-9


# -- RetryPolicy checks its values --------------------------------------------------------


@pytest.mark.parametrize(
    "kw",
    [
        {"max_attempts": 0},
        {"deadline": 0},
        {"deadline": -1},
        {"attempt_timeout": 0},
        {"initial_backoff": -1},
        {"max_retry_delay": -5},
    ],
)
def test_policy_refuses_nonsense(kw):
    name = next(iter(kw))
    with pytest.raises(ValueError, match=name):
        RetryPolicy(**kw)


# -- the loops, with the fake clock ---------------------------------------------------------

BUSY = fs.respond(503, b'{"error": {"code": 503, "status": "UNAVAILABLE", "message": "busy"}}')
OK = fs.respond(200, b'{"candidates": [{"content": {"parts": [{"text": "hi"}]}}]}')


@pytest.fixture
def fixed_backoff(monkeypatch):
    monkeypatch.setattr(RetryPolicy, "backoff", lambda self, attempt, rng=None: 10.0)


@pytest.mark.parametrize("overshoot", [0.0, 5.0])
def test_loops_stop_at_the_deadline_with_the_service_error(
    h: Harness, fault_server, fixed_backoff, overshoot
):
    # Fake seconds are large so that the real socket timeouts derived from them (the
    # time left before the deadline) never bite on a busy machine.
    session = fault_server.script(BUSY)
    clock = FakeClock(overshoot=overshoot)
    policy = RetryPolicy(max_attempts=1000, deadline=35)

    async def scenario(client):
        client._transport.clock = clock
        return await ready(
            client.models.generate_content(
                "gemini-x", body={"contents": []}, options=CallOptions(retry=policy)
            )
        )

    with pytest.raises(errors.Unavailable) as info:
        h.run(scenario, base_url=session.url)
    # No overshoot: attempts at 0, 10, 20, 30 (30 + 10 passes 35). With 5 s of
    # overshoot: at 0, 15, 30, then 30 + 10 passes it.
    expected = 4 if overshoot == 0 else 3
    assert len(session.requests) == expected
    assert info.value.attempts == expected
    assert clock.sleeps == [10.0] * (expected - 1)


def test_loops_honour_retry_after_with_the_fake_clock(h: Harness, fault_server):
    session = fault_server.script(
        fs.respond(429, b'{"error": {"code": 429}}', {"retry-after": "20"}), OK
    )
    clock = FakeClock()

    async def scenario(client):
        client._transport.clock = clock
        return await ready(client.models.generate_content("gemini-x", body={"contents": []}))

    result = h.run(scenario, base_url=session.url)
    assert result.candidates[0].content.parts[0].text == "hi"
    assert clock.sleeps == [20.0]
    assert len(session.requests) == 2

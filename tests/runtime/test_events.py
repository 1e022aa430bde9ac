"""The pure parts of event streams (``runtime.events``): the switch, the reader and the
resumption plan. The same behaviour over real HTTP is in ``test_event_streams.py``."""

from __future__ import annotations

import json

import msgspec
import pytest

from generativelanguage.runtime import errors
from generativelanguage.runtime.events import (
    EventSpec,
    Reader,
    ResumeSpec,
    Resumption,
    StreamSwitch,
    UnknownEvent,
)
from generativelanguage.runtime.options import RetryPolicy
from generativelanguage.runtime.paths import PathParam
from generativelanguage.runtime.structs import Struct
from generativelanguage.runtime.transport import MethodSpec


class Job(Struct, kw_only=True):
    id: str | None = None
    image: bytes | None = None


class Event(Struct, kw_only=True):
    kind: str | None = msgspec.field(default=None, name="type")
    event_id: str | None = None
    job: Job | None = None
    job_id: str | None = None
    text: str | None = None


class Request(Struct, kw_only=True):
    prompt: str | None = None
    stream: bool | None = None


GET = MethodSpec("api.jobs.get", "GET", "v1/jobs/{job}", (PathParam("job", None),))
RESUME = ResumeSpec(
    GET, cursor="event_id", param="after", path=(("job", (("job", "id"), ("job_id",))),)
)
SPEC = EventSpec(
    type_field="kind",
    known=("created", "delta", "failed"),
    error="failed",
    done="[DONE]",
    resume=RESUME,
)


def sse(*events: dict | str, name: str | None = None) -> bytes:
    out = []
    for ev in events:
        data = ev if isinstance(ev, str) else json.dumps(ev)
        head = f"event: {name}\n" if name else ""
        out.append(f"{head}data: {data}\n\n")
    return "".join(out).encode()


def reader(spec: EventSpec = SPEC) -> Reader:
    return Reader(Event, spec, Resumption(spec.resume, 0.0))


# -- the switch -------------------------------------------------------------------------

SWITCH = StreamSwitch("create_stream", body=(("stream", True),))


def test_the_twin_adds_the_switch_field_to_a_dict_or_a_struct() -> None:
    assert SWITCH.apply(Request, {"prompt": "x"}, True) == {"prompt": "x", "stream": True}
    assert SWITCH.apply(Request, Request(prompt="x"), True) == Request(prompt="x", stream=True)
    assert SWITCH.apply(Request, {"prompt": "x", "stream": True}, True)["stream"] is True


def test_the_twin_refuses_a_body_that_says_otherwise() -> None:
    with pytest.raises(errors.RequestValidationError, match="contradicts create_stream") as info:
        SWITCH.apply(Request, {"stream": False}, True)
    assert info.value.path == "body.stream"


def test_the_plain_method_refuses_a_body_asking_for_the_stream() -> None:
    for body in ({"stream": True}, Request(stream=True)):
        with pytest.raises(errors.RequestValidationError, match=r"call create_stream\(\)"):
            SWITCH.apply(Request, body, False)
    assert SWITCH.apply(Request, {"stream": False}, False) == {"stream": False}
    assert SWITCH.apply(Request, {"prompt": "p"}, False) == {"prompt": "p"}


def test_a_query_switch_leaves_the_body_alone() -> None:
    switch = StreamSwitch("get_stream", query=(("stream", "true"),))
    assert switch.apply(Request, {"prompt": "p"}, True) == {"prompt": "p"}


# -- the reader -------------------------------------------------------------------------


def test_events_decode_into_the_event_type_and_the_sentinel_ends_the_stream() -> None:
    r = reader()
    items = r.feed(
        sse(
            {"type": "created", "event_id": "e1", "job": {"id": "j"}},
            {"type": "delta", "text": "hi"},
        )
    )
    assert items == [
        Event(kind="created", event_id="e1", job=Job(id="j")),
        Event(kind="delta", text="hi"),
    ]
    assert r.feed(sse("[DONE]") + sse({"type": "delta", "text": "after"})) == []
    assert r.finished and r.end() is False


def test_events_split_across_chunks_come_out_whole() -> None:
    r = reader()
    body = sse({"type": "delta", "text": "é" * 5}, "[DONE]")
    items = [item for i in range(len(body)) for item in r.feed(body[i : i + 1])]
    assert items == [Event(kind="delta", text="é" * 5)] and r.finished


def test_an_unknown_event_type_keeps_its_raw_json() -> None:
    data = {"type": "job.progress", "event_id": "e7", "progress": 0.5}
    (item,) = reader().feed(sse(data, name="job.progress"))
    assert isinstance(item, UnknownEvent)
    assert (item.event, item.event_type, item.event_id) == ("job.progress", "job.progress", "e7")
    assert item.json() == data
    assert "job.progress" in repr(item)


def test_an_event_of_a_new_type_whose_fields_do_not_fit_is_unknown_not_an_error() -> None:
    (item,) = reader().feed(sse({"type": "new", "text": {"rich": True}}))
    assert isinstance(item, UnknownEvent) and item.json()["text"] == {"rich": True}


def test_a_known_event_that_does_not_decode_is_an_error() -> None:
    with pytest.raises(errors.ResponseDecodeError, match="does not decode"):
        reader().feed(sse({"type": "delta", "text": {"rich": True}}))


def test_url_safe_base64_in_an_event_is_repaired() -> None:
    (item,) = reader().feed(sse({"type": "created", "job": {"image": "-_8"}}))
    assert item.job.image == b"\xfb\xff"


def test_the_error_event_raises_what_it_reports() -> None:
    data = {"type": "failed", "error": {"code": "quota", "message": "out of quota"}}
    with pytest.raises(errors.APIError, match="out of quota"):
        reader().feed(sse(data))


def test_a_google_error_object_as_an_event_raises() -> None:
    data = {"error": {"code": 503, "message": "overloaded", "status": "UNAVAILABLE"}}
    with pytest.raises(errors.Unavailable, match="overloaded"):
        reader().feed(sse(data))


def test_without_the_sentinel_the_stream_was_cut_short() -> None:
    r = reader()
    r.feed(sse({"type": "delta", "text": "a"}))
    assert r.end() is True


def test_without_a_declared_sentinel_the_end_of_the_body_is_the_end() -> None:
    spec = EventSpec(type_field="kind", known=("delta",))
    r = reader(spec)
    assert len(r.feed(sse({"type": "delta"}))) == 1
    assert r.end() is False


def test_a_last_event_without_its_blank_line_is_flushed() -> None:
    r = reader()
    assert r.feed(b'data: {"type": "delta", "text": "z"}') == []
    assert r.flush() == [Event(kind="delta", text="z")]


def test_a_json_body_is_an_error_or_a_decode_error() -> None:
    r = reader()
    r.feed(b'  {"error": {"code": 404, "message": "no such job", "status": "NOT_FOUND"}}')
    with pytest.raises(errors.NotFound, match="no such job"):
        r.end()
    r = reader()
    r.feed(b'{"id": "j"}')
    with pytest.raises(errors.ResponseDecodeError, match="answered JSON"):
        r.end()


def test_a_body_without_events_is_an_error_but_comments_are_not() -> None:
    r = reader()
    r.feed(b"<html>proxy says no</html>\n")
    with pytest.raises(errors.ResponseDecodeError, match="no event"):
        r.end()
    r = reader(EventSpec(type_field="kind"))
    r.feed(b": keep-alive\n\n")
    assert r.end() is False


# -- resumption -------------------------------------------------------------------------


def feed_all(r: Reader, *events: dict) -> list:
    return r.feed(sse(*events))


def test_an_event_delivered_before_is_skipped() -> None:
    r = reader()
    first = feed_all(r, {"type": "created", "event_id": "e1"}, {"type": "delta", "event_id": "e2"})
    again = feed_all(r, {"type": "delta", "event_id": "e2"}, {"type": "delta", "event_id": "e3"})
    assert [e.event_id for e in first + again] == ["e1", "e2", "e3"]
    assert r.state.cursor == "e3"


def test_plan_resumes_through_the_other_method_with_the_path_found_in_events() -> None:
    state = Resumption(RESUME, 0.0, RetryPolicy(), clock=lambda: 1.0)
    r = Reader(Event, SPEC, state)
    feed_all(
        r,
        {"type": "created", "event_id": "e1", "job": {"id": "j9"}},
        {"type": "delta", "event_id": "e2"},
    )
    spec, values, query, delay = state.plan(errors.StreamInterruptedError("cut"), GET, (), None)
    assert (spec, values, query, delay) == (GET, ("j9",), {"after": "e2"}, 0.0)
    assert state.resumes == 1


def test_path_value_from_the_second_choice() -> None:
    state = Resumption(RESUME, 0.0, RetryPolicy(), clock=lambda: 0.0)
    feed_all(Reader(Event, SPEC, state), {"type": "delta", "event_id": "e1", "job_id": "j2"})
    assert state.plan(errors.StreamInterruptedError("cut"), GET, (), None)[1] == ("j2",)


def test_resuming_through_itself_keeps_the_call_path_and_query() -> None:
    spec = ResumeSpec(None, cursor="event_id", param="after")
    state = Resumption(spec, 0.0, RetryPolicy(), clock=lambda: 0.0)
    feed_all(
        Reader(Event, EventSpec(type_field="kind", known=("delta",), resume=spec), state),
        {"type": "delta", "event_id": "e4"},
    )
    plan = state.plan(errors.StreamInterruptedError("cut"), GET, ("j1",), {"verbose": True})
    assert plan == (GET, ("j1",), {"verbose": True, "after": "e4"}, 0.0)


def test_no_resume_without_a_token_a_path_or_a_declaration() -> None:
    cut = errors.StreamInterruptedError("cut")
    for resume, events in (
        (RESUME, [{"type": "delta"}]),  # no event id
        (RESUME, [{"type": "delta", "event_id": "e1"}]),  # no job id anywhere
        (None, [{"type": "delta", "event_id": "e1"}]),  # nothing declared
    ):
        state = Resumption(resume, 0.0, RetryPolicy(), clock=lambda: 0.0)
        feed_all(Reader(Event, SPEC, state), *events)
        with pytest.raises(errors.StreamInterruptedError) as info:
            state.plan(cut, GET, (), None)
        assert info.value is cut


def test_attempts_are_bounded_since_the_last_new_event() -> None:
    policy = RetryPolicy(max_attempts=3, initial_backoff=0.5, max_backoff=0.5)
    state = Resumption(RESUME, 0.0, policy, clock=lambda: 0.0)
    r = Reader(Event, SPEC, state)
    feed_all(r, {"type": "created", "event_id": "e1", "job": {"id": "j"}})
    cut = errors.StreamInterruptedError("cut")
    assert state.plan(cut, GET, (), None)[3] == 0.0  # at once after a drop
    assert 0.0 <= state.plan(cut, GET, (), None)[3] <= 0.5  # then backoff
    with pytest.raises(errors.StreamInterruptedError):
        state.plan(cut, GET, (), None)
    feed_all(r, {"type": "delta", "event_id": "e2"})  # progress: attempts start again
    assert state.plan(cut, GET, (), None)[2] == {"after": "e2"}
    assert state.resumes == 3


def test_no_resume_past_the_call_deadline() -> None:
    now = [0.0]
    state = Resumption(RESUME, 0.0, RetryPolicy(deadline=10.0), clock=lambda: now[0])
    feed_all(Reader(Event, SPEC, state), {"type": "created", "event_id": "e1", "job": {"id": "j"}})
    now[0] = 10.5
    with pytest.raises(errors.StreamInterruptedError):
        state.plan(errors.StreamInterruptedError("cut"), GET, (), None)

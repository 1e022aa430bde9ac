"""Event streams over real HTTP (``client.interactions.create_stream``/``get_stream``
against a scripted local server), on httpx and httpx2, blocking and asynchronous: what
the runtime does with what a server may send, beyond what the emulator sends."""

from __future__ import annotations

import json

import pytest

from generativelanguage.runtime import errors
from generativelanguage.runtime.events import UnknownEvent
from generativelanguage.runtime.options import CallOptions, RetryPolicy
from generativelanguage.v1beta import types
from tests.support.server import Reply, Script

from .conftest import collect, each, ready

BODY = {"model": "gemini-2.5-flash", "input": "hi"}
SSE = {"content-type": "text/event-stream"}
DONE = b"event: done\ndata: [DONE]\n\n"


def frame(event: dict) -> bytes:
    return f"event: {event['event_type']}\ndata: {json.dumps(event)}\n\n".encode()


def created(n: int = 1) -> dict:
    return {"event_type": "interaction.created", "event_id": f"e{n}", "interaction": {"id": "i1"}}


def delta(n: int, text: str) -> dict:
    return {
        "event_type": "step.delta",
        "event_id": f"e{n}",
        "index": 0,
        "delta": {"type": "text", "text": text},
    }


async def events(client, **kw) -> list:
    stream = await ready(client.interactions.create_stream(body=BODY, **kw))
    return await collect(stream)


def test_unknown_event_types_arrive_with_their_raw_json(h, server):
    novel = {"event_type": "step.progress", "event_id": "e2", "progress": {"done": 0.5}}
    chunks = [frame(created()), frame(novel), frame(delta(3, "a")), DONE]
    server.handler = lambda rec: Reply(200, headers=SSE, chunks=chunks)
    got = h.run(events)
    assert [type(e) for e in got] == [types.InteractionEvent, UnknownEvent, types.InteractionEvent]
    assert (got[1].event, got[1].event_type, got[1].event_id) == (
        "step.progress",
        "step.progress",
        "e2",
    )
    assert got[1].json() == novel


def test_the_sentinel_ends_the_stream_even_before_the_body_ends(h, server):
    chunks = [frame(created()), DONE, frame(delta(2, "never"))]
    server.handler = lambda rec: Reply(200, headers=SSE, chunks=chunks, cut=True)
    assert [e.event_id for e in h.run(events)] == ["e1"]


def test_an_error_event_raises(h, server):
    error = {
        "event_type": "error",
        "event_id": "e2",
        "error": {"code": "x", "message": "model blew up"},
    }
    server.handler = lambda rec: Reply(
        200, headers=SSE, chunks=[frame(created()), frame(error), DONE]
    )

    async def scenario(client):
        seen = []
        with pytest.raises(errors.APIError, match="model blew up"):
            async for event in each(await ready(client.interactions.create_stream(body=BODY))):
                seen.append(event)
        return seen

    assert len(h.run(scenario)) == 1


def test_an_end_before_the_sentinel_without_ids_raises_stream_interrupted(h, server):
    plain = {"event_type": "step.delta", "index": 0, "delta": {"type": "text", "text": "a"}}
    server.handler = lambda rec: Reply(200, headers=SSE, chunks=[frame(plain)])

    async def scenario(client):
        with pytest.raises(errors.StreamInterruptedError, match="no end-of-stream"):
            await events(client)

    h.run(scenario)
    assert len(server.requests) == 1  # no event id: nothing to resume from


def test_resume_skips_events_the_server_sends_again(h, server):
    first = Reply(200, headers=SSE, chunks=[frame(created()), frame(delta(2, "a"))], cut=True)
    again = Reply(200, headers=SSE, chunks=[frame(delta(2, "a")), frame(delta(3, "b")), DONE])
    server.handler = Script(first, again)
    got = h.run(events)
    assert [e.event_id for e in got] == ["e1", "e2", "e3"]
    resumed = server.requests[1]
    assert (resumed.method, resumed.path) == ("GET", "/v1beta/interactions/i1")
    assert dict(resumed.query) == {"stream": "true", "last_event_id": "e2"}


def test_resumes_are_bounded_when_no_new_event_comes(h, server):
    first = Reply(200, headers=SSE, chunks=[frame(created())], cut=True)
    empty = Reply(200, headers=SSE, chunks=[b": nothing new\n\n"], cut=True)
    server.handler = Script(first, empty)

    async def scenario(client):
        with pytest.raises(errors.StreamInterruptedError):
            await events(
                client, options=CallOptions(retry=RetryPolicy(max_attempts=3, initial_backoff=0.01))
            )

    h.run(scenario)
    assert len(server.requests) == 3  # the create, then two resumes


def test_a_resume_refused_by_the_server_raises_the_interruption(h, server):
    first = Reply(200, headers=SSE, chunks=[frame(created()), frame(delta(2, "a"))], cut=True)
    gone = Reply(404, b'{"error": {"code": 404, "message": "gone", "status": "NOT_FOUND"}}')
    server.handler = Script(first, gone)

    async def scenario(client):
        with pytest.raises(errors.StreamInterruptedError) as info:
            await events(client)
        return info.value

    error = h.run(scenario)
    assert isinstance(error.__cause__, errors.NotFound)


def test_a_json_error_instead_of_a_stream_raises_it(h, server):
    body = b'{"error": {"code": 400, "message": "bad input", "status": "INVALID_ARGUMENT"}}'
    server.handler = lambda rec: Reply(200, body)

    async def scenario(client):
        with pytest.raises(errors.InvalidArgument, match="bad input"):
            await events(client)

    h.run(scenario)


def test_an_http_error_before_the_stream_raises_at_once(h, server):
    server.handler = lambda rec: Reply(
        404, b'{"error": {"code": 404, "message": "no model", "status": "NOT_FOUND"}}'
    )

    async def scenario(client):
        with pytest.raises(errors.NotFound, match="no model"):
            await events(client)

    h.run(scenario)


def test_get_stream_sends_the_switch_and_the_cursor(h, server):
    server.handler = lambda rec: Reply(200, headers=SSE, chunks=[frame(delta(5, "x")), DONE])

    async def scenario(client):
        stream = await ready(client.interactions.get_stream("i9", last_event_id="e4"))
        return await collect(stream)

    assert [e.text for e in h.run(scenario)] == ["x"]
    (rec,) = server.requests
    assert (rec.method, rec.path, dict(rec.query)) == (
        "GET",
        "/v1beta/interactions/i9",
        {"stream": "true", "last_event_id": "e4"},
    )


def test_closing_a_stream_early_closes_the_connection(h, server):
    chunks = [frame(created()), frame(delta(2, "a")), frame(delta(3, "b")), DONE]
    server.handler = lambda rec: Reply(200, headers=SSE, chunks=chunks)

    async def scenario(client):
        stream = await ready(client.interactions.create_stream(body=BODY))
        first = None
        async for event in each(stream):
            first = event
            break
        await ready(stream.close())
        return first

    assert h.run(scenario).event_id == "e1"

"""Streamed generation over real HTTP: SSE framings in awkward chunkings, errors inside
and instead of a stream, dropped connections, idle timeouts, undecodable chunks, early
close, retries before the first event, and JSON (non-SSE) answers."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from generativelanguage.runtime import errors, structs
from generativelanguage.runtime.options import NO_RETRY, CallOptions
from generativelanguage.v1beta import types
from tests.runtime.conftest import Harness, collect, each, opened, ready
from tests.support.server import Reply, Script, Trickle, google_error

SSE = {"content-type": "text/event-stream"}
BODY = {"contents": [{"parts": [{"text": "hello"}]}]}
CHUNK_DICTS = [
    {"candidates": [{"content": {"role": "model", "parts": [{"text": "Hel"}]}, "index": 0}]},
    {"candidates": [{"content": {"role": "model", "parts": [{"text": "lo \u00e9\u6f22"}]}}]},
    {
        "candidates": [{"content": {"parts": [{"text": "!"}]}, "finishReason": "STOP"}],
        "usageMetadata": {"promptTokenCount": 2, "candidatesTokenCount": 3},
        "modelVersion": "gemini-x",
    },
]
EXPECTED = [structs.decode(types.GenerateContentResponse, json.dumps(d)) for d in CHUNK_DICTS]
J = [json.dumps(d, ensure_ascii=False) for d in CHUNK_DICTS]


def event(d: dict) -> bytes:
    return f"data: {json.dumps(d)}\n\n".encode()


def multiline(text: str) -> str:
    """A JSON document split over several ``data:`` lines (joined with LF it is the same
    document: the cuts fall after commas, where a newline is whitespace)."""
    return "\n".join(f"data: {line}" for line in text.replace(", ", ",\n").split("\n"))


FRAMINGS = {
    "lf": "".join(f"data: {j}\n\n" for j in J),
    "crlf": "".join(f"data: {j}\r\n\r\n" for j in J),
    "cr": "".join(f"data: {j}\r\r" for j in J),
    "no-space": "".join(f"data:{j}\n\n" for j in J),
    "multi-line-data": "".join(multiline(j) + "\n\n" for j in J),
    "comments-and-fields": ": connected\n\n"
    + "".join(f": keep-alive\nevent: message\nid: {i}\ndata: {j}\n\n" for i, j in enumerate(J))
    + ": bye\n\n",
    "no-final-blank-line": f"data: {J[0]}\n\ndata: {J[1]}\n\ndata: {J[2]}",
    "final-single-newline": f"data: {J[0]}\r\n\r\ndata: {J[1]}\r\n\r\ndata: {J[2]}\r\n",
    "bom-and-extra-blank-lines": "\ufeff\n\n" + "".join(f"data: {j}\n\n\n" for j in J),
}


def chunked(data: bytes, how: str) -> list[bytes]:
    if how == "whole":
        return [data]
    if how == "bytes":
        return [data[i : i + 1] for i in range(len(data))]
    if how == "sevens":
        return [data[i : i + 7] for i in range(0, len(data), 7)]
    if how == "split-line-ends":
        # Cut right after every CR and right before every LF, so CRLF pairs and
        # blank lines straddle chunks.
        out, start = [], 0
        for i, byte in enumerate(data):
            if byte == 0x0D:
                out.append(data[start : i + 1])
                start = i + 1
            elif byte == 0x0A and i > start:
                out.append(data[start:i])
                start = i
        out.append(data[start:])
        return [c for c in out if c]
    raise ValueError(how)


async def stream_of(client, **kw) -> Any:
    return await ready(client.models.stream_generate_content("gemini-x", body=BODY, **kw))


async def drain(client, **kw) -> tuple[list[Any], BaseException | None, Any]:
    """Items of a stream up to the error that ended it, the error, and the stream."""
    stream = await stream_of(client, **kw)
    items: list[Any] = []
    try:
        async for item in each(stream):
            items.append(item)
    except errors.GenerativeLanguageError as exc:
        return items, exc, stream
    return items, None, stream


# -- framings --------------------------------------------------------------------------


CHUNKINGS = ("whole", "bytes", "sevens", "split-line-ends")


@pytest.mark.parametrize("framing", sorted(FRAMINGS))
def test_framings_and_chunkings_yield_the_same_chunks(h: Harness, server, framing):
    data = FRAMINGS[framing].encode()
    server.handler = lambda rec: Reply(
        200, headers=SSE, chunks=chunked(data, rec.headers["x-chunking"])
    )

    async def scenario(client):
        results = {}
        for how in CHUNKINGS:
            opts = CallOptions(extra_headers={"x-chunking": how})
            stream = await stream_of(client, options=opts)
            results[how] = (await collect(stream), stream.response.is_closed)
        return results

    results = h.run(scenario)
    for how in CHUNKINGS:
        assert results[how] == (EXPECTED, True), how
    assert len(server.requests) == len(CHUNKINGS)
    for rec in server.requests:
        assert rec.query == [("alt", "sse")]
        assert rec.path == "/v1beta/models/gemini-x:streamGenerateContent"
        assert json.loads(rec.body) == BODY


def test_keep_alives_only_are_an_empty_stream(h: Harness, server):
    # A 200 that ends without a single event is not an empty answer but a failed one
    # (issue 9): generation always yields at least one chunk.
    server.handler = lambda rec: Reply(200, headers=SSE, chunks=[b": ping\n\n"] * 3)

    async def scenario(client):
        return await drain(client)

    items, exc, stream = h.run(scenario)
    assert items == []
    assert isinstance(exc, errors.EmptyResponseError)
    assert stream.response.is_closed


def test_json_array_answer_is_iterated_as_chunks(h: Harness, server):
    data = json.dumps(CHUNK_DICTS, indent=1).encode()
    server.handler = lambda rec: Reply(200, chunks=chunked(data, "sevens"))

    async def scenario(client):
        return await collect(await stream_of(client))

    assert h.run(scenario) == EXPECTED


def test_single_json_object_answer_is_one_chunk(h: Harness, server):
    server.handler = lambda rec: Reply(200, J[2].encode())

    async def scenario(client):
        return await collect(await stream_of(client))

    assert h.run(scenario) == EXPECTED[2:]


# -- errors in and instead of a stream -------------------------------------------------


def test_error_event_raises_the_typed_error_after_earlier_chunks(h: Harness, server):
    error = google_error(429, "RESOURCE_EXHAUSTED", "quota exceeded mid-stream")
    data = event(CHUNK_DICTS[0]) + b"data: " + error + b"\n\n" + event(CHUNK_DICTS[1])
    server.handler = lambda rec: Reply(200, headers=SSE, chunks=chunked(data, "sevens"))

    async def scenario(client):
        return await drain(client)

    items, exc, stream = h.run(scenario)
    assert items == EXPECTED[:1]
    assert isinstance(exc, errors.ResourceExhausted)
    assert exc.message == "quota exceeded mid-stream"
    assert exc.status == "RESOURCE_EXHAUSTED"
    assert stream.response.is_closed
    assert len(server.requests) == 1


@pytest.mark.parametrize("wrapped", [False, True], ids=["object", "list"])
def test_plain_json_error_with_status_200_under_event_stream(h: Harness, server, wrapped):
    error = google_error(400, "INVALID_ARGUMENT", "bad contents")
    body = b"[" + error + b"]" if wrapped else error
    server.handler = lambda rec: Reply(200, body, headers=SSE)

    async def scenario(client):
        return await drain(client)

    items, exc, _ = h.run(scenario)
    assert items == []
    assert isinstance(exc, errors.InvalidArgument)
    assert exc.message == "bad contents"


@pytest.mark.parametrize(
    ("status", "name", "cls"),
    [
        (400, "INVALID_ARGUMENT", errors.InvalidArgument),
        (403, "PERMISSION_DENIED", errors.PermissionDenied),
        (429, "RESOURCE_EXHAUSTED", errors.ResourceExhausted),
    ],
)
def test_plain_json_error_with_4xx_under_event_stream(h: Harness, server, status, name, cls):
    server.handler = lambda rec: Reply(status, google_error(status, name, "nope"), headers=SSE)

    async def scenario(client):
        return await drain(client, options=CallOptions(retry=NO_RETRY))

    with pytest.raises(cls) as info:
        h.run(scenario)
    assert info.value.http_status == status
    assert info.value.message == "nope"


def test_connection_dropped_mid_stream(h: Harness, server):
    data = event(CHUNK_DICTS[0]) + event(CHUNK_DICTS[1]) + b'data: {"candi'
    server.handler = lambda rec: Reply(200, headers=SSE, chunks=chunked(data, "sevens"), cut=True)

    async def scenario(client):
        return await drain(client)

    items, exc, stream = h.run(scenario)
    assert items == EXPECTED[:2]
    assert isinstance(exc, errors.StreamInterruptedError)
    assert isinstance(exc, errors.APIConnectionError)
    assert stream.response.is_closed
    assert len(server.requests) == 1  # not retried: events were already delivered


def test_connection_dropped_inside_a_json_answer(h: Harness, server):
    server.handler = lambda rec: Reply(200, chunks=[b"[", J[0].encode(), b","], cut=True)

    async def scenario(client):
        return await drain(client)

    items, exc, _ = h.run(scenario)
    assert isinstance(exc, errors.StreamInterruptedError)
    assert len(server.requests) == 1


def idle_then_more(first: bytes, pause: float, then: bytes):
    def chunks():
        yield first
        time.sleep(pause)
        yield then

    return chunks()


def test_idle_stream_times_out(h: Harness, server):
    server.handler = lambda rec: Reply(
        200, headers=SSE, chunks=idle_then_more(event(CHUNK_DICTS[0]), 0.8, event(CHUNK_DICTS[1]))
    )

    async def scenario(client):
        started = time.monotonic()
        items, exc, stream = await drain(client, options=CallOptions(stream_idle_timeout=0.3))
        return items, exc, stream, time.monotonic() - started

    items, exc, stream, elapsed = h.run(scenario)
    assert items == EXPECTED[:1]
    assert isinstance(exc, errors.APITimeoutError)
    assert "0.3" in str(exc)
    assert elapsed < 1.2
    assert stream.response.is_closed


def test_client_level_stream_idle_timeout(h: Harness, server):
    server.handler = lambda rec: Reply(
        200, headers=SSE, chunks=idle_then_more(event(CHUNK_DICTS[0]), 0.8, event(CHUNK_DICTS[1]))
    )

    async def scenario(client):
        return await drain(client)

    items, exc, _ = h.run(scenario, stream_idle_timeout=0.3)
    assert items == EXPECTED[:1]
    assert isinstance(exc, errors.APITimeoutError)


def test_slow_but_steady_stream_is_not_idle(h: Harness, server):
    def chunks():
        for d in CHUNK_DICTS:
            time.sleep(0.1)
            yield event(d)

    server.handler = lambda rec: Reply(200, headers=SSE, chunks=chunks())

    async def scenario(client):
        return await collect(await stream_of(client, options=CallOptions(stream_idle_timeout=0.3)))

    assert h.run(scenario) == EXPECTED


@pytest.mark.parametrize("bad", ['{"candidates": 5}', "hello, not json", '{"candidates": [}'])
def test_undecodable_chunk(h: Harness, server, bad):
    data = event(CHUNK_DICTS[0]) + f"data: {bad}\n\n".encode() + event(CHUNK_DICTS[1])
    server.handler = lambda rec: Reply(200, headers=SSE, chunks=[data])

    async def scenario(client):
        return await drain(client)

    items, exc, stream = h.run(scenario)
    assert items == EXPECTED[:1]
    assert isinstance(exc, errors.ResponseDecodeError)
    assert exc.text == bad
    assert stream.response.is_closed


def test_chunk_with_repairable_base64_decodes(h: Harness, server):
    part = {"thoughtSignature": "-_8", "text": "t"}
    d = {"candidates": [{"content": {"parts": [part]}, "finishReason": "STOP"}]}
    server.handler = lambda rec: Reply(200, headers=SSE, chunks=[event(d)])

    async def scenario(client):
        return await collect(await stream_of(client))

    [chunk] = h.run(scenario)
    assert chunk.candidates[0].content.parts[0].thought_signature == b"\xfb\xff"


# -- closing ---------------------------------------------------------------------------


def test_context_manager_and_early_break_close_the_connection(h: Harness, server):
    trickle = Trickle([event(d) for d in CHUNK_DICTS])
    server.handler = lambda rec: Reply(200, headers=SSE, chunks=trickle)

    async def scenario(client):
        stream = await stream_of(client)
        first = None
        async with opened(stream) as s:
            async for item in each(s):
                first = item
                break
        return first, stream

    first, stream = h.run(scenario)
    assert first == EXPECTED[0]
    assert stream.response.is_closed
    assert trickle.disconnected.wait(2.0), "the server never saw the client go away"
    assert not trickle.finished.is_set()


def test_close_before_iterating(h: Harness, server):
    trickle = Trickle([event(CHUNK_DICTS[0])])
    server.handler = lambda rec: Reply(200, headers=SSE, chunks=trickle)

    async def scenario(client):
        stream = await stream_of(client)
        await ready(stream.close())
        return stream

    stream = h.run(scenario)
    assert stream.response.is_closed
    assert trickle.disconnected.wait(2.0)


def test_full_iteration_closes_the_response(h: Harness, server):
    server.handler = lambda rec: Reply(200, headers=SSE, chunks=[FRAMINGS["lf"].encode()])

    async def scenario(client):
        stream = await stream_of(client)
        items = await collect(stream)
        closed = stream.response.is_closed
        # The connection goes back to the pool: a second call works.
        more = await collect(await stream_of(client))
        return items, closed, more

    items, closed, more = h.run(scenario)
    assert items == more == EXPECTED
    assert closed


# -- retries ---------------------------------------------------------------------------


def test_503_before_the_stream_starts_is_retried(h: Harness, server):
    server.handler = Script(
        Reply(503, google_error(503, "UNAVAILABLE", "busy")),
        Reply(200, headers=SSE, chunks=[FRAMINGS["lf"].encode()]),
    )

    async def scenario(client):
        return await collect(await stream_of(client))

    assert h.run(scenario) == EXPECTED
    assert len(server.requests) == 2
    assert server.requests[0].body == server.requests[1].body


def test_stream_is_not_retried_after_its_first_event(h: Harness, server):
    server.handler = Script(
        Reply(200, headers=SSE, chunks=[event(CHUNK_DICTS[0])], cut=True),
        Reply(200, headers=SSE, chunks=[FRAMINGS["lf"].encode()]),
    )

    async def scenario(client):
        return await drain(client)

    items, exc, _ = h.run(scenario)
    assert items == EXPECTED[:1]
    assert isinstance(exc, errors.StreamInterruptedError)
    assert len(server.requests) == 1


# -- answers that are not a stream at all ----------------------------------------------


def test_html_page_with_status_200_is_not_an_empty_stream(h: Harness, server):
    # A captive portal or proxy login page: neither SSE nor JSON. The module promises a
    # stream is never silently truncated, so this must not look like zero chunks.
    page = b"<html><body>Please log in to the proxy</body></html>"
    server.handler = lambda rec: Reply(200, page, headers={"content-type": "text/html"})

    async def scenario(client):
        return await drain(client)

    items, exc, _ = h.run(scenario)
    assert items == []
    assert isinstance(exc, errors.GenerativeLanguageError), "no error for an HTML answer"
    assert "Please log in" in (getattr(exc, "text", "") or str(exc))


def test_redirect_is_not_a_silent_empty_stream(h: Harness, server):
    def handler(rec):
        if rec.path.startswith("/moved"):
            return Reply(200, headers=SSE, chunks=[FRAMINGS["lf"].encode()])
        return Reply(307, b"", headers={"location": "/moved?alt=sse"})

    server.handler = handler

    async def scenario(client):
        try:
            return await drain(client)
        except errors.GenerativeLanguageError as exc:  # raised by the call itself
            return [], exc, None

    items, exc, _ = h.run(scenario)
    # Either follow the redirect and deliver the chunks, or raise: not zero chunks.
    assert items == EXPECTED or isinstance(exc, errors.GenerativeLanguageError), (items, exc)


# -- the last chunk (MethodSpec.stream_terminal, from x-stream-terminal) ------------------

NOT_FINAL = {"candidates": [{"content": {"parts": [{"text": "more"}]}}]}


@pytest.mark.parametrize("framing", ["chunked", "json-array"])
def test_a_stream_whose_last_chunk_is_not_final_was_cut(h: Harness, server, framing):
    # The final chunk in the middle does not count: the last one must be final.
    dicts = [NOT_FINAL, CHUNK_DICTS[2], NOT_FINAL]
    if framing == "chunked":
        reply = Reply(200, headers=SSE, chunks=[event(d) for d in dicts])
    else:
        reply = Reply(200, json.dumps(dicts).encode())
    server.handler = lambda rec: reply

    async def scenario(client):
        return await drain(client)

    items, exc, stream = h.run(scenario)
    assert isinstance(exc, errors.StreamInterruptedError)
    assert not isinstance(exc, errors.APITimeoutError)
    assert len(items) == 3 and exc.chunks == items
    assert "finish_reason" in str(exc)
    assert stream.response.is_closed


def test_a_blocked_prompt_is_a_complete_stream(h: Harness, server):
    blocked = {"promptFeedback": {"blockReason": "SAFETY"}}
    server.handler = lambda rec: Reply(200, headers=SSE, chunks=[event(blocked)])

    async def scenario(client):
        return await collect(await stream_of(client))

    [chunk] = h.run(scenario)
    assert chunk.prompt_feedback.block_reason == "SAFETY"


def test_a_method_without_the_trait_ends_wherever_the_body_ends(h: Harness, server):
    from generativelanguage.runtime.spec import MethodSpec

    spec = MethodSpec(
        "test.streamThings",
        "POST",
        "v1beta/things:stream",
        request=types.GenerateContentRequest,
        response=types.GenerateContentResponse,
        streaming=True,
    )
    server.handler = lambda rec: Reply(200, headers=SSE, chunks=[event(NOT_FINAL)])

    async def scenario(client):
        return await collect(await ready(client._transport.stream(spec, (), BODY)))

    assert len(h.run(scenario)) == 1

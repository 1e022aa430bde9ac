"""The fault matrix: each case scripts a misbehaving server (``tests/support/faultserver``),
makes one call, and states what must come of it and how long it may take.

Timeouts are short so the whole matrix runs in seconds: a 0.2 s read timeout, a 0.2 s
stream idle timeout, a 0.6 s deadline, three attempts with 10-20 ms backoff. A trickle
sends one byte every 40 ms, well inside the read timeout, so only the deadline (or the
idle timeout, which counts events, not bytes) can stop it. (The issue's figures, one
byte per second against a 2 s timeout and a 5 s deadline, scaled down.)

``docs/RELIABILITY.md`` is the table of these cases; ``make fault-report`` runs the matrix
and rewrites it.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from generativelanguage.runtime import errors
from generativelanguage.runtime.options import CallOptions, RetryPolicy
from tests.support import faultserver as fs

KEY = "AIzaSyFAULT-not-a-real-key-31d0c7"
TOKEN = "ya29.a0-FAULT-bearer-token-9b2e4"
#: Every credential the matrix uses, and tell-tale pieces of them: none may appear in
#: any exception text or log record.
SECRETS = (KEY, TOKEN, "FAULT-not-a-real-key", "FAULT-bearer-token")

READ_TIMEOUT = 0.2
IDLE = 0.2
DEADLINE = 0.6
ATTEMPTS = 3
TRICKLE = 0.04
POLICY = RetryPolicy(
    max_attempts=ATTEMPTS, initial_backoff=0.01, max_backoff=0.02, deadline=DEADLINE
)
OPTIONS = CallOptions(timeout=READ_TIMEOUT, stream_idle_timeout=IDLE, retry=POLICY)
#: For the 50 MB cases: a deadline that fits moving 50 MB under tracemalloc.
LARGE = CallOptions(timeout=READ_TIMEOUT, retry=RetryPolicy(max_attempts=1, deadline=5.0))
#: Slack on top of a case's own limits for wall-time bounds: scheduling on a busy
#: two-core machine, connection set-up, closing.
SLACK = 0.6

JSON = {"content-type": "application/json"}
SSE = {"content-type": "text/event-stream"}
SSE_CHUNKED = {**SSE, "transfer-encoding": "chunked"}
OK_DICT = {"candidates": [{"content": {"parts": [{"text": "hi"}]}, "finishReason": "STOP"}]}
OK = json.dumps(OK_DICT).encode()
MB = 1024 * 1024


def error_body(code: int, status: str, message: str = "fault") -> bytes:
    return json.dumps({"error": {"code": code, "status": status, "message": message}}).encode()


def event(i: int, final: bool = False) -> bytes:
    candidate: dict[str, Any] = {"content": {"parts": [{"text": f"part {i} "}]}}
    if final:
        candidate["finishReason"] = "STOP"
    return f"data: {json.dumps({'candidates': [candidate]})}\r\n\r\n".encode()


def events(n: int) -> bytes:
    return b"".join(event(i, final=i == n - 1) for i in range(n))


def named_event(i: int) -> bytes:
    """One event of an Interactions stream (``event:``-named, with an ``event_id``)."""
    data = {"event_type": "step.delta", "event_id": f"e{i}", "index": 0}
    data["delta"] = {"type": "text", "text": f"part {i} "}
    return f"event: step.delta\ndata: {json.dumps(data)}\n\n".encode()


@dataclass
class Outcome:
    """What a call did, for a case's check."""

    result: Any
    error: BaseException | None
    elapsed: float
    requests: list[dict[str, Any]]
    chunks: list[Any] = field(default_factory=list)
    other_requests: list[dict[str, Any]] = field(default_factory=list)
    peak_memory: int | None = None
    written: int | None = None


@dataclass(frozen=True)
class Case:
    """One row of the matrix.

    Attributes:
        name: Short, stable id (test id and table row).
        fault: What the server (or the caller) does wrong.
        expect: The outcome, in words.
        bound: Wall-time bound in seconds.
        steps: The server's script, built when the case runs.
        call: ``generate`` (unary), ``stream``, ``events`` (an Interactions stream of
            named events), ``delete`` (an ``Empty`` method) or ``download``.
        check: Asserts on the outcome.
        client: Extra client arguments; ``None`` values are removed.
        hangs_up: The client must have closed its connection(s) when the call returns.
        refused: No server: the base URL points at a closed port.
        memory: Measure the peak of traced memory during the call.
    """

    name: str
    fault: str
    expect: str
    bound: float
    steps: Callable[[fs.FaultServer], list[dict]]
    check: Callable[[Outcome], None]
    call: str = "generate"
    client: dict[str, Any] = field(default_factory=dict)
    hangs_up: bool = False
    refused: bool = False
    memory: bool = False
    options: CallOptions = OPTIONS


# -- checks ------------------------------------------------------------------------------


def raises(
    cls: type[BaseException], *, requests: int | tuple[int, int] | None = None, text: str = ""
):
    def check(o: Outcome) -> None:
        assert isinstance(o.error, cls), f"expected {cls.__name__}, got {o.error!r} / {o.result!r}"
        if isinstance(requests, tuple):
            low, high = requests
            assert low <= len(o.requests) <= high, f"{len(o.requests)} requests, not {requests}"
        elif requests is not None:
            assert len(o.requests) == requests, f"{len(o.requests)} requests, not {requests}"
        if text:
            assert text in str(o.error), f"{text!r} not in {str(o.error)!r}"

    return check


def succeeds(*, requests: int = 1, text: str = "hi"):
    def check(o: Outcome) -> None:
        assert o.error is None, f"raised {o.error!r}"
        assert len(o.requests) == requests, f"{len(o.requests)} requests, not {requests}"
        assert o.result.candidates[0].content.parts[0].text == text

    return check


def both(*checks: Callable[[Outcome], None]) -> Callable[[Outcome], None]:
    def check(o: Outcome) -> None:
        for c in checks:
            c(o)

    return check


def chunks_received(n: int) -> Callable[[Outcome], None]:
    def check(o: Outcome) -> None:
        assert len(o.error.chunks) == n, f"{len(o.error.chunks)} chunks carried, not {n}"
        assert o.error.chunks == o.chunks

    return check


def events_received(n: int) -> Callable[[Outcome], None]:
    def check(o: Outcome) -> None:
        assert len(o.chunks) == n, f"{len(o.chunks)} events delivered, not {n}"

    return check


def names_the_host_and_attempts(o: Outcome) -> None:
    text = str(o.error)
    assert "127.0.0.1:" in text and f"{ATTEMPTS} attempts" in text, text
    assert ": " in text and text.split(": ", 2)[-1].strip(), f"no cause in {text!r}"


def no_request(o: Outcome) -> None:
    assert o.requests == [], f"{len(o.requests)} request(s) reached the server"


def header_named(name: str) -> Callable[[Outcome], None]:
    def check(o: Outcome) -> None:
        assert name in str(o.error), f"{name!r} not named in {str(o.error)!r}"

    return check


# -- server scripts ----------------------------------------------------------------------


def script(*steps: dict) -> Callable[[fs.FaultServer], list[dict]]:
    return lambda server: list(steps)


def respond(status: int, body: bytes, headers: dict[str, str] | None = None, end: str = "keep"):
    return fs.respond(status, body, headers, end=end)


def stream_step(*ops: list, end: str = "keep") -> dict:
    return fs.step(fs.send(fs.head(200, SSE_CHUNKED)), *ops, end=end)


def redirect_elsewhere(path: str) -> Callable[[fs.FaultServer], list[dict]]:
    """A 302 to the same server under another host name: another origin (RFC 6454)."""

    def steps(server: fs.FaultServer) -> list[dict]:
        other = server.script(respond(200, OK))
        location = f"http://localhost:{server.port}/{other.token}/{path}"
        return [{"other": other.token, **respond(302, b"", {"location": location})}]

    return steps


def big_response(size: int) -> dict:
    prefix = b'{"candidates": [{"content": {"parts": [{"text": "'
    suffix = b'"}]}, "finishReason": "STOP"}]}'
    block = b"abcdefghijklmnop" * 4096  # 64 KiB
    times = size // len(block)
    body_length = len(prefix) + times * len(block) + len(suffix)
    return fs.step(
        fs.send(fs.head(200, JSON, body_length) + prefix),
        fs.repeat(block, times),
        fs.send(suffix),
    )


def bad_header_client(source: str) -> dict[str, Any]:
    return {
        "api_key": {"api_key": KEY + "\r\nx-evil: 1"},
        "credentials": {"api_key": None, "credentials": TOKEN[:10] + "\n" + TOKEN[10:]},
        "credentials-callable": {"api_key": None, "credentials": lambda: TOKEN + "\r\nx: 1"},
        "headers": {"headers": {"x-goog-api-key": KEY + "\n"}},
    }[source]


# -- the cases ---------------------------------------------------------------------------

T = DEADLINE + SLACK  # bound of a case that runs into the deadline

CASES: list[Case] = [
    Case(
        "refused",
        "connection refused (nothing listens)",
        f"APIConnectionError naming host:port and {ATTEMPTS} attempts, after retries",
        0.5 + SLACK,
        script(),
        both(raises(errors.APIConnectionError, requests=0), names_the_host_and_attempts),
        refused=True,
    ),
    Case(
        "reset-before-response",
        "TCP reset after reading the request, every time",
        f"retried; APIConnectionError after {ATTEMPTS} attempts",
        0.5 + SLACK,
        script(fs.step(end="reset")),
        both(raises(errors.APIConnectionError, requests=ATTEMPTS), names_the_host_and_attempts),
    ),
    Case(
        "reset-then-ok",
        "TCP reset before the response, then a good answer",
        "retried, then succeeds",
        0.5 + SLACK,
        script(fs.step(end="reset"), respond(200, OK)),
        succeeds(requests=2),
    ),
    Case(
        "reset-mid-body",
        "TCP reset after the headers and 20 of 100 body bytes",
        "APIConnectionError; not retried (the request may have been carried out)",
        0.5 + SLACK,
        script(fs.step(fs.send(fs.head(200, JSON, 100) + OK[:20]), fs.pause(0.02), end="reset")),
        raises(errors.APIConnectionError, requests=1),
    ),
    Case(
        "reset-mid-stream",
        "TCP reset after 2 SSE events",
        "StreamInterruptedError carrying the 2 chunks",
        0.5 + SLACK,
        script(
            stream_step(
                fs.send(fs.chunk(event(0)) + fs.chunk(event(1))), fs.pause(0.02), end="reset"
            )
        ),
        both(raises(errors.StreamInterruptedError, requests=1), chunks_received(2)),
        call="stream",
    ),
    Case(
        "never-answers",
        "accepts the connection, reads the request, never answers",
        f"retried on each {READ_TIMEOUT:g} s read timeout; APITimeoutError at the deadline",
        T,
        script(fs.step(end="hang")),
        # The third attempt starts at about 0.42 s; on a very busy machine the deadline
        # may come before it does.
        raises(errors.APITimeoutError, requests=(ATTEMPTS - 1, ATTEMPTS)),
        hangs_up=True,
    ),
    Case(
        "trickle-status-line",
        f"status line and headers one byte per {TRICKLE * 1000:g} ms",
        f"APITimeoutError at the {DEADLINE:g} s deadline",
        T,
        script(fs.step(fs.trickle(fs.head(200, JSON, len(OK)), TRICKLE), fs.send(OK))),
        raises(errors.APITimeoutError, requests=1, text="deadline"),
        hangs_up=True,
    ),
    Case(
        "trickle-body",
        f"body one byte per {TRICKLE * 1000:g} ms",
        f"APITimeoutError at the {DEADLINE:g} s deadline",
        T,
        script(fs.step(fs.send(fs.head(200, JSON, len(OK))), fs.trickle(OK, TRICKLE))),
        raises(errors.APITimeoutError, requests=1, text="deadline"),
        hangs_up=True,
    ),
    Case(
        "trickle-stream-first-event",
        f"SSE headers, then the first event one byte per {TRICKLE * 1000:g} ms",
        f"StreamTimeoutError at the {DEADLINE:g} s deadline, no chunk",
        T,
        script(stream_step(fs.trickle(fs.chunk(event(0, final=True)), TRICKLE))),
        both(raises(errors.StreamTimeoutError, requests=1), chunks_received(0)),
        call="stream",
        hangs_up=True,
    ),
    Case(
        "trickle-stream-idle",
        f"one event, then the next one byte per {TRICKLE * 1000:g} ms",
        f"StreamTimeoutError after {IDLE:g} s without a complete event, carrying 1 chunk",
        IDLE + SLACK,
        script(
            stream_step(
                fs.send(fs.chunk(event(0))), fs.trickle(fs.chunk(event(1, final=True)), TRICKLE)
            )
        ),
        both(raises(errors.StreamTimeoutError, requests=1), chunks_received(1)),
        call="stream",
        hangs_up=True,
    ),
    Case(
        "trickle-events-first-event",
        f"Interactions stream: headers, then the first event one byte per {TRICKLE * 1000:g} ms",
        f"StreamTimeoutError at the {DEADLINE:g} s deadline, no event",
        T,
        script(stream_step(fs.trickle(fs.chunk(named_event(0)), TRICKLE))),
        both(raises(errors.StreamTimeoutError, requests=1), events_received(0)),
        call="events",
        hangs_up=True,
    ),
    Case(
        "trickle-events-idle",
        f"Interactions stream: one event, then the next one byte per {TRICKLE * 1000:g} ms",
        f"StreamTimeoutError after {IDLE:g} s without a complete event, 1 event delivered",
        IDLE + SLACK,
        script(
            stream_step(
                fs.send(fs.chunk(named_event(0))), fs.trickle(fs.chunk(named_event(1)), TRICKLE)
            )
        ),
        # No event named the interaction, so there is nothing to resume: one request.
        both(raises(errors.StreamTimeoutError, requests=1), events_received(1)),
        call="events",
        hangs_up=True,
    ),
    Case(
        "429-storm",
        "429 RESOURCE_EXHAUSTED on every attempt, no Retry-After",
        f"retried; ResourceExhausted after {ATTEMPTS} attempts",
        0.5 + SLACK,
        script(respond(429, error_body(429, "RESOURCE_EXHAUSTED"))),
        raises(errors.ResourceExhausted, requests=ATTEMPTS),
    ),
    Case(
        "429-retry-after-too-long",
        "429 with Retry-After: 2 (longer than the time left)",
        "ResourceExhausted at once, retry_after == 2.0",
        0.5 + SLACK,
        script(respond(429, error_body(429, "RESOURCE_EXHAUSTED"), {"retry-after": "2"})),
        both(
            raises(errors.ResourceExhausted, requests=1),
            lambda o: _equal(o.error.retry_after, 2.0),
        ),
    ),
    Case(
        "503-storm",
        "503 UNAVAILABLE on every attempt, no Retry-After",
        f"retried; Unavailable after {ATTEMPTS} attempts",
        0.5 + SLACK,
        script(respond(503, error_body(503, "UNAVAILABLE"))),
        raises(errors.Unavailable, requests=ATTEMPTS),
    ),
    Case(
        "503-storm-retry-after-0",
        "503 with Retry-After: 0 on every attempt",
        f"retried at once; Unavailable after {ATTEMPTS} attempts",
        0.5 + SLACK,
        script(respond(503, error_body(503, "UNAVAILABLE"), {"retry-after": "0"})),
        both(
            raises(errors.Unavailable, requests=ATTEMPTS),
            lambda o: _equal(o.error.retry_after, 0.0),
        ),
    ),
    Case(
        "503-then-ok",
        "503 twice, then a good answer",
        "retried, then succeeds",
        0.5 + SLACK,
        script(respond(503, error_body(503, "UNAVAILABLE")), respond(503, b""), respond(200, OK)),
        succeeds(requests=3),
    ),
    Case(
        "500-html",
        "500 with an HTML page from a proxy",
        f"retried; Internal quoting the page after {ATTEMPTS} attempts",
        0.5 + SLACK,
        script(respond(500, b"<html><body><h1>502 Bad Gateway</h1></body></html>", {"x": "html"})),
        raises(errors.Internal, requests=ATTEMPTS, text="<h1>502 Bad Gateway</h1>"),
    ),
    Case(
        "truncated-json",
        "200 whose JSON body stops half way (length matches)",
        "ResponseDecodeError; not retried",
        0.5 + SLACK,
        script(respond(200, OK[: len(OK) // 2])),
        raises(errors.ResponseDecodeError, requests=1),
    ),
    Case(
        "invalid-utf8",
        "200 with invalid UTF-8 inside a JSON string",
        "ResponseDecodeError",
        0.5 + SLACK,
        script(respond(200, OK.replace(b'"hi"', b'"h\xff\xfei"'))),
        raises(errors.ResponseDecodeError, requests=1),
    ),
    Case(
        "invalid-utf8-stream",
        "SSE event with invalid UTF-8 inside a JSON string",
        "decoded with U+FFFD in place of the bad bytes (WHATWG SSE decoding)",
        0.5 + SLACK,
        script(
            stream_step(
                fs.send(fs.chunk(event(0, final=True).replace(b"part 0", b"p\xffrt 0"))),
                fs.send(fs.LAST_CHUNK),
            )
        ),
        lambda o: _equal(o.result[0].candidates[0].content.parts[0].text, "p\ufffdrt 0 "),
        call="stream",
    ),
    Case(
        "gzip",
        "gzip-compressed body (content-encoding: gzip)",
        "decoded; succeeds",
        0.5 + SLACK,
        script(respond(200, gzip.compress(OK), {"content-encoding": "gzip"})),
        succeeds(),
    ),
    Case(
        "gzip-corrupt",
        "content-encoding: gzip over bytes that are not gzip",
        "ResponseDecodeError naming the encoding; not retried",
        0.5 + SLACK,
        script(respond(200, b"this is not gzip" * 4, {"content-encoding": "gzip"})),
        raises(errors.ResponseDecodeError, requests=1, text="gzip"),
    ),
    Case(
        "gzip-corrupt-stream",
        "an SSE stream declared gzip whose bytes are not gzip",
        "ResponseDecodeError naming the encoding",
        0.5 + SLACK,
        script(
            fs.step(
                fs.send(fs.head(200, {**SSE_CHUNKED, "content-encoding": "gzip"})),
                fs.send(fs.chunk(b"this is not gzip" * 4) + fs.LAST_CHUNK),
            )
        ),
        raises(errors.ResponseDecodeError, requests=1, text="gzip"),
        call="stream",
    ),
    Case(
        "gzip-corrupt-download",
        "a download declared gzip whose bytes are not gzip",
        "ResponseDecodeError naming the encoding; no file left behind",
        0.5 + SLACK,
        script(respond(200, b"this is not gzip" * 4, {"content-encoding": "gzip"})),
        raises(errors.ResponseDecodeError, requests=1, text="gzip"),
        call="download",
    ),
    Case(
        "garbage-status-line",
        "bytes that are not HTTP instead of a status line",
        f"retried; APIConnectionError after {ATTEMPTS} attempts",
        0.5 + SLACK,
        script(fs.step(fs.send(b"SSH-2.0-OpenSSH_9.6\r\n\r\n"), end="close")),
        both(raises(errors.APIConnectionError, requests=ATTEMPTS), names_the_host_and_attempts),
    ),
    Case(
        "50mb-response",
        "200 with a 50 MB JSON body (one 50 MB text part)",
        "succeeds; traced peak memory under 3x the body",
        5.0 + SLACK,
        lambda server: [big_response(50 * MB)],
        lambda o: (
            _no_error(o),
            _below(o.peak_memory, 150 * MB),
            _equal(len(o.result.candidates[0].content.parts[0].text), 50 * MB),
        ),
        memory=True,
        options=LARGE,
    ),
    Case(
        "50mb-download",
        "a 50 MB file download to disk",
        "succeeds; traced peak memory under 8 MB (streamed to the file)",
        5.0 + SLACK,
        lambda server: [big_response(50 * MB)],
        lambda o: (_no_error(o), _below(o.peak_memory, 8 * MB), _equal(o.written > 50 * MB, True)),
        call="download",
        memory=True,
        options=LARGE,
    ),
    Case(
        "5000-events",
        "an SSE stream of 5,000 events",
        "5,000 chunks, the last one final",
        4.0 + SLACK,
        script(stream_step(fs.send(fs.chunk(events(5000))), fs.send(fs.LAST_CHUNK))),
        lambda o: _equal(len(o.result), 5000),
        call="stream",
    ),
    Case(
        "stream-no-final-blank-line",
        "the last event is not followed by its blank line",
        "every event delivered (the lenient end of stream); succeeds",
        0.5 + SLACK,
        script(stream_step(fs.send(fs.chunk(events(3)[:-4])), fs.send(fs.LAST_CHUNK))),
        lambda o: _equal(len(o.result), 3),
        call="stream",
    ),
    Case(
        "stream-cut-close",
        "3 of 6 events, framed by connection close (no length, no chunking), then FIN",
        "StreamInterruptedError carrying the 3 chunks",
        0.5 + SLACK,
        script(fs.step(fs.send(fs.head(200, SSE) + event(0) + event(1) + event(2)), end="close")),
        both(raises(errors.StreamInterruptedError, requests=1), chunks_received(3)),
        call="stream",
    ),
    Case(
        "stream-cut-chunked",
        "3 events without a final one, properly ended chunked body",
        "StreamInterruptedError carrying the 3 chunks",
        0.5 + SLACK,
        script(
            stream_step(fs.send(fs.chunk(event(0) + event(1) + event(2))), fs.send(fs.LAST_CHUNK))
        ),
        both(raises(errors.StreamInterruptedError, requests=1), chunks_received(3)),
        call="stream",
    ),
    Case(
        "empty-200",
        "200 with an empty body for generateContent",
        "EmptyResponseError",
        0.5 + SLACK,
        script(respond(200, b"")),
        raises(errors.EmptyResponseError, requests=1),
    ),
    Case(
        "empty-200-stream",
        "200 text/event-stream with no event",
        "EmptyResponseError",
        0.5 + SLACK,
        script(respond(200, b"", SSE)),
        raises(errors.EmptyResponseError, requests=1),
        call="stream",
    ),
    Case(
        "empty-200-empty-type",
        "200 with an empty body for a method that returns Empty",
        "succeeds with Empty()",
        0.5 + SLACK,
        script(respond(200, b"")),
        lambda o: _equal(type(o.result).__name__, "Empty"),
        call="delete",
    ),
    Case(
        "unknown-fields-and-enums",
        "unknown fields and an unknown finishReason value",
        "decodes; the unknown enum value is kept",
        0.5 + SLACK,
        script(
            respond(
                200,
                json.dumps(
                    {
                        "candidates": [
                            {
                                "content": {"parts": [{"text": "hi", "newPartField": 1}]},
                                "finishReason": "A_REASON_FROM_THE_FUTURE",
                                "brandNewField": {"x": [1, 2]},
                            }
                        ],
                        "topLevelNovelty": True,
                    }
                ).encode(),
            )
        ),
        lambda o: _equal(o.result.candidates[0].finish_reason, "A_REASON_FROM_THE_FUTURE"),
    ),
    Case(
        "302-other-origin",
        "302 to another origin for generateContent",
        "APIError naming the redirect; nothing sent to the other origin",
        0.5 + SLACK,
        redirect_elsewhere("v1beta/models/gemini-x:generateContent"),
        both(
            raises(errors.APIError, requests=1, text="redirect"),
            lambda o: _equal(o.other_requests, []),
        ),
    ),
    Case(
        "302-other-origin-download",
        "302 to another origin for a file download",
        "followed; the other origin gets no API key",
        0.5 + SLACK,
        redirect_elsewhere("files/abc"),
        lambda o: _equal([r["headers"].get("x-goog-api-key") for r in o.other_requests], [None]),
        call="download",
    ),
]

for _source in ("api_key", "credentials", "credentials-callable", "headers"):
    CASES.append(
        Case(
            f"crlf-{_source}",
            f"CR/LF in {_source.replace('-', ' ')}",
            "RequestValidationError naming the source; nothing sent",
            0.5 + SLACK,
            script(respond(200, OK)),
            both(
                raises(errors.RequestValidationError),
                no_request,
                header_named(_source.split("-")[0] if _source != "headers" else "x-goog-api-key"),
            ),
            client=bad_header_client(_source),
        )
    )
for _header in ("x-goog-api-key", "authorization", "x-custom"):
    CASES.append(
        Case(
            f"crlf-extra_headers-{_header}",
            f"CR/LF in extra_headers[{_header!r}]",
            "RequestValidationError naming the header; nothing sent",
            0.5 + SLACK,
            script(respond(200, OK)),
            both(raises(errors.RequestValidationError), no_request, header_named(_header)),
            options=CallOptions(
                timeout=READ_TIMEOUT,
                retry=POLICY,
                extra_headers={_header: f"{TOKEN}\r\nx-injected: 1"},
            ),
        )
    )


def _equal(actual: Any, expected: Any) -> None:
    assert actual == expected, f"{actual!r} != {expected!r}"


def _below(actual: int | None, limit: int) -> None:
    assert actual is not None and actual < limit, f"peak {actual} >= {limit}"


def _no_error(o: Outcome) -> None:
    assert o.error is None, f"raised {o.error!r}"

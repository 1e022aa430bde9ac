"""Transport over real HTTP on loopback: retries and backoff, deadlines, timeouts, extra
headers/query, raw responses, base URLs and where the API key goes.

Every exchange runs with both backends (httpx, httpx2) and both clients (sync, async).
"""

from __future__ import annotations

import json
import logging
import socket
import time
from typing import Any

import httpx
import pytest

from generativelanguage.runtime import errors
from generativelanguage.runtime import options as options_module
from generativelanguage.runtime.options import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    NO_RETRY,
    RETRYABLE_STATUSES,
    CallOptions,
    RetryPolicy,
)
from generativelanguage.runtime.transport import retry_hint
from tests.runtime.conftest import FAST, KEY, Harness, aclose, collect, ready
from tests.support.server import Reply, Script, google_error

BODY = {"contents": [{"parts": [{"text": "hello"}]}]}
OK = json.dumps(
    {
        "candidates": [
            {"content": {"role": "model", "parts": [{"text": "hi"}]}, "finishReason": "STOP"}
        ],
        "usageMetadata": {"promptTokenCount": 3},
    }
).encode()
PATH = "/v1beta/models/gemini-x:generateContent"
STATUS_NAMES = {
    408: "DEADLINE_EXCEEDED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
    400: "INVALID_ARGUMENT",
    404: "NOT_FOUND",
}


def ok() -> Reply:
    return Reply(200, OK)


def fail(status: int, headers: dict[str, str] | None = None, details: list | None = None) -> Reply:
    return Reply(
        status,
        google_error(status, STATUS_NAMES.get(status, "UNKNOWN"), f"status {status}", details),
        headers={"content-type": "application/json", **(headers or {})},
    )


def stamped(stamps: list[float], reply: Reply):
    """A Script item that records when the request arrived."""

    def handler(rec):
        stamps.append(time.monotonic())
        return reply

    return handler


async def generate(client, **kw) -> Any:
    return await ready(client.models.generate_content("gemini-x", body=BODY, **kw))


def text_of(response) -> str:
    return response.candidates[0].content.parts[0].text


def closed_port_url() -> str:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}/"


def counting_http_client(h: Harness, failures: int = 0) -> tuple[Any, dict[str, int]]:
    """A caller-owned http client whose transport counts attempts and fails the first
    ``failures`` of them with a connect error, as a refused connection would."""
    x = h.x
    seen = {"attempts": 0}

    def before(request):
        seen["attempts"] += 1
        if seen["attempts"] <= failures:
            raise x.ConnectError("connection refused (simulated)", request=request)

    if h.is_async:

        class AsyncCounting(x.AsyncHTTPTransport):
            async def handle_async_request(self, request):
                before(request)
                return await super().handle_async_request(request)

        return x.AsyncClient(transport=AsyncCounting()), seen

    class Counting(x.HTTPTransport):
        def handle_request(self, request):
            before(request)
            return super().handle_request(request)

    return x.Client(transport=Counting()), seen


# -- the basic exchange ---------------------------------------------------------------


def test_generate_content_round_trip(h: Harness, server):
    server.handler = lambda rec: ok()

    async def scenario(client):
        return await generate(client)

    result = h.run(scenario)
    assert text_of(result) == "hi"
    assert result.candidates[0].finish_reason == "STOP"
    assert result.usage_metadata.prompt_token_count == 3
    [rec] = server.requests
    assert (rec.method, rec.path, rec.query) == ("POST", PATH, [])
    assert rec.headers["content-type"] == "application/json"
    assert rec.headers["x-goog-api-key"] == KEY
    assert rec.headers["x-goog-api-client"].startswith("generativelanguage-py/")
    assert json.loads(rec.body) == BODY


# -- retries ---------------------------------------------------------------------------


def test_default_policy_values():
    policy = RetryPolicy()
    assert policy.max_attempts == 4
    assert set(policy.statuses) == {408, 429, 500, 502, 503, 504} == set(RETRYABLE_STATUSES)
    assert policy.deadline is not None and policy.deadline > 0
    assert NO_RETRY.max_attempts == 1


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_retryable_status_is_retried(h: Harness, server, status):
    server.handler = Script(fail(status), ok())

    async def scenario(client):
        return await generate(client)

    assert text_of(h.run(scenario)) == "hi"
    assert len(server.requests) == 2
    assert server.requests[0].body == server.requests[1].body


def test_retries_are_on_by_default_without_a_retry_argument(h: Harness, server, monkeypatch):
    # Client() without retry=: the default policy retries; only the sleep is shortened.
    monkeypatch.setattr(options_module.RetryPolicy, "backoff", lambda self, attempt, rng=None: 0)
    server.handler = Script(fail(503), ok())

    async def scenario(client):
        return await generate(client)

    assert text_of(h.run(scenario, retry=None)) == "hi"
    assert len(server.requests) == 2


def test_503_burst_then_success(h: Harness, server):
    server.handler = Script(fail(503), fail(503), fail(503), ok())

    async def scenario(client):
        return await generate(client)

    assert text_of(h.run(scenario)) == "hi"
    assert len(server.requests) == 4


def test_persistent_503_gives_up_after_max_attempts(h: Harness, server):
    server.handler = Script(*[fail(503)] * 5, ok())

    async def scenario(client):
        return await generate(client)

    with pytest.raises(errors.Unavailable) as info:
        h.run(scenario)
    assert len(server.requests) == 4
    assert info.value.http_status == 503
    assert info.value.message == "status 503"


@pytest.mark.parametrize(("status", "cls"), [(400, errors.InvalidArgument), (404, errors.NotFound)])
def test_client_errors_are_not_retried(h: Harness, server, status, cls):
    server.handler = Script(fail(status), ok())

    async def scenario(client):
        return await generate(client)

    with pytest.raises(cls):
        h.run(scenario)
    assert len(server.requests) == 1


def test_per_call_no_retry(h: Harness, server):
    server.handler = Script(fail(503), ok())

    async def scenario(client):
        return await generate(client, options=CallOptions(retry=NO_RETRY))

    with pytest.raises(errors.Unavailable):
        h.run(scenario)
    assert len(server.requests) == 1


def test_client_level_no_retry_and_per_call_override(h: Harness, server):
    server.handler = Script(fail(503), ok())

    async def scenario(client):
        return await generate(client, options=CallOptions(retry=FAST))

    assert text_of(h.run(scenario, retry=NO_RETRY)) == "hi"
    assert len(server.requests) == 2


def test_custom_statuses(h: Harness, server):
    server.handler = Script(fail(404), ok())
    policy = RetryPolicy(initial_backoff=0.01, max_backoff=0.01, statuses=frozenset({404}))

    async def scenario(client):
        return await generate(client, options=CallOptions(retry=policy))

    assert text_of(h.run(scenario)) == "hi"
    assert len(server.requests) == 2


def test_refused_connection_is_retried_then_raises(h: Harness):
    url = closed_port_url()

    async def scenario():
        http, seen = counting_http_client(h)
        try:
            client = h.client(base_url=url, http_client=http)
            with pytest.raises(errors.APIConnectionError) as info:
                await generate(client)
            assert not isinstance(info.value, errors.APITimeoutError)
            assert "ConnectError" in str(info.value)
            # The message names the host it could not reach and the attempts made.
            port = url.rstrip("/").rsplit(":", 1)[1]
            assert str(info.value).endswith(f"(127.0.0.1:{port}, 4 attempts)")
            return seen["attempts"]
        finally:
            await aclose(http)

    assert h.run_plain(scenario) == 4


def test_connect_error_then_success(h: Harness, server):
    server.handler = lambda rec: ok()

    async def scenario():
        http, seen = counting_http_client(h, failures=2)
        try:
            result = await generate(h.client(http_client=http))
            return result, seen["attempts"]
        finally:
            await aclose(http)

    result, attempts = h.run_plain(scenario)
    assert text_of(result) == "hi"
    assert attempts == 3
    assert len(server.requests) == 1


def test_body_cut_after_headers_is_not_retried(h: Harness, server):
    # Response bytes arrived: the request may have been processed, so no retry.
    server.handler = Script(Reply(200, chunks=[b'{"candidates": ['], cut=True), ok())

    async def scenario(client):
        return await generate(client)

    with pytest.raises(errors.APIConnectionError):
        h.run(scenario)
    assert len(server.requests) == 1


# -- backoff, server hints and deadlines -------------------------------------------------


def test_backoff_is_full_jitter_under_a_capped_exponential():
    import random

    policy = RetryPolicy(initial_backoff=1.0, multiplier=2.0, max_backoff=5.0)
    rng = random.Random(1234)
    for attempt, cap in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 5.0), (9, 5.0)]:
        samples = [policy.backoff(attempt, rng) for _ in range(2000)]
        assert all(0.0 <= s <= cap for s in samples)
        # Full jitter: the whole range [0, cap] is used, not [cap/2, cap].
        assert min(samples) < cap * 0.05
        assert max(samples) > cap * 0.95


class _TopOfRange:
    """Stands in for the ``random`` module: records each range, answers its top."""

    def __init__(self) -> None:
        self.ranges: list[tuple[float, float]] = []

    def uniform(self, a: float, b: float) -> float:
        self.ranges.append((a, b))
        return b


def test_backoff_between_attempts_over_http(h: Harness, server, monkeypatch):
    fake = _TopOfRange()
    monkeypatch.setattr(options_module, "random", fake)
    stamps: list[float] = []
    server.handler = Script(*[stamped(stamps, fail(503))] * 3, stamped(stamps, ok()))
    policy = RetryPolicy(initial_backoff=0.02, multiplier=2.0, max_backoff=0.05)

    async def scenario(client):
        return await generate(client, options=CallOptions(retry=policy))

    assert text_of(h.run(scenario)) == "hi"
    assert fake.ranges == [(0, 0.02), (0, 0.04), (0, 0.05)]
    gaps = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    for gap, (_, cap) in zip(gaps, fake.ranges, strict=True):
        assert gap >= cap * 0.9


@pytest.mark.parametrize(
    ("backend", "mode"), [("httpx", "sync"), ("httpx2", "async")], indirect=True
)
def test_retry_after_seconds_is_honoured(h: Harness, server):
    # The one deliberately slow test: Retry-After has a resolution of one second.
    stamps: list[float] = []
    server.handler = Script(
        stamped(stamps, fail(429, headers={"Retry-After": "1"})), stamped(stamps, ok())
    )

    async def scenario(client):
        return await generate(client)

    assert text_of(h.run(scenario)) == "hi"
    assert len(stamps) == 2
    assert stamps[1] - stamps[0] >= 0.95


def test_retry_info_delay_is_honoured(h: Harness, server):
    stamps: list[float] = []
    details = [
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "0.2s"},
        {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": []},
    ]
    server.handler = Script(stamped(stamps, fail(429, details=details)), stamped(stamps, ok()))

    async def scenario(client):
        return await generate(client)

    assert text_of(h.run(scenario)) == "hi"
    assert 0.19 <= stamps[1] - stamps[0] < 0.9


def test_retry_hint_sources():
    def err(headers=None, details=None):
        return errors.error_from_body(
            429, google_error(429, "RESOURCE_EXHAUSTED", "slow down", details), headers
        )

    info = [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1.5s"}]
    assert retry_hint(err({"Retry-After": "3"})) == 3.0
    assert retry_hint(err({"retry-after": "0"})) == 0.0
    assert retry_hint(err(details=info)) == 1.5
    assert retry_hint(err({"Retry-After": "2"}, info)) == 2.0  # the header wins
    assert retry_hint(err()) is None
    future = time.time() + 30
    date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(future))
    assert 25 <= retry_hint(err({"Retry-After": date})) <= 31
    past = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() - 60))
    assert retry_hint(err({"Retry-After": past})) == 0.0
    bad = [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "soon"}]
    assert retry_hint(err(details=bad)) is None


def test_hint_longer_than_the_deadline_gives_up_at_once(h: Harness, server):
    server.handler = Script(fail(429, headers={"Retry-After": "30"}), ok())
    policy = RetryPolicy(initial_backoff=0.01, deadline=5.0)

    async def scenario(client):
        started = time.monotonic()
        with pytest.raises(errors.ResourceExhausted):
            await generate(client, options=CallOptions(retry=policy))
        return time.monotonic() - started

    assert h.run(scenario) < 1.0
    assert len(server.requests) == 1


def test_deadline_stops_retrying(h: Harness, server):
    server.handler = lambda rec: fail(503)
    policy = RetryPolicy(max_attempts=1000, initial_backoff=0.04, max_backoff=0.04, deadline=0.15)

    async def scenario(client):
        started = time.monotonic()
        with pytest.raises(errors.Unavailable):
            await generate(client, options=CallOptions(retry=policy))
        return time.monotonic() - started

    elapsed = h.run(scenario)
    assert elapsed < 0.15 + 0.2
    assert 2 <= len(server.requests) < 1000


@pytest.mark.parametrize(
    ("backend", "mode"), [("httpx", "sync"), ("httpx2", "async")], indirect=True
)
def test_deadline_bounds_an_attempt_in_progress(h: Harness, server):
    # RetryPolicy.deadline is documented as the overall seconds across attempts, and
    # APITimeoutError as raised when "an overall deadline" expires: a single slow
    # attempt must not run past it.
    server.handler = lambda rec: Reply(200, OK, delay=0.8)
    policy = RetryPolicy(initial_backoff=0.01, max_backoff=0.05, deadline=0.2)

    async def scenario(client):
        started = time.monotonic()
        try:
            await generate(client, options=CallOptions(retry=policy))
        except errors.APITimeoutError:
            return time.monotonic() - started, "timeout"
        return time.monotonic() - started, "returned"

    elapsed, outcome = h.run(scenario)
    assert outcome == "timeout", f"the call {outcome} after {elapsed:.2f}s (deadline 0.2s)"
    assert elapsed < 0.2 + 0.3


# -- timeouts --------------------------------------------------------------------------


def test_per_call_timeout(h: Harness, server):
    server.handler = lambda rec: Reply(200, OK, delay=2)

    async def scenario(client):
        started = time.monotonic()
        with pytest.raises(errors.APITimeoutError):
            await generate(client, options=CallOptions(timeout=0.1, retry=NO_RETRY))
        return time.monotonic() - started

    assert h.run(scenario) < 1.0
    assert len(server.requests) == 1


def test_timed_out_attempt_is_retried(h: Harness, server):
    server.handler = Script(Reply(200, OK, delay=1.5), ok())

    async def scenario(client):
        return await generate(client, options=CallOptions(timeout=0.1))

    assert text_of(h.run(scenario)) == "hi"
    assert len(server.requests) == 2


def test_client_level_timeout(h: Harness, server):
    server.handler = lambda rec: Reply(200, OK, delay=2)

    async def scenario(client):
        started = time.monotonic()
        with pytest.raises(errors.APITimeoutError):
            await generate(client)
        return time.monotonic() - started

    assert h.run(scenario, timeout=0.1, retry=NO_RETRY) < 1.0


def test_client_level_timeout_object_and_per_call_override(h: Harness, server):
    server.handler = lambda rec: Reply(200, OK, delay=0.25)

    async def scenario(client):
        with pytest.raises(errors.APITimeoutError):
            await generate(client)
        return await generate(client, options=CallOptions(timeout=5))

    assert text_of(h.run(scenario, timeout=h.x.Timeout(0.1), retry=NO_RETRY)) == "hi"


def test_timeout_given_as_httpx_timeout_works_with_either_backend(h: Harness, server):
    # The docs say "seconds, or an httpx.Timeout"; switching the backend to httpx2 (for
    # example with $GENERATIVELANGUAGE_HTTP_BACKEND) must not break such code.
    server.handler = lambda rec: ok()

    async def scenario(client):
        return await generate(client)

    assert text_of(h.run(scenario, timeout=httpx.Timeout(5.0))) == "hi"


def test_default_timeouts_are_finite(h: Harness, server):
    server.handler = lambda rec: ok()
    raw: list = []

    async def scenario(client):
        return await generate(client, options=CallOptions(raw_response=raw))

    h.run(scenario)
    timeout = raw[0].request.extensions["timeout"]
    assert set(timeout) == {"connect", "read", "write", "pool"}
    assert timeout["connect"] == DEFAULT_CONNECT_TIMEOUT
    assert timeout["read"] == DEFAULT_READ_TIMEOUT
    assert all(isinstance(v, float) and 0 < v < 3600 for v in timeout.values())


def test_stream_read_timeout_is_the_idle_timeout(h: Harness, server):
    server.handler = lambda rec: Reply(
        200, b'data: {"candidates": []}\n\n', headers={"content-type": "text/event-stream"}
    )
    raw: list = []

    async def scenario(client):
        stream = await ready(
            client.models.stream_generate_content(
                "gemini-x", body=BODY, options=CallOptions(raw_response=raw)
            )
        )
        return await collect(stream)

    assert len(h.run(scenario)) == 1
    timeout = raw[0].request.extensions["timeout"]
    assert timeout["read"] == options_module.DEFAULT_STREAM_IDLE_TIMEOUT
    assert timeout["connect"] == DEFAULT_CONNECT_TIMEOUT


# -- per-call extras -------------------------------------------------------------------


def test_extra_headers_and_query_reach_the_server(h: Harness, server):
    server.handler = lambda rec: ok()
    opts = CallOptions(
        extra_headers={"x-test-header": "yes", "x-server-timeout": "30"},
        extra_query={"trace": "abc", "n": 2},
    )

    async def scenario(client):
        return await generate(client, options=opts)

    h.run(scenario, headers={"x-client-header": "c"})
    [rec] = server.requests
    assert rec.headers["x-test-header"] == "yes"
    assert rec.headers["x-server-timeout"] == "30"
    assert rec.headers["x-client-header"] == "c"
    assert sorted(rec.query) == [("n", "2"), ("trace", "abc")]


@pytest.mark.parametrize("name", ["key", "access_token", "oauth_token"])
def test_credential_in_extra_query_is_refused(h: Harness, server, name):
    server.handler = lambda rec: ok()
    secret = "sekrit-value-123"

    async def scenario(client):
        await generate(client, options=CallOptions(extra_query={name: secret}))

    with pytest.raises(errors.RequestValidationError) as info:
        h.run(scenario)
    assert name in str(info.value)
    assert secret not in str(info.value)
    assert info.value.path == f"extra_query.{name}"
    assert server.requests == []


def test_credential_in_extra_query_is_refused_for_uploads(h: Harness, server):
    server.handler = lambda rec: Reply(200, b'{"file": {"name": "files/abc"}}')
    secret = "sekrit-value-123"

    async def scenario(client):
        await ready(
            client.media.upload(
                body={},
                file=b"hello",
                mime_type="text/plain",
                options=CallOptions(extra_query={"key": secret}),
            )
        )

    with pytest.raises(errors.RequestValidationError):
        h.run(scenario)
    assert all(secret not in rec.raw_target for rec in server.requests)


def test_raw_response_next_to_the_typed_result(h: Harness, server):
    server.handler = lambda rec: Reply(
        200, OK, headers={"content-type": "application/json", "x-served-by": "local"}
    )
    raw: list = []

    async def scenario(client):
        return await generate(client, options=CallOptions(raw_response=raw))

    assert text_of(h.run(scenario)) == "hi"
    [response] = raw
    assert isinstance(response, h.x.Response)
    assert response.status_code == 200
    assert response.headers["x-served-by"] == "local"
    assert response.request.url.path == PATH


def test_raw_response_after_a_retry_is_the_answered_one(h: Harness, server):
    server.handler = Script(fail(503), Reply(200, OK, headers={"x-attempt": "2"}))
    raw: list = []

    async def scenario(client):
        return await generate(client, options=CallOptions(raw_response=raw))

    assert text_of(h.run(scenario)) == "hi"
    # "the httpx.Response of the call": the one the result was decoded from.
    assert [r.status_code for r in raw] == [200]
    assert raw[0].headers["x-attempt"] == "2"


@pytest.mark.parametrize("status", [302, 307])
def test_redirect_is_not_a_silent_empty_result(h: Harness, server, status):
    def handler(rec):
        if rec.path == "/moved":
            return Reply(200, b'{"name": "models/moved", "inputTokenLimit": 7}')
        return Reply(status, b"", headers={"location": "/moved"})

    server.handler = handler

    async def scenario(client):
        try:
            return await ready(client.models.get("gemini-x"))
        except errors.GenerativeLanguageError as exc:
            return exc

    result = h.run(scenario)
    # Follow it (same origin) or raise; an all-None Model() is neither.
    if not isinstance(result, errors.GenerativeLanguageError):
        assert result.name == "models/moved", f"a {status} decoded as {result!r}"


def test_api_key_with_a_stray_newline_never_leaks(h: Harness, server, caplog):
    # A key read from a file often ends with a newline. Whatever the runtime does with
    # it (strip it, refuse it, fail the call), the key must not show up in an exception
    # or a log line.
    caplog.set_level(logging.DEBUG, logger="generativelanguage")
    server.handler = lambda rec: ok()
    texts: list[str] = []

    async def scenario(client):
        await generate(client)

    try:
        h.run(scenario, api_key=KEY + "\n")
    except Exception as exc:  # any failure is fine, a leak is not
        texts += [str(exc), repr(exc)]
    texts += [r.getMessage() for r in caplog.records]
    assert not [t for t in texts if KEY in t]
    assert len(server.requests) <= 1


# -- base URL and http clients ---------------------------------------------------------


def test_base_url_replaces_the_root(h: Harness, server):
    server.handler = lambda rec: ok()

    async def scenario(client):
        return await generate(client)

    h.run(scenario)
    assert server.requests[0].raw_target == PATH


@pytest.mark.parametrize("prefix", ["proxy/gl/", "proxy/gl"])
def test_base_url_with_a_path_prefix(h: Harness, server, prefix):
    server.handler = lambda rec: ok()

    async def scenario(client):
        await generate(client)
        pager = await ready(client.models.list(page_size=1))
        return pager.first_page

    h.run(scenario, base_url=server.url + prefix)
    assert [r.path for r in server.requests] == ["/proxy/gl" + PATH, "/proxy/gl/v1beta/models"]


def test_caller_owned_http_client_is_used_and_left_open(h: Harness, server):
    server.handler = lambda rec: ok()
    seen: list[str] = []

    async def scenario():
        if h.is_async:

            async def hook(request):
                seen.append(str(request.url))

        else:

            def hook(request):
                seen.append(str(request.url))

        http = h.http_client(event_hooks={"request": [hook]})
        try:
            client = h.client(http_client=http)
            result = await generate(client)
            await aclose(client)
            return result, http.is_closed
        finally:
            await aclose(http)

    result, closed_by_client = h.run_plain(scenario)
    assert text_of(result) == "hi"
    assert seen == [server.url.rstrip("/") + PATH]
    assert closed_by_client is False


def test_caller_owned_http_client_subclass(h: Harness, server):
    # Wrapping the http client in a subclass (for instrumentation, say) is common; the
    # runtime must still find the httpx/httpx2 module it belongs to.
    server.handler = Script(fail(503), ok())
    base = h.x.AsyncClient if h.is_async else h.x.Client
    Instrumented = type("Instrumented", (base,), {})

    async def scenario():
        http = Instrumented()
        try:
            return await generate(h.client(http_client=http))
        finally:
            await aclose(http)

    assert text_of(h.run_plain(scenario)) == "hi"
    assert len(server.requests) == 2


def test_unknown_backend_is_refused():
    from generativelanguage.v1beta import Client

    with pytest.raises(ValueError, match="http_backend"):
        Client(api_key=KEY, http_backend="requests")


# -- the API key -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "arg", "expected"),
    [
        ({}, KEY, KEY),
        ({"GEMINI_API_KEY": "gemini-env"}, None, "gemini-env"),
        ({"GOOGLE_API_KEY": "google-env"}, None, "google-env"),
        ({"GEMINI_API_KEY": "gemini-env", "GOOGLE_API_KEY": "google-env"}, None, "gemini-env"),
        ({"GEMINI_API_KEY": "", "GOOGLE_API_KEY": "google-env"}, None, "google-env"),
        ({"GEMINI_API_KEY": "gemini-env", "GOOGLE_API_KEY": "google-env"}, KEY, KEY),
        ({}, None, None),
    ],
)
def test_api_key_source_and_header(h: Harness, server, monkeypatch, env, arg, expected):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    server.handler = lambda rec: ok()

    async def scenario(client):
        return await generate(client)

    h.run(scenario, api_key=arg)
    [rec] = server.requests
    assert rec.headers.get("x-goog-api-key") == expected
    assert all(name.lower() not in ("key", "api_key") for name, _ in rec.query)
    for value in {KEY, "gemini-env", "google-env"}:
        assert value not in rec.raw_target


def test_api_key_never_in_repr_or_error_text(h: Harness, server):
    server.handler = lambda rec: fail(400)

    async def scenario(client):
        text = [repr(client), str(client)]
        for call in (
            lambda: generate(client),
            lambda: generate(client, options=CallOptions(extra_query={"key": KEY})),
        ):
            try:
                await call()
            except errors.GenerativeLanguageError as exc:
                text += [str(exc), repr(exc), str(exc.args)]
            else:
                raise AssertionError("expected an error")
        return text

    text = h.run(scenario)
    assert "api_key=<set>" in text[0]
    for t in text:
        assert KEY not in t


def test_api_key_never_in_connection_error_text(h: Harness):
    async def scenario(client):
        try:
            await generate(client, options=CallOptions(retry=NO_RETRY))
        except errors.APIConnectionError as exc:
            return [str(exc), repr(exc)]
        raise AssertionError("expected a connection error")

    for text in h.run(scenario, base_url=closed_port_url()):
        assert KEY not in text

"""Debug logging on the ``generativelanguage`` logger: one record per attempt with the
method id, URL, status, latency and attempt number; credentials never logged."""

from __future__ import annotations

import logging
import re

import pytest

from generativelanguage.runtime import errors
from generativelanguage.runtime.options import NO_RETRY, CallOptions
from tests.runtime.conftest import KEY, Harness, collect, ready
from tests.support.server import Reply, Script, google_error

BODY = {"contents": [{"parts": [{"text": "hello"}]}]}
OK = b'{"candidates": [{"content": {"parts": [{"text": "hi"}]}, "finishReason": "STOP"}]}'
BUSY = Reply(503, google_error(503, "UNAVAILABLE", "busy"))
ATTEMPT = re.compile(
    r"^(?P<id>\S+) (?P<verb>[A-Z]+) (?P<url>\S+) -> (?P<status>\S+) "
    r"in (?P<ms>\d+\.\d) ms \(attempt (?P<attempt>\d+)\)$"
)


def attempts(caplog) -> list[dict[str, str]]:
    out = []
    for record in caplog.records:
        if record.name.startswith("generativelanguage"):
            m = ATTEMPT.match(record.getMessage())
            if m:
                assert record.levelno == logging.DEBUG
                out.append(m.groupdict())
    return out


def everything_logged(caplog) -> str:
    parts = [caplog.text]
    for record in caplog.records:
        parts += [record.getMessage(), repr(record.args), record.exc_text or ""]
    return "\n".join(parts)


async def generate(client, **kw):
    return await ready(client.models.generate_content("gemini-x", body=BODY, **kw))


def test_one_record_per_attempt(h: Harness, server, caplog):
    caplog.set_level(logging.DEBUG, logger="generativelanguage")
    server.handler = Script(BUSY, BUSY, lambda rec: Reply(200, OK, delay=0.05))

    h.run(generate)
    records = attempts(caplog)
    url = server.url + "v1beta/models/gemini-x:generateContent"
    assert [(r["id"], r["verb"], r["url"]) for r in records] == [
        ("generativelanguage.models.generateContent", "POST", url)
    ] * 3
    assert [r["status"] for r in records] == ["503", "503", "200"]
    assert [r["attempt"] for r in records] == ["1", "2", "3"]
    assert float(records[2]["ms"]) >= 50.0  # the server took 50 ms
    retries = [r.getMessage() for r in caplog.records if "retrying in" in r.getMessage()]
    assert len(retries) == 2
    assert all(m.startswith("generativelanguage.models.generateContent: retrying") for m in retries)
    assert all("503" in m for m in retries)


def test_connection_errors_are_logged_with_the_exception_name(h: Harness, caplog):
    import socket

    caplog.set_level(logging.DEBUG, logger="generativelanguage")
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{s.getsockname()[1]}/"
    s.close()

    with pytest.raises(errors.APIConnectionError):
        h.run(generate, base_url=url)
    records = attempts(caplog)
    assert [r["status"] for r in records] == ["ConnectError"] * 4
    assert [r["attempt"] for r in records] == ["1", "2", "3", "4"]


def test_list_and_stream_records(h: Harness, server, caplog):
    caplog.set_level(logging.DEBUG, logger="generativelanguage")

    def handler(rec):
        if rec.path.endswith(":streamGenerateContent"):
            return Reply(
                200, b"data: " + OK + b"\n\n", headers={"content-type": "text/event-stream"}
            )
        return Reply(200, b'{"models": [{"name": "models/a"}]}')

    server.handler = handler

    async def scenario(client):
        await ready(client.models.list(page_size=3))
        await collect(await ready(client.models.stream_generate_content("gemini-x", body=BODY)))

    h.run(scenario)
    records = attempts(caplog)
    assert [r["id"] for r in records] == [
        "generativelanguage.models.list",
        "generativelanguage.models.streamGenerateContent",
    ]
    assert records[0]["url"].endswith("/v1beta/models?pageSize=3")
    assert records[1]["url"].endswith(":streamGenerateContent?alt=sse")


def test_nothing_logged_above_debug(h: Harness, server, caplog):
    caplog.set_level(logging.INFO, logger="generativelanguage")
    server.handler = Script(BUSY, Reply(200, OK))

    h.run(generate)
    assert [r for r in caplog.records if r.name.startswith("generativelanguage")] == []


@pytest.mark.parametrize("flow", ["ok", "retried", "error", "stream"])
def test_api_key_never_logged(h: Harness, server, caplog, flow):
    # Every logger, every level: the runtime's records and the HTTP libraries' too.
    caplog.set_level(logging.DEBUG)
    sse = Reply(200, b"data: " + OK + b"\n\n", headers={"content-type": "text/event-stream"})
    server.handler = {
        "ok": lambda rec: Reply(200, OK),
        "retried": Script(BUSY, BUSY, Reply(200, OK)),
        "error": lambda rec: Reply(400, google_error(400, "INVALID_ARGUMENT", "bad")),
        "stream": Script(BUSY, sse),
    }[flow]

    async def scenario(client):
        try:
            if flow == "stream":
                await collect(
                    await ready(client.models.stream_generate_content("gemini-x", body=BODY))
                )
            else:
                await generate(client, options=CallOptions(extra_headers={"x-h": "1"}))
        except errors.InvalidArgument:
            pass

    h.run(scenario)
    assert attempts(caplog), "expected debug records"
    assert KEY not in everything_logged(caplog)
    assert server.requests[0].headers["x-goog-api-key"] == KEY  # the key was in use


def test_bearer_token_never_logged(h: Harness, server, caplog):
    caplog.set_level(logging.DEBUG)
    server.handler = Script(
        Reply(401, google_error(401, "UNAUTHENTICATED", "expired")), Reply(200, OK)
    )
    tokens = iter(["first-secret-token", "second-secret-token"])

    h.run(generate, credentials=lambda: next(tokens), retry=NO_RETRY)
    text = everything_logged(caplog)
    assert attempts(caplog)
    assert "first-secret-token" not in text
    assert "second-secret-token" not in text

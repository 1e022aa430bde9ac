"""No key for Google's origin: the client says so before sending anything, naming the
variables it looked at; any other base URL (the emulator, a proxy) needs no key."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from generativelanguage.runtime import errors
from generativelanguage.v1beta import AsyncClient, Client
from tests.runtime.conftest import KEY, Harness
from tests.support.server import Reply


def _recording() -> tuple[list, httpx.MockTransport]:
    # Pure request-building check: the point is that nothing reaches any transport.
    sent: list = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    return sent, httpx.MockTransport(handler)


@pytest.mark.parametrize(
    "base_url",
    [
        None,  # the document's root URL
        "https://us-central1-generativelanguage.googleapis.com/",  # a regional endpoint
    ],
)
def test_google_origin_without_key_raises_before_sending(base_url):
    sent, transport = _recording()
    client = Client(base_url=base_url, http_client=httpx.Client(transport=transport))
    with pytest.raises(errors.MissingCredentialsError) as info:
        client.models.get("gemini-2.5-flash")
    message = str(info.value)
    assert "$GEMINI_API_KEY" in message and "$GOOGLE_API_KEY" in message
    assert "api_key=" in message and "googleapis.com" in message
    assert sent == []
    # The same for every kind of call: streams, lists, uploads, operations, downloads.
    for call in (
        lambda: client.models.stream_generate_content("m", body="hi"),
        lambda: client.models.list(),
        lambda: client.files.upload(b"data", mime_type="text/plain"),
        lambda: client.wait_operation("tunedModels/x/operations/y"),
        lambda: client.download("files/abc", bytearray()),
    ):
        with pytest.raises(errors.MissingCredentialsError):
            call()
    assert sent == []


def test_async_client_without_key_raises_before_sending():
    sent, transport = _recording()

    async def main() -> None:
        async with AsyncClient(http_client=httpx.AsyncClient(transport=transport)) as client:
            with pytest.raises(errors.MissingCredentialsError, match="GEMINI_API_KEY"):
                await client.models.generate_content("m", body="hi")

    asyncio.run(main())
    assert sent == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"api_key": KEY},
        {"credentials": "an-oauth-token"},
        {"headers": {"X-Goog-Api-Key": KEY}},
        {"headers": {"Authorization": "Bearer t"}},
    ],
)
def test_a_key_or_credentials_in_any_form_are_enough(kwargs):
    sent, transport = _recording()
    client = Client(http_client=httpx.Client(transport=transport), **kwargs)
    client.models.get("gemini-2.5-flash")
    assert len(sent) == 1


def test_a_key_in_the_environment_is_enough(monkeypatch):
    sent, transport = _recording()
    monkeypatch.setenv("GOOGLE_API_KEY", KEY)
    Client(http_client=httpx.Client(transport=transport)).models.get("gemini-2.5-flash")
    assert sent[0].headers["x-goog-api-key"] == KEY


def test_a_local_base_url_needs_no_key(h: Harness, server):
    server.handler = lambda rec: Reply(200, json.dumps({"name": "models/m"}).encode())

    async def scenario():
        client = h.client(api_key=None)
        try:
            model = client.models.get("m")
            return await model if h.is_async else model
        finally:
            if h.is_async:
                await client.close()
            else:
                client.close()

    assert h.run_plain(scenario).name == "models/m"
    assert "x-goog-api-key" not in {k.lower() for k in server.requests[0].headers}


def test_an_api_that_takes_anonymous_calls_sends_them():
    # CREDENTIALS_REQUIRED is the generated client's per-API setting (x-client
    # credentialsRequired): Gemini's is True; an API with public methods (Discovery,
    # Cloud Storage's public objects) leaves it False and lets the service decide.
    class PublicClient(Client):
        CREDENTIALS_REQUIRED = False

    sent, transport = _recording()
    PublicClient(http_client=httpx.Client(transport=transport)).models.get("gemini-2.5-flash")
    assert len(sent) == 1 and "x-goog-api-key" not in sent[0].headers
    assert Client.CREDENTIALS_REQUIRED is True

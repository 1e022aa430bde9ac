"""OAuth2 credentials instead of an API key: static tokens, token providers refreshed
once on a 401, and google-auth-like credential objects."""

from __future__ import annotations

import threading

import pytest

from generativelanguage.runtime import auth, errors
from generativelanguage.runtime.auth import TokenSource
from tests.runtime.conftest import KEY, Harness, each, ready
from tests.support.server import Reply, Script, google_error

UNAUTH = Reply(401, google_error(401, "UNAUTHENTICATED", "token expired"))
OK = Reply(200, b'{"name": "models/gemini-x", "inputTokenLimit": 10}')


def bearer(rec) -> str | None:
    return rec.headers.get("authorization")


async def get_model(client):
    return await ready(client.models.get("gemini-x"))


def test_static_token(h: Harness, server, monkeypatch):
    monkeypatch.setenv("GEMINI_API_KEY", KEY)  # ignored when credentials are given
    server.handler = lambda rec: OK

    model = h.run(get_model, credentials="tok")
    assert model.input_token_limit == 10
    [rec] = server.requests
    assert bearer(rec) == "Bearer tok"
    assert "x-goog-api-key" not in rec.headers


def test_static_token_is_not_refreshed_on_401(h: Harness, server):
    server.handler = Script(UNAUTH, OK)

    with pytest.raises(errors.Unauthenticated):
        h.run(get_model, credentials="tok")
    assert len(server.requests) == 1


class Provider:
    def __init__(self) -> None:
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self) -> str:
        with self.lock:
            self.calls += 1
            return f"tok-{self.calls}"


def test_provider_is_called_once_for_many_requests(h: Harness, server):
    server.handler = lambda rec: OK
    provider = Provider()

    async def scenario(client):
        for _ in range(3):
            await get_model(client)

    h.run(scenario, credentials=provider)
    assert provider.calls == 1
    assert [bearer(r) for r in server.requests] == ["Bearer tok-1"] * 3


def test_provider_refreshed_once_on_401_then_retry_succeeds(h: Harness, server):
    server.handler = Script(UNAUTH, OK)
    provider = Provider()

    async def scenario(client):
        first = await get_model(client)
        await get_model(client)  # the fresh token is kept for later calls
        return first

    assert h.run(scenario, credentials=provider).name == "models/gemini-x"
    assert provider.calls == 2
    assert [bearer(r) for r in server.requests] == [
        "Bearer tok-1",
        "Bearer tok-2",
        "Bearer tok-2",
    ]


def test_second_401_raises_after_exactly_two_requests(h: Harness, server):
    server.handler = Script(UNAUTH, UNAUTH, OK)
    provider = Provider()

    with pytest.raises(errors.Unauthenticated) as info:
        h.run(get_model, credentials=provider)
    assert info.value.message == "token expired"
    assert len(server.requests) == 2
    assert provider.calls == 2


def test_refresh_does_not_use_up_a_retry_attempt(h: Harness, server):
    # 401 (refresh) then 503 x3 then 200: four real attempts after the refresh.
    busy = Reply(503, google_error(503, "UNAVAILABLE", "busy"))
    server.handler = Script(UNAUTH, busy, busy, busy, OK)

    h.run(get_model, credentials=Provider())
    assert len(server.requests) == 5


def test_refresh_on_401_for_streams(h: Harness, server):
    sse = Reply(
        200,
        b'data: {"candidates": [{"content": {"parts": [{"text": "x"}]}, "finishReason": "STOP"}]}'
        b"\n\n",
        headers={"content-type": "text/event-stream"},
    )
    server.handler = Script(UNAUTH, sse)
    provider = Provider()

    async def scenario(client):
        stream = await ready(
            client.models.stream_generate_content("gemini-x", body={"contents": []})
        )
        return [c async for c in each(stream)]

    [chunk] = h.run(scenario, credentials=provider)
    assert chunk.candidates[0].content.parts[0].text == "x"
    assert [bearer(r) for r in server.requests] == ["Bearer tok-1", "Bearer tok-2"]


@pytest.mark.parametrize("returns", ["coroutine", "none"])
def test_provider_returning_no_token_sends_no_garbage(h: Harness, server, returns):
    # An async token function (natural with AsyncClient) returns a coroutine, and a
    # buggy provider may return None. Either use a real token or fail before sending;
    # never put the repr of whatever came back into the Authorization header.
    server.handler = lambda rec: OK

    async def async_token() -> str:
        return "tok-async"

    provider = async_token if returns == "coroutine" else (lambda: None)
    try:
        h.run(get_model, credentials=provider)
    except (TypeError, ValueError, errors.GenerativeLanguageError):
        pass
    for rec in server.requests:
        assert bearer(rec) == "Bearer tok-async", bearer(rec)


class FakeGoogleCredentials:
    """Duck-types google.auth.credentials.Credentials: token, valid, refresh(request)."""

    def __init__(self, valid: bool = False, token: str | None = None) -> None:
        self.token = token
        self.valid = valid
        self.refreshes: list[object] = []

    def refresh(self, request: object) -> None:
        self.refreshes.append(request)
        self.token = f"g-{len(self.refreshes)}"
        self.valid = True


@pytest.fixture
def google_request(monkeypatch):
    sentinel = object()
    monkeypatch.setattr(auth, "_google_request", lambda: sentinel)
    return sentinel


def test_google_auth_credentials_refreshed_before_first_use(h: Harness, server, google_request):
    server.handler = lambda rec: OK
    creds = FakeGoogleCredentials()

    h.run(get_model, credentials=creds)
    assert creds.refreshes == [google_request]
    assert bearer(server.requests[0]) == "Bearer g-1"
    assert "x-goog-api-key" not in server.requests[0].headers


def test_google_auth_valid_credentials_used_as_they_are(h: Harness, server, google_request):
    server.handler = lambda rec: OK
    creds = FakeGoogleCredentials(valid=True, token="already")

    h.run(get_model, credentials=creds)
    assert creds.refreshes == []
    assert bearer(server.requests[0]) == "Bearer already"


def test_google_auth_refreshed_on_401(h: Harness, server, google_request):
    server.handler = Script(UNAUTH, OK)
    creds = FakeGoogleCredentials(valid=True, token="stale")

    h.run(get_model, credentials=creds)
    assert creds.refreshes == [google_request]
    assert [bearer(r) for r in server.requests] == ["Bearer stale", "Bearer g-1"]


def test_api_key_and_credentials_together_send_both(h: Harness, server):
    # An explicit api_key next to credentials is kept; only the environment's is not.
    server.handler = lambda rec: OK

    h.run(get_model, credentials="tok", api_key=KEY)
    [rec] = server.requests
    assert bearer(rec) == "Bearer tok"
    assert rec.headers["x-goog-api-key"] == KEY


def test_bad_credentials_type_is_refused():
    with pytest.raises(TypeError, match="credentials must be"):
        TokenSource(42)


def test_token_never_in_repr():
    source = TokenSource("very-secret-token")
    assert source.token() == "very-secret-token"
    assert "very-secret-token" not in repr(source)

"""Faults on demand: failures with retry hints, cut streams, delays; and the API key."""

from __future__ import annotations

import time

import httpx
import pytest

from generativelanguage.runtime import errors
from generativelanguage.runtime.options import NO_RETRY, CallOptions
from generativelanguage.v1beta import Client
from tests.emulator.conftest import FAST_RETRY, KEY, text_of, user

MODEL = "gemini-2.5-flash"
BODY = {"contents": [user("one two three four five six seven eight")]}


def _generate_calls(emu) -> int:
    return sum(1 for r in emu.requests if r["path"].endswith(":generateContent"))


def test_429_shape_on_the_wire(emu):
    emu.fail_next(1, status=429, retry_after=1.5)
    response = httpx.post(f"{emu.url}/v1beta/models/{MODEL}:generateContent", json=BODY)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "2"  # whole seconds, rounded up
    error = response.json()["error"]
    assert error["code"] == 429 and error["status"] == "RESOURCE_EXHAUSTED"
    retry_info = [d for d in error["details"] if d["@type"].endswith("google.rpc.RetryInfo")]
    assert retry_info == [
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1.5s"}
    ]
    # The fault is used up: the next call succeeds.
    ok = httpx.post(f"{emu.url}/v1beta/models/{MODEL}:generateContent", json=BODY)
    assert ok.status_code == 200


def test_client_retries_429_honouring_retry_after(emu, client):
    emu.fail_next(1, status=429, retry_after=1)
    started = time.monotonic()
    response = client.models.generate_content(MODEL, body=BODY)
    elapsed = time.monotonic() - started
    assert text_of(response).startswith("Echo:")
    assert _generate_calls(emu) == 2
    assert elapsed >= 0.95  # waited the Retry-After, not the tiny backoff


def test_client_gives_up_after_four_attempts(emu, client):
    emu.fail_next(5, status=429, retry_after=0)
    with pytest.raises(errors.ResourceExhausted) as caught:
        client.models.generate_content(MODEL, body=BODY)
    assert caught.value.detail("RetryInfo") == {
        "@type": "type.googleapis.com/google.rpc.RetryInfo",
        "retryDelay": "0s",
    }
    assert _generate_calls(emu) == 4


def test_503_burst_then_success(emu, client):
    emu.fail_next(3, status=503, retry_after=None)
    response = client.models.generate_content(MODEL, body=BODY)
    assert text_of(response).startswith("Echo:")
    assert _generate_calls(emu) == 4
    emu.fail_next(1, status=503, retry_after=None)
    with pytest.raises(errors.Unavailable, match="overloaded"):
        client.models.generate_content(MODEL, body=BODY, options=CallOptions(retry=NO_RETRY))


def test_faults_only_hit_matching_paths(emu, client):
    emu.fail_next(1, status=500, retry_after=None, path_contains=":countTokens")
    assert text_of(client.models.generate_content(MODEL, body=BODY)).startswith("Echo:")
    with pytest.raises(errors.Internal):
        client.models.count_tokens(MODEL, body=BODY, options=CallOptions(retry=NO_RETRY))


def test_cut_stream_raises_stream_interrupted(emu, client):
    emu.cut_stream_after(2)
    received = []
    with pytest.raises(errors.StreamInterruptedError):
        with client.models.stream_generate_content(MODEL, body=BODY) as stream:
            for chunk in stream:
                received.append(text_of(chunk))
    assert len(received) == 2
    # Only the next stream was cut.
    with client.models.stream_generate_content(MODEL, body=BODY) as stream:
        assert len(list(stream)) >= 3


def test_cut_does_not_apply_to_plain_calls(emu, client):
    emu.cut_stream_after(0)
    assert text_of(client.models.generate_content(MODEL, body=BODY)).startswith("Echo:")
    with pytest.raises(errors.StreamInterruptedError):
        list(client.models.stream_generate_content(MODEL, body=BODY))


def test_delay(emu, client):
    emu.delay(0.3)
    started = time.monotonic()
    client.models.count_tokens(MODEL, body=BODY)
    assert time.monotonic() - started >= 0.29
    started = time.monotonic()
    client.models.count_tokens(MODEL, body=BODY)
    assert time.monotonic() - started < 0.25


def test_delay_beyond_the_client_timeout(emu):
    emu.delay(1.0)
    with Client(api_key=KEY, base_url=emu.url, timeout=0.2, retry=NO_RETRY) as short:
        with pytest.raises(errors.APITimeoutError):
            short.models.count_tokens(MODEL, body=BODY)


def test_missing_key_is_permission_denied(keyed_emu):
    with Client(api_key="", base_url=keyed_emu.url, retry=FAST_RETRY) as anonymous:
        with pytest.raises(errors.PermissionDenied, match="unregistered callers"):
            anonymous.models.list()


def test_wrong_key_is_invalid_argument_api_key_invalid(keyed_emu):
    with Client(api_key="wrong", base_url=keyed_emu.url) as wrong:
        with pytest.raises(errors.InvalidArgument, match="API key not valid") as caught:
            wrong.models.generate_content(MODEL, body=BODY)
    info = caught.value.detail("ErrorInfo")
    assert info["reason"] == "API_KEY_INVALID"
    assert caught.value.http_status == 400


def test_right_key_in_header_or_query(keyed_emu):
    with Client(api_key=KEY, base_url=keyed_emu.url) as good:
        assert good.models.get("gemini-2.5-flash").name == "models/gemini-2.5-flash"
    response = httpx.get(f"{keyed_emu.url}/v1beta/models/gemini-2.5-flash", params={"key": KEY})
    assert response.status_code == 200
    missing = httpx.get(f"{keyed_emu.url}/v1beta/models/gemini-2.5-flash")
    assert missing.status_code == 403
    assert missing.json()["error"]["status"] == "PERMISSION_DENIED"
    # Control endpoints need no key.
    assert httpx.get(f"{keyed_emu.url}/_emulator/health").json()["status"] == "ok"


def test_upload_session_url_needs_no_key(keyed_emu):
    start = httpx.post(
        f"{keyed_emu.url}/upload/v1beta/files",
        headers={
            "x-goog-api-key": KEY,
            "X-Goog-Upload-Protocol": "resumable",
            "X-Goog-Upload-Command": "start",
        },
        json={},
    )
    assert start.status_code == 200
    # The upload_id in the session URL is the credential, as with the service.
    final = httpx.post(
        start.headers["x-goog-upload-url"],
        content=b"abc",
        headers={"X-Goog-Upload-Command": "upload, finalize", "X-Goog-Upload-Offset": "0"},
    )
    assert final.status_code == 200 and final.json()["file"]["sizeBytes"] == "3"
    assert keyed_emu.requests[-1]["api_key"] is False


def test_faults_over_http_control_endpoints(emu, client):
    plan = {"fail_next": {"n": 2, "status": 503, "retry_after": 0}, "delay": {"seconds": 0.01}}
    response = httpx.post(f"{emu.url}/_emulator/faults", json=plan)
    assert response.status_code == 200 and len(response.json()["faults"]) == 2
    assert text_of(client.models.generate_content(MODEL, body=BODY)).startswith("Echo:")
    assert _generate_calls(emu) == 3
    httpx.post(f"{emu.url}/_emulator/faults", json={"cut_stream_after": {"k": 1}})
    assert httpx.delete(f"{emu.url}/_emulator/faults").status_code == 200
    assert httpx.get(f"{emu.url}/_emulator/faults").json() == {"faults": []}
    bad = httpx.post(f"{emu.url}/_emulator/faults", json={"explode": {}})
    assert bad.status_code == 400


def test_cut_body_drops_a_plain_response_short_of_its_length(emu, client):
    emu.cut_body_after(5, path_contains=":generateContent")
    with pytest.raises(httpx.RemoteProtocolError, match="received 5 bytes"):
        httpx.post(f"{emu.url}/v1beta/models/{MODEL}:generateContent", json=BODY)
    # only the next matching response was cut; over HTTP the same fault can be planned
    assert text_of(client.models.generate_content(MODEL, body=BODY)).startswith("Echo:")
    plan = {"cut_body_after": {"nbytes": 3, "path_contains": ":countTokens"}}
    assert httpx.post(f"{emu.url}/_emulator/faults", json=plan).status_code == 200
    assert httpx.get(f"{emu.url}/_emulator/faults").json()["faults"][0]["kind"] == "cut_body"

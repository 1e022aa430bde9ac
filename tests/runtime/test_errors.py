"""Error responses -> exception classes: the pure mapping, then the same over HTTP."""

from __future__ import annotations

import json

import pytest

from generativelanguage.runtime import errors
from generativelanguage.runtime.errors import error_from_body
from generativelanguage.runtime.options import NO_RETRY
from tests.runtime.conftest import Harness, ready
from tests.support.server import Reply, google_error

CANONICAL = [
    (400, "INVALID_ARGUMENT", errors.InvalidArgument),
    (404, "NOT_FOUND", errors.NotFound),
    (403, "PERMISSION_DENIED", errors.PermissionDenied),
    (401, "UNAUTHENTICATED", errors.Unauthenticated),
    (429, "RESOURCE_EXHAUSTED", errors.ResourceExhausted),
    (400, "FAILED_PRECONDITION", errors.FailedPrecondition),
    (503, "UNAVAILABLE", errors.Unavailable),
    (500, "INTERNAL", errors.Internal),
    (504, "DEADLINE_EXCEEDED", errors.DeadlineExceeded),
    (409, "ALREADY_EXISTS", errors.AlreadyExists),
    (409, "ABORTED", errors.Aborted),
    (400, "OUT_OF_RANGE", errors.OutOfRange),
    (501, "UNIMPLEMENTED", errors.Unimplemented),
    (499, "CANCELLED", errors.Cancelled),
    (500, "DATA_LOSS", errors.DataLoss),
    (500, "UNKNOWN", errors.Unknown),
]
DETAILS = [
    {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": "API_KEY_INVALID",
        "domain": "googleapis.com",
        "metadata": {"service": "generativelanguage.googleapis.com"},
    },
    {
        "@type": "type.googleapis.com/google.rpc.BadRequest",
        "fieldViolations": [{"field": "contents[0]", "description": "empty"}],
    },
]
HTML = b"<html><head><title>502 Bad Gateway</title></head><body>upstream hiccup</body></html>"


# -- pure ------------------------------------------------------------------------------


@pytest.mark.parametrize(("http", "status", "cls"), CANONICAL, ids=[c[1] for c in CANONICAL])
def test_google_error_body_maps_to_its_class(http, status, cls):
    body = google_error(http, status, f"something about {status}", DETAILS)
    exc = error_from_body(http, body, {"x-h": "v"})
    assert type(exc) is cls
    assert isinstance(exc, errors.APIError)
    assert isinstance(exc, errors.GenerativeLanguageError)
    assert (exc.http_status, exc.code, exc.status) == (http, http, status)
    assert exc.message == f"something about {status}"
    assert exc.details == DETAILS
    assert exc.body == body.decode()
    assert exc.headers == {"x-h": "v"}
    assert str(exc) == f"{http} {status}: something about {status}"
    assert cls.canonical_status == status


def test_body_status_wins_over_http_status():
    exc = error_from_body(400, google_error(400, "FAILED_PRECONDITION", "not ready"))
    assert type(exc) is errors.FailedPrecondition
    assert exc.http_status == 400


def test_unknown_canonical_status_falls_back_to_the_http_status():
    exc = error_from_body(404, google_error(404, "SOMETHING_NEW", "hm"))
    assert type(exc) is errors.NotFound
    assert exc.status == "SOMETHING_NEW"


def test_numeric_status_of_the_older_error_format():
    body = json.dumps({"error": {"code": 404, "message": "gone", "status": 5}}).encode()
    exc = error_from_body(404, body)
    assert type(exc) is errors.NotFound
    assert exc.message == "gone"


def test_error_wrapped_in_a_one_element_list():
    body = b"[" + google_error(429, "RESOURCE_EXHAUSTED", "quota") + b"]"
    exc = error_from_body(429, body)
    assert type(exc) is errors.ResourceExhausted
    assert exc.message == "quota"


def test_detail_lookup_by_type_suffix():
    exc = error_from_body(400, google_error(400, "INVALID_ARGUMENT", "bad", DETAILS))
    assert exc.detail("ErrorInfo")["reason"] == "API_KEY_INVALID"
    assert exc.detail("BadRequest")["fieldViolations"][0]["field"] == "contents[0]"
    assert exc.detail("RetryInfo") is None


def test_missing_details_and_code():
    exc = error_from_body(503, json.dumps({"error": {"message": "busy"}}).encode())
    assert type(exc) is errors.Unavailable
    assert (exc.code, exc.status, exc.details) == (503, "UNAVAILABLE", [])


@pytest.mark.parametrize(
    ("http", "cls"),
    [
        (400, errors.InvalidArgument),
        (401, errors.Unauthenticated),
        (403, errors.PermissionDenied),
        (404, errors.NotFound),
        (409, errors.Aborted),
        (429, errors.ResourceExhausted),
        (500, errors.Internal),
        (502, errors.Unavailable),
        (503, errors.Unavailable),
        (504, errors.DeadlineExceeded),
        (418, errors.InvalidArgument),
        (599, errors.Internal),
    ],
)
def test_non_json_body_gives_the_class_of_the_http_status(http, cls):
    exc = error_from_body(http, HTML)
    assert type(exc) is cls
    assert exc.http_status == http
    assert str(http) in str(exc)
    assert "upstream hiccup" in str(exc)
    assert "non-JSON" in str(exc)
    assert exc.body == HTML.decode()


def test_long_non_json_body_is_cut_in_the_message_but_kept_whole():
    page = b"<html>" + b"x" * 5000 + b"</html>"
    exc = error_from_body(502, page)
    assert len(str(exc)) < 1000
    assert "5013 characters" in str(exc)
    assert exc.body == page.decode()


@pytest.mark.parametrize("body", [b"", b"   \n"])
def test_empty_body(body):
    exc = error_from_body(503, body)
    assert type(exc) is errors.Unavailable
    assert "503" in str(exc)
    assert "empty" in str(exc)


def test_invalid_utf8_body_does_not_break_the_mapping():
    exc = error_from_body(500, b"\xff\xfe oops")
    assert type(exc) is errors.Internal
    assert "oops" in str(exc)


# -- over HTTP -------------------------------------------------------------------------

OVER_HTTP = [c for c in CANONICAL if c[1] != "UNKNOWN"][:9]


@pytest.mark.parametrize(("http", "status", "cls"), OVER_HTTP, ids=[c[1] for c in OVER_HTTP])
def test_error_response_raises_its_class(h: Harness, server, http, status, cls):
    body = google_error(http, status, "it went wrong", DETAILS)
    server.handler = lambda rec: Reply(http, body, headers={"content-type": "application/json"})

    async def scenario(client):
        await ready(client.models.get("gemini-x"))

    with pytest.raises(cls) as info:
        h.run(scenario, retry=NO_RETRY)
    exc = info.value
    assert (exc.http_status, exc.code, exc.status, exc.message) == (
        http,
        http,
        status,
        "it went wrong",
    )
    assert exc.details == DETAILS
    assert exc.headers["content-type"] == "application/json"
    assert len(server.requests) == 1


def test_html_502_from_a_proxy(h: Harness, server):
    server.handler = lambda rec: Reply(502, HTML, headers={"content-type": "text/html"})

    async def scenario(client):
        await ready(client.models.get("gemini-x"))

    with pytest.raises(errors.Unavailable) as info:
        h.run(scenario, retry=NO_RETRY)
    assert info.value.http_status == 502
    assert "502" in str(info.value)
    assert "upstream hiccup" in str(info.value)
    assert info.value.body == HTML.decode()


def test_empty_error_body(h: Harness, server):
    server.handler = lambda rec: Reply(500, b"", headers={})

    async def scenario(client):
        await ready(client.models.get("gemini-x"))

    with pytest.raises(errors.Internal) as info:
        h.run(scenario, retry=NO_RETRY)
    assert info.value.http_status == 500
    assert "empty body" in str(info.value)


def test_success_body_that_does_not_decode(h: Harness, server):
    server.handler = lambda rec: Reply(200, b'{"candidates": 5}')

    async def scenario(client):
        await ready(client.models.generate_content("gemini-x", body={"contents": []}))

    with pytest.raises(errors.ResponseDecodeError) as info:
        h.run(scenario)
    assert info.value.text == '{"candidates": 5}'
    assert "candidates" in str(info.value)

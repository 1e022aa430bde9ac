"""What an answer means: the exception for an HTTP error status or a transport failure,
and the typed value of a successful body. Pure functions of what was received.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import structs
from .errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    EmptyResponseError,
    ResponseDecodeError,
    error_from_body,
)
from .headers import redact
from .spec import MethodSpec


def status_error(response: Any, body: bytes, secrets: Iterable[str] = ()) -> APIError:
    """The exception for a response the method cannot use (an error or a redirect)."""
    status = response.status_code
    if status < 400:  # a redirect the method cannot follow: never a silent success
        location = response.headers.get("location", "")
        body = f"unexpected HTTP {status} redirect to {location!r}".encode()
    error = error_from_body(status, body, dict(response.headers))
    secrets = [s for s in secrets if s]
    if secrets and any(s in error.body for s in secrets):
        # A server (or a proxy) that echoes the request must not carry a credential
        # into an exception message.
        error.message = redact(error.message, secrets)
        error.body = redact(error.body, secrets)
        error.args = (redact(str(error.args[0]), secrets),)
    return error


def decode(spec: MethodSpec, content: bytes) -> Any:
    """The typed value of a successful body.

    Raises:
        EmptyResponseError: The body is empty but the method answers with a value.
        ResponseDecodeError: The body does not decode as the response type.
    """
    if spec.response is None:
        return None
    if not content.strip():
        if spec.empty_ok:
            return spec.response()
        name = getattr(spec.response, "__name__", None) or repr(spec.response)
        raise EmptyResponseError(
            f"{spec.id}: the service answered with an empty body where a {name} was expected"
        )
    return structs.decode(spec.response, content)


def undecodable(exc: BaseException, response: Any) -> ResponseDecodeError:
    """The error for a body whose content-encoding does not decode (a gzip header over
    bytes that are not gzip)."""
    encoding = response.headers.get("content-encoding", "") or "encoded"
    return ResponseDecodeError(
        f"the {encoding} body of the response could not be decoded: {describe(exc)}"
    )


def describe(exc: BaseException) -> str:
    """``Name: text`` of a transport exception; when its own text is empty (anyio's
    errors often are), the first non-empty text down its chain of causes."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        text = str(current).strip()
        if text:
            return f"{type(exc).__name__}: {text}"
        current = current.__cause__ or current.__context__
    return f"{type(exc).__name__} (no further detail)"


def where(request: Any) -> str:
    """``host:port`` a request went to (never the userinfo of a URL)."""
    url = request.url
    return f"{url.host}:{url.port}" if url.port else url.host


def classify(
    x: Any, exc: Exception, request: Any = None, secrets: Iterable[str] = ()
) -> APIConnectionError:
    """Our exception for an httpx transport error: what failed and why, with any
    credential scrubbed (h11, for one, quotes an illegal header value), and the host it
    went to (the request's, else the one the exception carries)."""
    text = redact(describe(exc), secrets)
    error: APIConnectionError
    if isinstance(exc, x.TimeoutException):
        error = APITimeoutError(f"timed out: {text}")
    elif isinstance(exc, (x.ConnectError, x.UnsupportedProtocol)):
        error = APIConnectionError(f"cannot connect: {text}")
    else:
        error = APIConnectionError(f"connection failed: {text}")
    if request is None:
        try:
            request = exc.request  # type: ignore[attr-defined]
        except (AttributeError, RuntimeError):  # httpx raises RuntimeError when unset
            request = None
    if request is not None:
        error.where = where(request)
    return error


def retryable_transport_error(x: Any, exc: Exception) -> bool:
    # A request we could not even write (an illegal header, a bad URL) fails the same
    # way every time; only network trouble is worth another attempt.
    return not isinstance(exc, (x.LocalProtocolError, x.UnsupportedProtocol))

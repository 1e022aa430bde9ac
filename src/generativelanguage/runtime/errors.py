"""Exceptions, and the pure mapping from an HTTP error response to one of them.

Google APIs answer errors with ``{"error": {"code", "message", "status", "details"}}``
(AIP-193); ``status`` is a canonical code name from ``google.rpc.Code``. Each canonical
code has its own class, so callers can ``except NotFound``. A body that is not Google's
shape (an HTML page from a proxy, an empty 502) still yields the class that the HTTP
status implies, with the status and the body text in the message.

No message built here ever includes request headers or URLs with credentials: the API
key travels only in the ``x-goog-api-key`` header, which errors never show.
"""

from __future__ import annotations

import json
from typing import Any


class GenerativeLanguageError(Exception):
    """Base class of every exception this package raises."""


class RequestValidationError(GenerativeLanguageError, ValueError):
    """A request argument is invalid; nothing was sent. ``path`` names the bad element."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.path = path


class MissingCredentialsError(GenerativeLanguageError, ValueError):
    """A request to the service's own origin with no API key and no credentials; nothing
    was sent. The message names where a key was looked for."""


class ResponseDecodeError(GenerativeLanguageError):
    """A response (or a stream chunk) did not decode into the expected type."""

    def __init__(self, message: str, text: str = "") -> None:
        super().__init__(message)
        self.text = text


class APIConnectionError(GenerativeLanguageError):
    """The request could not be sent or its answer not received (no HTTP status)."""


class APITimeoutError(APIConnectionError):
    """A connect, read or stream-idle timeout, or an overall deadline, expired."""


class StreamInterruptedError(APIConnectionError):
    """A streamed response ended before the server finished it."""


class APIError(GenerativeLanguageError):
    """An error answered by the service.

    Attributes:
        http_status: The HTTP status code of the response.
        code: ``error.code`` from the body (usually equal to ``http_status``).
        status: The canonical status name, e.g. ``"NOT_FOUND"``.
        message: ``error.message`` from the body, or the body text when not JSON.
        details: ``error.details`` (a list of typed detail objects as dicts).
        body: The raw response body text.
    """

    canonical_status = "UNKNOWN"

    def __init__(
        self,
        message: str,
        *,
        http_status: int,
        code: int | None = None,
        status: str | None = None,
        details: list[Any] | None = None,
        body: str = "",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.http_status = http_status
        self.code = code if code is not None else http_status
        self.status = status or self.canonical_status
        self.message = message
        self.details = details or []
        self.body = body
        self.headers = headers or {}
        super().__init__(f"{self.http_status} {self.status}: {message}")

    def detail(self, type_suffix: str) -> dict[str, Any] | None:
        """The first detail whose ``@type`` ends with ``type_suffix`` (e.g. ``"RetryInfo"``)."""
        for d in self.details:
            if isinstance(d, dict) and str(d.get("@type", "")).endswith(type_suffix):
                return d
        return None


def _status_class(name: str, status: str, http_status: int, doc: str) -> type[APIError]:
    cls = type(name, (APIError,), {"canonical_status": status, "__doc__": doc})
    cls.default_http_status = http_status  # type: ignore[attr-defined]
    return cls


Cancelled = _status_class("Cancelled", "CANCELLED", 499, "The operation was cancelled.")
Unknown = _status_class("Unknown", "UNKNOWN", 500, "Unknown server error.")
InvalidArgument = _status_class("InvalidArgument", "INVALID_ARGUMENT", 400, "Bad request.")
DeadlineExceeded = _status_class(
    "DeadlineExceeded", "DEADLINE_EXCEEDED", 504, "The server-side deadline expired."
)
NotFound = _status_class("NotFound", "NOT_FOUND", 404, "The resource does not exist.")
AlreadyExists = _status_class("AlreadyExists", "ALREADY_EXISTS", 409, "Already exists.")
PermissionDenied = _status_class(
    "PermissionDenied", "PERMISSION_DENIED", 403, "The caller may not do this."
)
ResourceExhausted = _status_class(
    "ResourceExhausted", "RESOURCE_EXHAUSTED", 429, "Quota or rate limit exceeded."
)
FailedPrecondition = _status_class(
    "FailedPrecondition", "FAILED_PRECONDITION", 400, "The system is not in a required state."
)
Aborted = _status_class("Aborted", "ABORTED", 409, "Aborted, e.g. by a concurrency conflict.")
OutOfRange = _status_class("OutOfRange", "OUT_OF_RANGE", 400, "A value is out of range.")
Unimplemented = _status_class("Unimplemented", "UNIMPLEMENTED", 501, "Not implemented.")
Internal = _status_class("Internal", "INTERNAL", 500, "Internal server error.")
Unavailable = _status_class("Unavailable", "UNAVAILABLE", 503, "The service is unavailable.")
DataLoss = _status_class("DataLoss", "DATA_LOSS", 500, "Unrecoverable data loss.")
Unauthenticated = _status_class(
    "Unauthenticated", "UNAUTHENTICATED", 401, "Missing or invalid credentials."
)

BY_STATUS: dict[str, type[APIError]] = {
    cls.canonical_status: cls
    for cls in (
        Cancelled,
        Unknown,
        InvalidArgument,
        DeadlineExceeded,
        NotFound,
        AlreadyExists,
        PermissionDenied,
        ResourceExhausted,
        FailedPrecondition,
        Aborted,
        OutOfRange,
        Unimplemented,
        Internal,
        Unavailable,
        DataLoss,
        Unauthenticated,
    )
}

# google.rpc.Code numbers, for bodies that carry a numeric status (v1 error format).
_BY_NUMBER = {
    1: Cancelled,
    2: Unknown,
    3: InvalidArgument,
    4: DeadlineExceeded,
    5: NotFound,
    6: AlreadyExists,
    7: PermissionDenied,
    8: ResourceExhausted,
    9: FailedPrecondition,
    10: Aborted,
    11: OutOfRange,
    12: Unimplemented,
    13: Internal,
    14: Unavailable,
    15: DataLoss,
    16: Unauthenticated,
}

# HTTP status -> canonical code, per google.rpc.Code's documented HTTP mapping.
_BY_HTTP = {
    400: InvalidArgument,
    401: Unauthenticated,
    403: PermissionDenied,
    404: NotFound,
    408: DeadlineExceeded,
    409: Aborted,
    412: FailedPrecondition,
    416: OutOfRange,
    429: ResourceExhausted,
    499: Cancelled,
    500: Internal,
    501: Unimplemented,
    502: Unavailable,
    503: Unavailable,
    504: DeadlineExceeded,
}

#: How much of a non-JSON body goes into the exception message; the whole body is kept
#: in ``APIError.body``.
_SNIPPET = 500


def class_for(http_status: int, status: str | None = None) -> type[APIError]:
    if status and status in BY_STATUS:
        return BY_STATUS[status]
    if http_status in _BY_HTTP:
        return _BY_HTTP[http_status]
    return Internal if http_status >= 500 else InvalidArgument if http_status >= 400 else Unknown


def error_from_body(
    http_status: int, body: bytes, headers: dict[str, str] | None = None
) -> APIError:
    """Build the exception for an HTTP error response (a pure function of its parts)."""
    text = body.decode("utf-8", errors="replace")
    payload: Any = None
    try:
        payload = json.loads(text) if text.strip() else None
    except ValueError:
        payload = None
    # Some endpoints wrap the error in a one-element list (seen on streaming endpoints).
    if isinstance(payload, list) and len(payload) == 1:
        payload = payload[0]
    err = payload.get("error") if isinstance(payload, dict) else None
    if isinstance(err, dict):
        status = err.get("status")
        code = err.get("code")
        cls = class_for(http_status, status if isinstance(status, str) else None)
        if not isinstance(status, str) and isinstance(status, int) and status in _BY_NUMBER:
            cls = _BY_NUMBER[status]
        details = err.get("details")
        return cls(
            str(err.get("message") or ""),
            http_status=http_status,
            code=code if isinstance(code, int) else None,
            status=status if isinstance(status, str) else None,
            details=details if isinstance(details, list) else None,
            body=text,
            headers=headers,
        )
    cls = class_for(http_status)
    if text.strip():
        snippet = text.strip()
        if len(snippet) > _SNIPPET:
            snippet = f"{snippet[:_SNIPPET]}... ({len(text)} characters in .body)"
        message = f"HTTP {http_status} with a non-JSON error body: {snippet}"
    else:
        message = f"HTTP {http_status} with an empty body"
    return cls(message, http_status=http_status, body=text, headers=headers)

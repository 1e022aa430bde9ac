"""Google's error responses (AIP-193), as the emulator sends them.

Every error leaves the emulator as ``{"error": {"code", "message", "status",
"details"}}`` with the HTTP status of its canonical code (``google.rpc.Code``'s HTTP
mapping). The messages of the errors a client is most likely to meet are the service's
own words, taken from recorded responses: an unknown request field, a missing or wrong
API key, an exhausted quota, an unknown model.
"""

from __future__ import annotations

import math
from typing import Any

#: Canonical code name -> HTTP status (google.rpc.Code, "HTTP Mapping").
HTTP_STATUS = {
    "CANCELLED": 499,
    "UNKNOWN": 500,
    "INVALID_ARGUMENT": 400,
    "DEADLINE_EXCEEDED": 504,
    "NOT_FOUND": 404,
    "ALREADY_EXISTS": 409,
    "PERMISSION_DENIED": 403,
    "UNAUTHENTICATED": 401,
    "RESOURCE_EXHAUSTED": 429,
    "FAILED_PRECONDITION": 400,
    "ABORTED": 409,
    "OUT_OF_RANGE": 400,
    "UNIMPLEMENTED": 501,
    "INTERNAL": 500,
    "UNAVAILABLE": 503,
    "DATA_LOSS": 500,
}

#: google.rpc.Code numbers, used in ``Operation.error.code``.
RPC_CODE = {
    "CANCELLED": 1,
    "UNKNOWN": 2,
    "INVALID_ARGUMENT": 3,
    "DEADLINE_EXCEEDED": 4,
    "NOT_FOUND": 5,
    "ALREADY_EXISTS": 6,
    "PERMISSION_DENIED": 7,
    "RESOURCE_EXHAUSTED": 8,
    "FAILED_PRECONDITION": 9,
    "ABORTED": 10,
    "OUT_OF_RANGE": 11,
    "UNIMPLEMENTED": 12,
    "INTERNAL": 13,
    "UNAVAILABLE": 14,
    "DATA_LOSS": 15,
    "UNAUTHENTICATED": 16,
}

#: HTTP status -> canonical code, for faults injected by HTTP status.
STATUS_FOR_HTTP = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

_TYPE = "type.googleapis.com/google.rpc."


class ApiError(Exception):
    """An error response: raise it anywhere in a handler."""

    def __init__(
        self,
        status: str,
        message: str,
        *,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details or []
        self.headers = headers or {}
        self.http_status = http_status or HTTP_STATUS.get(status, 500)

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "code": self.http_status,
            "message": self.message,
            "status": self.status,
        }
        if self.details:
            error["details"] = self.details
        return {"error": error}

    def as_status(self) -> dict[str, Any]:
        """The ``google.rpc.Status`` of this error, for ``Operation.error``."""
        status: dict[str, Any] = {"code": RPC_CODE.get(self.status, 2), "message": self.message}
        if self.details:
            status["details"] = self.details
        return status


def invalid_argument(message: str, field: str | None = None) -> ApiError:
    details = None
    if field is not None:
        violation = {"field": field, "description": message} if field else {"description": message}
        details = [{"@type": _TYPE + "BadRequest", "fieldViolations": [violation]}]
    return ApiError("INVALID_ARGUMENT", message, details=details)


def bad_request(violations: list[tuple[str, str]]) -> ApiError:
    """400 listing every ``(field, description)``; an empty field means the top level."""
    message = "\n".join(description for _, description in violations)
    field_violations = [
        {"field": field, "description": description} if field else {"description": description}
        for field, description in violations
    ]
    return ApiError(
        "INVALID_ARGUMENT",
        message,
        details=[{"@type": _TYPE + "BadRequest", "fieldViolations": field_violations}],
    )


def not_found(message: str) -> ApiError:
    return ApiError("NOT_FOUND", message)


def failed_precondition(message: str) -> ApiError:
    return ApiError("FAILED_PRECONDITION", message)


def unregistered_caller() -> ApiError:
    """What the service answers a request that carries no API key (recorded 403)."""
    return ApiError(
        "PERMISSION_DENIED",
        "Method doesn't allow unregistered callers (callers without established identity). "
        "Please use API Key or other form of API consumer identity to call this API.",
    )


def api_key_invalid() -> ApiError:
    """What the service answers a wrong API key (recorded: 400, not 401 or 403)."""
    message = "API key not valid. Please pass a valid API key."
    return ApiError(
        "INVALID_ARGUMENT",
        message,
        details=[
            {
                "@type": _TYPE + "ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com",
                "metadata": {"service": "generativelanguage.googleapis.com"},
            },
            {"@type": _TYPE + "LocalizedMessage", "locale": "en-US", "message": message},
        ],
    )


def format_duration(seconds: float) -> str:
    """A ``google.protobuf.Duration`` in JSON: ``"1.5s"``, ``"48s"``."""
    text = f"{seconds:.9f}".rstrip("0").rstrip(".")
    return f"{text}s"


def retry_after_header(seconds: float) -> str:
    """``Retry-After`` is whole seconds (RFC 9110 section 10.2.3): round up, never down."""
    return str(max(0, math.ceil(seconds)))


def injected(status_code: int, retry_after: float | None, message: str | None) -> ApiError:
    """The error of a fault injected with ``fail_next``."""
    status = STATUS_FOR_HTTP.get(status_code) or ("INTERNAL" if status_code >= 500 else "UNKNOWN")
    headers = {"Retry-After": retry_after_header(retry_after)} if retry_after is not None else {}
    details: list[dict[str, Any]] = []
    if status_code == 429:
        delay = retry_after if retry_after is not None else 1.0
        message = message or (
            "You exceeded your current quota, please check your plan and billing details. "
            "For more information on this error, head to: "
            "https://ai.google.dev/gemini-api/docs/rate-limits. "
            f"(Injected by the emulator.) Please retry in {format_duration(delay)}."
        )
        details = [
            {
                "@type": _TYPE + "Help",
                "links": [
                    {
                        "description": "Learn more about Gemini API quotas",
                        "url": "https://ai.google.dev/gemini-api/docs/rate-limits",
                    }
                ],
            },
            {
                "@type": _TYPE + "QuotaFailure",
                "violations": [
                    {
                        "quotaMetric": "generativelanguage.googleapis.com/generate_content_requests",
                        "quotaId": "GenerateRequestsPerMinutePerProjectPerModel",
                        "quotaValue": "10",
                    }
                ],
            },
            {"@type": _TYPE + "RetryInfo", "retryDelay": format_duration(delay)},
        ]
    elif status_code == 503:
        message = message or "The model is overloaded. Please try again later."
    elif status_code == 500:
        message = message or (
            "An internal error has occurred. Please retry or report in "
            "https://developers.generativeai.google/guide/troubleshooting"
        )
    return ApiError(
        status,
        message or f"Injected failure ({status_code}).",
        details=details,
        headers=headers,
        http_status=status_code,
    )

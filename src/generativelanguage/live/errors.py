"""WebSocket close codes (RFC 6455 section 7.4) as the runtime's typed errors.

The Live API ends a session with a close frame whose code says what kind of failure it
was and whose reason carries the service's message: 1007 for an invalid argument
(a bad setup), 1008 for a policy violation (a key without access, a forbidden model),
1011 for an internal error, which the service also uses for an overloaded model ("The
service is currently unavailable.") and for exhausted quota. The reason refines the
class where it names the canonical status, so callers can ``except Unavailable``.
"""

from __future__ import annotations

from generativelanguage.runtime import errors

#: Close code -> the canonical error class (RFC 6455 section 7.4.1 and IANA's registry).
BY_CODE: dict[int, type[errors.APIError]] = {
    1001: errors.Unavailable,  # going away: the server shuts down or restarts
    1002: errors.InvalidArgument,  # protocol error
    1003: errors.InvalidArgument,  # unsupported data
    1007: errors.InvalidArgument,  # invalid payload: the service's INVALID_ARGUMENT
    1008: errors.PermissionDenied,  # policy violation
    1009: errors.InvalidArgument,  # message too big
    1010: errors.FailedPrecondition,  # a required extension was not negotiated
    1011: errors.Internal,  # internal error
    1012: errors.Unavailable,  # service restart
    1013: errors.Unavailable,  # try again later
    1014: errors.Unavailable,  # bad gateway
}

#: Words of a close reason that name a more precise class than the code does.
_REASONS = (
    ("quota", errors.ResourceExhausted),
    ("resource exhausted", errors.ResourceExhausted),
    ("rate limit", errors.ResourceExhausted),
    ("unavailable", errors.Unavailable),
    ("overloaded", errors.Unavailable),
    ("deadline", errors.DeadlineExceeded),
    ("api key not valid", errors.InvalidArgument),
    ("unregistered callers", errors.PermissionDenied),
    ("not found", errors.NotFound),
    ("unauthenticated", errors.Unauthenticated),
)

#: Classes whose close the session survives by resuming, when resumption is on.
RESUMABLE = (errors.Unavailable,)


def close_error(code: int, reason: str) -> errors.APIError:
    """The exception for a close frame with ``code`` and ``reason``.

    Args:
        code: The close code the server sent.
        reason: The close reason (the service's message), possibly empty.

    Returns:
        An instance of the canonical class (``Internal``, ``Unavailable``,
        ``PermissionDenied``, ...) with ``close_code`` and ``close_reason`` set; its
        ``http_status`` is the class's HTTP equivalent.
    """
    lowered = reason.lower()
    cls = BY_CODE.get(code, errors.Unknown)
    for words, refined in _REASONS:
        if words in lowered:
            cls = refined
            break
    http_status = getattr(cls, "default_http_status", 500)
    error = cls(
        f"WebSocket closed with code {code}: {reason or '(no reason given)'}",
        http_status=http_status,
        body=reason,
    )
    error.close_code = code  # type: ignore[attr-defined]
    error.close_reason = reason  # type: ignore[attr-defined]
    return error


class SessionClosedError(errors.APIConnectionError):
    """The session is closed (by the caller, or by the server with a normal closure);
    nothing more can be sent or received."""

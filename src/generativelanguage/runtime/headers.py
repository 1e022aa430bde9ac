"""Header hygiene: every header name and value is checked before anything is sent, and
errors never carry a credential.

An HTTP field value (RFC 9110 section 5.5) may not hold CR, LF or NUL; h11 refuses such
a value only while writing the request, and quotes it in its message, which httpcore
then logs. Checking first turns that into a ``RequestValidationError`` that names the
header and the argument it came from, never the value, and keeps the value out of every
library's logs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import RequestValidationError

#: RFC 9110 section 5.1: a field name is a token.
_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
#: What is sent: visible ASCII, with spaces and tabs inside (not around) the value.
_VALUE = re.compile(r"(?:[\x21-\x7e](?:[\x20-\x7e\t]*[\x21-\x7e])?)?\Z")
#: A credential is one run of visible ASCII.
_CREDENTIAL = re.compile(r"[\x21-\x7e]+\Z")

#: Headers whose value is a credential.
SECRET_HEADERS = frozenset({"x-goog-api-key", "authorization", "proxy-authorization", "cookie"})

_BAD_VALUE = (
    "contains characters an HTTP header cannot carry (CR, LF, NUL, other control "
    "characters or non-ASCII); nothing was sent"
)


def check_header(name: Any, value: Any, source: str) -> str:
    """The value to send for header ``name`` from argument ``source``: surrounding
    spaces and tabs removed (they are not part of a field value).

    Raises:
        RequestValidationError: naming ``source`` and the header, never the value.
    """
    if not isinstance(name, str) or not _NAME.match(name):
        shown = repr(name) if isinstance(name, str) and name.isprintable() else "a name"
        raise RequestValidationError(
            f"{source}: {shown:.80} is not a valid HTTP header name", path=source
        )
    if isinstance(value, bytes):
        try:
            value = value.decode("ascii")
        except UnicodeDecodeError:
            raise RequestValidationError(
                f"{source}: the value of header {name!r} {_BAD_VALUE}", path=f"{source}.{name}"
            ) from None
    if not isinstance(value, str):
        raise RequestValidationError(
            f"{source}: the value of header {name!r} must be a string, not {type(value).__name__}",
            path=f"{source}.{name}",
        )
    text: str = value.strip(" \t")
    if not _VALUE.match(text):
        raise RequestValidationError(
            f"{source}: the value of header {name!r} {_BAD_VALUE}", path=f"{source}.{name}"
        )
    return text


def check_headers(headers: Mapping[str, Any] | None, source: str) -> dict[str, str]:
    """``headers`` checked one by one (see ``check_header``)."""
    if not headers:
        return {}
    if not isinstance(headers, Mapping):
        raise RequestValidationError(
            f"{source}: expected a mapping of header names to values, got {type(headers).__name__}",
            path=source,
        )
    return {name: check_header(name, value, source) for name, value in headers.items()}


def check_credential(value: Any, source: str) -> str:
    """A key or token as it will be sent: surrounding white space removed (a value read
    from a file often ends with a newline), nothing else a header cannot carry.

    Raises:
        RequestValidationError: naming ``source``, never the value.
    """
    if not isinstance(value, str):
        raise RequestValidationError(
            f"{source}: expected a string, got {type(value).__name__}", path=source
        )
    text: str = value.strip()
    if not text:
        raise RequestValidationError(f"{source}: the credential is empty", path=source)
    if not _CREDENTIAL.match(text):
        raise RequestValidationError(
            f"{source} contains characters that cannot be sent in an HTTP header (spaces, "
            "control characters or non-ASCII); check how it was copied",
            path=source,
        )
    return text


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of each secret replaced."""
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, "<redacted>")
    return text

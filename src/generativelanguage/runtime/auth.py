"""Credentials other than the API key: OAuth2 access tokens and token providers.

``credentials`` may be a static access token (``str``), a callable returning a fresh
token, or a ``google.auth.credentials.Credentials`` object (install the optional
``google-auth`` extra). Tokens are sent as ``Authorization: Bearer``; on a 401 the
transport asks for a fresh token once and repeats the request (RFC 6750 section 3.1).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class TokenSource:
    """Hands out a bearer token and refreshes it on demand (thread-safe)."""

    def __init__(self, credentials: str | Callable[[], str] | Any) -> None:
        self._credentials = credentials
        self._lock = threading.Lock()
        self._token: str | None = credentials if isinstance(credentials, str) else None
        if not (
            isinstance(credentials, str) or callable(credentials) or hasattr(credentials, "refresh")
        ):
            raise TypeError(
                "credentials must be an access token, a callable returning one, or "
                f"google-auth credentials; got {type(credentials).__name__}"
            )

    @property
    def refreshable(self) -> bool:
        return not isinstance(self._credentials, str)

    def _fetch(self) -> str:
        creds = self._credentials
        if hasattr(creds, "refresh") and hasattr(creds, "token"):  # google-auth
            if not getattr(creds, "valid", False):
                creds.refresh(_google_request())
            return str(creds.token)
        return str(creds())

    def token(self) -> str:
        with self._lock:
            if self._token is None:
                self._token = self._fetch()
            return self._token

    def refresh(self) -> str:
        """Drop the cached token and get a new one (called after a 401)."""
        with self._lock:
            creds = self._credentials
            if hasattr(creds, "refresh") and hasattr(creds, "token"):
                creds.refresh(_google_request())
                self._token = str(creds.token)
            elif callable(creds):
                self._token = str(creds())
            return self._token or ""

    def __repr__(self) -> str:
        return f"TokenSource({type(self._credentials).__name__}, token=<hidden>)"


def _google_request() -> Any:
    try:
        from google.auth.transport.requests import Request
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise ImportError(
            "refreshing google-auth credentials needs `pip install 'generativelanguage[google-auth]'`"
        ) from exc
    return Request()

"""Credentials other than the API key: OAuth2 access tokens and token providers.

``credentials`` may be a static access token (``str``), a callable returning a fresh
token (an ``async`` one with ``AsyncClient``), or a ``google.auth.credentials.Credentials`` object (install the optional
``google-auth`` extra). Tokens are sent as ``Authorization: Bearer``; on a 401 the
transport asks for a fresh token once and repeats the request (RFC 6750 section 3.1).
"""

from __future__ import annotations

import importlib
import inspect
import threading
from collections.abc import Callable
from typing import Any

from .headers import check_credential


class TokenSource:
    """Hands out a bearer token and refreshes it on demand (thread-safe)."""

    def __init__(self, credentials: str | Callable[[], str] | Any) -> None:
        self._credentials = credentials
        self._lock = threading.Lock()
        if not (
            isinstance(credentials, str) or callable(credentials) or hasattr(credentials, "refresh")
        ):
            raise TypeError(
                "credentials must be an access token, a callable returning one, or "
                f"google-auth credentials; got {type(credentials).__name__}"
            )
        # A static token is checked (and stripped of a trailing newline) at once, like
        # an API key; a provider's tokens are checked as they come.
        self._token: str | None = (
            check_credential(credentials, "credentials") if isinstance(credentials, str) else None
        )

    @property
    def refreshable(self) -> bool:
        return not isinstance(self._credentials, str)

    def _is_google_auth(self) -> bool:
        return hasattr(self._credentials, "refresh") and hasattr(self._credentials, "token")

    @staticmethod
    def _checked(value: Any) -> str:
        if inspect.isawaitable(value):
            close = getattr(value, "close", None)
            if close is not None:
                close()  # never awaited here; avoid the "never awaited" warning
            raise TypeError(
                "the credentials callable returned an awaitable; async token providers "
                "work with AsyncClient only"
            )
        if not isinstance(value, str) or not value.strip():
            raise TypeError(
                f"the credentials provider returned {type(value).__name__}, "
                "expected a non-empty access token string"
            )
        return check_credential(value, "the token from credentials")

    def _fetch(self, refresh: bool) -> Any:
        creds: Any = self._credentials
        if self._is_google_auth():
            if refresh or not getattr(creds, "valid", False):
                creds.refresh(_google_request())
            return creds.token
        return creds()

    def token(self) -> str:
        with self._lock:
            if self._token is None:
                self._token = self._checked(self._fetch(False))
            return self._token

    def refresh(self) -> str:
        """Drop the cached token and get a new one (called after a 401)."""
        with self._lock:
            self._token = self._checked(self._fetch(True))
            return self._token

    async def atoken(self) -> str:
        """``token`` for the async client: an async provider is awaited."""
        if self._token is None:
            value = self._fetch(False)
            if inspect.isawaitable(value):
                value = await value
            self._token = self._checked(value)
        return self._token

    async def arefresh(self) -> str:
        value = self._fetch(True)
        if inspect.isawaitable(value):
            value = await value
        self._token = self._checked(value)
        return self._token

    def __repr__(self) -> str:
        return f"TokenSource({type(self._credentials).__name__}, token=<hidden>)"


def _google_request() -> Any:
    try:
        # Imported by name: google-auth is an optional extra, without type stubs.
        requests = importlib.import_module("google.auth.transport.requests")
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise ImportError(
            "refreshing google-auth credentials needs `pip install 'generativelanguage[google-auth]'`"
        ) from exc
    return requests.Request()

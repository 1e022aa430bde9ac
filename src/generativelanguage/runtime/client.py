"""Base classes of the generated ``Client`` and ``AsyncClient``: credentials, base URL
and the HTTP client underneath.

The API key comes from the ``api_key`` argument, else the ``GEMINI_API_KEY``, else the
``GOOGLE_API_KEY`` environment variable, and is sent only in the ``x-goog-api-key``
header: never in a URL, a repr, a log line or an exception message.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping
from typing import Any

from .options import CallOptions, RetryPolicy
from .transport import AsyncTransport, SyncTransport

_VERSION = "0.1.0"
API_KEY_ENV = ("GEMINI_API_KEY", "GOOGLE_API_KEY")


def resolve_api_key(api_key: str | None) -> str | None:
    if api_key is not None:
        return api_key
    for name in API_KEY_ENV:
        value = os.environ.get(name)
        if value:
            return value
    return None


def http_module(http_client: Any = None, backend: str | None = None) -> Any:
    """The httpx-compatible module to use: the one ``http_client`` belongs to, else
    ``backend`` (``"httpx"`` or ``"httpx2"``), else ``$GENERATIVELANGUAGE_HTTP_BACKEND``,
    else httpx."""
    if http_client is not None:
        return sys.modules[type(http_client).__module__.split(".")[0]]
    name = backend or os.environ.get("GENERATIVELANGUAGE_HTTP_BACKEND") or "httpx"
    if name not in ("httpx", "httpx2"):
        raise ValueError(f"http_backend must be 'httpx' or 'httpx2', not {name!r}")
    return importlib.import_module(name)


class _ClientBase:
    ROOT_URL = ""
    API_VERSION = ""
    _transport_class: type = SyncTransport

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        http_client: Any = None,
        http_backend: str | None = None,
        timeout: Any = None,
        retry: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Create a client.

        Args:
            api_key: The Gemini API key; defaults to ``$GEMINI_API_KEY``, then
                ``$GOOGLE_API_KEY``. Sent only in the ``x-goog-api-key`` header.
            base_url: Replaces the service's root URL: a regional endpoint such as
                ``https://us-central1-generativelanguage.googleapis.com/`` or a local
                server such as the emulator.
            http_client: An ``httpx`` or ``httpx2`` client to send requests with (sync
                client for ``Client``, async for ``AsyncClient``); closed by the caller.
            http_backend: ``"httpx"`` (default) or ``"httpx2"`` when no client is given.
            timeout: Default timeout in seconds, or an ``httpx.Timeout``.
            retry: Default ``RetryPolicy``.
            headers: Extra headers sent with every request.
        """
        x = http_module(http_client, http_backend)
        self._api_key = resolve_api_key(api_key)
        self._owns_http = http_client is None
        if http_client is None:
            http_client = self._new_http_client(x)
        base_headers = {"x-goog-api-client": f"generativelanguage-py/{_VERSION}"}
        if self._api_key:
            base_headers["x-goog-api-key"] = self._api_key
        base_headers.update(headers or {})
        self.base_url = base_url or self.ROOT_URL
        self._transport = self._transport_class(
            http=http_client,
            httpx_module=x,
            base_url=self.base_url,
            headers=base_headers,
            options=CallOptions(timeout=timeout),
            retry=retry or RetryPolicy(),
        )
        self._bind(self._transport)

    def _new_http_client(self, x: Any) -> Any:
        return x.Client()

    def _bind(self, transport: Any) -> None:
        """Attach the resources; generated subclasses implement it."""

    def __repr__(self) -> str:
        key = "set" if self._api_key else "none"
        return f"{type(self).__name__}(base_url={self.base_url!r}, api_key=<{key}>)"


class SyncClientBase(_ClientBase):
    """Blocking client base."""

    def close(self) -> None:
        if self._owns_http:
            self._transport.close()

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncClientBase(_ClientBase):
    """Asynchronous client base."""

    _transport_class = AsyncTransport

    def _new_http_client(self, x: Any) -> Any:
        return x.AsyncClient()

    async def close(self) -> None:
        if self._owns_http:
            await self._transport.close()

    async def __aenter__(self) -> Any:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

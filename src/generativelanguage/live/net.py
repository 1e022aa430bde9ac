"""Opening a Live API WebSocket: URL, headers, timeouts, proxy and TLS, over the
``websockets`` library (its sync client for ``Session``, its asyncio client for
``AsyncSession``), and the library's exceptions as the runtime's typed errors.

Credentials travel in headers only: the API key in ``x-goog-api-key``, an OAuth token
as ``Authorization: Bearer``, an ephemeral token as ``Authorization: Token`` (the
official SDK's form; browsers, which cannot set headers, use ``?access_token=``).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from generativelanguage.runtime import errors
from generativelanguage.runtime.websocket import WebSocketSpec

from .errors import close_error

#: The endpoint of ephemeral tokens (``auth_tokens/...``).
CONSTRAINED = "bidiGenerateContentConstrained"
DEFAULT = "bidiGenerateContent"
EPHEMERAL_PREFIX = "auth_tokens/"


def websockets_module(name: str = "websockets") -> Any:
    """Import ``websockets`` (or one of its modules) with an install hint."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and exc.name.split(".")[0] != "websockets":
            raise
        raise ModuleNotFoundError(
            "the Live API needs the websockets package: pip install 'generativelanguage[live]'",
            name="websockets",
        ) from None


@dataclass
class Options:
    """How a session connects and stays connected.

    Attributes:
        connect_timeout: Seconds for TCP, TLS, proxy and the WebSocket handshake.
        setup_timeout: Seconds to wait for ``setupComplete`` after sending ``setup``.
        ping_interval: Seconds between keep-alive pings (None: no pings).
        ping_timeout: Seconds to wait for a pong before the connection counts as dropped.
        close_timeout: Seconds to wait for the server's close frame when closing.
        max_message_size: Largest server message accepted, in bytes (None: no limit).
        reconnect_attempts: Connections tried in a row when resuming after a drop.
        reconnect_backoff: Seconds before the second attempt, doubled after each.
        proxy: A proxy URL; True to read the environment (``HTTPS_PROXY``...), None for
            none. Default: the HTTP client's proxy, else as its ``trust_env`` says.
        ssl: An ``ssl.SSLContext`` for ``wss://``. Default: the HTTP client's.
        headers: Extra handshake headers.
    """

    connect_timeout: float = 10.0
    setup_timeout: float = 30.0
    ping_interval: float | None = 20.0
    ping_timeout: float | None = 20.0
    close_timeout: float = 5.0
    max_message_size: int | None = 64 * 1024 * 1024
    reconnect_attempts: int = 4
    reconnect_backoff: float = 0.5
    proxy: Any = None
    ssl: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Target:
    """Where and how to connect: the URL and the handshake's keyword arguments."""

    url: str
    headers: dict[str, str]
    kwargs: dict[str, Any]


def http_settings(http: Any) -> tuple[Any, Any]:
    """The TLS context and proxy of an httpx or httpx2 client, where they can be read.

    Returns:
        ``(ssl_context or None, proxy)`` where proxy is a URL, True (read the
        environment, as httpx does with ``trust_env``) or None.
    """
    if http is None:
        return None, True
    context = None
    transport = getattr(http, "_transport", None)
    pool = getattr(transport, "_pool", None)
    context = getattr(pool, "_ssl_context", None)
    proxy: Any = True if getattr(http, "_trust_env", True) else None
    for pattern, mounted in (getattr(http, "_mounts", None) or {}).items():
        scheme = str(getattr(pattern, "pattern", "")).split("://")[0]
        url = getattr(getattr(mounted, "_pool", None), "_proxy_url", None)
        if url is None or scheme not in ("all", "https", "wss"):
            continue
        port = f":{url.port}" if url.port else ""
        proxy = f"{_text(url.scheme)}://{_text(url.host)}{port}"
        break
    return context, proxy


def target(client: Any, spec: WebSocketSpec, options: Options, token: str | None) -> Target:
    """The URL and handshake arguments for ``client`` (a generated v1beta client)."""
    transport = client._transport
    headers = {
        k: v
        for k, v in transport.headers.items()
        if k.lower() not in ("x-goog-api-key", "authorization", "content-type")
    }
    if token is not None:
        headers["authorization"] = f"Token {token}"
    elif transport.auth is not None:
        headers["authorization"] = f"Bearer {transport.auth.token()}"
    elif getattr(client, "_api_key", None):
        headers["x-goog-api-key"] = client._api_key
    headers.update(options.headers)
    context, proxy = http_settings(transport._http)
    if options.ssl is not None:
        context = options.ssl
    if options.proxy is not None:
        proxy = options.proxy
    url = spec.url(client.base_url)
    kwargs: dict[str, Any] = {
        "open_timeout": options.connect_timeout,
        "ping_interval": options.ping_interval,
        "ping_timeout": options.ping_timeout,
        "close_timeout": options.close_timeout,
        "max_size": options.max_message_size,
    }
    if url.startswith("wss://") and context is not None:
        kwargs["ssl"] = context
    if proxy is not True:  # True, reading the environment, is websockets' default
        kwargs["proxy"] = proxy
    return Target(url, headers, kwargs)


def handshake_error(exc: BaseException) -> errors.GenerativeLanguageError:
    """The typed error for a failed connection attempt."""
    ws_exc = websockets_module("websockets.exceptions")
    response = getattr(exc, "response", None)
    if isinstance(exc, ws_exc.InvalidStatus) and response is not None:
        status = response.status_code
        body = bytes(getattr(response, "body", b"") or b"")
        return errors.error_from_body(status, body, dict(response.headers.raw_items()))
    if isinstance(exc, (TimeoutError,)):
        return errors.APITimeoutError(f"Live API: connecting timed out ({exc})")
    if isinstance(exc, ws_exc.ConnectionClosed):
        return closed_error(exc)
    return errors.APIConnectionError(f"Live API: could not connect: {type(exc).__name__}: {exc}")


def closed_error(exc: Any) -> errors.GenerativeLanguageError:
    """The typed error for a ``ConnectionClosed``: the server's close frame as a
    canonical error, or a dropped connection (no close frame) as
    ``StreamInterruptedError``."""
    received = getattr(exc, "rcvd", None)
    if received is None:
        return errors.StreamInterruptedError(
            "Live API: the connection dropped without a close frame (code 1006)"
        )
    return close_error(received.code, received.reason)


def _text(value: bytes | str) -> str:
    """A URL part as text (httpcore keeps them as bytes, httpx as str)."""
    return value.decode() if isinstance(value, bytes) else str(value)

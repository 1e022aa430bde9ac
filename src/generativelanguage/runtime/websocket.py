"""What the runtime knows about a WebSocket endpoint: its path and its message types.

Generated from an extension document's ``x-websockets`` table (``codegen/extend.py``),
one ``WebSocketSpec`` per endpoint, the way ``MethodSpec`` describes a REST method. The
sessions that speak an endpoint's protocol live outside the API-neutral runtime (the
Live API's in ``generativelanguage.live``); this module only carries the description.
"""

from __future__ import annotations


class WebSocketSpec:
    """One WebSocket endpoint: every client message is one JSON text frame encoding
    ``client``, every server message one frame decoding into ``server``."""

    __slots__ = ("id", "path", "client", "server", "doc")

    def __init__(self, id: str, path: str, *, client: type, server: type, doc: str = "") -> None:
        self.id = id
        self.path = path
        self.client = client
        self.server = server
        self.doc = doc

    def url(self, base_url: str) -> str:
        """The endpoint's ``ws://`` or ``wss://`` URL under an ``http(s)://`` base URL
        (the client's root URL or a local server's)."""
        base = base_url if base_url.endswith("/") else base_url + "/"
        scheme, sep, rest = base.partition("://")
        if not sep or scheme.lower() not in ("http", "https", "ws", "wss"):
            raise ValueError(f"base URL {base_url!r}: expected http(s):// or ws(s)://")
        scheme = {"http": "ws", "https": "wss"}.get(scheme.lower(), scheme.lower())
        return f"{scheme}://{rest}{self.path}"

    def __repr__(self) -> str:
        return f"WebSocketSpec({self.id!r}, {self.path!r})"

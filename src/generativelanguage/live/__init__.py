"""The Live API: real-time sessions with Gemini over WebSocket, sync and async.

    from generativelanguage.v1beta import Client

    client = Client()
    with client.live.connect("gemini-live-2.5-flash", config={...}) as session:
        session.send_client_content("Hello!")
        turn = session.receive_turn()
        print(turn.text)

Sessions are built on the message types generated from the Live API's extension
document (``discovery/extensions/generativelanguage.v1beta.live.json``). They resume
across ``goAway`` and dropped connections when session resumption is on, re-sending
what the server had not consumed; close codes become the runtime's typed errors.

Needs the ``websockets`` package: ``pip install 'generativelanguage[live]'``. Importing
this package is cheap (names load on first use), because the generated types module
imports :mod:`generativelanguage.live.messages` for its mixin.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "AsyncLive",
    "AsyncSession",
    "Live",
    "Session",
    "Turn",
    "close_error",
]

if TYPE_CHECKING:
    from .async_session import AsyncSession
    from .connect import AsyncLive, Live
    from .errors import close_error
    from .session import Session
    from .turns import Turn

_WHERE = {
    "AsyncLive": "connect",
    "AsyncSession": "async_session",
    "Live": "connect",
    "Session": "session",
    "Turn": "turns",
    "close_error": "errors",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

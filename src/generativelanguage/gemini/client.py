"""What the Gemini API's ``Client`` and ``AsyncClient`` add to the generated clients.

``discovery/extensions/generativelanguage.<version>.conveniences.json`` names these classes as
the clients' ``x-mixin``, parameterised with each version's ``GenerateContentResponse``,
``Content`` and ``GenerationConfig`` so that type checkers see that version's types.
Each convenience is one attribute here, importing its module on first use.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from generativelanguage.live import AsyncLive, Live

    from .chats import AsyncChats, Chats

R = TypeVar("R")
C = TypeVar("C")
G = TypeVar("G")


class ClientMixin(Generic[R, C, G]):
    """Conveniences of the blocking ``Client``."""

    @cached_property
    def chats(self) -> Chats[R, C, G]:
        """Conversations: ``client.chats.create(model, ...)``."""
        from .chats import Chats

        return Chats(self)


class AsyncClientMixin(Generic[R, C, G]):
    """Conveniences of the ``AsyncClient``."""

    @cached_property
    def chats(self) -> AsyncChats[R, C, G]:
        """Conversations: ``client.chats.create(model, ...)``, each message awaited."""
        from .chats import AsyncChats

        return AsyncChats(self)


class V1betaClientMixin(ClientMixin[R, C, G]):
    """Conveniences of the blocking v1beta ``Client``: those of every version, plus the
    Live API (a v1beta endpoint)."""

    @cached_property
    def live(self) -> Live:
        """Live API sessions over WebSocket (``pip install 'generativelanguage[live]'``)."""
        from generativelanguage.live import Live

        return Live(self)


class AsyncV1betaClientMixin(AsyncClientMixin[R, C, G]):
    """Conveniences of the v1beta ``AsyncClient``: those of every version, plus the Live
    API."""

    @cached_property
    def live(self) -> AsyncLive:
        """Live API sessions over WebSocket (``pip install 'generativelanguage[live]'``)."""
        from generativelanguage.live import AsyncLive

        return AsyncLive(self)

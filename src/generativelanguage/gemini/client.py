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

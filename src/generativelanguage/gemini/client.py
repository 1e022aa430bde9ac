"""What the Gemini API's ``Client`` and ``AsyncClient`` add to the generated clients.

``discovery/extensions/generativelanguage.<version>.conveniences.json`` name these
classes as the clients' ``x-mixin``; each convenience is one attribute here, imported
lazily so that building a client stays cheap.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generativelanguage.live import AsyncLive, Live


class ClientMixin:
    """Conveniences of the blocking ``Client``."""


class AsyncClientMixin:
    """Conveniences of the ``AsyncClient``."""


class V1betaClientMixin(ClientMixin):
    """Conveniences of the blocking v1beta ``Client``: those of every version, plus the
    Live API (a v1beta endpoint)."""

    @cached_property
    def live(self) -> Live:
        """Live API sessions over WebSocket (``pip install 'generativelanguage[live]'``)."""
        from generativelanguage.live import Live

        return Live(self)


class AsyncV1betaClientMixin(AsyncClientMixin):
    """Conveniences of the v1beta ``AsyncClient``: those of every version, plus the Live
    API."""

    @cached_property
    def live(self) -> AsyncLive:
        """Live API sessions over WebSocket (``pip install 'generativelanguage[live]'``)."""
        from generativelanguage.live import AsyncLive

        return AsyncLive(self)

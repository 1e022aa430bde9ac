"""What the Gemini API's ``Client`` and ``AsyncClient`` add to the generated clients.

``discovery/extensions/generativelanguage.all.conveniences.json`` names these classes as
the clients' ``x-mixin``; each convenience is one attribute here, imported lazily.
"""

from __future__ import annotations


class ClientMixin:
    """Conveniences of the blocking ``Client``."""


class AsyncClientMixin:
    """Conveniences of the ``AsyncClient``."""

"""What every room shares: the room protocol, per-collection semantics, query helpers."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import errors
from ..routing import Route, Router
from ..store import Store
from ..wire import Request, Response

if TYPE_CHECKING:
    from ..service import Service

#: A resource id the caller may choose (AIP-122: lowercase letters, digits, hyphens).
RESOURCE_ID = re.compile(r"^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$")

#: The ``@type`` prefix of the messages an operation answers.
TYPE_PREFIX = "type.googleapis.com/google.ai.generativelanguage."

#: How a room answers one matched route: (request, route, path parameters, validated
#: body or None) -> response.
Handler = Callable[[Request, Route, dict[str, str], Any], Response]


class Room:
    """One family of methods of the emulated service.

    Args:
        svc: The service the room belongs to (its store, router and other rooms).
    """

    #: Per-collection semantics this room contributes, by the collection's last
    #: segment (``"cachedContents"``); the service merges every room's table.
    kinds: dict[str, Kind] = {}

    def __init__(self, svc: Service) -> None:
        self.svc = svc

    @property
    def store(self) -> Store:
        return self.svc.store

    @property
    def router(self) -> Router:
        return self.svc.router

    def handler(self, route: Route) -> Handler | None:
        """The handler of ``route`` when this room serves it, else None."""
        return None

    def intercept(self, req: Request) -> Response | None:
        """Answer a request before routing (paths outside the routing table), or None."""
        return None

    def reset(self) -> None:
        """Forget the room's own state (called after the store was emptied)."""


def _slug(text: str, *, hyphens: bool, limit: int) -> str:
    text = text.lower()
    if hyphens:
        text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    else:
        text = re.sub(r"[^a-z0-9]+", "", text)
    return text[:limit].strip("-")


class Kind:
    """Semantics of one kind of resource on top of generic CRUD; the default adds none.

    Attributes:
        id_length: Length of the random part of generated ids.
        slug: How a ``displayName`` prefixes the id: None, "hyphens" or "compact".
        patchable: Fields an update may change (None: every field).
        children_block_delete: Child collections that make ``delete`` fail unless
            ``force=true`` (AIP-135).
    """

    id_length = 12
    slug: str | None = None
    patchable: frozenset[str] | None = None
    children_block_delete: frozenset[str] = frozenset()

    def new_id(self, svc: Service, item: dict[str, Any]) -> str:
        rand = svc.store.new_id(self.id_length)
        display = item.get("displayName")
        if self.slug and isinstance(display, str) and display.strip():
            prefix = _slug(
                display, hyphens=self.slug == "hyphens", limit=40 if self.slug == "hyphens" else 27
            )
            if prefix and prefix[0].isalpha():
                return f"{prefix}-{rand}"
        return rand

    def on_create(self, svc: Service, name: str, item: dict[str, Any], req: Request) -> None:
        pass

    def on_read(self, svc: Service, name: str, item: dict[str, Any]) -> dict[str, Any] | None:
        return item

    def on_patch(self, svc: Service, name: str, item: dict[str, Any], patch: dict) -> None:
        pass

    def on_delete(self, svc: Service, name: str) -> None:
        pass


def int_query(req: Request, name: str) -> int | None:
    """An integer query parameter (None when absent); a bad one is the service's 400."""
    value = req.query.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise errors.invalid_argument(
            f"Invalid value at '{name}' (TYPE_INT32), \"{value}\"", name
        ) from None


def bool_query(req: Request, name: str) -> bool:
    return (req.query.get(name) or "").lower() in ("true", "1")

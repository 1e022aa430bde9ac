"""Pagers over list methods (AIP-158: ``pageToken`` in, ``nextPageToken`` out).

The first page is fetched by the call that creates the pager; later pages are fetched
lazily while iterating. Iterating a pager yields the items of every page; ``.pages``
yields the typed page responses themselves. A pager is typed by both:
``Pager[types.Model, types.ListModelsResponse]`` yields ``types.Model`` items and
``types.ListModelsResponse`` pages. Items held in a map (Compute's
``aggregatedList``: ``{"zones/a": {"instances": [...]}, ...}``) are yielded as
``(key, value)`` pairs, as ``dict.items()`` would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

#: The item type (``types.Model``) and the page type (``types.ListModelsResponse``).
I = TypeVar("I")  # noqa: E741
P = TypeVar("P")


def page_items(page: Any, items_field: str) -> Any:
    """The items of one page: its list, or the (key, value) pairs of its map."""
    items = getattr(page, items_field, None) or ()
    return items.items() if isinstance(items, dict) else items


def next_token(page: Any) -> str | None:
    """The token of the page after ``page``, or None on the last page."""
    token = getattr(page, "next_page_token", None)
    return token or None


class Pager(Generic[I, P]):
    """Items across pages of a list method; ``.first_page`` is fetched already."""

    def __init__(self, first: P, items_field: str, fetch: Callable[[str], P]) -> None:
        self.first_page = first
        self._items_field = items_field
        self._fetch = fetch

    @property
    def pages(self) -> Iterator[P]:
        page = self.first_page
        while True:
            yield page
            token = next_token(page)
            if token is None:
                return
            page = self._fetch(token)

    def __iter__(self) -> Iterator[I]:
        for page in self.pages:
            yield from page_items(page, self._items_field)

    if not TYPE_CHECKING:
        # Fields of the first page (e.g. ``next_page_token``) read through the pager.
        # Hidden from type checkers, which would otherwise accept any misspelt name;
        # typed code reads ``pager.first_page.next_page_token``.
        def __getattr__(self, name: str) -> Any:
            return getattr(self.first_page, name)


class AsyncPager(Generic[I, P]):
    """``async for`` over items across pages; ``.first_page`` is fetched already."""

    def __init__(self, first: P, items_field: str, fetch: Callable[[str], Awaitable[P]]) -> None:
        self.first_page = first
        self._items_field = items_field
        self._fetch = fetch

    @property
    def pages(self) -> AsyncIterator[P]:
        return self._pages()

    async def _pages(self) -> AsyncIterator[P]:
        page = self.first_page
        while True:
            yield page
            token = next_token(page)
            if token is None:
                return
            page = await self._fetch(token)

    async def __aiter__(self) -> AsyncIterator[I]:
        async for page in self._pages():
            for item in page_items(page, self._items_field):
                yield item

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            return getattr(self.first_page, name)

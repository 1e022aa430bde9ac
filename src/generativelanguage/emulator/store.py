"""The in-memory resource store: resources by name, in collections, with page tokens.

Resources are JSON objects (wire names) kept under their resource name
(``tunedModels/abc/permissions/xyz``); the collection of a name is everything before
its last slash. Each resource gets a creation sequence number, and a page token is the
sequence number of the last resource of the previous page (AIP-158: tokens stay valid
when resources are created or deleted between pages). Private data that is never
returned (uploaded bytes, a cache's contents, an operation's plan) lives beside a
resource in ``side``. One lock guards everything; handlers hold it while they read
and modify.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import random
import re
import string
import threading
from typing import Any

from . import errors

_ALPHABET = string.ascii_lowercase + string.digits


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def timestamp(when: dt.datetime | None = None) -> str:
    """RFC 3339 in UTC with microseconds, as the service writes createTime."""
    return (when or now()).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(text: str) -> dt.datetime:
    """Parse an RFC 3339 timestamp (nanoseconds are cut to microseconds)."""
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)", text)
    if not m:
        raise ValueError(text)
    frac = (m.group(2) or "0")[:6].ljust(6, "0")
    zone = "+00:00" if m.group(3) == "Z" else m.group(3)
    return dt.datetime.fromisoformat(f"{m.group(1)}.{frac}{zone}")


def collection_of(name: str) -> str:
    return name.rsplit("/", 1)[0] if "/" in name else ""


class Store:
    """Resources by name. Callers hold ``lock`` around read-modify-write sequences."""

    def __init__(self, seed: int = 0) -> None:
        self.lock = threading.RLock()
        self.rng = random.Random(seed)
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self._items: dict[str, dict[str, Any]] = {}
            self._seq: dict[str, int] = {}
            self._collections: dict[str, dict[str, None]] = {}
            self.side: dict[str, dict[str, Any]] = {}
            self._counter = itertools.count(1)

    def new_id(self, length: int = 12) -> str:
        with self.lock:
            return "".join(self.rng.choice(_ALPHABET) for _ in range(length))

    def put(self, name: str, item: dict[str, Any]) -> dict[str, Any]:
        """Insert or replace the resource ``name`` (a replaced one keeps its place)."""
        with self.lock:
            if name not in self._items:
                self._seq[name] = next(self._counter)
                self._collections.setdefault(collection_of(name), {})[name] = None
            self._items[name] = item
            return item

    def get(self, name: str) -> dict[str, Any] | None:
        with self.lock:
            return self._items.get(name)

    def __contains__(self, name: str) -> bool:
        return name in self._items

    def delete(self, name: str) -> bool:
        with self.lock:
            if name not in self._items:
                return False
            del self._items[name]
            del self._seq[name]
            self._collections.get(collection_of(name), {}).pop(name, None)
            self.side.pop(name, None)
            return True

    def names(self, collection: str) -> list[str]:
        with self.lock:
            return list(self._collections.get(collection, {}))

    def descendants(self, name: str) -> list[str]:
        """Names of every resource under ``name`` (children, grandchildren...)."""
        prefix = name + "/"
        with self.lock:
            return [n for n in self._items if n.startswith(prefix)]

    # -- pages ---------------------------------------------------------------------

    @staticmethod
    def _token(collection: str, seq: int) -> str:
        raw = f"{collection}\n{seq}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @staticmethod
    def _after(collection: str, token: str) -> int:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            coll, seq = raw.rsplit("\n", 1)
            if coll != collection:
                raise ValueError(coll)
            return int(seq)
        except (ValueError, UnicodeDecodeError) as exc:
            raise errors.invalid_argument(f"Invalid page token: {token!r}.", "page_token") from exc

    def page(
        self,
        collection: str,
        page_size: int | None,
        page_token: str | None,
        *,
        default_size: int = 50,
        max_size: int = 1000,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of ``collection`` in creation order, and the next page's token."""
        if page_size is not None and page_size < 0:
            raise errors.invalid_argument("page_size must not be negative.", "page_size")
        size = min(page_size or default_size, max_size)
        after = self._after(collection, page_token) if page_token else 0
        with self.lock:
            names = [n for n in self._collections.get(collection, {}) if self._seq[n] > after]
            chosen = names[:size]
            items = [self._items[n] for n in chosen]
            token = self._token(collection, self._seq[chosen[-1]]) if len(names) > size else None
        return items, token

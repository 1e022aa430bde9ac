"""Handwritten mixins for the `extension_document` golden case (x-mixin): they stand for
the API conveniences that extension documents attach to generated classes."""

from __future__ import annotations

from typing import Any


class NoteMixin:
    __slots__ = ()

    @property
    def shout(self) -> str:
        return (getattr(self, "body_text", None) or "").upper()


class NotesMixin:
    __slots__ = ()

    def create_text(self, text: str) -> Any:
        return self.create(body={"body_text": text})  # type: ignore[attr-defined]


class AsyncNotesMixin:
    __slots__ = ()

    async def create_text(self, text: str) -> Any:
        return await self.create(body={"body_text": text})  # type: ignore[attr-defined]


class ClientMixin:
    @property
    def flavour(self) -> str:
        return "sync"


class AsyncClientMixin:
    @property
    def flavour(self) -> str:
        return "async"

"""Handwritten mixins for the `extension_document` golden case (x-mixin): they stand for
the API conveniences that extension documents attach to generated classes."""

from __future__ import annotations

from typing import Any, Generic, TypeVar


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


# -- the `body_shorthand` case: a body hook, generic mixins --------------------------

C = TypeVar("C")
R = TypeVar("R")

#: What `things.ask` accepts besides its request type (x-body-shorthand `accepts`).
PromptShorthand = str


def prompt_body(body: Any) -> Any:
    """x-body-shorthand `normalize`: a string is the prompt."""
    return {"prompt": body} if isinstance(body, str) else body


class RepliesMixin(Generic[C]):
    """Parameterised with the document's `Chunk`: type checkers see `first` as one."""

    __slots__ = ()

    @property
    def first(self) -> C | None:
        chunks = getattr(self, "chunks", None)
        return chunks[0] if chunks else None


class AskingClientMixin(Generic[R]):
    reply_type_name = "Reply"

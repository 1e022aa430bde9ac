"""Constructors of ``Part``, and version-neutral names for the content types.

``PartMixin``, ``ContentMixin`` and ``FileMixin`` are bases of every API version's
``types.Part``, ``types.Content`` and ``types.File`` (``x-mixin`` in
``discovery/extensions/generativelanguage.all.conveniences.json``). Besides the
constructors they give version-neutral code (the body shorthands, chats) one name for
"a Part of whichever version", so type checkers accept a ``v1beta.types.Part`` where
such code asks for a ``PartMixin``.
"""

from __future__ import annotations

import mimetypes
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    if sys.version_info >= (3, 11):
        from typing import Self
    else:
        from typing_extensions import Self


T = TypeVar("T")


def _build(cls: type[T], fields: dict[str, Any]) -> T:
    """``cls`` (a generated Struct) from wire-named ``fields``, refusing a field this API
    version's type does not have: msgspec would drop it without a word."""
    import msgspec

    wire_names = set(getattr(cls, "__struct_encode_fields__", ()))
    missing = sorted(set(fields) - wire_names)
    if missing:
        module = cls.__module__.rsplit(".", 2)[-2] if "." in cls.__module__ else cls.__module__
        raise TypeError(
            f"{cls.__name__} of API version {module} has no field {', '.join(missing)}; "
            "use an API version that has it (v1beta)"
        )
    return msgspec.convert(fields, cls)


class PartMixin:
    """Constructors of ``types.Part`` (one piece of a ``Content``)."""

    __slots__ = ()

    @classmethod
    def from_text(cls, text: str) -> Self:
        """A text part."""
        if not isinstance(text, str):
            raise TypeError(f"text: expected str, got {type(text).__name__}")
        return _build(cls, {"text": text})

    @classmethod
    def from_bytes(cls, data: bytes, *, mime_type: str) -> Self:
        """Inline media: ``data`` travels base64-encoded inside the request (keep it
        small, a few MB at most; upload larger files with ``client.files.upload``)."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data: expected bytes, got {type(data).__name__}")
        blob = {"data": bytes(data), "mimeType": mime_type}
        return _build(cls, {"inlineData": blob})

    @classmethod
    def from_uri(cls, uri: str, *, mime_type: str | None = None) -> Self:
        """A reference to media by URI: an uploaded file's ``uri``, a YouTube URL, ...

        Args:
            uri: Where the media is.
            mime_type: Its MIME type; guessed from the URI's extension when left out
                (and then omitted if the extension says nothing).
        """
        if mime_type is None:
            mime_type = mimetypes.guess_type(uri, strict=False)[0]
        data = {"fileUri": uri} if mime_type is None else {"fileUri": uri, "mimeType": mime_type}
        return _build(cls, {"fileData": data})

    @classmethod
    def from_function_response(
        cls, name: str, response: Mapping[str, Any], *, id: str | None = None
    ) -> Self:
        """The result of a function call, sent back to the model (``id`` repeats the
        call's ``id`` when it had one)."""
        body: dict[str, Any] = {"name": name, "response": dict(response)}
        if id is not None:
            body["id"] = id
        return _build(cls, {"functionResponse": body})


class ContentMixin:
    """``types.Content``: one turn of a conversation."""

    __slots__ = ()

    @property
    def text(self) -> str | None:
        """The turn's text parts joined, thoughts left out; None when it has none."""
        from .responses import parts_text

        return parts_text(getattr(self, "parts", None))


class FileMixin:
    """``types.File``: an uploaded file, usable wherever contents are expected (it
    becomes a ``fileData`` part with the file's URI and MIME type)."""

    __slots__ = ()

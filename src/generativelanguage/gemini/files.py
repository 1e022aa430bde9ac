"""``client.files.upload``: the upload users look for under ``files``.

The Discovery document puts the upload at ``media.upload`` (``POST /upload/v1beta/
files``); ``discovery/extensions/generativelanguage.all.conveniences.json`` mixes
:class:`FilesMixin` into the ``files`` resource so that ``client.files.upload(path)``
does the same and hands back the ``File`` itself.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from generativelanguage.runtime.options import CallOptions
    from generativelanguage.runtime.upload import Progress, UploadFile

#: The API version's ``File``.
F = TypeVar("F")


def _media(resource: Any) -> Any:
    """The ``media`` resource beside ``resource``, on the same transport."""
    module = sys.modules[type(resource).__module__]
    name = "AsyncMediaResource" if type(resource).__name__.startswith("Async") else "MediaResource"
    return getattr(module, name)(resource._t)


def _metadata(display_name: str | None) -> dict[str, Any] | None:
    return {"file": {"displayName": display_name}} if display_name else None


def _file_of(response: Any) -> Any:
    file = getattr(response, "file", None)
    if file is None:
        from generativelanguage.runtime.errors import ResponseDecodeError

        raise ResponseDecodeError("the upload answered without a file")
    return file


class FilesMixin(Generic[F]):
    """``upload`` on the blocking ``files`` resource."""

    __slots__ = ()

    def upload(
        self,
        file: UploadFile,
        *,
        mime_type: str | None = None,
        display_name: str | None = None,
        progress: Progress | None = None,
        chunk_size: int | None = None,
        options: CallOptions | None = None,
    ) -> F:
        """Upload ``file`` (a path, bytes or a binary file object) to the Files API.

        Args:
            file: What to upload.
            mime_type: Its MIME type; guessed from the file name when left out.
            display_name: A name to show for it.
            progress: Called as ``progress(bytes_sent, total)``.
            chunk_size: Bytes per resumable-upload chunk (large files).
            options: Per-call options.

        Returns:
            The uploaded ``File``; pass it to ``generate_content`` in ``contents``.
        """
        response = _media(self).upload(
            body=_metadata(display_name),
            file=file,
            mime_type=mime_type,
            progress=progress,
            chunk_size=chunk_size,
            options=options,
        )
        return _file_of(response)  # type: ignore[no-any-return]


class AsyncFilesMixin(Generic[F]):
    """``upload`` on the asynchronous ``files`` resource."""

    __slots__ = ()

    async def upload(
        self,
        file: UploadFile,
        *,
        mime_type: str | None = None,
        display_name: str | None = None,
        progress: Progress | None = None,
        chunk_size: int | None = None,
        options: CallOptions | None = None,
    ) -> F:
        """Upload ``file`` (see ``FilesMixin.upload``)."""
        response = await _media(self).upload(
            body=_metadata(display_name),
            file=file,
            mime_type=mime_type,
            progress=progress,
            chunk_size=chunk_size,
            options=options,
        )
        return _file_of(response)  # type: ignore[no-any-return]

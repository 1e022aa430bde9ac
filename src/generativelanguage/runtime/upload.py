"""Media upload as Google's services speak it.

Small payloads go in one multipart request (``X-Goog-Upload-Protocol: multipart``, a
``multipart/related`` body of JSON metadata then media). Larger ones use Google's
resumable protocol: ``start`` (metadata, declared length and type) answers an upload
URL; chunks follow with ``upload`` and the last with ``upload, finalize``, each at an
``X-Goog-Upload-Offset``. After a failed chunk the client asks the server where it got
to (``query`` -> ``X-Goog-Upload-Size-Received``) and resumes from there instead of
restarting. Files are read one chunk at a time, never whole. (Downloads: ``media``.)

The resumable protocol after ``start`` is written once, without I/O, as the generator
``resumable_steps``; the sync and async transports only carry out what it asks.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from fnmatch import fnmatch
from typing import IO, Any, BinaryIO, Union

from . import structs
from .errors import GenerativeLanguageError, RequestValidationError

logger = logging.getLogger("generativelanguage")

#: Up to this size the whole payload goes in one multipart request.
MULTIPART_LIMIT = 5 * 1024 * 1024
#: Default chunk for resumable uploads; rounded to the server's granularity.
DEFAULT_CHUNK = 8 * 1024 * 1024
Progress = Callable[[int, int], None]
#: What an upload accepts: a path, the bytes themselves, or a binary file object.
UploadFile = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, BinaryIO]


class Source:
    """A payload to upload: a path, bytes, or a binary file object, read in pieces."""

    def __init__(self, file: Any, mime_type: str | None = None) -> None:
        self._owned: IO[bytes] | None = None
        self.name: str | None = None
        if isinstance(file, (bytes, bytearray, memoryview)):
            self.stream: BinaryIO = io.BytesIO(bytes(file))
        elif isinstance(file, (str, os.PathLike)):
            self.name = os.fspath(file)
            try:
                self.stream = self._owned = open(self.name, "rb")  # noqa: SIM115
            except OSError as exc:
                raise RequestValidationError(
                    f"file: cannot open {self.name!r}: {exc}", "file"
                ) from None
        elif hasattr(file, "read"):
            self.stream = file
            name = getattr(file, "name", None)
            self.name = name if isinstance(name, str) else None
        else:
            raise RequestValidationError(
                f"file: expected a path, bytes or a binary file object, got {type(file).__name__}",
                path="file",
            )
        self.start = self._tell()
        self.size = self._measure()
        self.mime_type = mime_type or self._guess()

    def _tell(self) -> int:
        try:
            return self.stream.tell()
        except (OSError, AttributeError, io.UnsupportedOperation):
            return 0

    def _measure(self) -> int:
        try:
            end = self.stream.seek(0, io.SEEK_END)
            self.stream.seek(self.start)
            return end - self.start
        except (OSError, AttributeError, io.UnsupportedOperation):
            raise RequestValidationError(
                "file: the file object is not seekable, so its size is unknown; "
                "pass a path, bytes, or a seekable file",
                path="file",
            ) from None

    def _guess(self) -> str:
        import mimetypes

        if self.name:
            guessed, _ = mimetypes.guess_type(self.name)
            if guessed:
                return guessed
        return "application/octet-stream"

    def read_at(self, offset: int, size: int) -> bytes:
        self.stream.seek(self.start + offset)
        data = self.stream.read(size)
        if not isinstance(data, bytes):
            raise RequestValidationError("file: the file object must be opened in binary mode")
        return data

    def close(self) -> None:
        if self._owned is not None:
            self._owned.close()


def check_limits(source: Source, upload: Mapping[str, Any]) -> None:
    """Refuse what the document says the service refuses (``maxSize`` and ``accept``)."""
    max_size = upload.get("max_size")
    if max_size is not None and source.size > max_size:
        raise RequestValidationError(
            f"file: {source.size} bytes exceeds the method's maximum of {max_size} bytes",
            path="file",
        )
    accept = upload.get("accept") or ("*/*",)
    if not any(fnmatch(source.mime_type, pattern) for pattern in accept):
        raise RequestValidationError(
            f"mime_type: {source.mime_type!r} is not accepted (accepts {', '.join(accept)})",
            path="mime_type",
        )


def metadata_bytes(request_type: type | None, body: Any) -> bytes:
    if request_type is None or body is None:
        return b"{}"
    return structs.encode_body(request_type, body)


def multipart_body(metadata: bytes, source: Source) -> tuple[bytes, str]:
    """A ``multipart/related`` body (RFC 2387): JSON metadata, then the media."""
    import uuid

    data = source.read_at(0, source.size)
    boundary = "genlang" + uuid.uuid4().hex
    while boundary.encode() in data or boundary.encode() in metadata:
        boundary = "genlang" + uuid.uuid4().hex
    parts = [
        f"--{boundary}\r\ncontent-type: application/json; charset=UTF-8\r\n\r\n".encode(),
        metadata,
        f"\r\n--{boundary}\r\ncontent-type: {source.mime_type}\r\n\r\n".encode(),
        data,
        f"\r\n--{boundary}--\r\n".encode(),
    ]
    return b"".join(parts), f"multipart/related; boundary={boundary}"


class SyncChunk:
    """One resumable-upload chunk as a request body that lets go of its bytes once sent.

    httpx keeps each request reachable from its response, and each response in a
    reference cycle with its stream, so a plain ``bytes`` body would keep every sent
    chunk (8 MiB by default) in memory until the cycle collector happens to run: several
    chunks at once. The request carries an explicit ``Content-Length``.
    """

    __slots__ = ("_data",)

    def __init__(self, data: bytes) -> None:
        self._data = data

    def _take(self) -> bytes:
        data, self._data = self._data, b""
        return data

    def __iter__(self) -> Iterator[bytes]:
        yield self._take()


class AsyncChunk(SyncChunk):
    """``SyncChunk`` for the async client (httpx wants an async iterable there)."""

    __slots__ = ()

    __iter__ = None  # type: ignore[assignment]  # async only: httpx checks iterability first

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._take()


def chunk_size(requested: int | None, granularity: str | None) -> int:
    """The chunk length: requested (or default) rounded up to the server's granularity."""
    size = requested or DEFAULT_CHUNK
    try:
        unit = int(granularity) if granularity else 0
    except ValueError:
        unit = 0
    if unit > 0:
        size = max(unit, -(-size // unit) * unit)
    return size


def same_origin(a: Any, b: Any) -> bool:
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


def upload_status(response: Any) -> tuple[str, int]:
    """``X-Goog-Upload-Status`` and ``X-Goog-Upload-Size-Received`` (-1 if absent)."""
    status = response.headers.get("x-goog-upload-status", "")
    try:
        received = int(response.headers.get("x-goog-upload-size-received", "-1"))
    except ValueError:
        received = -1
    return status, received


def resumable_steps(
    io: Any,
    spec: Any,
    url: str,
    source: Source,
    opts: Any,
    progress: Progress | None,
    size: int,
) -> Any:
    """The resumable upload protocol after ``start``.

    A generator that yields ``("send", request)`` (answered with the response, or the
    transport exception) and ``("sleep", seconds)``, and returns the decoded result.
    Each chunk is retried under its own ``retry.Schedule`` (a long upload is not bound
    by one call's deadline; a chunk is); after a failure the server is asked where it
    got to and the upload resumes there.

    Args:
        io: The transport: builds requests, classifies errors, decodes, names the
            retry policy and the clock.
    """
    from .responses import decode, status_error
    from .retry import Schedule

    policy = opts.retry or io.retry
    offset = 0
    schedule = None
    while True:
        if schedule is None:
            schedule = Schedule(policy, spec.id, io.clock)
        schedule.begin()
        data = source.read_at(offset, min(size, source.size - offset))
        last = offset + len(data) >= source.size
        request = io.chunk_request(url, opts, data, offset, last)
        response = yield "send", request
        error: GenerativeLanguageError
        if isinstance(response, Exception):
            error = io.classify(response, request)
        elif response.status_code < 400:
            if last or upload_status(response)[0] == "final":
                if progress:
                    progress(source.size, source.size)
                return decode(spec, response.content)
            offset += len(data)
            schedule = None
            if progress:
                progress(offset, source.size)
            continue
        else:
            error = status_error(response, response.content, io.secrets())
        retryable = isinstance(response, Exception) or response.status_code in policy.statuses
        delay = schedule.failed(error, retryable)
        logger.debug("%s: upload chunk at %d failed (%s); resuming", spec.id, offset, error)
        yield "sleep", delay
        # Ask where the server got to (Google's `query` command) and resume there.
        answer = yield "send", io.query_request(url, opts)
        if isinstance(answer, Exception):
            continue  # retry the same chunk; the next failure asks again
        status, received = upload_status(answer)
        if status == "final":
            return decode(spec, answer.content)
        if answer.status_code < 400 and 0 <= received <= source.size:
            offset = received

"""A download read as a stream of bytes that resumes where a dropped connection left it.

``client.download`` writes a file to a path; large results are better consumed as they
arrive, and a connection that breaks after most of a gigabyte should not start over.
``iter_download`` / ``aiter_download`` yield a file's bytes in order, exactly once: after
a transport error mid-body (or a body shorter than its ``Content-Length``) they ask again
with ``Range: bytes=<received>-`` (RFC 9110 section 14.2) and continue. A server that
ignores the range answers 200 with the whole file, whose first ``received`` bytes are
skipped; a different ``ETag`` or length on a later answer means the file changed, which
is an error rather than a silently spliced stream. Responses are requested with
``Accept-Encoding: identity`` so that byte offsets are offsets into the file.

An attempt that brought bytes is resumed at once; consecutive attempts that brought none
are spaced and bounded by the retry policy (its attempts and deadline count from the
last byte received). Redirects are followed with the same
credential rules as ``client.download``. ``RangedRead`` holds the bookkeeping free of
I/O; the two loops only send, read and sleep.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import Any

from . import media
from .errors import APIConnectionError, APIError
from .options import CallOptions
from .retry import Schedule
from .spec import MethodSpec

logger = logging.getLogger("generativelanguage")

_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(?:(\d+)-(\d+)|\*)/(\d+|\*)\s*$", re.IGNORECASE)
MAX_REDIRECTS = 10
#: Builds the first request of a download from the call's options.
RequestFactory = Callable[[CallOptions], Any]


class DownloadChangedError(APIConnectionError):
    """A resumed download found a different file than the one it started reading."""


def parse_content_range(value: str | None) -> tuple[int | None, int | None]:
    """``(first byte, complete length)`` of a ``Content-Range`` value; None where unknown.

    Raises:
        APIConnectionError: The value is not a byte range.
    """
    m = _CONTENT_RANGE.match(value or "")
    if not m:
        raise APIConnectionError(f"download: unreadable Content-Range {value!r}")
    first = int(m.group(1)) if m.group(1) is not None else None
    total = int(m.group(3)) if m.group(3) != "*" else None
    return first, total


class RangedRead:
    """What one download has received so far, across the responses that carried it."""

    def __init__(self) -> None:
        self.received = 0
        self.total: int | None = None
        self.etag: str | None = None
        self._skip = 0

    def headers(self) -> dict[str, str]:
        """Headers of the next request: the range still missing, in identity encoding."""
        headers = {"accept-encoding": "identity"}
        if self.received:
            headers["range"] = f"bytes={self.received}-"
        return headers

    def begin(self, status: int, headers: Mapping[str, str]) -> None:
        """Take the status and headers of a (first or resumed) successful response.

        Raises:
            DownloadChangedError: The file is not the one the earlier bytes came from.
            APIConnectionError: The server resumed past the bytes received.
        """
        etag = headers.get("etag")
        length = _int(headers.get("content-length"))
        if status == 206:
            first, total = parse_content_range(headers.get("content-range"))
            first = 0 if first is None else first
            if first > self.received:
                raise APIConnectionError(
                    f"download: asked to resume at byte {self.received}, "
                    f"the server answered from byte {first}"
                )
        else:  # 200: the whole file, whatever was asked
            first, total = 0, length
        if self.received:
            if self.etag and etag and etag != self.etag:
                raise DownloadChangedError(
                    f"download: the file changed after {self.received} bytes "
                    f"(ETag {self.etag} then {etag})"
                )
            if self.total is not None and total is not None and total != self.total:
                raise DownloadChangedError(
                    f"download: the file changed after {self.received} bytes "
                    f"(length {self.total} then {total})"
                )
        if self.total is None:
            self.total = total
        self.etag = self.etag or etag
        self._skip = self.received - first

    def take(self, chunk: bytes) -> bytes:
        """The part of ``chunk`` not received before (all of it, unless re-sent)."""
        if self._skip:
            if len(chunk) <= self._skip:
                self._skip -= len(chunk)
                return b""
            chunk = chunk[self._skip :]
            self._skip = 0
        self.received += len(chunk)
        return chunk

    def shortfall(self) -> APIConnectionError | None:
        """The error of a body that ended cleanly short of the file's length, if it did."""
        if self.total is not None and self.received < self.total:
            return APIConnectionError(
                f"download: the body ended after {self.received} of {self.total} bytes"
            )
        return None

    def finished_by(self, error: Exception) -> bool:
        """Whether ``error`` (a 416 to a resumed request) only says nothing is left."""
        if not (isinstance(error, APIError) and error.http_status == 416 and self.received):
            return False
        headers = {k.lower(): v for k, v in error.headers.items()}
        try:
            _, total = parse_content_range(headers.get("content-range"))
        except APIConnectionError:
            return False
        return total == self.received


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _spec(transport: Any) -> MethodSpec:
    return MethodSpec(f"{transport.api_version}.files.download", "GET", "", streaming=True)


def _with_range(request: Any, read: RangedRead) -> Any:
    request.headers.update(read.headers())
    return request


def iter_download(
    transport: Any, first_request: RequestFactory, options: CallOptions | None = None
) -> Iterator[bytes]:
    """A download's bytes, in order and each once, resuming after a dropped connection.

    Args:
        transport: The client's ``SyncTransport``.
        first_request: Builds the download's GET from the call options (the API decides
            what URL a file's bytes are at); called again for each resumed attempt.
        options: Per-call options (timeout, retry policy bounding the resumes, headers).

    Raises:
        APIError: The service refused the download.
        APIConnectionError: The download failed more often than the retry policy allows.
        DownloadChangedError: The file changed between two attempts.
    """
    opts = transport.options.merged(options)
    policy = opts.retry or transport.retry
    spec = _spec(transport)
    read = RangedRead()
    schedule = Schedule(policy, spec.id, transport.clock)
    while True:
        schedule.begin()
        try:
            response = _open(transport, spec, first_request, opts, read)
        except APIError as exc:
            if read.finished_by(exc):
                return
            raise
        progressed = False
        try:
            read.begin(response.status_code, response.headers)
            for chunk in response.iter_bytes():
                data = read.take(chunk)
                if data:
                    progressed = True
                    yield data
            error = read.shortfall()
            if error is None:
                return
        except transport.x.TransportError as exc:
            error = transport.classify(exc)
        except DownloadChangedError:
            raise
        except APIConnectionError as exc:
            error = exc
        finally:
            response.close()
        schedule, delay = _next(transport, schedule, progressed, error)
        logger.debug(
            "download: resuming at byte %d in %.2f s after %s", read.received, delay, error
        )
        if delay:
            transport.clock.sleep(delay)


def _next(
    transport: Any, schedule: Schedule, progressed: bool, error: Any
) -> tuple[Schedule, float]:
    """The schedule of the next attempt and the seconds before it: none after progress
    (the connection broke, or the server sent part of the range; a new run of attempts
    starts, with its own deadline), else the retry policy's backoff.

    Raises:
        Exception: ``error``, when the policy gives up.
    """
    if progressed:
        return Schedule(schedule.policy, schedule.label, transport.clock), 0.0
    return schedule, schedule.failed(error, True)


def _open(
    transport: Any, spec: MethodSpec, first: RequestFactory, opts: CallOptions, read: RangedRead
) -> Any:
    request = _with_range(first(opts), read)
    for _ in range(MAX_REDIRECTS):
        response = transport.send(spec, request, opts, redirects=True)
        follow = media.redirect_request(transport, request, response, opts)
        if follow is None:
            return response
        response.close()
        request = _with_range(follow, read)
    raise APIConnectionError(f"download: more than {MAX_REDIRECTS} redirects")


async def aiter_download(
    transport: Any, first_request: RequestFactory, options: CallOptions | None = None
) -> AsyncIterator[bytes]:
    """The asynchronous ``iter_download`` (``transport`` is an ``AsyncTransport``)."""
    opts = transport.options.merged(options)
    policy = opts.retry or transport.retry
    if transport.auth is not None:
        await transport.auth.atoken()
    spec = _spec(transport)
    read = RangedRead()
    schedule = Schedule(policy, spec.id, transport.clock)
    while True:
        schedule.begin()
        try:
            response = await _aopen(transport, spec, first_request, opts, read)
        except APIError as exc:
            if read.finished_by(exc):
                return
            raise
        progressed = False
        try:
            read.begin(response.status_code, response.headers)
            async for chunk in response.aiter_bytes():
                data = read.take(chunk)
                if data:
                    progressed = True
                    yield data
            error = read.shortfall()
            if error is None:
                return
        except transport.x.TransportError as exc:
            error = transport.classify(exc)
        except DownloadChangedError:
            raise
        except APIConnectionError as exc:
            error = exc
        finally:
            await response.aclose()
        schedule, delay = _next(transport, schedule, progressed, error)
        logger.debug(
            "download: resuming at byte %d in %.2f s after %s", read.received, delay, error
        )
        if delay:
            await transport.clock.asleep(delay)


async def _aopen(
    transport: Any, spec: MethodSpec, first: RequestFactory, opts: CallOptions, read: RangedRead
) -> Any:
    request = _with_range(first(opts), read)
    for _ in range(MAX_REDIRECTS):
        response = await transport.send(spec, request, opts, redirects=True)
        follow = media.redirect_request(transport, request, response, opts)
        if follow is None:
            return response
        await response.aclose()
        request = _with_range(follow, read)
    raise APIConnectionError(f"download: more than {MAX_REDIRECTS} redirects")

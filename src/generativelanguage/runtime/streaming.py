"""Typed iterators over a Server-Sent Events response (``alt=sse``).

A stream is never silently truncated: an ``{"error": ...}`` event, a plain JSON error
body under ``text/event-stream`` (the real service does this), a connection dropped
mid-stream, a stream without a complete event for longer than its idle timeout, or a
chunk that does not decode each raise a typed error; so does a successful response
that carries no event at all, and one that ends without the final chunk its method
declares (``MethodSpec.stream_terminal``). Errors that end a stream early carry the
chunks received. The connection is closed when iteration ends or fails, when a
``with`` block around the stream exits, or when the stream object is dropped.

Time: the response body is read under a ``budget.Budget``. Until the first event it
holds the call's deadline; after each event it is moved to ``idle`` seconds from the
moment the stream goes back to waiting, so the consumer's own time never counts.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any, Generic, TypeVar

import msgspec

from . import structs
from .budget import Budget
from .errors import (
    EmptyResponseError,
    ResponseDecodeError,
    StreamInterruptedError,
    StreamTimeoutError,
    error_from_body,
)
from .responses import describe, undecodable
from .spec import MethodSpec, is_terminal
from .sse import SSEDecoder

T = TypeVar("T")

#: The start of an event (or a body) that is an error object rather than data; shared
#: with the event streams of ``events``.
ERROR_BODY = re.compile(r'\s*[\[{]\s*\{?\s*"error"\s*:')


class _Decoding(Generic[T]):
    """Event text -> typed chunk, shared by the sync and async streams (no I/O)."""

    def __init__(self, type_: type[T], status: int, headers: dict[str, str]) -> None:
        self.type = type_
        self.status = status
        self.headers = headers
        self.decoder = structs.decoder(type_)

    def event(self, data: str) -> T:
        if ERROR_BODY.match(data):
            raise error_from_body(self.status, data.encode(), self.headers)
        try:
            chunk: T = self.decoder.decode(data)
            return chunk
        except (msgspec.ValidationError, msgspec.DecodeError):
            try:
                return structs.decode(self.type, data)
            except ResponseDecodeError as exc:
                raise ResponseDecodeError(f"stream chunk does not decode: {exc}", data) from None

    def whole_body(self, body: bytes) -> list[str]:
        """A response that is JSON rather than SSE: an error, or an array of chunks (their
        JSON texts, decoded one by one as they are taken)."""
        try:
            payload = msgspec.json.decode(body)
        except msgspec.DecodeError:
            raise ResponseDecodeError(
                "stream answered with neither SSE nor JSON", body.decode("utf-8", "replace")
            ) from None
        items = payload if isinstance(payload, list) else [payload]
        if any(isinstance(item, dict) and "error" in item for item in items):
            raise error_from_body(self.status, body, self.headers)
        return [msgspec.json.encode(item).decode() for item in items]


#: How much of an event-less response is kept to show in the error.
HEAD_LIMIT = 64 * 1024


def looks_like_json(chunk: bytes) -> bool | None:
    """True/False once the first non-blank byte is known, None while only blanks seen."""
    stripped = chunk.lstrip()
    if not stripped:
        return None
    return stripped[:1] in (b"{", b"[")


class _Progress(Generic[T]):
    """The I/O-free state of one stream: bytes in, typed chunks out, and at the end the
    verdict on whether the stream was whole. Shared by ``Stream`` and ``AsyncStream``."""

    def __init__(self, spec: MethodSpec, response: Any, budget: Budget, idle: float) -> None:
        self.spec = spec
        if spec.response is None:
            raise TypeError(f"{spec.id} declares no response type to stream")
        self.decoding: _Decoding[T] = _Decoding(
            spec.response, response.status_code, dict(response.headers)
        )
        self.budget = budget
        self.idle = idle
        self.sse = SSEDecoder()
        self.kind: bool | None = None  # True: a JSON answer, False: SSE, None: unknown
        self.head = b""
        self.chunks: list[T] = []

    def feed(self, data: bytes) -> list[str]:
        """The texts of the events completed by ``data``."""
        if self.kind is None:
            self.head += data
            self.kind = looks_like_json(self.head)
            if self.kind is None:
                return []
            data, self.head = self.head, b""
        if self.kind:
            self.head += data
            return []
        if not self.chunks and len(self.head) < HEAD_LIMIT:
            self.head += data
        return [ev.data for ev in self.sse.feed(data)]

    def take(self, data: str) -> T:
        """The typed chunk of one event's text."""
        chunk = self.decoding.event(data)
        self.chunks.append(chunk)
        return chunk

    def waiting(self, completed: bool) -> None:
        """The stream goes back to waiting; ``completed``: an event came since last time."""
        if completed:
            self.budget.extend(self.idle)

    def finish(self) -> Iterator[T]:
        """The chunks left at the end of the body, then the verdict: raises if the stream
        was not whole."""
        if self.kind:
            texts = self.decoding.whole_body(self.head)
        else:
            texts = [ev.data for ev in self.sse.flush()]
        for text in texts:
            yield self.take(text)
        if not self.chunks and not self.spec.empty_ok:
            head = self.head.decode("utf-8", "replace")
            lines = [ln for ln in head.splitlines() if ln.strip()]
            if any(not ln.startswith(":") for ln in lines):
                raise EmptyResponseError("the stream carried no event, only this text", head)
            raise EmptyResponseError(f"{self.spec.id}: the stream ended without an event", head)
        paths = self.spec.terminal_paths
        if paths and self.chunks and not is_terminal(self.chunks[-1], paths):
            wanted = " or ".join(self.spec.stream_terminal)
            raise StreamInterruptedError(
                f"{self.spec.id}: the stream ended after {len(self.chunks)} chunk(s) without "
                f"its final one (a chunk with {wanted}); it was cut short",
                self.chunks,
            )

    def timed_out(self) -> StreamTimeoutError:
        if self.chunks:
            message = (
                f"stream idle for more than {self.idle:g}s without a complete event; "
                "closed before it finished"
            )
        else:
            message = "no event before the deadline; closed before the stream started"
        return StreamTimeoutError(message, self.chunks)

    def interrupted(self, exc: Exception) -> StreamInterruptedError:
        return StreamInterruptedError(
            f"stream interrupted before it finished: {describe(exc)}", self.chunks
        )


class Stream(Generic[T]):
    """Iterate over the typed chunks of a streamed response."""

    def __init__(
        self, response: Any, spec: MethodSpec, httpx_module: Any, idle: float, budget: Budget
    ) -> None:
        self.response = response
        self._progress: _Progress[T] = _Progress(spec, response, budget, idle)
        self._x = httpx_module
        self._iterator: Iterator[T] | None = None

    def __iter__(self) -> Iterator[T]:
        if self._iterator is None:
            self._iterator = self._events()
        return self._iterator

    def __next__(self) -> T:
        return next(iter(self))

    def _events(self) -> Iterator[T]:
        x = self._x
        progress = self._progress
        try:
            for data in self.response.iter_bytes():
                events = progress.feed(data)
                for event in events:
                    yield progress.take(event)
                progress.waiting(bool(events))
            yield from progress.finish()
        except x.TimeoutException:
            raise progress.timed_out() from None
        except x.TransportError as exc:
            raise progress.interrupted(exc) from None
        except x.DecodingError as exc:
            raise undecodable(exc, self.response) from None
        finally:
            self.response.close()

    def close(self) -> None:
        self.response.close()

    def __enter__(self) -> Stream[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncStream(Generic[T]):
    """``async for`` over the typed chunks of a streamed response."""

    def __init__(
        self, response: Any, spec: MethodSpec, httpx_module: Any, idle: float, budget: Budget
    ) -> None:
        self.response = response
        self._progress: _Progress[T] = _Progress(spec, response, budget, idle)
        self._x = httpx_module
        self._iterator: AsyncIterator[T] | None = None

    def __aiter__(self) -> AsyncIterator[T]:
        if self._iterator is None:
            self._iterator = self._events()
        return self._iterator

    async def __anext__(self) -> T:
        return await self.__aiter__().__anext__()

    async def _events(self) -> AsyncIterator[T]:
        x = self._x
        progress = self._progress
        try:
            async for data in self.response.aiter_bytes():
                events = progress.feed(data)
                for event in events:
                    yield progress.take(event)
                progress.waiting(bool(events))
            for chunk in progress.finish():
                yield chunk
        except x.TimeoutException:
            raise progress.timed_out() from None
        except x.TransportError as exc:
            raise progress.interrupted(exc) from None
        except x.DecodingError as exc:
            raise undecodable(exc, self.response) from None
        finally:
            await self.response.aclose()

    async def close(self) -> None:
        await self.response.aclose()

    async def __aenter__(self) -> AsyncStream[T]:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

"""Typed iterators over a Server-Sent Events response (``alt=sse``).

A stream is never silently truncated: an ``{"error": ...}`` event, a plain JSON error
body under ``text/event-stream`` (the real service does this), a connection dropped
mid-stream, an idle stream past its timeout, or a chunk that does not decode each raise
a typed error; so does a successful response that carries no event at all but other
text (a proxy's HTML page). The connection is closed when iteration ends or fails, when
a ``with`` block around the stream exits, or when the stream object is dropped.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any, Generic, TypeVar

import msgspec

from . import structs
from .errors import (
    APITimeoutError,
    ResponseDecodeError,
    StreamInterruptedError,
    error_from_body,
)
from .sse import SSEDecoder

T = TypeVar("T")

_ERROR_EVENT = re.compile(r'\s*[\[{]\s*\{?\s*"error"\s*:')


class _Decoding(Generic[T]):
    """Event text -> typed chunk, shared by the sync and async streams (no I/O)."""

    def __init__(self, type_: type[T], status: int, headers: dict[str, str]) -> None:
        self.type = type_
        self.status = status
        self.headers = headers
        self.decoder = structs.decoder(type_)

    def event(self, data: str) -> T:
        if _ERROR_EVENT.match(data):
            raise error_from_body(self.status, data.encode(), self.headers)
        try:
            return self.decoder.decode(data)
        except (msgspec.ValidationError, msgspec.DecodeError):
            try:
                return structs.decode(self.type, data)
            except ResponseDecodeError as exc:
                raise ResponseDecodeError(f"stream chunk does not decode: {exc}", data) from None

    def whole_body(self, body: bytes) -> list[T]:
        """A response that is JSON rather than SSE: an error, or an array of chunks."""
        try:
            payload = msgspec.json.decode(body)
        except msgspec.DecodeError:
            raise ResponseDecodeError(
                "stream answered with neither SSE nor JSON", body.decode("utf-8", "replace")
            ) from None
        items = payload if isinstance(payload, list) else [payload]
        out = []
        for item in items:
            if isinstance(item, dict) and "error" in item:
                raise error_from_body(self.status, body, self.headers)
            out.append(self.event(msgspec.json.encode(item).decode()))
        return out


#: How much of an event-less response is kept to show in the error.
_HEAD_LIMIT = 64 * 1024


def _check_not_eventless(head: bytes, events: int) -> None:
    """Raise when a stream ended without events but with text other than SSE comments."""
    if events:
        return
    text = head.decode("utf-8", "replace")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if any(not ln.startswith(":") for ln in lines):
        raise ResponseDecodeError("the stream carried no event, only this text", text)


def _looks_like_json(chunk: bytes) -> bool | None:
    """True/False once the first non-blank byte is known, None while only blanks seen."""
    stripped = chunk.lstrip()
    if not stripped:
        return None
    return stripped[:1] in (b"{", b"[")


class Stream(Generic[T]):
    """Iterate over the typed chunks of a streamed response."""

    def __init__(self, response: Any, type_: type[T], httpx_module: Any, idle: float) -> None:
        self.response = response
        self._decoding = _Decoding(type_, response.status_code, dict(response.headers))
        self._x = httpx_module
        self._idle = idle
        self._iterator: Iterator[T] | None = None

    def __iter__(self) -> Iterator[T]:
        if self._iterator is None:
            self._iterator = self._events()
        return self._iterator

    def __next__(self) -> T:
        return next(iter(self))

    def _events(self) -> Iterator[T]:
        x = self._x
        sse = SSEDecoder()
        kind: bool | None = None
        head = b""
        seen = 0
        try:
            for chunk in self.response.iter_bytes():
                if kind is None:
                    head += chunk
                    kind = _looks_like_json(head)
                    if kind is None:
                        continue
                    chunk, head = head, b""
                if kind:
                    head += chunk
                    continue
                if not seen and len(head) < _HEAD_LIMIT:
                    head += chunk
                for ev in sse.feed(chunk):
                    seen += 1
                    yield self._decoding.event(ev.data)
            if kind:
                yield from self._decoding.whole_body(head)
                return
            for ev in sse.flush():
                seen += 1
                yield self._decoding.event(ev.data)
            _check_not_eventless(head, seen)
        except x.TimeoutException:
            raise APITimeoutError(
                f"stream idle for more than {self._idle:g}s; closed before it finished"
            ) from None
        except x.TransportError as exc:
            raise StreamInterruptedError(f"stream interrupted before it finished: {exc}") from None
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

    def __init__(self, response: Any, type_: type[T], httpx_module: Any, idle: float) -> None:
        self.response = response
        self._decoding = _Decoding(type_, response.status_code, dict(response.headers))
        self._x = httpx_module
        self._idle = idle
        self._iterator: AsyncIterator[T] | None = None

    def __aiter__(self) -> AsyncIterator[T]:
        if self._iterator is None:
            self._iterator = self._events()
        return self._iterator

    async def __anext__(self) -> T:
        return await self.__aiter__().__anext__()

    async def _events(self) -> AsyncIterator[T]:
        x = self._x
        sse = SSEDecoder()
        kind: bool | None = None
        head = b""
        seen = 0
        try:
            async for chunk in self.response.aiter_bytes():
                if kind is None:
                    head += chunk
                    kind = _looks_like_json(head)
                    if kind is None:
                        continue
                    chunk, head = head, b""
                if kind:
                    head += chunk
                    continue
                if not seen and len(head) < _HEAD_LIMIT:
                    head += chunk
                for ev in sse.feed(chunk):
                    seen += 1
                    yield self._decoding.event(ev.data)
            if kind:
                for item in self._decoding.whole_body(head):
                    yield item
                return
            for ev in sse.flush():
                seen += 1
                yield self._decoding.event(ev.data)
            _check_not_eventless(head, seen)
        except x.TimeoutException:
            raise APITimeoutError(
                f"stream idle for more than {self._idle:g}s; closed before it finished"
            ) from None
        except x.TransportError as exc:
            raise StreamInterruptedError(f"stream interrupted before it finished: {exc}") from None
        finally:
            await self.response.aclose()

    async def close(self) -> None:
        await self.response.aclose()

    async def __aenter__(self) -> AsyncStream[T]:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

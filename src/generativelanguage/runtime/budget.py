"""Holding I/O to a time budget: the part of the deadline rule that touches sockets.

``retry.Schedule`` decides by when an attempt must be over; this module makes the I/O
obey. httpx's own timeouts limit each socket operation, so a server that sends one
byte per second never trips a two-second read timeout. Three pieces close that gap:

* ``clamp_timeouts``: every phase timeout of a request (connect, read, write, pool) is
  cut to the time left, so no single operation outlives the budget.
* Sync: ``install`` wraps the network backend of an httpx/httpx2 client so that each
  socket read, write and connect is cut to the budget made current with ``active``,
  even inside ``send()`` while the status line trickles in. Without that (a custom
  transport), the budget still holds between the chunks of a body.
* Async: cancellation. ``cancel_after`` runs ``send()`` in a cancel scope, and the
  body is read through ``AsyncBudgetStream``, which waits for each chunk no longer
  than the time left.

Whatever runs out raises the backend's ``ReadTimeout``, which the transport turns into
``APITimeoutError``; a stream moves its budget forward after every event, which is how
``stream_idle_timeout`` counts time without a complete event rather than a byte.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import AsyncIterator, Iterator
from contextvars import ContextVar
from typing import Any

from .retry import SYSTEM_CLOCK, Clock


class Budget:
    """A moving limit: the monotonic instant (``end``) by which the current step of I/O
    must be over; None means no limit beyond httpx's own timeouts."""

    __slots__ = ("end", "clock")

    def __init__(self, end: float | None, clock: Clock = SYSTEM_CLOCK) -> None:
        self.end = end
        self.clock = clock

    def left(self) -> float | None:
        """Seconds left (may be negative), or None without a limit."""
        return None if self.end is None else self.end - self.clock.monotonic()

    def extend(self, seconds: float) -> None:
        """Move the limit to ``seconds`` from now."""
        self.end = self.clock.monotonic() + seconds


_ACTIVE: ContextVar[Budget | None] = ContextVar("generativelanguage_budget", default=None)


@contextlib.contextmanager
def active(budget: Budget) -> Iterator[None]:
    """Make ``budget`` the one the wrapped network backend enforces, in this context."""
    token = _ACTIVE.set(budget)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def clamp_timeouts(request: Any, budget: Budget) -> None:
    """Cut each phase timeout of ``request`` to the time the budget has left."""
    left = budget.left()
    timeouts = request.extensions.get("timeout")
    if left is None or not isinstance(timeouts, dict):
        return
    left = max(left, 0.0)
    request.extensions["timeout"] = {
        k: (left if v is None else min(v, left)) for k, v in timeouts.items()
    }


def expired(x: Any, request: Any, what: str = "the deadline") -> Exception:
    """The backend's ``ReadTimeout`` for a budget that ran out."""
    error: Exception = x.ReadTimeout(f"{what} expired", request=request)
    return error


# -- sync: a network backend that obeys the current budget ---------------------------------


def _clamp(timeout: float | None, timeout_error: type[Exception]) -> float | None:
    budget = _ACTIVE.get()
    if budget is None or budget.end is None:
        return timeout
    left = budget.end - budget.clock.monotonic()
    if left <= 0:
        raise timeout_error("the deadline expired")
    return left if timeout is None else min(timeout, left)


class _Stream:
    """A sync network stream whose every operation is cut to the current budget."""

    def __init__(self, inner: Any, core: Any) -> None:
        self._inner = inner
        self._core = core

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data: bytes = self._inner.read(max_bytes, _clamp(timeout, self._core.ReadTimeout))
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout, self._core.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> _Stream:
        inner = self._inner.start_tls(
            ssl_context, server_hostname, _clamp(timeout, self._core.ConnectTimeout)
        )
        return _Stream(inner, self._core)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend:
    """Wraps an httpcore/httpcore2 ``NetworkBackend``; inert while no budget is active."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._core = importlib.import_module(type(inner).__module__.split(".")[0])

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> _Stream:
        stream = self._inner.connect_tcp(
            host,
            port,
            timeout=_clamp(timeout, self._core.ConnectTimeout),
            local_address=local_address,
            socket_options=socket_options,
        )
        return _Stream(stream, self._core)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> _Stream:
        stream = self._inner.connect_unix_socket(
            path, timeout=_clamp(timeout, self._core.ConnectTimeout), socket_options=socket_options
        )
        return _Stream(stream, self._core)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def install(http: Any) -> bool:
    """Make a sync httpx/httpx2 client's sockets obey the active budget.

    Wraps the network backend of each connection pool the client owns (its transport
    and its mounts). The wrapper only acts while a budget is active, so other uses of a
    caller's client are unaffected. Returns whether every pool could be wrapped; a
    custom transport cannot, and then the budget holds between body chunks only.
    """
    transports = [getattr(http, "_transport", None)]
    transports += [t for t in (getattr(http, "_mounts", None) or {}).values()]
    complete = True
    for transport in transports:
        if transport is None:
            continue
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is None or not hasattr(backend, "connect_tcp"):
            complete = False
        elif pool is not None and not isinstance(backend, _Backend):
            pool._network_backend = _Backend(backend)
    return complete


# -- the body, chunk by chunk (sync and async) ----------------------------------------------

_stream_classes: dict[tuple[Any, bool], type] = {}


def _stream_class(x: Any, asynchronous: bool) -> type:
    """A byte-stream class of the right httpx module: httpx checks ``isinstance``."""
    key = (x, asynchronous)
    cls = _stream_classes.get(key)
    if cls is None:
        base = x.AsyncByteStream if asynchronous else x.SyncByteStream
        impl = _AsyncBudgetStream if asynchronous else _SyncBudgetStream
        cls = _stream_classes[key] = type(impl.__name__, (impl, base), {})
    return cls


class _SyncBudgetStream:
    def __init__(self, inner: Any, budget: Budget, x: Any, request: Any) -> None:
        self._inner = inner
        self._budget = budget
        self._x = x
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        budget = self._budget
        it = iter(self._inner)
        while True:
            token = _ACTIVE.set(budget)
            try:
                chunk = next(it)
            except StopIteration:
                return
            finally:
                _ACTIVE.reset(token)
            if budget.end is not None and budget.clock.monotonic() >= budget.end:
                raise expired(self._x, self._request)
            yield chunk

    def close(self) -> None:
        self._inner.close()


class _AsyncBudgetStream:
    def __init__(self, inner: Any, budget: Budget, x: Any, request: Any) -> None:
        self._inner = inner
        self._budget = budget
        self._x = x
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        import anyio

        budget = self._budget
        it = self._inner.__aiter__()
        while True:
            left = budget.left()
            if left is None:
                try:
                    chunk = await it.__anext__()
                except StopAsyncIteration:
                    return
            else:
                if left <= 0:
                    raise expired(self._x, self._request)
                chunk = b""
                with anyio.move_on_after(left) as scope:
                    try:
                        chunk = await it.__anext__()
                    except StopAsyncIteration:
                        return
                if scope.cancelled_caught:
                    raise expired(self._x, self._request)
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


def bind(response: Any, budget: Budget, x: Any, asynchronous: bool) -> None:
    """Read ``response``'s body under ``budget`` from now on."""
    cls = _stream_class(x, asynchronous)
    response.stream = cls(response.stream, budget, x, response.request)


@contextlib.asynccontextmanager
async def cancel_after(budget: Budget, x: Any, request: Any) -> AsyncIterator[None]:
    """Cancel the enclosed awaits when the budget runs out, raising ``ReadTimeout``."""
    left = budget.left()
    if left is None:
        yield
        return
    if left <= 0:
        raise expired(x, request)
    import anyio

    with anyio.move_on_after(left) as scope:
        yield
    if scope.cancelled_caught:
        raise expired(x, request)

"""Shared parametrization for runtime tests: every exchange runs over both HTTP backends
(``httpx`` and ``httpx2``) and with both the blocking and the asynchronous client.

A test writes its scenario once, as a coroutine taking the client; ``Harness.run`` calls
it with a ``Client`` (its methods return plain values, which ``ready`` passes through)
or an ``AsyncClient`` (its methods return awaitables, which ``ready`` awaits), inside a
fresh event loop, and closes the client afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from generativelanguage.runtime.options import RetryPolicy
from generativelanguage.v1beta import AsyncClient, Client

#: A fake key that is easy to search for in URLs, logs, reprs and messages.
KEY = "AIzaSyTEST-not-a-real-key-7f3c9d"
#: Retries with tiny backoffs, so retry tests take milliseconds.
FAST = RetryPolicy(initial_backoff=0.01, max_backoff=0.05)

BACKENDS = ("httpx", "httpx2")
MODES = ("sync", "async")


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(params=MODES)
def mode(request) -> str:
    return request.param


@pytest.fixture(scope="session", autouse=True)
def _quiet_prompt_server():
    """Two adjustments of the shared local server while runtime tests run; neither
    changes a byte on the wire.

    * TCP_NODELAY on its connections: it writes headers and body separately, and
      Nagle's algorithm against delayed ACKs would add ~40 ms to every response.
    * No traceback on stderr when a client went away mid-response (these tests drop
      connections on purpose). Python 3.11 parses source with ``ast`` to place the
      carets of a printed traceback, and doing that in a server thread while pytest
      parses source for a failure report in the main thread can crash pytest with
      "SystemError: AST constructor recursion depth mismatch".
    """
    from tests.support import server as server_module

    original = server_module._Server.handle_error

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        original(self, request, client_address)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(server_module._Handler, "disable_nagle_algorithm", True)
        mp.setattr(server_module._Server, "handle_error", handle_error)
        yield


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    """No ambient API key or backend choice leaks into a test from the environment."""
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GENERATIVELANGUAGE_HTTP_BACKEND"):
        monkeypatch.delenv(name, raising=False)


async def ready(value: Any) -> Any:
    """``value`` itself, or what it resolves to when it is awaitable."""
    if inspect.isawaitable(value):
        return await value
    return value


async def each(iterable: Any) -> AsyncIterator[Any]:
    """Items of a sync or async iterable, as an async iterator."""
    if hasattr(type(iterable), "__aiter__"):
        async for item in iterable:
            yield item
    else:
        for item in iterable:
            yield item


async def collect(iterable: Any) -> list[Any]:
    return [item async for item in each(iterable)]


async def aclose(obj: Any) -> None:
    """Close a generated client or an httpx/httpx2 client, sync or async."""
    if hasattr(obj, "aclose"):
        await obj.aclose()
    else:
        await ready(obj.close())


@contextlib.asynccontextmanager
async def opened(stream: Any) -> AsyncIterator[Any]:
    """``with stream`` or ``async with stream``, whichever the stream supports."""
    if hasattr(type(stream), "__aenter__"):
        async with stream as s:
            yield s
    else:
        with stream as s:
            yield s


class Harness:
    """Builds clients for one (backend, mode) pair against the local server."""

    def __init__(self, server: Any, backend: str, mode: str) -> None:
        self.server = server
        self.backend = backend
        self.mode = mode
        self.x = importlib.import_module(backend)

    @property
    def is_async(self) -> bool:
        return self.mode == "async"

    def client(self, **kw: Any) -> Any:
        kw.setdefault("base_url", self.server.url)
        kw.setdefault("retry", FAST)
        if "credentials" not in kw:
            kw.setdefault("api_key", KEY)
        if "http_client" not in kw:
            kw.setdefault("http_backend", self.backend)
        return (AsyncClient if self.is_async else Client)(**kw)

    def http_client(self, **kw: Any) -> Any:
        """A caller-owned ``Client``/``AsyncClient`` of this backend's module."""
        return self.x.AsyncClient(**kw) if self.is_async else self.x.Client(**kw)

    def run(self, scenario: Callable[[Any], Awaitable[Any]], **client_kw: Any) -> Any:
        """Run ``scenario(client)`` in a fresh event loop; close the client after."""

        async def main() -> Any:
            client = self.client(**client_kw)
            try:
                return await scenario(client)
            finally:
                await aclose(client)

        return asyncio.run(main())

    def run_plain(self, scenario: Callable[[], Awaitable[Any]]) -> Any:
        """Run a scenario that builds its own clients."""
        return asyncio.run(scenario())


@pytest.fixture
def h(server, backend, mode) -> Harness:
    return Harness(server, backend, mode)

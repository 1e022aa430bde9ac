"""Fixtures of the Live API tests: an emulator per test, clients bound to it, and one
way to drive a sync or an async session with the same scenario code."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from generativelanguage.emulator import Emulator
from generativelanguage.v1beta import AsyncClient, Client

KEY = "live-test-key"
MODEL = "gemini-live-2.5-flash"


@pytest.fixture
def emu():
    with Emulator(api_key=KEY) as e:
        yield e


def run(coro: Any) -> Any:
    return asyncio.run(coro)


class SyncFacade:
    """A blocking ``Session`` seen through the async session's interface, so that one
    scenario (written with ``await``) drives both kinds over real sockets."""

    def __init__(self, session: Any) -> None:
        self.session = session

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.session, name)
        if name.startswith(("send", "receive_turn", "close")):

            async def call(*args: Any, **kwargs: Any) -> Any:
                return attr(*args, **kwargs)

            return call
        return attr

    async def receive(self) -> AsyncIterator[Any]:
        for message in self.session.receive():
            yield message

    def __aiter__(self) -> AsyncIterator[Any]:
        async def messages() -> AsyncIterator[Any]:
            for message in self.session:
                yield message

        return messages()


async def next_message(session: Any) -> Any:
    """The session's next server message, whatever its kind."""
    return await anext(aiter(session))


@contextlib.asynccontextmanager
async def open_session(
    kind: str, url: str, *, key: str | None = KEY, client: dict | None = None, **connect: Any
) -> AsyncIterator[Any]:
    """A session of ``kind`` ("sync" or "async") on the server at ``url``."""
    if kind == "sync":
        with Client(api_key=key, base_url=url, **(client or {})) as c:
            with c.live.connect(connect.pop("model", MODEL), **connect) as session:
                yield SyncFacade(session)
        return
    async with AsyncClient(api_key=key, base_url=url, **(client or {})) as c:
        async with c.live.connect(connect.pop("model", MODEL), **connect) as session:
            yield session


KINDS = pytest.mark.parametrize("kind", ["sync", "async"])

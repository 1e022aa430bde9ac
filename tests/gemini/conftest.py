"""Fixtures of the convenience tests: the emulator, clients bound to it, sync and async."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

from generativelanguage.emulator import Emulator
from generativelanguage.emulator.pytest_plugin import gemini_emulator  # noqa: F401
from generativelanguage.runtime.options import RetryPolicy
from generativelanguage.v1beta import AsyncClient, Client

KEY = "test-key"
FAST_RETRY = RetryPolicy(initial_backoff=0.01, max_backoff=0.05)
MODEL = "gemini-2.5-flash"  # thinks: its function calls carry thought signatures
T = TypeVar("T")


@pytest.fixture
def emu(gemini_emulator: Emulator) -> Emulator:  # noqa: F811
    gemini_emulator.service.operation_polls = 1
    return gemini_emulator


@pytest.fixture
def client(emu: Emulator):
    with Client(api_key=KEY, base_url=emu.url, retry=FAST_RETRY) as c:
        yield c


def run_async(emu: Emulator, scenario: Callable[[AsyncClient], Awaitable[T]]) -> T:
    """``scenario(async_client)`` in a fresh event loop, the client closed after."""

    async def main() -> T:
        async with AsyncClient(api_key=KEY, base_url=emu.url, retry=FAST_RETRY) as c:
            return await scenario(c)

    return asyncio.run(main())


def wire(server: Any, index: int = -1) -> dict[str, Any]:
    """The JSON body of a request the local test server received."""
    import json

    return json.loads(server.requests[index].body)

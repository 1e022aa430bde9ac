"""Fixtures of the convenience tests: the emulator tests' fixtures (a fresh emulator
per test, a client bound to it), plus an async runner and the wire of the local server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from generativelanguage.emulator import Emulator
from generativelanguage.v1beta import AsyncClient
from tests.emulator.conftest import (  # noqa: F401 (fixtures)
    FAST_RETRY,
    KEY,
    client,
    emu,
    gemini_emulator,
)

MODEL = "gemini-2.5-flash"  # thinks: its function calls carry thought signatures
T = TypeVar("T")


def run_async(emulator: Emulator, scenario: Callable[[AsyncClient], Awaitable[T]]) -> T:
    """``scenario(async_client)`` in a fresh event loop, the client closed after."""

    async def main() -> T:
        async with AsyncClient(api_key=KEY, base_url=emulator.url, retry=FAST_RETRY) as c:
            return await scenario(c)

    return asyncio.run(main())


def wire(server: Any, index: int = -1) -> dict[str, Any]:
    """The JSON body of a request the local test server received."""
    return json.loads(server.requests[index].body)

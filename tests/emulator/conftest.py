"""Fixtures of the emulator tests: a fresh emulator per test, and clients bound to it."""

from __future__ import annotations

import pytest

from generativelanguage.emulator import Emulator
from generativelanguage.emulator.pytest_plugin import (  # noqa: F401
    gemini_emulator,
    gemini_emulator_session,
    gemini_emulator_shared,
)
from generativelanguage.runtime.options import RetryPolicy
from generativelanguage.v1beta import AsyncClient, Client

KEY = "test-key"
#: Retries as the client does by default (4 attempts, Retry-After honoured), but with a
#: tiny backoff when the server gives no hint, to keep the suite fast.
FAST_RETRY = RetryPolicy(initial_backoff=0.01, max_backoff=0.05)


@pytest.fixture
def emu(gemini_emulator: Emulator) -> Emulator:  # noqa: F811
    gemini_emulator.service.operation_polls = 1
    return gemini_emulator


@pytest.fixture
def client(emu: Emulator):
    with Client(api_key=KEY, base_url=emu.url, retry=FAST_RETRY) as c:
        yield c


@pytest.fixture
def keyed_emu():
    with Emulator(api_key=KEY, operation_polls=1) as e:
        yield e


def async_client(emu: Emulator, **kwargs) -> AsyncClient:
    kwargs.setdefault("retry", FAST_RETRY)
    return AsyncClient(api_key=KEY, base_url=emu.url, **kwargs)


def text_of(response) -> str:
    """The answer text of a GenerateContentResponse (thought parts left out)."""
    parts = response.candidates[0].content.parts or []
    return "".join(p.text or "" for p in parts if not getattr(p, "thought", None))


def user(text: str) -> dict:
    return {"role": "user", "parts": [{"text": text}]}

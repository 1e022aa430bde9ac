"""Pytest fixtures running the Gemini API emulator.

Import the fixtures you want into your ``conftest.py``::

    from generativelanguage.emulator.pytest_plugin import gemini_emulator  # noqa: F401

    def test_hello(gemini_emulator):
        client = Client(base_url=gemini_emulator.url)
        ...

``gemini_emulator`` is a fresh in-process emulator per test (started on a free loopback
port, stopped after the test); ``gemini_emulator_session`` is one emulator for the whole
session, reset (resources, faults, request log) before each test that uses
``gemini_emulator_shared``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import Emulator


@pytest.fixture
def gemini_emulator() -> Iterator[Emulator]:
    """A fresh emulator for one test (no API key required, operations done after two
    polls)."""
    with Emulator() as emulator:
        yield emulator


@pytest.fixture(scope="session")
def gemini_emulator_session() -> Iterator[Emulator]:
    """One emulator for the whole test session."""
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def gemini_emulator_shared(gemini_emulator_session: Emulator) -> Iterator[Emulator]:
    """The session's emulator, reset before the test."""
    gemini_emulator_session.reset()
    yield gemini_emulator_session

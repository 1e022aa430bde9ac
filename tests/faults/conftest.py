"""Fixtures of the fault matrix: a clean environment, every log record of every logger,
and ``--case NAME`` to run one row of the matrix (the command in docs/RELIABILITY.md)."""

from __future__ import annotations

import logging
import traceback

import pytest


def pytest_addoption(parser):
    parser.addoption(
        "--case",
        action="append",
        default=[],
        help="run only this case of the fault matrix (repeatable)",
    )


def pytest_collection_modifyitems(config, items):
    wanted = set(config.getoption("--case", default=None) or [])
    if not wanted:
        return
    keep, drop = [], []
    for item in items:
        case = getattr(item, "callspec", None) and item.callspec.params.get("case")
        name = getattr(case, "name", None)
        (keep if name in wanted else drop).append(item)
    config.hook.pytest_deselected(items=drop)
    items[:] = keep


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    """No ambient API key or backend choice leaks into a case from the environment."""
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GENERATIVELANGUAGE_HTTP_BACKEND"):
        monkeypatch.delenv(name, raising=False)


class Records(logging.Handler):
    """The text of every record: message, arguments and any traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(record.getMessage())
        self.texts.append(repr(record.args))
        if record.exc_info:
            self.texts.append("".join(traceback.format_exception(*record.exc_info)))


@pytest.fixture
def records():
    """Every record of every logger at DEBUG (the runtime's, httpx's, httpcore's)."""
    handler = Records()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture(scope="session", autouse=True)
def _frozen_heap():
    """``gc.collect()`` before and after each case, without walking the whole heap of
    the test session every time (0.15 s per collection otherwise): what exists before
    the matrix starts is moved out of the collector's sight."""
    import gc

    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()

"""Fixtures of the fault matrix: a clean environment, every log record of every logger,
and ``--case NAME`` to run one row of the matrix (the command in docs/RELIABILITY.md)."""

from __future__ import annotations

import pytest

from tests.support.logs import all_records


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
        callspec = getattr(item, "callspec", None)
        case = callspec.params.get("case") if callspec else None
        if case is None or not hasattr(case, "fault"):
            keep.append(item)  # not a row of the matrix
        else:
            (keep if case.name in wanted else drop).append(item)
    config.hook.pytest_deselected(items=drop)
    items[:] = keep


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    """No ambient API key or backend choice leaks into a case from the environment."""
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GENERATIVELANGUAGE_HTTP_BACKEND"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def records():
    """Every record of every logger at DEBUG (the runtime's, httpx's, httpcore's)."""
    with all_records() as handler:
        yield handler


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

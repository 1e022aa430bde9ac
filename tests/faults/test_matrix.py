"""The fault matrix (``cases.py``), sync and async, httpx and httpx2, against a real server
on 127.0.0.1 in its own process.

Every case checks, besides its own expected outcome: the wall time stays under its
bound; no credential appears in any exception text (message, repr, traceback with its
causes) or in any log record of any logger at DEBUG; and nothing is left behind: once
the client is closed the test process has the same open descriptors and threads as
before, and the server sees no connection still open. Cases marked ``hangs_up`` also
check that the client dropped the connection before it was closed.

``FAULT_REPORT=<file>`` appends one JSON line per run, for ``tests/faults/report.py``.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import socket
import threading
import time
import traceback
import tracemalloc
from typing import Any

import pytest

from generativelanguage.runtime.errors import GenerativeLanguageError
from generativelanguage.v1beta import AsyncClient, Client
from tests.faults.cases import CASES, KEY, POLICY, SECRETS, Case, Outcome

BACKENDS = ("httpx", "httpx2")
MODES = ("sync", "async")


def open_resources() -> tuple[list[str], int]:
    """What this process holds open: descriptors (by target) and the thread count."""
    fds = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            fds.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:  # the descriptor listdir itself used, now closed
            pass
    return sorted(fds), threading.active_count()


def closed_port_url() -> str:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}/"


async def _each(iterable: Any):
    if hasattr(type(iterable), "__aiter__"):
        async for item in iterable:
            yield item
    else:
        for item in iterable:
            yield item


async def _ready(value: Any) -> Any:
    return await value if asyncio.iscoroutine(value) else value


async def make_call(case: Case, client: Any, chunks: list[Any], tmp: Any) -> Any:
    body = {"contents": [{"parts": [{"text": "hello"}]}]}
    if case.call == "generate":
        return await _ready(
            client.models.generate_content("gemini-x", body=body, options=case.options)
        )
    if case.call == "stream":
        stream = await _ready(
            client.models.stream_generate_content("gemini-x", body=body, options=case.options)
        )
        async for chunk in _each(stream):
            chunks.append(chunk)
        return chunks
    if case.call == "events":
        interaction = {"model": "gemini-x", "input": "hello"}
        stream = await _ready(
            client.interactions.create_stream(body=interaction, options=case.options)
        )
        async for event in _each(stream):
            chunks.append(event)
        return chunks
    if case.call == "delete":
        return await _ready(client.cached_contents.delete("cachedContents/abc"))
    if case.call == "download":
        return await _ready(client.download("files/abc", tmp / "download.bin"))
    raise ValueError(case.call)


def run_case(case: Case, mode: str, client_kw: dict[str, Any], session: Any, tmp: Any) -> Outcome:
    chunks: list[Any] = []
    result: Any = None
    error: BaseException | None = None
    peak: int | None = None
    hung_up: int | None = None

    async def scenario() -> float:
        nonlocal result, error, peak, hung_up
        client = None
        if case.memory:
            tracemalloc.start()
        started = time.monotonic()
        try:
            client = (AsyncClient if mode == "async" else Client)(**client_kw)
            result = await make_call(case, client, chunks, tmp)
        except GenerativeLanguageError as exc:
            error = exc
        finally:
            elapsed = time.monotonic() - started
            if case.memory:
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            if case.hangs_up and session is not None:
                hung_up = session.wait_open(0)
            if client is not None:
                await _ready(client.close())
        return elapsed

    elapsed = asyncio.run(scenario())
    outcome = Outcome(result, error, elapsed, session.requests if session else [], chunks)
    outcome.peak_memory = peak
    if case.call == "download" and isinstance(result, int):
        outcome.written = result
    outcome.hung_up = hung_up  # type: ignore[attr-defined]
    return outcome


def leaked_secrets(error: BaseException | None, log_texts: list[str]) -> list[str]:
    texts = list(log_texts)
    if error is not None:
        texts += [str(error), repr(error), repr(error.args)]
        texts.append("".join(traceback.format_exception(error)))
    return sorted({s for s in SECRETS for t in texts if s in t})


def report(row: dict[str, Any]) -> None:
    path = os.environ.get("FAULT_REPORT")
    if path:
        with open(path, "a") as f:
            f.write(json.dumps(row) + "\n")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_fault(case: Case, backend: str, mode: str, fault_server, records, tmp_path):
    session = None
    other = None
    if case.refused:
        base_url = closed_port_url()
    else:
        steps = case.steps(fault_server)
        other = next((s["other"] for s in steps if "other" in s), None)
        session = fault_server.script(*steps)
        base_url = session.url
    client_kw = {"api_key": KEY, "base_url": base_url, "http_backend": backend, "retry": POLICY}
    client_kw.update(case.client)
    client_kw = {k: v for k, v in client_kw.items() if v is not None}

    gc.collect()
    fds_before, threads_before = open_resources()
    row: dict[str, Any] = {"case": case.name, "backend": backend, "mode": mode, "passed": False}
    try:
        outcome = run_case(case, mode, client_kw, session, tmp_path)
        if other is not None:
            outcome.other_requests = fault_server.call({"op": "status", "token": other})["requests"]
        row.update(
            outcome=type(outcome.error).__name__ if outcome.error else "ok",
            elapsed=round(outcome.elapsed, 3),
            bound=case.bound,
            peak_memory=outcome.peak_memory,
        )
        case.check(outcome)
        assert outcome.elapsed < case.bound, f"took {outcome.elapsed:.2f} s, bound {case.bound} s"
        assert not leaked_secrets(outcome.error, records.texts), "a credential leaked"
        if case.call == "download" and outcome.error is not None:
            assert not (tmp_path / "download.bin").exists(), "a partial file was left behind"
        if case.hangs_up:
            assert outcome.hung_up == 0, "the client kept the abandoned connection open"
        if session is not None:
            assert session.wait_open(0) == 0, "a connection is still open after close()"
        gc.collect()
        fds_after, threads_after = open_resources()
        assert fds_after == fds_before, (
            f"descriptors left behind: {set(fds_after) - set(fds_before)}"
        )
        assert threads_after == threads_before, "a thread was left behind"
        row["passed"] = True
    finally:
        report(row)

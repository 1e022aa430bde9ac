"""Holding I/O to the time budget (``runtime/budget.py``): the wrapped network backend of
sync clients (our own and a caller's), phase timeouts cut to the time left, and the
fallback between body chunks for transports that cannot be wrapped."""

from __future__ import annotations

import importlib
import json
import time

import pytest

from generativelanguage.runtime import budget, errors
from generativelanguage.runtime.options import CallOptions, RetryPolicy
from generativelanguage.v1beta import Client
from tests.runtime.conftest import KEY
from tests.support import faultserver as fs
from tests.support.clock import FakeClock

OK = json.dumps(
    {"candidates": [{"content": {"parts": [{"text": "hi"}]}, "finishReason": "STOP"}]}
).encode()
JSON = {"content-type": "application/json"}
DEADLINE = CallOptions(timeout=0.2, retry=RetryPolicy(deadline=0.5, max_attempts=1))


@pytest.mark.parametrize("backend", ["httpx", "httpx2"])
def test_install_wraps_every_pool_of_a_sync_client(backend):
    # A tripwire for the private attribute the wrapper relies on: if an httpx or
    # httpx2 release renames it, this fails instead of the deadline silently weakening.
    x = importlib.import_module(backend)
    http = x.Client(mounts={"http://other.example": x.HTTPTransport()})
    try:
        assert budget.install(http) is True
        pools = [http._transport._pool] + [t._pool for t in http._mounts.values()]
        assert all(isinstance(p._network_backend, budget._Backend) for p in pools)
        budget.install(http)  # idempotent: never wrapped twice
        assert not isinstance(http._transport._pool._network_backend._inner, budget._Backend)
    finally:
        http.close()


@pytest.mark.parametrize("backend", ["httpx", "httpx2"])
def test_install_reports_a_transport_it_cannot_wrap(backend):
    x = importlib.import_module(backend)
    http = x.Client(transport=x.MockTransport(lambda request: x.Response(200)))
    assert budget.install(http) is False
    http.close()


def test_clamp_timeouts_cuts_every_phase_to_the_time_left():
    clock = FakeClock()
    request = type("R", (), {"extensions": {}})()
    request.extensions["timeout"] = {"connect": 10.0, "read": 600.0, "write": None, "pool": 1.0}
    budget.clamp_timeouts(request, budget.Budget(clock.now + 2.5, clock))
    assert request.extensions["timeout"] == {"connect": 2.5, "read": 2.5, "write": 2.5, "pool": 1.0}
    budget.clamp_timeouts(request, budget.Budget(None, clock))
    assert request.extensions["timeout"]["read"] == 2.5  # no budget, nothing changes


def test_the_wrapped_backend_is_inert_without_a_budget(fault_server):
    # Other users of a caller's client are not affected by the wrapper.
    x = importlib.import_module("httpx")
    session = fault_server.script(fs.step(fs.trickle(fs.head(200, JSON, 2), 0.01), fs.send(b"{}")))
    http = x.Client(timeout=1.0)
    budget.install(http)
    try:
        started = time.monotonic()
        response = http.get(session.url)
        assert response.status_code == 200
        assert time.monotonic() - started > 0.3  # the whole trickle was received
    finally:
        http.close()


@pytest.mark.parametrize("backend", ["httpx", "httpx2"])
def test_deadline_bounds_a_trickled_status_line_on_a_callers_client(backend, fault_server):
    x = importlib.import_module(backend)
    session = fault_server.script(fs.step(fs.trickle(fs.head(200, JSON, len(OK)), 0.05)))
    http = x.Client()
    client = Client(api_key=KEY, base_url=session.url, http_client=http)
    try:
        started = time.monotonic()
        with pytest.raises(errors.APITimeoutError):
            client.models.generate_content("gemini-x", body={"contents": []}, options=DEADLINE)
        assert time.monotonic() - started < 0.9
        assert session.wait_open(0) == 0
    finally:
        client.close()
        http.close()


@pytest.mark.parametrize("backend", ["httpx", "httpx2"])
def test_without_a_wrapped_backend_the_budget_holds_between_body_chunks(backend, fault_server):
    # A custom transport: the status line cannot be bounded, but the body can.
    x = importlib.import_module(backend)

    class Custom(x.BaseTransport):
        def __init__(self) -> None:
            self.inner = x.HTTPTransport()

        def handle_request(self, request):
            return self.inner.handle_request(request)

        def close(self) -> None:
            self.inner.close()

    session = fault_server.script(
        fs.step(fs.send(fs.head(200, JSON, len(OK))), fs.trickle(OK, 0.05))
    )
    http = x.Client(transport=Custom())
    client = Client(api_key=KEY, base_url=session.url, http_client=http)
    try:
        started = time.monotonic()
        with pytest.raises(errors.APITimeoutError):
            client.models.generate_content("gemini-x", body={"contents": []}, options=DEADLINE)
        assert time.monotonic() - started < 0.9
        assert session.wait_open(0) == 0
    finally:
        client.close()
        http.close()

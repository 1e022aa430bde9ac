"""Long-running operations followed to completion over real HTTP."""

from __future__ import annotations

import asyncio
import json

import pytest

from generativelanguage.runtime import errors, operations
from generativelanguage.v1beta import AsyncClient, Client, types
from tests.support.server import Reply

TUNED = {
    "@type": "type.googleapis.com/google.ai.generativelanguage.v1beta.TunedModel",
    "name": "tunedModels/t1",
    "state": "ACTIVE",
}


@pytest.fixture(autouse=True)
def fast_polls(monkeypatch):
    monkeypatch.setattr(operations, "INITIAL_POLL", 0.01)
    monkeypatch.setattr(operations, "MAX_POLL", 0.02)


def _sequence(*bodies):
    queue = list(bodies)

    def handler(rec):
        body = queue.pop(0) if len(queue) > 1 else queue[0]
        return Reply(200, json.dumps(body).encode())

    return handler


@pytest.mark.parametrize("backend", ["httpx", "httpx2"])
def test_operation_finishes_after_several_polls(server, backend):
    name = "tunedModels/t1/operations/op1"
    server.handler = _sequence(
        {"name": name, "metadata": {"completedPercent": 10}},  # create answers not done
        {"name": name, "done": False},
        {"name": name},
        {"name": name, "done": True, "response": TUNED},
    )
    with Client(api_key="k", base_url=server.url, http_backend=backend) as client:
        op = client.tuned_models.create(body={"baseModel": "models/x"})
        assert not op.done
        final = client.wait_operation(op, timeout=10)
    assert final.done is True
    assert isinstance(final.response, types.TunedModel)
    assert final.response.state == "ACTIVE"
    polls = [r for r in server.requests if r.method == "GET"]
    assert [r.path for r in polls] == ["/v1beta/" + name] * 3


def test_wait_accepts_a_name_and_returns_a_done_operation_without_polling(server):
    server.handler = _sequence({"name": "batches/b1", "done": True, "response": {"x": 1}})
    with Client(api_key="k", base_url=server.url) as client:
        final = client.wait_operation("batches/b1")
        assert final.response == {"x": 1}  # no typed schema for it: kept as sent
        assert len(server.requests) == 1
        done = types.Operation(name="batches/b1", done=True)
        assert client.wait_operation(done) is done
        assert len(server.requests) == 1


def test_failed_operation_raises_the_typed_error(server):
    server.handler = _sequence(
        {
            "name": "models/m/operations/o",
            "done": True,
            "error": {"code": 3, "message": "bad prompt", "details": []},
        }
    )
    with Client(api_key="k", base_url=server.url) as client:
        with pytest.raises(errors.InvalidArgument, match="bad prompt") as info:
            client.wait_operation("models/m/operations/o")
    assert info.value.code == 3


def test_overall_timeout(server, monkeypatch):
    monkeypatch.setattr(operations, "INITIAL_POLL", 0.2)
    monkeypatch.setattr(operations, "MAX_POLL", 0.2)
    server.handler = _sequence({"name": "batches/slow"})
    with Client(api_key="k", base_url=server.url) as client:
        with pytest.raises(errors.APITimeoutError, match="batches/slow"):
            client.wait_operation("batches/slow", timeout=0.5)
    assert 2 <= len(server.requests) <= 4


def test_bad_operation_argument():
    with Client(api_key="k", base_url="http://127.0.0.1:1/") as client:
        with pytest.raises(errors.RequestValidationError, match="operation"):
            client.wait_operation(42)


def test_async_wait(server):
    server.handler = _sequence(
        {"name": "models/veo/operations/v"},
        {"name": "models/veo/operations/v", "done": True, "response": TUNED},
    )

    async def run():
        async with AsyncClient(api_key="k", base_url=server.url, http_backend="httpx2") as c:
            return await c.wait_operation("models/veo/operations/v", timeout=5)

    final = asyncio.run(run())
    assert isinstance(final.response, types.TunedModel)
    assert len(server.requests) == 2


def test_pure_helpers():
    assert operations.type_name("type.googleapis.com/a.b.v1beta.Foo") == "Foo"
    assert operations.poll_delay(1) <= operations.INITIAL_POLL
    assert operations.poll_delay(100) <= operations.MAX_POLL
    assert operations.error_of(types.Operation(done=True)) is None

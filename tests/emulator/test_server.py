"""The server itself: routing from the API definition, error shapes, concurrency, start
and stop, the command line and the subprocess handle."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import types as pytypes

import httpx
import pytest

import generativelanguage.v1.resources as v1_resources
import generativelanguage.v1beta.resources as v1beta_resources
from generativelanguage.emulator import Emulator, Service, running
from generativelanguage.emulator.routing import Router, specs_of
from generativelanguage.emulator.wire import Request
from generativelanguage.runtime.paths import PathParam
from generativelanguage.runtime.transport import MethodSpec
from generativelanguage.v1beta import Client, types
from tests.emulator.conftest import KEY, async_client, text_of, user


def test_every_method_of_both_versions_is_routed():
    router = Router()
    expected = len(specs_of(v1beta_resources)) + len(specs_of(v1_resources))
    assert len(router.routes) == expected
    ids = {(r.version, r.spec.id) for r in router.routes}
    assert ("v1beta", "generativelanguage.cachedContents.patch") in ids
    assert ("v1", "generativelanguage.models.generateContent") in ids
    route, params = router.match("POST", "/v1beta/tunedModels/abc:generateContent")
    assert route.spec.id == "generativelanguage.tunedModels.generateContent"
    assert params == {"model": "tunedModels/abc"}
    route, params = router.match("GET", "/v1beta/tunedModels/abc/permissions/p%201")
    assert route.spec.id == "generativelanguage.tunedModels.permissions.get"
    assert params == {"name": "tunedModels/abc/permissions/p 1"}
    assert router.match("GET", "/v1beta/nothing/here") is None


def _widget_module() -> pytypes.ModuleType:
    """A made-up API version with a resource the emulator has never heard of."""
    name = PathParam("name", "^widgets/[^/]+$", reserved=True, prefix="widgets/")
    module = pytypes.ModuleType("fake_resources")
    module._W_CREATE = MethodSpec(
        "fake.widgets.create", "POST", "v9/widgets", request=types.Corpus, response=types.Corpus
    )
    module._W_GET = MethodSpec(
        "fake.widgets.get", "GET", "v9/{+name}", (name,), response=types.Corpus
    )
    module._W_LIST = MethodSpec(
        "fake.widgets.list",
        "GET",
        "v9/widgets",
        response=types.ListCorporaResponse,
        items_field="corpora",
    )
    module._W_PATCH = MethodSpec(
        "fake.widgets.patch",
        "PATCH",
        "v9/{+name}",
        (name,),
        request=types.Corpus,
        response=types.Corpus,
    )
    module._W_DELETE = MethodSpec(
        "fake.widgets.delete", "DELETE", "v9/{+name}", (name,), response=types.Empty
    )
    return module


def test_a_new_resource_gets_crud_without_new_code():
    service = Service(router=Router({"v9": _widget_module()}))

    def call(method, path, body=b"", **query):
        req = Request(method, path, query, {}, body, "http://emulator")
        response = service.handle(req)
        return response.status, httpx.Response(200, content=response.body).json()

    status, created = call("POST", "/v9/widgets", b'{"displayName": "Blue"}')
    assert status == 200 and created["name"].startswith("widgets/")
    assert created["createTime"] == created["updateTime"]
    assert call("GET", f"/v9/{created['name']}") == (200, created)
    call("POST", "/v9/widgets", b"{}")
    status, page = call("GET", "/v9/widgets", pageSize="1")
    assert len(page["corpora"]) == 1 and page["nextPageToken"]
    status, patched = call(
        "PATCH", f"/v9/{created['name']}", b'{"displayName": "Red"}', updateMask="displayName"
    )
    assert patched["displayName"] == "Red"
    status, bad = call("POST", "/v9/widgets", b'{"shape": "round"}')
    assert status == 400 and 'Unknown name "shape"' in bad["error"]["message"]
    assert call("DELETE", f"/v9/{created['name']}") == (200, {})
    assert call("GET", f"/v9/{created['name']}")[0] == 404


def test_bad_bodies_get_googles_400(emu):
    url = f"{emu.url}/v1beta/models/gemini-2.5-flash:generateContent"
    response = httpx.post(
        url,
        json={
            "contents": [{"parts": [{"text": "x", "mediaResolution2": 1}]}],
            "generationConfig": {"temperature": 0.7, "response_formats": {"type": "JSON"}},
        },
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == "INVALID_ARGUMENT" and error["code"] == 400
    assert error["message"] == (
        'Invalid JSON payload received. Unknown name "mediaResolution2" at '
        "'contents[0].parts[0]': Cannot find field.\n"
        'Invalid JSON payload received. Unknown name "response_formats" at '
        "'generation_config': Cannot find field."
    )
    violations = error["details"][0]["fieldViolations"]
    assert error["details"][0]["@type"] == "type.googleapis.com/google.rpc.BadRequest"
    assert [v["field"] for v in violations] == ["contents[0].parts[0]", "generation_config"]
    wrong_type = httpx.post(
        url, json={"contents": [user("x")], "generationConfig": {"temperature": "hot"}}
    )
    assert wrong_type.json()["error"]["message"] == (
        "Invalid value at 'generation_config.temperature' (TYPE_FLOAT), \"hot\""
    )
    not_json = httpx.post(url, content=b"{nope", headers={"content-type": "application/json"})
    assert not_json.status_code == 400


def test_unknown_paths_and_verbs(emu):
    assert httpx.get(f"{emu.url}/v1beta/widgets").status_code == 404
    response = httpx.delete(f"{emu.url}/v1beta/models")
    assert response.status_code == 404 and "not allowed" in response.json()["error"]["message"]


def test_fifty_concurrent_async_requests(emu):
    async def main():
        async with async_client(emu) as client:
            return await asyncio.gather(
                *(
                    client.models.generate_content(
                        "gemini-2.5-flash", body={"contents": [user(f"question {i}")]}
                    )
                    for i in range(50)
                )
            )

    started = time.monotonic()
    responses = asyncio.run(main())
    assert [text_of(r) for r in responses] == [f"Echo: question {i}" for i in range(50)]
    assert time.monotonic() - started < 10


def test_concurrent_writers_keep_the_store_consistent(emu):
    errors_seen = []

    def work(n):
        try:
            with Client(api_key=KEY, base_url=emu.url) as c:
                for i in range(10):
                    c.corpora.create(body={"displayName": f"t{n}-{i}"})
        except Exception as exc:  # pragma: no cover - reported below
            errors_seen.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors_seen
    with Client(api_key=KEY, base_url=emu.url) as c:
        names = [x.name for x in c.corpora.list(page_size=7)]
    assert len(names) == len(set(names)) == 80


def test_stream_delay_spaces_events():
    with running(stream_delay=0.05) as emu, Client(api_key=KEY, base_url=emu.url) as client:
        started = time.monotonic()
        stamps = []
        for _ in client.models.stream_generate_content(
            "gemini-2.5-flash", body={"contents": [user("a b c d e f g h")]}
        ):
            stamps.append(time.monotonic() - started)
        assert len(stamps) >= 3 and stamps[-1] - stamps[0] >= 0.09


def _port_is_closed(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) != 0


def test_stop_closes_keep_alive_connections_and_threads():
    emulator = Emulator().start()
    port = emulator.port
    with Client(api_key=KEY, base_url=emulator.url) as client:
        client.models.list()  # leaves a keep-alive connection open
        emulator.delay(30)  # a request held in the server when it stops
        worker = threading.Thread(target=lambda: _swallow(client.models.list))
        worker.start()
        time.sleep(0.2)
        handlers = list(emulator._server.connections.values())
        assert handlers  # the held request's connection
        started = time.monotonic()
        emulator.stop()
        assert time.monotonic() - started < 5
        worker.join(5)
        assert not worker.is_alive()
    assert not emulator.running and _port_is_closed(port)
    assert not any(t.is_alive() for t in handlers)
    emulator.stop()  # idempotent


def _swallow(fn):
    try:
        fn()
    except Exception:
        pass


def test_reset_forgets_resources(emu, client):
    client.corpora.create(body={})
    emu.fail_next(10)
    emu.reset()
    assert list(client.corpora.list()) == []
    assert client.models.get("gemini-2.5-flash").name == "models/gemini-2.5-flash"


def test_subprocess_emulator_with_key_and_control_endpoints():
    with running(api_key=KEY, subprocess=True, operation_polls=1) as remote:
        assert remote.health()["status"] == "ok"
        with Client(api_key=KEY, base_url=remote.url) as client:
            assert (
                text_of(
                    client.models.generate_content(
                        "gemini-2.5-flash", body={"contents": [user("hi")]}
                    )
                )
                == "Echo: hi"
            )
            remote.fail_next(1, status=503, retry_after=0)
            client.models.list()
            assert [r["path"] for r in remote.requests][-2:] == ["/v1beta/models", "/v1beta/models"]
            remote.cut_stream_after(1)
            from generativelanguage.runtime import errors

            with pytest.raises(errors.StreamInterruptedError):
                list(
                    client.models.stream_generate_content(
                        "gemini-2.5-flash", body={"contents": [user("a b c d e f")]}
                    )
                )
            remote.reset()
            assert remote.requests == []
        with Client(api_key="nope", base_url=remote.url) as bad:
            from generativelanguage.runtime import errors

            with pytest.raises(errors.InvalidArgument):
                bad.models.list()
        process = remote.process
    assert process.returncode == 0  # SIGTERM -> clean stop


def test_command_line_help():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "generativelanguage.emulator", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "--port" in out and "--api-key" in out and "--host" in out


def test_shared_fixture_is_reset_between_tests(gemini_emulator_shared):
    with Client(api_key=KEY, base_url=gemini_emulator_shared.url) as client:
        assert list(client.corpora.list()) == []
        client.corpora.create(body={"displayName": "left behind"})


def test_shared_fixture_again(gemini_emulator_shared):
    test_shared_fixture_is_reset_between_tests(gemini_emulator_shared)


def test_abandoned_stream_leaves_the_server_healthy(emu, client):
    with client.models.stream_generate_content(
        "gemini-2.5-flash", body={"contents": [user("word " * 200)]}
    ) as stream:
        next(iter(stream))  # leave after the first chunk
    assert client.models.get("gemini-2.5-flash").name == "models/gemini-2.5-flash"

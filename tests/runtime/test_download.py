"""Media download over real HTTP, following the service's redirect by hand."""

from __future__ import annotations

import asyncio
import io

import pytest

from generativelanguage.runtime import errors
from generativelanguage.v1beta import AsyncClient, Client, types
from tests.support.server import LocalServer, Reply

DATA = b"\x00\x01binary" * 5000


def _redirecting(target_base):
    def handler(rec):
        if rec.path.endswith(":download") and rec.path.startswith("/v1beta/"):
            return Reply(302, b"", {"location": target_base + "download" + rec.raw_target})
        if rec.path.startswith("/download/"):
            return Reply(
                200,
                headers={"content-type": "application/octet-stream"},
                chunks=[DATA[:1000], DATA[1000:]],
            )
        return Reply(404, b'{"error": {"code": 404, "status": "NOT_FOUND", "message": "no"}}')

    return handler


@pytest.mark.parametrize("backend", ["httpx", "httpx2"])
def test_download_follows_same_origin_redirect_with_the_key(server, backend, tmp_path):
    server.handler = _redirecting(server.url)
    target = tmp_path / "out.bin"
    with Client(api_key="k1", base_url=server.url, http_backend=backend) as client:
        written = client.download("files/abc", target)
    assert written == len(DATA) and target.read_bytes() == DATA
    first, second = server.requests
    assert first.raw_target == "/v1beta/files/abc:download?alt=media"
    assert second.path == "/download/v1beta/files/abc:download"
    assert second.headers["x-goog-api-key"] == "k1"


def test_download_to_a_file_object_from_a_file_struct(server):
    server.handler = _redirecting(server.url)
    sink = io.BytesIO()
    with Client(api_key="k", base_url=server.url) as client:
        client.download(types.File(name="files/xyz"), sink)
    assert sink.getvalue() == DATA


def test_redirect_to_another_origin_drops_the_key(server):
    other = LocalServer().start()
    try:
        server.handler = _redirecting(other.url)
        other.handler = _redirecting(other.url)
        with Client(api_key="secret", base_url=server.url) as client:
            client.download("abc", io.BytesIO())  # short name gets files/
        assert server.requests[0].headers["x-goog-api-key"] == "secret"
        assert "x-goog-api-key" not in other.requests[0].headers
    finally:
        other.stop()


def test_failed_download_leaves_no_partial_file(server, tmp_path):
    server.handler = lambda rec: Reply(200, chunks=[DATA[:100]], cut=True)
    target = tmp_path / "partial.bin"
    with Client(api_key="k", base_url=server.url) as client:
        with pytest.raises(errors.APIConnectionError):
            client.download(server.url + "raw", target)
    assert not target.exists()


def test_missing_file_raises_not_found(server):
    server.handler = _redirecting(server.url)
    with Client(api_key="k", base_url=server.url) as client:
        with pytest.raises(errors.NotFound):
            client.download(server.url + "nothing", io.BytesIO())


def test_async_download(server):
    server.handler = _redirecting(server.url)
    sink = io.BytesIO()

    async def run():
        async with AsyncClient(api_key="k", base_url=server.url) as client:
            return await client.download("files/abc", sink)

    assert asyncio.run(run()) == len(DATA)
    assert sink.getvalue() == DATA

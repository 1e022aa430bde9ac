"""Media methods (``alt=media``) over real HTTP: bytes, streams, files, redirects.

Uses the Gemini API's ``files.download`` (declared by
discovery/extensions/generativelanguage.v1beta.media.json); the generic cases (the
download service, a ``_media`` sibling) are in tests/golden/test_golden_http.py.
"""

from __future__ import annotations

import asyncio
import io

import pytest

from generativelanguage.runtime import errors
from generativelanguage.runtime.media import AsyncMedia, Media
from generativelanguage.v1beta import AsyncClient, Client
from tests.support.server import Reply

DATA = bytes(range(256)) * 400


def _serving(rec):
    return Reply(200, headers={"content-type": "video/mp4"}, chunks=[DATA[:5000], DATA[5000:]])


@pytest.mark.parametrize("backend", ["httpx", "httpx2"])
def test_read_whole(server, backend) -> None:
    server.handler = _serving
    with Client(api_key="k", base_url=server.url, http_backend=backend) as client:
        media = client.files.download("abc")
        assert isinstance(media, Media)
        assert media.content_type == "video/mp4"
        assert media.read() == DATA
    (rec,) = server.requests
    assert (rec.method, rec.raw_target) == ("GET", "/v1beta/files/abc:download?alt=media")
    assert rec.headers["x-goog-api-key"] == "k"


def test_stream_in_chunks_and_save_to_a_path(server, tmp_path) -> None:
    server.handler = _serving
    with Client(api_key="k", base_url=server.url) as client:
        chunks = list(client.files.download("files/a").iter_bytes(1000))
        written = client.files.download("files/b").save(tmp_path / "b.mp4")
    assert b"".join(chunks) == DATA and max(map(len, chunks)) <= 1000
    assert written == len(DATA) and (tmp_path / "b.mp4").read_bytes() == DATA


def test_media_is_read_once(server) -> None:
    server.handler = _serving
    with Client(api_key="k", base_url=server.url) as client:
        media = client.files.download("abc")
        media.read()
        with pytest.raises(RuntimeError, match="already read"):
            media.read()


def test_a_transfer_cut_short_raises_and_leaves_no_file(server, tmp_path) -> None:
    server.handler = lambda rec: Reply(200, chunks=[DATA[:100]], cut=True)
    with Client(api_key="k", base_url=server.url) as client:
        with pytest.raises(errors.APIConnectionError):
            client.files.download("abc").save(tmp_path / "partial.bin")
    assert not (tmp_path / "partial.bin").exists()


def test_an_error_status_raises_the_typed_error(server) -> None:
    body = b'{"error": {"code": 404, "status": "NOT_FOUND", "message": "no such file"}}'
    server.handler = lambda rec: Reply(404, body)
    with Client(api_key="k", base_url=server.url) as client:
        with pytest.raises(errors.NotFound, match="no such file"):
            client.files.download("abc")


def test_redirects_are_followed_up_to_a_limit(server) -> None:
    server.handler = lambda rec: Reply(302, b"", {"location": "/again" + rec.path})
    with Client(api_key="k", base_url=server.url) as client:
        with pytest.raises(errors.APIConnectionError, match="more than 10 redirects"):
            client.files.download("abc")
    assert len(server.requests) == 11


def test_a_short_name_is_completed_and_checked_against_the_pattern(server) -> None:
    server.handler = _serving
    with Client(api_key="k", base_url=server.url) as client:
        with pytest.raises(errors.RequestValidationError, match="does not match"):
            client.files.download("models/x")
    assert server.requests == []


def test_async_media_read_stream_and_save(server) -> None:
    server.handler = _serving

    async def run() -> tuple[bytes, bytes, int, bytes]:
        async with AsyncClient(api_key="k", base_url=server.url) as client:
            media = await client.files.download("abc")
            assert isinstance(media, AsyncMedia)
            whole = await media.read()
            async with await client.files.download("abc") as streamed:
                parts = b"".join([c async for c in streamed.aiter_bytes()])
            sink = io.BytesIO()
            written = await (await client.files.download("abc")).save(sink)
            return whole, parts, written, sink.getvalue()

    whole, parts, written, saved = asyncio.run(run())
    assert whole == parts == saved == DATA and written == len(DATA)

"""Media upload over real HTTP: multipart for small payloads, Google's resumable
protocol for large ones, resumed from the server's offset after failures."""

from __future__ import annotations

import asyncio
import io
import os

import pytest

from generativelanguage.runtime import errors, upload
from generativelanguage.runtime.options import CallOptions, RetryPolicy
from generativelanguage.v1beta import AsyncClient, Client, types
from tests.support.server import LocalServer, Reply
from tests.support.upload_server import UploadServer

FAST = RetryPolicy(initial_backoff=0.01, max_backoff=0.02)
BIG = bytes(range(256)) * (24 * 1024)  # 6 MiB: above the multipart limit


@pytest.fixture(params=["httpx", "httpx2"])
def backend(request):
    return request.param


def test_small_payload_goes_in_one_multipart_request(server, backend):
    handler = server.handler = UploadServer(server.url)
    with Client(api_key="k", base_url=server.url, http_backend=backend) as client:
        result = client.media.upload(
            file=b"hello", body={"file": {"display_name": "greeting"}}, mime_type="text/plain"
        )
    assert isinstance(result, types.CreateFileResponse)
    assert result.file.name == "files/abc"
    (rec,) = server.requests
    assert rec.path == "/upload/v1beta/files"
    assert ("uploadType", "multipart") in rec.query
    assert handler.multipart_type.startswith("multipart/related; boundary=")
    boundary = handler.multipart_type.split("boundary=")[1].encode()
    parts = handler.multipart.split(b"--" + boundary)
    assert b'{"file":{"displayName":"greeting"}}' in parts[1]
    assert parts[2].endswith(b"\r\n\r\nhello\r\n") and b"content-type: text/plain" in parts[2]


def test_large_file_uses_resumable_chunks_with_progress(server, backend, tmp_path):
    path = tmp_path / "clip.png"
    path.write_bytes(BIG)
    handler = server.handler = UploadServer(server.url)
    seen = []
    with Client(api_key="k", base_url=server.url, http_backend=backend) as client:
        result = client.media.upload(
            file=path, chunk_size=1024 * 1024, progress=lambda done, total: seen.append(done)
        )
    assert result.file.name == "files/abc"
    assert bytes(handler.received) == BIG
    assert handler.start_headers["x-goog-upload-protocol"] == "resumable"
    assert handler.start_headers["x-goog-upload-header-content-length"] == str(len(BIG))
    assert handler.start_headers["x-goog-upload-header-content-type"] == "image/png"
    assert handler.commands == ["start"] + ["upload"] * 5 + ["upload, finalize"]
    assert seen == [i * 1024 * 1024 for i in range(1, 7)]


def test_chunk_size_is_rounded_to_the_server_granularity(server):
    handler = server.handler = UploadServer(server.url, granularity=4 * 1024 * 1024)
    with Client(api_key="k", base_url=server.url) as client:
        client.media.upload(file=BIG, chunk_size=1000)
    assert handler.commands == ["start", "upload", "upload, finalize"]


@pytest.mark.parametrize("fault", ["503", "cut", ("partial", 256 * 1024)])
def test_failed_chunk_resumes_from_the_server_offset(server, backend, fault):
    handler = server.handler = UploadServer(server.url, faults={2: fault})
    with Client(api_key="k", base_url=server.url, http_backend=backend, retry=FAST) as client:
        result = client.media.upload(file=io.BytesIO(BIG), chunk_size=1024 * 1024)
    assert result.file.name == "files/abc"
    assert bytes(handler.received) == BIG  # nothing lost, nothing sent twice
    assert "query" in handler.commands
    # Resumed, not restarted: only one start, and the bytes before the failure were
    # not uploaded again.
    assert handler.commands.count("start") == 1
    total = sum(len(r.body) for r in server.requests if r.headers.get("x-goog-upload-offset"))
    assert total < len(BIG) + 1024 * 1024 + 1


def test_upload_gives_up_after_the_retry_budget(server):
    server.handler = UploadServer(server.url, faults={i: "503" for i in range(1, 10)})
    with Client(api_key="k", base_url=server.url, retry=FAST) as client:
        with pytest.raises(errors.Unavailable):
            client.media.upload(file=BIG, chunk_size=1024 * 1024)


def test_async_resumable_upload(server, backend):
    handler = server.handler = UploadServer(server.url, faults={1: "503"})

    async def run():
        async with AsyncClient(
            api_key="k", base_url=server.url, http_backend=backend, retry=FAST
        ) as client:
            return await client.media.upload(file=BIG, chunk_size=2 * 1024 * 1024)

    result = asyncio.run(run())
    assert result.file.name == "files/abc"
    assert bytes(handler.received) == BIG


def test_upload_to_file_search_store_uses_the_store_path(server):
    handler = server.handler = UploadServer(
        server.url, final_body={"name": "fileSearchStores/s/upload/operations/o", "done": False}
    )
    with Client(api_key="k", base_url=server.url) as client:
        op = client.media.upload_to_file_search_store("fileSearchStores/s", file=b"doc text")
    assert isinstance(op, types.CustomLongRunningOperation)
    assert op.name == "fileSearchStores/s/upload/operations/o"
    assert server.requests[0].path == "/upload/v1beta/fileSearchStores/s:uploadToFileSearchStore"
    assert handler.multipart is not None


def test_key_is_not_sent_to_an_upload_url_on_another_origin(server, local_server):
    other = LocalServer().start()
    try:
        handler = UploadServer(other.url)
        server.handler = handler
        other.handler = handler
        with Client(api_key="secret-key", base_url=server.url) as client:
            client.media.upload(file=BIG, chunk_size=4 * 1024 * 1024)
        assert server.requests[0].headers["x-goog-api-key"] == "secret-key"
        assert other.requests and all("x-goog-api-key" not in r.headers for r in other.requests)
    finally:
        other.stop()


def test_sources_and_mime_guessing(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_bytes(b"abc")
    assert upload.Source(p).mime_type == "text/plain"
    assert upload.Source(str(p)).size == 3
    assert upload.Source(b"xyz").mime_type == "application/octet-stream"
    f = io.BytesIO(b"0123456789")
    f.seek(4)
    src = upload.Source(f, "image/jpeg")
    assert (src.size, src.read_at(0, 3), src.mime_type) == (6, b"456", "image/jpeg")
    with pytest.raises(errors.RequestValidationError, match="file"):
        upload.Source(12345)
    with pytest.raises(errors.RequestValidationError, match="cannot open"):
        upload.Source(tmp_path / "missing.bin")


def test_limits_from_the_document_are_enforced(server):
    src = upload.Source(b"x" * 11, "image/png")
    with pytest.raises(errors.RequestValidationError, match="maximum of 10 bytes"):
        upload.check_limits(src, {"max_size": 10, "accept": ("*/*",)})
    with pytest.raises(errors.RequestValidationError, match="not accepted"):
        upload.check_limits(src, {"max_size": None, "accept": ("audio/*",)})
    upload.check_limits(src, {"max_size": 11, "accept": ("image/*",)})


def test_metadata_only_call_without_a_file(server):
    server.handler = lambda rec: Reply(200, b'{"file": {"name": "files/x"}}')
    with Client(api_key="k", base_url=server.url) as client:
        result = client.media.upload(body={"file": {"displayName": "d"}})
    assert result.file.name == "files/x"
    assert server.requests[0].path == "/v1beta/files"


def test_large_file_is_not_read_whole(server, tmp_path, monkeypatch):
    path = tmp_path / "big.bin"
    with open(path, "wb") as f:
        f.truncate(7 * 1024 * 1024)
    reads = []
    real = upload.Source.read_at

    def spy(self, offset, size):
        reads.append(size)
        return real(self, offset, size)

    monkeypatch.setattr(upload.Source, "read_at", spy)
    server.handler = UploadServer(server.url)
    with Client(api_key="k", base_url=server.url) as client:
        client.media.upload(file=os.fspath(path), chunk_size=1024 * 1024, options=CallOptions())
    assert max(reads) <= 1024 * 1024

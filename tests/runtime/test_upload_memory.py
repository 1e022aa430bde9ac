"""A resumable upload holds one chunk at a time: httpx keeps each request reachable from
its response in a reference cycle, so chunk bodies must let go of their bytes once sent
(runtime.upload.SyncChunk / AsyncChunk) or every sent chunk stays in memory until the
cycle collector runs. Measured with the collector off, over real HTTP, sync and async."""

from __future__ import annotations

import asyncio
import gc
import tracemalloc

import pytest

from generativelanguage.runtime import upload as upload_module
from generativelanguage.v1beta import AsyncClient, Client
from tests.support.upload_server import UploadServer

CHUNK = 256 * 1024
DATA = bytes(range(256)) * (24 * 1024)  # 6 MiB: 24 chunks, above the multipart limit


@pytest.mark.parametrize(("mode", "backend"), [("sync", "httpx"), ("async", "httpx2")])
def test_sent_chunks_are_not_kept_in_memory(server, backend, mode):
    handler = server.handler = UploadServer(server.url)

    async def upload() -> None:
        if mode == "async":
            async with AsyncClient(api_key="k", base_url=server.url, http_backend=backend) as c:
                await c.media.upload(file=DATA, chunk_size=CHUNK)
        else:
            with Client(api_key="k", base_url=server.url, http_backend=backend) as c:
                c.media.upload(file=DATA, chunk_size=CHUNK)

    gc.collect()
    gc.disable()  # as if the collector did not run during the upload
    tracemalloc.start()
    try:
        asyncio.run(upload())
        chunks = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(True, upload_module.__file__)]
        )
    finally:
        tracemalloc.stop()
        gc.enable()
    assert bytes(handler.received) == DATA
    # What the chunk reads (upload.Source.read_at) allocated and is still alive: with the
    # bodies kept by httpx's cycles this is every chunk, 6 MiB.
    alive = sum(stat.size for stat in chunks.statistics("filename"))
    assert alive < CHUNK, f"{alive / 2**20:.1f} MiB of sent chunks still in memory"

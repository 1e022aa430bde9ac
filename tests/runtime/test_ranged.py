"""A download read as a byte stream that resumes with Range requests (runtime.ranged),
over real HTTP on both backends, sync and async."""

from __future__ import annotations

import re

import pytest

from generativelanguage.runtime import errors, media, ranged
from generativelanguage.runtime.options import RetryPolicy
from generativelanguage.v1beta import resources
from tests.runtime.conftest import collect
from tests.support.server import Reply

DATA = bytes(range(256)) * 400  # 102,400 bytes


def _stream(client):
    t = client._transport
    fn = ranged.aiter_download if hasattr(t.http, "aclose") else ranged.iter_download
    spec = resources._FILES_DOWNLOAD
    return fn(t, lambda opts: media.media_request(t, spec, ("files/abc",), None, None, opts))


def _serving(data: bytes, *, cut_at=(), etags=None, honour_range=True, step=None):
    """A handler serving ``data``: the n-th response stops after ``cut_at[n]`` bytes of
    its body (dropping the connection), answers Range requests with 206 unless told
    otherwise, and may send at most ``step`` bytes per 206 (a legal short range)."""
    cuts = list(cut_at)
    state = {"n": 0}

    def handler(rec):
        n = state["n"]
        state["n"] += 1
        headers = {"content-type": "application/octet-stream"}
        if etags:
            headers["etag"] = etags[min(n, len(etags) - 1)]
        start = 0
        m = re.fullmatch(r"bytes=(\d+)-", rec.headers.get("range", ""))
        if m and honour_range:
            start = int(m.group(1))
            if start >= len(data):
                headers["content-range"] = f"bytes */{len(data)}"
                return Reply(416, b"", headers)
        body = data[start:]
        if step is not None and m:
            body = body[:step]
        status = 206 if m and honour_range else 200
        if status == 206:
            headers["content-range"] = f"bytes {start}-{start + len(body) - 1}/{len(data)}"
        if n < len(cuts):
            return Reply(status, headers=headers, chunks=[body[: cuts[n]]], cut=True)
        return Reply(
            status, headers=headers, chunks=[body[i : i + 8192] for i in range(0, len(body), 8192)]
        )

    return handler


def test_a_dropped_download_resumes_where_it_broke(h):
    h.server.handler = _serving(DATA, cut_at=[30_000, 12_345])

    async def scenario(client):
        return b"".join(await collect(_stream(client)))

    assert h.run(scenario) == DATA
    first, second, third = h.server.requests
    assert "range" not in first.headers and first.headers["accept-encoding"] == "identity"
    assert second.headers["range"] == "bytes=30000-"
    assert third.headers["range"] == "bytes=42345-"
    assert third.headers["x-goog-api-key"]  # same origin: the key goes along


def test_a_server_ignoring_range_is_read_again_and_the_start_skipped(h):
    h.server.handler = _serving(DATA, cut_at=[50_001], honour_range=False)

    async def scenario(client):
        return b"".join(await collect(_stream(client)))

    assert h.run(scenario) == DATA
    assert len(h.server.requests) == 2


def test_short_ranges_are_followed_until_the_file_is_complete(h):
    h.server.handler = _serving(DATA, cut_at=[1000], step=25_000)

    async def scenario(client):
        return b"".join(await collect(_stream(client)))

    assert h.run(scenario) == DATA
    assert [r.headers.get("range") for r in h.server.requests] == [
        None,
        "bytes=1000-",
        "bytes=26000-",
        "bytes=51000-",
        "bytes=76000-",
        "bytes=101000-",
    ]


def test_a_file_that_changed_is_an_error_not_a_splice(h):
    h.server.handler = _serving(DATA, cut_at=[10_000], etags=['"v1"', '"v2"'])

    async def scenario(client):
        return await collect(_stream(client))

    with pytest.raises(ranged.DownloadChangedError, match='ETag "v1" then "v2"'):
        h.run(scenario)


def test_a_drop_after_the_last_byte_ends_cleanly_on_416(h):
    h.server.handler = _serving(DATA, cut_at=[len(DATA)])

    async def scenario(client):
        return b"".join(await collect(_stream(client)))

    # The first body is chunked (no length known), so the client asks for the rest and
    # the server's 416 with `bytes */N` says there is none.
    assert h.run(scenario) == DATA
    assert h.server.requests[1].headers["range"] == f"bytes={len(DATA)}-"


def test_failures_without_progress_are_bounded_by_the_retry_policy(h):
    h.server.handler = _serving(DATA, cut_at=[100, 0, 0, 0, 0, 0])
    policy = RetryPolicy(max_attempts=3, initial_backoff=0.01, max_backoff=0.02)

    async def scenario(client):
        return await collect(_stream(client))

    with pytest.raises(errors.APIConnectionError):
        h.run(scenario, retry=policy)
    # one attempt with progress, then three without: the third failure gives up
    assert len(h.server.requests) == 4


def test_parse_content_range():
    assert ranged.parse_content_range("bytes 10-19/100") == (10, 100)
    assert ranged.parse_content_range("bytes */100") == (None, 100)
    assert ranged.parse_content_range("bytes 0-9/*") == (0, None)
    with pytest.raises(errors.APIConnectionError):
        ranged.parse_content_range("items 1-2/3")


def test_ranged_read_skips_what_a_full_answer_repeats():
    read = ranged.RangedRead()
    read.begin(200, {"content-length": "10"})
    assert read.take(b"abcd") == b"abcd"
    read.begin(200, {"content-length": "10"})  # Range ignored: the whole file again
    assert read.take(b"ab") == b"" and read.take(b"cdef") == b"ef"
    assert read.received == 6 and read.shortfall() is not None
    assert read.take(b"ghij") == b"ghij" and read.shortfall() is None
    with pytest.raises(ranged.DownloadChangedError, match="length 10 then 11"):
        read.begin(200, {"content-length": "11"})

"""Batch mode end to end over loopback: ``client.batches.submit`` / ``submit_embeddings``
/ ``wait`` / ``results`` against the emulator, with the blocking and the asynchronous
client (each scenario is written once, as a coroutine; ``ready`` awaits what the async
client returns and passes the blocking client's values through)."""

from __future__ import annotations

import asyncio
import inspect
import json
import os

import pytest

from generativelanguage.gemini.batches import BatchResultsUnavailable, write_jsonl
from generativelanguage.runtime import errors, operations
from generativelanguage.v1beta import Client, types
from tests.emulator.conftest import FAST_RETRY, KEY, async_client, text_of, user

MODEL = "gemini-2.5-flash"


@pytest.fixture(params=["sync", "async"])
def mode(request) -> str:
    return request.param


@pytest.fixture
def no_poll_wait(monkeypatch):
    """Polls of a wait without real sleeps (the backoff itself is tested in runtime)."""
    monkeypatch.setattr(operations, "poll_delay", lambda attempt, rng=None: 0.001)


async def ready(value):
    return await value if inspect.isawaitable(value) else value


async def collect(iterable) -> list:
    if hasattr(iterable, "__aiter__"):
        return [item async for item in iterable]
    return list(iterable)


def run(emu, mode, scenario):
    """Run ``scenario(client)`` with a fresh client of ``mode`` bound to ``emu``."""

    async def main():
        if mode == "async":
            async with async_client(emu) as client:
                return await scenario(client)
        with Client(api_key=KEY, base_url=emu.url, retry=FAST_RETRY) as client:
            return await scenario(client)

    return asyncio.run(main())


def prompts(n: int, prefix: str = "question"):
    """A generator: the requests are produced one at a time, never as a list."""
    for i in range(n):
        yield {"contents": [user(f"{prefix} {i}")]}


def paths(emu) -> list[str]:
    return [r["path"] for r in emu.requests]


def test_a_small_batch_goes_inline_and_keys_come_back_in_order(emu, mode):
    pairs = [(f"row-{i:02d}", {"contents": [user(f"say {i}")]}) for i in (7, 3, 11, 0)]

    async def scenario(client):
        batch = await ready(client.batches.submit(MODEL, iter(pairs), display_name="four"))
        assert isinstance(batch, types.GenerateContentBatch)
        assert batch.name.startswith("batches/") and batch.state == "BATCH_STATE_PENDING"
        assert batch.display_name == "four" and batch.batch_stats.request_count == 4
        done = await ready(client.batches.wait(batch))
        assert done.state == "BATCH_STATE_SUCCEEDED"
        assert done.batch_stats.successful_request_count == 4
        return await collect(client.batches.results(done))

    results = run(emu, mode, scenario)
    assert [key for key, _ in results] == ["row-07", "row-03", "row-11", "row-00"]
    assert all(isinstance(r, types.GenerateContentResponse) for _, r in results)
    assert [text_of(r) for _, r in results] == [
        "Echo: say 7",
        "Echo: say 3",
        "Echo: say 11",
        "Echo: say 0",
    ]
    assert not any(p.startswith("/upload/") for p in paths(emu))  # inline: no file


def test_a_file_batch_streams_the_input_uploads_it_and_reads_the_results(emu, mode, tmp_path):
    sent = []
    kept = tmp_path / "input.jsonl"

    async def scenario(client):
        batch = await ready(
            client.batches.submit(
                MODEL,
                prompts(300),
                inline=False,
                progress=lambda done, total: sent.append((done, total)),
                jsonl_path=kept,
            )
        )
        done = await ready(client.batches.wait(batch.name))
        assert done.output.responses_file.startswith("files/")
        return await collect(client.batches.results(done))

    results = run(emu, mode, scenario)
    assert [key for key, _ in results] == [str(i) for i in range(300)]
    assert text_of(results[299][1]) == "Echo: question 299"
    lines = kept.read_bytes().splitlines()
    assert json.loads(lines[1]) == {"key": "1", "request": {"contents": [user("question 1")]}}
    assert sent and sent[-1] == (kept.stat().st_size, kept.stat().st_size)
    assert any(p == "/upload/v1beta/files" for p in paths(emu))


def test_a_bad_line_is_reported_as_that_lines_error(emu, mode):
    """The client checks each request's shape; what only the service can refuse (here a
    file that does not exist) comes back as that request's error, the others answered."""
    requests = [
        ("good-1", {"contents": [user("one")]}),
        ("missing-file", {"contents": [{"parts": [{"fileData": {"fileUri": "files/nope"}}]}]}),
        ("good-2", {"contents": [user("two")]}),
    ]

    async def scenario(client):
        out = []
        for inline in (True, False):
            batch = await ready(client.batches.submit(MODEL, requests, inline=inline))
            done = await ready(client.batches.wait(batch))
            assert done.batch_stats.failed_request_count == 1
            out.append(await collect(client.batches.results(done)))
        return out

    for results in run(emu, mode, scenario):
        assert [key for key, _ in results] == ["good-1", "missing-file", "good-2"]
        error = results[1][1]
        assert isinstance(error, types.Status) and error.code == 7  # PERMISSION_DENIED
        assert "nope" in error.message
        assert text_of(results[2][1]) == "Echo: two"


def test_lines_the_service_cannot_read_are_each_an_error(emu, mode):
    """A JSON Lines file written by hand: the emulator answers per line, and results()
    reads every kind of line back."""
    data = b"\n".join(
        [
            b'{"key": "ok", "request": {"contents": [{"parts": [{"text": "fine"}]}]}}',
            b'{"key": "not json", "request": {',
            b'{"key": "unknown field", "request": {"contents": [], "temprature": 1}}',
            b'{"key": "no request"}',
            b"",
            b'{"request": {"contents": [{"parts": [{"text": "no key"}]}]}}',
        ]
    )

    async def scenario(client):
        uploaded = await ready(client.media.upload(file=data, mime_type="application/jsonl"))
        operation = await ready(
            client.models.batch_generate_content(
                MODEL, body={"batch": {"inputConfig": {"fileName": uploaded.file.name}}}
            )
        )
        return await collect(client.batches.results(await ready(client.batches.wait(operation))))

    results = run(emu, mode, scenario)
    # a line without a key is named by its position
    assert [key for key, _ in results] == ["ok", "1", "unknown field", "no request", "4"]
    assert text_of(results[0][1]) == "Echo: fine" and text_of(results[4][1]) == "Echo: no key"
    for _, error in results[1:4]:
        assert isinstance(error, types.Status) and error.code == 3  # INVALID_ARGUMENT
    assert "temprature" in results[2][1].message


def test_a_cancelled_batch_has_no_results(emu, mode, no_poll_wait):
    emu.service.operation_polls = 5
    seen = []

    async def scenario(client):
        batch = await ready(client.batches.submit(MODEL, prompts(3)))
        await ready(client.batches.get(batch.name))
        await ready(client.batches.cancel(batch.name))
        done = await ready(client.batches.wait(batch, progress=seen.append))
        assert done.state == "BATCH_STATE_CANCELLED"
        with pytest.raises(BatchResultsUnavailable, match="ended BATCH_STATE_CANCELLED"):
            await collect(client.batches.results(done))

    run(emu, mode, scenario)
    assert [b.state for b in seen] == ["BATCH_STATE_CANCELLED"]


def test_wait_polls_through_the_states(emu, mode, no_poll_wait):
    emu.service.operation_polls = 3
    seen = []

    async def scenario(client):
        batch = await ready(client.batches.submit(MODEL, prompts(2)))
        with pytest.raises(BatchResultsUnavailable, match="BATCH_STATE_RUNNING: no results yet"):
            await collect(client.batches.results(batch.name))  # counts as the first poll
        return await ready(client.batches.wait(batch, progress=seen.append))

    done = run(emu, mode, scenario)
    assert [b.state for b in seen] == ["BATCH_STATE_RUNNING", "BATCH_STATE_SUCCEEDED"]
    assert done.output.inlined_responses is not None


def test_wait_gives_up_after_its_timeout(emu, monkeypatch):
    emu.service.operation_polls = 100
    monkeypatch.setattr(operations, "poll_delay", lambda attempt, rng=None: 0.05)
    with Client(api_key=KEY, base_url=emu.url, retry=FAST_RETRY) as client:
        batch = client.batches.submit(MODEL, prompts(1))
        with pytest.raises(errors.APITimeoutError):
            client.batches.wait(batch, timeout=0.12)


def test_a_download_that_drops_resumes_where_it_broke(emu, mode):
    async def scenario(client):
        batch = await ready(client.batches.submit(MODEL, prompts(200), inline=False))
        done = await ready(client.batches.wait(batch))
        emu.cut_body_after(20_000, n=2, path_contains="/download/")
        return await collect(client.batches.results(done))

    results = run(emu, mode, scenario)
    assert [key for key, _ in results] == [str(i) for i in range(200)]
    assert [text_of(r) for _, r in results] == [f"Echo: question {i}" for i in range(200)]
    downloads = [p for p in paths(emu) if p.startswith("/download/")]
    assert len(downloads) == 3  # cut twice, resumed twice


def test_embeddings_inline_and_from_a_file(emu, mode):
    texts = ["alpha beta", "gamma", "alpha"]

    async def scenario(client):
        out = []
        for inline in (True, False):
            batch = await ready(
                client.batches.submit_embeddings(
                    "gemini-embedding-001",
                    ({"content": {"parts": [{"text": t}]}} for t in texts),
                    key=lambda request: request["content"]["parts"][0]["text"],
                    inline=inline,
                )
            )
            assert isinstance(batch, types.EmbedContentBatch)
            out.append(
                await collect(client.batches.results(await ready(client.batches.wait(batch))))
            )
        return out

    inline, from_file = run(emu, mode, scenario)
    assert [k for k, _ in inline] == texts == [k for k, _ in from_file]
    assert all(isinstance(r, types.EmbedContentResponse) for _, r in inline + from_file)
    assert [r.embedding.values for _, r in inline] == [r.embedding.values for _, r in from_file]


def test_async_submit_takes_an_async_iterable(emu):
    async def requests():
        for i in range(3):
            await asyncio.sleep(0)
            yield (f"k{i}", {"contents": [user(f"async {i}")]})

    async def scenario(client):
        batch = await client.batches.submit(MODEL, requests(), inline=False)
        return [
            (k, text_of(r))
            async for k, r in client.batches.results(await client.batches.wait(batch))
        ]

    assert run(emu, "async", scenario) == [(f"k{i}", f"Echo: async {i}") for i in range(3)]


def test_a_malformed_request_is_refused_before_anything_is_sent(emu, mode, tmp_path):
    kept = tmp_path / "input.jsonl"
    bad = [{"contents": [user("fine")]}, {"contents": [{"parts": [{"txt": "typo"}]}]}]

    async def scenario(client):
        with pytest.raises(errors.RequestValidationError) as caught:
            await ready(client.batches.submit(MODEL, bad, jsonl_path=kept))
        assert caught.value.path == "requests[1].request.contents[0].parts[0].txt"
        assert "requests[1] (key '1'): request.contents[0].parts[0]" in str(caught.value)
        for wrong, message in [
            ("just a string", "got str"),
            ([("k",)], r"a \(key, request\) pair, got 1 items"),
            ([(3, {"contents": []})], "the key must be a str"),
            ([42], "expected a request"),
            ([], "no requests to submit"),
        ]:
            with pytest.raises(errors.RequestValidationError, match=message):
                await ready(client.batches.submit(MODEL, wrong))

    run(emu, mode, scenario)
    assert emu.requests == []


def test_submit_leaves_no_temporary_file(emu, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with Client(api_key=KEY, base_url=emu.url, retry=FAST_RETRY) as client:
        client.batches.submit(MODEL, prompts(2), inline=False)
        with pytest.raises(errors.RequestValidationError):
            client.batches.submit(MODEL, [{"bogus": 1}])
    assert os.listdir(tmp_path) == []


def test_write_jsonl_accepts_the_documented_line_shape(tmp_path):
    target = tmp_path / "in.jsonl"
    count = write_jsonl(
        [
            {"key": "a", "request": {"contents": [user("x")]}},
            types.GenerateContentRequest(contents=[types.Content(parts=[types.Part(text="y")])]),
            ("c", {"generation_config": {"temperature": 0.5}}),
        ],
        target,
    )
    assert count == 3
    assert [json.loads(line) for line in target.read_bytes().splitlines()] == [
        {"key": "a", "request": {"contents": [user("x")]}},
        {"key": "1", "request": {"contents": [{"parts": [{"text": "y"}]}]}},
        {"key": "c", "request": {"generationConfig": {"temperature": 0.5}}},
    ]


def test_a_failed_batch_raises_its_error_and_a_done_operation_needs_no_poll(emu, mode):
    meta = {
        "@type": "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch",
        "name": "batches/failed",
        "state": "BATCH_STATE_FAILED",
    }
    failed = types.Operation(
        name="batches/failed",
        done=True,
        error=types.Status(code=13, message="the input file could not be read"),
        metadata=meta,
    )

    async def scenario(client):
        with pytest.raises(errors.Internal, match="the input file could not be read"):
            await ready(client.batches.wait(failed))
        batch = await ready(client.batches.submit(MODEL, prompts(2)))
        operation = await ready(client.batches.get(batch.name))  # done: operation_polls=1
        before = len(emu.requests)
        results = await collect(client.batches.results(operation))
        assert len(emu.requests) == before  # inline results came with the operation
        return results

    assert [key for key, _ in run(emu, mode, scenario)] == ["0", "1"]

"""The asynchronous client against the emulator: the same behaviour, awaited."""

from __future__ import annotations

import asyncio
import io

import pytest

from generativelanguage.runtime import errors
from generativelanguage.v1beta import types
from tests.emulator.conftest import async_client, text_of, user

MODEL = "gemini-2.5-flash"


def run(coro):
    return asyncio.run(coro)


def test_async_generate_stream_and_count(emu):
    async def main():
        async with async_client(emu) as client:
            body = {"contents": [user("one two three four five")]}
            whole = await client.models.generate_content(MODEL, body=body)
            stream = await client.models.stream_generate_content(MODEL, body=body)
            chunks = [chunk async for chunk in stream]
            counted = await client.models.count_tokens(MODEL, body=body)
            return whole, chunks, counted

    whole, chunks, counted = run(main())
    assert len(chunks) >= 3
    assert "".join(text_of(c) for c in chunks) == text_of(whole)
    assert counted.total_tokens == whole.usage_metadata.prompt_token_count == 5


def test_async_crud_lifecycle(emu):
    async def main():
        async with async_client(emu) as client:
            created = [
                await client.cached_contents.create(
                    body={"model": f"models/{MODEL}", "contents": [user(f"c{i}")], "ttl": "60s"}
                )
                for i in range(3)
            ]
            pager = await client.cached_contents.list(page_size=2)
            names = [c.name async for c in pager]
            patched = await client.cached_contents.patch(
                created[0].name, body={"ttl": "120s"}, update_mask="ttl"
            )
            await client.cached_contents.delete(created[1].name)
            try:
                await client.cached_contents.get(created[1].name)
            except errors.NotFound:
                gone = True
            else:
                gone = False
            return created, names, patched, gone

    created, names, patched, gone = run(main())
    assert names == [c.name for c in created]
    assert patched.expire_time > created[0].expire_time
    assert gone


def test_async_upload_tuning_and_download(emu):
    async def main():
        async with async_client(emu) as client:
            file = (await client.media.upload(file=b"async bytes", mime_type="text/plain")).file
            out = io.BytesIO()
            size = await client.download(file, destination=out)
            op = await client.tuned_models.create(
                body={
                    "baseModel": "models/gemini-1.5-flash-001-tuning",
                    "tuningTask": {
                        "trainingData": {
                            "examples": {"examples": [{"textInput": "a", "output": "b"}]}
                        }
                    },
                }
            )
            done = await client.wait_operation(op, timeout=30)
            return file, out.getvalue(), size, done

    file, data, size, done = run(main())
    assert file.size_bytes == size == len(data) == 11
    assert isinstance(done.response, types.TunedModel) and done.response.state == "ACTIVE"


def test_async_errors_and_retry(emu):
    async def main():
        async with async_client(emu) as client:
            emu.fail_next(2, status=429, retry_after=0)
            ok = await client.models.generate_content(MODEL, body={"contents": [user("x")]})
            emu.cut_stream_after(1)
            stream = await client.models.stream_generate_content(
                MODEL, body={"contents": [user("a b c d e f g")]}
            )
            with pytest.raises(errors.StreamInterruptedError):
                async for _ in stream:
                    pass
            with pytest.raises(errors.NotFound):
                await client.files.get("files/nope")
            return ok

    assert text_of(run(main())) == "Echo: x"

"""What type checkers see of the client (checked by mypy in `make test`, never run)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import msgspec
from typing_extensions import assert_type

from generativelanguage.gemini.chats import AsyncChat, AsyncChats, Chat, Chats
from generativelanguage.runtime.pagination import AsyncPager, Pager
from generativelanguage.runtime.streaming import AsyncStream, Stream
from generativelanguage.v1 import Client as V1Client
from generativelanguage.v1 import types as v1
from generativelanguage.v1beta import AsyncClient, Client, types


class City(msgspec.Struct):
    name: str


def sync_client() -> None:
    with Client(api_key="k") as client:
        assert_type(client, Client)
        response = client.models.generate_content("m", body="Hello")
        assert_type(response, types.GenerateContentResponse)
        assert_type(response.text, str | None)
        assert_type(response.function_calls, list[types.FunctionCall])
        assert_type(response.parse(City), City)
        assert_type(response.parse(list[City]), list[City])
        stream = client.models.stream_generate_content("m", body=["a", types.Part.from_text("b")])
        assert_type(stream, Stream[types.GenerateContentResponse])
        for chunk in stream:
            assert_type(chunk, types.GenerateContentResponse)
        pager = client.models.list(page_size=10)
        assert_type(pager, Pager[types.Model, types.ListModelsResponse])
        for model in pager:
            assert_type(model, types.Model)
        for page in pager.pages:
            assert_type(page, types.ListModelsResponse)
        assert_type(pager.first_page, types.ListModelsResponse)
        assert_type(
            client.tuned_models.list(), Pager[types.TunedModel, types.ListTunedModelsResponse]
        )
        operation = client.tuned_models.create(body={})
        assert_type(client.wait_operation(operation), types.Operation)
        assert_type(client.wait_operation("batches/x"), types.Operation)
        assert_type(client.wait_operation(operation, types.TunedModel), types.TunedModel)
        assert_type(client.files.upload("a.txt"), types.File)
        assert_type(client.models.count_tokens("m", body="x"), types.CountTokensResponse)
        assert_type(
            client.tuned_models.generate_content("t", body="x"), types.GenerateContentResponse
        )


def chats(client: Client) -> None:
    assert_type(
        client.chats, Chats[types.GenerateContentResponse, types.Content, types.GenerationConfig]
    )
    chat = client.chats.create(
        "m", config=types.GenerationConfig(temperature=0.1), tools=[sync_client]
    )
    assert_type(chat, Chat[types.GenerateContentResponse, types.Content])
    assert_type(chat.send_message("hi"), types.GenerateContentResponse)
    assert_type(chat.send_message_stream("hi"), Iterator[types.GenerateContentResponse])
    assert_type(chat.history, list[types.Content])


def constructors() -> None:
    assert_type(types.Part.from_text("a"), types.Part)
    assert_type(types.Part.from_bytes(b"a", mime_type="image/png"), types.Part)
    assert_type(types.Part.from_uri("gs://a/b.pdf"), types.Part)
    assert_type(v1.Part.from_text("a"), v1.Part)
    assert_type(types.Content().text, str | None)


def v1_client() -> None:
    with V1Client(api_key="k") as client:
        response = client.models.generate_content("m", body="Hello")
        assert_type(response, v1.GenerateContentResponse)
        assert_type(response.text, str | None)
        assert_type(client.chats.create("m").history, list[v1.Content])


async def async_client() -> None:
    async with AsyncClient(api_key="k") as client:
        assert_type(client, AsyncClient)
        response = await client.models.generate_content("m", body="Hello")
        assert_type(response, types.GenerateContentResponse)
        stream = await client.models.stream_generate_content("m", body="Hello")
        assert_type(stream, AsyncStream[types.GenerateContentResponse])
        async for chunk in stream:
            assert_type(chunk, types.GenerateContentResponse)
        pager = await client.models.list()
        assert_type(pager, AsyncPager[types.Model, types.ListModelsResponse])
        async for model in pager:
            assert_type(model, types.Model)
        operation = await client.tuned_models.create(body={})
        assert_type(await client.wait_operation(operation), types.Operation)
        assert_type(await client.wait_operation(operation, types.TunedModel), types.TunedModel)
        assert_type(await client.files.upload(b"x", mime_type="text/plain"), types.File)
        assert_type(
            client.chats,
            AsyncChats[types.GenerateContentResponse, types.Content, types.GenerationConfig],
        )
        chat = client.chats.create("m")
        assert_type(chat, AsyncChat[types.GenerateContentResponse, types.Content])
        assert_type(await chat.send_message("hi"), types.GenerateContentResponse)
        assert_type(
            await chat.send_message_stream("hi"), AsyncIterator[types.GenerateContentResponse]
        )

"""Chats and automatic function calling over loopback, against the emulator (and, for
the exact bytes of the turns sent back, a scripted local server), sync and async."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os

import msgspec
import pytest

from generativelanguage.gemini.chats import AsyncChat, Chat
from generativelanguage.gemini.functions import FunctionToolError
from generativelanguage.runtime import errors
from generativelanguage.v1beta import AsyncClient, Client, types
from tests.gemini.conftest import MODEL, run_async, wire
from tests.support.server import Reply, Script


def test_history_goes_with_every_message(client):
    chat = client.chats.create(MODEL)
    assert isinstance(chat, Chat)
    assert chat.send_message("Hi! My name is Ada.").text == "Echo: Hi! My name is Ada."
    second = chat.send_message("Which name did I give you?")
    assert second.text == (
        'Echo: Which name did I give you? (turn 2; earlier you said: "Hi! My name is Ada.")'
    )
    assert [turn.role for turn in chat.history] == ["user", "model", "user", "model"]
    assert all(isinstance(turn, types.Content) for turn in chat.history)
    assert chat.history[3].text == second.text


def test_history_config_and_system_instruction_are_sent(client):
    chat = client.chats.create(
        MODEL,
        config=types.GenerationConfig(max_output_tokens=3),
        history=[
            {"role": "user", "parts": [{"text": "Remember Ada."}]},
            types.Content(role="model", parts=[types.Part(text="Noted.")]),
        ],
        system_instruction="Be brief.",
    )
    answer = chat.send_message("Who?")
    assert answer.text == "Echo: Who? (turn"  # three words: maxOutputTokens applied
    assert answer.candidates and answer.candidates[0].finish_reason == "MAX_TOKENS"
    assert len(chat.history) == 4


def test_a_failed_exchange_leaves_the_history_unchanged(client, emu):
    chat = client.chats.create(MODEL)
    chat.send_message("one")
    emu.fail_next(1, status=400)
    with pytest.raises(errors.InvalidArgument):
        chat.send_message("two")
    assert len(chat.history) == 2
    chat.send_message("three")
    assert len(chat.history) == 4


def test_streamed_chat_keeps_the_whole_answer(client):
    chat = client.chats.create(MODEL)
    chunks = list(chat.send_message_stream("Count from one to ten, slowly and in words."))
    assert len(chunks) >= 3
    text = "".join(c.text or "" for c in chunks)
    assert text == "Echo: Count from one to ten, slowly and in words."
    assert chat.history[-1].role == "model" and chat.history[-1].text == text
    follow_up = chat.send_message("And back?")
    assert "earlier you said" in (follow_up.text or "")


# -- automatic function calling ------------------------------------------------------------


def get_weather(city: str) -> dict:
    """Current weather of a city.

    Args:
        city: The city's name.
    """
    return {"city": city, "sky": "sunny"}


def test_functions_are_called_and_the_final_answer_returned(client):
    chat = client.chats.create(MODEL, tools=[get_weather])
    answer = chat.send_message("What does get_weather say for Paris?")
    assert answer.text == 'Result of get_weather: {"result": {"city": "Paris", "sky": "sunny"}}.'
    assert answer.function_calls == []
    roles = [turn.role for turn in chat.history]
    assert roles == ["user", "model", "user", "model"]
    call_part = chat.history[1].parts[0]
    assert call_part.function_call == types.FunctionCall(name="get_weather", args={"city": "Paris"})
    # The model's turn is kept as received: its thought signature, byte for byte.
    digest = hashlib.sha256(b'{"name": "get_weather", "args": {"city": "Paris"}}').digest()
    assert call_part.thought_signature == digest
    response = chat.history[2].parts[0].function_response
    assert response.name == "get_weather" and response.response == {
        "result": {"city": "Paris", "sky": "sunny"}
    }


def test_an_exception_is_answered_not_raised(client):
    def get_weather(city: str) -> dict:
        raise LookupError(f"no station in {city}")

    answer = client.chats.create(MODEL, tools=[get_weather]).send_message(
        "Use get_weather for Lyon."
    )
    assert answer.text == ('Result of get_weather: {"error": "LookupError: no station in Lyon"}.')


def test_max_rounds_and_the_opt_out_return_the_calls(client):
    for chat in (
        client.chats.create(MODEL, tools=[get_weather], max_rounds=0),
        client.chats.create(MODEL, tools=[get_weather], automatic_function_calling=False),
    ):
        answer = chat.send_message("get_weather for Oslo, please.")
        assert [c.name for c in answer.function_calls] == ["get_weather"]
        assert answer.text is None
        # The caller answers the call itself; the chat carries on.
        [call] = answer.function_calls
        reply = types.Part.from_function_response(
            "get_weather", get_weather(**(call.args or {})), id=call.id
        )
        final = chat.send_message(reply)
        assert final.text == 'Result of get_weather: {"city": "Oslo", "sky": "sunny"}.'
        assert len(chat.history) == 4


def test_calls_to_functions_declared_as_dicts_are_returned(client):
    declared = {"functionDeclarations": [{"name": "lookup", "description": "Look up."}]}
    chat = client.chats.create(MODEL, tools=[get_weather, declared])
    answer = chat.send_message("Please call lookup.")
    assert [c.name for c in answer.function_calls] == ["lookup"]


def test_streamed_chat_with_function_calls(client):
    chat = client.chats.create(MODEL, tools=[get_weather])
    chunks = list(chat.send_message_stream("get_weather in Rome?"))
    assert chunks[0].function_calls[0].name == "get_weather"
    text = "".join(c.text or "" for c in chunks)
    assert text == 'Result of get_weather: {"result": {"city": "Rome", "sky": "sunny"}}.'
    assert [t.role for t in chat.history] == ["user", "model", "user", "model"]


def test_a_sync_chat_refuses_coroutine_functions(client):
    async def fetch(url: str) -> str:
        return url

    with pytest.raises(FunctionToolError, match="use it in a chat of the AsyncClient"):
        client.chats.create(MODEL, tools=[fetch])


# -- the async client ----------------------------------------------------------------------


def test_async_chat_with_async_and_plain_functions(emu):
    async def get_time(city: str) -> str:
        """Local time of a city."""
        await asyncio.sleep(0)
        return f"noon in {city}"

    async def scenario(client: AsyncClient) -> tuple:
        chat = client.chats.create(MODEL, tools=[get_time, get_weather])
        assert isinstance(chat, AsyncChat)
        first = await chat.send_message("get_time for Berlin?")
        second = await chat.send_message("And get_weather for Berlin?")
        stream = await chat.send_message_stream("Thanks, Ada.")
        chunks = [chunk async for chunk in stream]
        return first.text, second.text, "".join(c.text or "" for c in chunks), chat.history

    first, second, streamed, history = run_async(emu, scenario)
    assert first == 'Result of get_time: {"result": "noon in Berlin"}.'
    assert second == 'Result of get_weather: {"result": {"city": "Berlin", "sky": "sunny"}}.'
    assert streamed.startswith("Echo: Thanks, Ada.")
    assert len(history) == 10


def test_async_streamed_chat_with_function_calls(emu):
    async def scenario(client: AsyncClient) -> str:
        chat = client.chats.create(MODEL, tools=[get_weather])
        stream = await chat.send_message_stream("get_weather in Rome?")
        return "".join([chunk.text or "" async for chunk in stream])

    text = run_async(emu, scenario)
    assert text == 'Result of get_weather: {"result": {"city": "Rome", "sky": "sunny"}}.'


# -- thought signatures on the wire ---------------------------------------------------------


def test_model_turns_go_back_exactly_as_received(server):
    """The second request carries the model's first turn as the server sent it: thought
    parts, function calls and every thoughtSignature, byte for byte."""
    signatures = [base64.b64encode(os.urandom(n)).decode() for n in (47, 64, 1)]
    model_turn = {
        "role": "model",
        "parts": [
            {"text": "**Thinking**", "thought": True, "thoughtSignature": signatures[0]},
            {
                "functionCall": {"name": "get_weather", "args": {"city": "Nice"}, "id": "c-1"},
                "thoughtSignature": signatures[1],
            },
            {"text": "", "thoughtSignature": signatures[2]},
        ],
    }
    first = {"candidates": [{"content": model_turn, "finishReason": "STOP"}]}
    final = {"candidates": [{"content": {"role": "model", "parts": [{"text": "Sunny."}]}}]}
    server.handler = Script(
        Reply(200, json.dumps(first).encode()), Reply(200, json.dumps(final).encode())
    )
    with Client(api_key="k", base_url=server.url) as client:
        chat = client.chats.create(MODEL, tools=[get_weather])
        assert chat.send_message("Weather in Nice?").text == "Sunny."
    sent = wire(server, 1)["contents"]
    assert sent[1] == model_turn
    assert sent[2] == {
        "role": "user",
        "parts": [
            {
                "functionResponse": {
                    "name": "get_weather",
                    "id": "c-1",
                    "response": {"result": {"city": "Nice", "sky": "sunny"}},
                }
            }
        ],
    }
    assert (
        msgspec.json.decode(server.requests[1].body)["tools"][0]["functionDeclarations"][0]["name"]
        == "get_weather"
    )

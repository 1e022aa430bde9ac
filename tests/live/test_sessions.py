"""Live API sessions over real sockets on 127.0.0.1, sync and async, against the
emulator's Live endpoint: lifecycle, text, audio, tools, goAway and drops resumed with
nothing lost, close codes as typed errors, bounded setup, ephemeral tokens."""

from __future__ import annotations

import threading
import time

import pytest

from generativelanguage.live.errors import SessionClosedError
from generativelanguage.runtime import errors
from generativelanguage.v1beta import Client
from tests.live.conftest import KEY, KINDS, MODEL, next_message, open_session, run

WEATHER = {
    "functionDeclarations": [
        {
            "name": "get_weather",
            "description": "Look up the weather for a city.",
            "parameters": {
                "type": "OBJECT",
                "properties": {"city": {"type": "STRING"}},
                "required": ["city"],
            },
        }
    ]
}


def _texts(emu) -> list[str]:
    """Every user text the emulator consumed, in order, across the session's
    connections (the last connection's log holds the whole session's)."""
    consumed = emu.live.connections[-1]["consumed"]
    out = []
    for message in consumed:
        for turn in (message.get("clientContent") or {}).get("turns") or []:
            out += [p["text"] for p in turn["parts"] if "text" in p]
    return out


@KINDS
def test_lifecycle_text_turns(emu, kind):
    async def main():
        async with open_session(kind, emu.url, config={"systemInstruction": "x"}) as s:
            assert s.setup_complete.setup_complete is not None
            await s.send_client_content("one two three four five six")
            messages = [m async for m in s.receive()]
            await s.send_client_content("seven")
            second = await s.receive_turn()
            return messages, second, s

    messages, second, session = run(main())
    chunks = [m.text for m in messages if m.text]
    assert len(chunks) >= 3
    assert "".join(chunks) == "Echo: one two three four five six"
    assert messages[-1].turn_complete and messages[-1].usage_metadata.prompt_token_count > 0
    assert second.complete and second.text.startswith("Echo: seven (turn 2;")
    assert second.usage.response_token_count == len(second.text.split())
    assert session.closed
    (conn,) = emu.live.connections
    assert conn["api_key"] and conn["query"] == []  # the key in a header, never the URL
    assert conn["path"].endswith("GenerativeService.BidiGenerateContent")
    assert len(conn["consumed"]) == 2


def test_system_instruction_as_a_plain_string_is_refused_with_its_place(emu):
    with Client(api_key=KEY, base_url=emu.url) as c:
        with pytest.raises(errors.RequestValidationError, match="config.systemInstruction"):
            c.live.connect(MODEL, config={"systemInstruction": 3})


@KINDS
def test_audio_turn_pcm_in_transcription_and_pcm_out(emu, kind):
    config = {
        "generationConfig": {"responseModalities": ["AUDIO"]},
        "inputAudioTranscription": {},
        "outputAudioTranscription": {},
    }

    async def main():
        async with open_session(kind, emu.url, config=config) as s:
            for _ in range(10):  # 10 x 50 ms of 16 kHz PCM
                await s.send_realtime_input(audio=b"\x01\x00" * 800)
            await s.send_realtime_input(audio_stream_end=True)
            return await s.receive_turn()

    turn = run(main())
    assert turn.input_transcription == "audio of 0.50 seconds"
    assert turn.output_transcription == "Echo: audio of 0.50 seconds"
    assert turn.mime_type == "audio/pcm;rate=24000" and turn.sample_rate == 24000
    audio_chunks = [m.data for m in turn.messages if m.data]
    assert len(audio_chunks) >= 3
    assert len(turn.audio) == 2400 * 2 * len(turn.output_transcription.split())
    assert turn.audio == b"".join(audio_chunks)
    blob = emu.live.connections[0]["consumed"][0]["realtimeInput"]["audio"]
    assert blob["mimeType"] == "audio/pcm;rate=16000"


@KINDS
def test_tool_call_answered_by_hand_then_automatically(emu, kind):
    config = {"tools": [WEATHER]}

    async def main():
        async with open_session(kind, emu.url, config=config) as s:
            await s.send_client_content("Please call get_weather for Paris.")
            asked = await s.receive_turn()
            (call,) = asked.tool_calls
            await s.send_tool_response(
                {"id": call.id, "name": call.name, "response": {"output": "sunny"}}
            )
            answered = await s.receive_turn()
            await s.send_client_content("Now call get_weather for Rome.")
            automatic = await s.receive_turn(tools={"get_weather": lambda city: f"rain in {city}"})
            return asked, call, answered, automatic

    asked, call, answered, automatic = run(main())
    assert not asked.complete and call.name == "get_weather" and call.args == {"city": "Paris"}
    assert answered.complete
    assert answered.text == 'Result of get_weather: {"output": "sunny"}.'
    assert automatic.tool_calls[0].args == {"city": "Rome"}
    assert automatic.text == 'Result of get_weather: {"result": "rain in Rome"}.'


@KINDS
@pytest.mark.parametrize("fault", ["goaway", "drop"])
def test_goaway_or_drop_mid_turn_resumes_with_nothing_lost(emu, kind, fault):
    prompts = ["alpha one two three", "bravo four five six", "charlie", "delta"]

    async def main():
        turns = []
        async with open_session(kind, emu.url, resumption=True) as s:
            await s.send_client_content(prompts[0])
            turns.append(await s.receive_turn())
            assert (await next_message(s)).session_resumption_update.new_handle
            # The next connection to send breaks after two more messages: mid-turn.
            emu.live.fault(fault, after=2)
            for prompt in prompts[1:]:
                await s.send_client_content(prompt)
                turns.append(await s.receive_turn())
            return turns, s.resumptions

    turns, resumptions = run(main())
    assert resumptions == 1
    assert [t.text.split(" (turn")[0] for t in turns] == [f"Echo: {p}" for p in prompts]
    assert [t.complete for t in turns] == [True] * 4
    assert "(turn 4;" in turns[-1].text  # the server's history holds every turn once
    # Every client message was consumed exactly once across the two connections.
    assert _texts(emu) == prompts
    assert len(emu.live.connections) == 2
    assert emu.live.connections[0]["end"] in ("dropped", "closed after goAway")


@KINDS
def test_messages_sent_while_the_connection_is_gone_are_replayed(emu, kind):
    async def main():
        async with open_session(kind, emu.url, resumption=True) as s:
            await s.send_client_content("first")
            await s.receive_turn()
            assert (await next_message(s)).session_resumption_update.new_handle
            emu.live.fault("drop", after=0)
            await s.send_client_content("second")  # its answer drops the connection
            await s.send_client_content("third", turn_complete=False)
            await s.send_client_content("fourth")
            texts = []
            while len(texts) < 2:
                turn = await s.receive_turn()
                if turn.complete:
                    texts.append(turn.text)
            return texts, s.resumptions

    texts, resumptions = run(main())
    assert resumptions == 1
    assert texts[0].startswith("Echo: second") and texts[1].startswith("Echo: fourth")
    assert _texts(emu) == ["first", "second", "third", "fourth"]


@KINDS
def test_close_1011_is_a_typed_error_with_the_reason(emu, kind):
    async def main():
        async with open_session(kind, emu.url) as s:
            emu.live.fault("close", after=1, code=1011, reason="Internal error encountered.")
            await s.send_client_content("hello there")
            await s.receive_turn()

    with pytest.raises(errors.Internal) as info:
        run(main())
    assert info.value.close_code == 1011
    assert info.value.close_reason == "Internal error encountered."
    assert "1011" in str(info.value) and KEY not in str(info.value)


@KINDS
def test_close_1011_unavailable_is_resumed_when_resumption_is_on(emu, kind):
    async def main():
        async with open_session(kind, emu.url, resumption=True) as s:
            await s.send_client_content("one")
            await s.receive_turn()
            assert (await next_message(s)).session_resumption_update.new_handle
            emu.live.fault("close", after=1, reason="The service is currently unavailable.")
            await s.send_client_content("two")
            turn = await s.receive_turn()
            return turn, s.resumptions

    turn, resumptions = run(main())
    assert resumptions == 1 and turn.text.startswith("Echo: two (turn 2;")


@KINDS
def test_close_unavailable_without_resumption_raises_unavailable(emu, kind):
    async def main():
        async with open_session(kind, emu.url) as s:
            emu.live.fault("close", after=0, reason="The service is currently unavailable.")
            await s.send_client_content("one")
            await s.receive_turn()

    with pytest.raises(errors.Unavailable):
        run(main())


@KINDS
@pytest.mark.parametrize(
    "key, error, words",
    [
        (None, errors.PermissionDenied, "unregistered callers"),
        ("wrong", errors.InvalidArgument, "API key not valid"),
    ],
)
def test_missing_or_wrong_key_closes_with_a_typed_error(emu, kind, key, error, words, monkeypatch):
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)

    async def main():
        async with open_session(kind, emu.url, key=key):
            pass

    with pytest.raises(error, match=words):
        run(main())


@KINDS
def test_a_server_that_never_completes_the_setup_is_bounded(emu, kind):
    emu.live.fault("silent")

    async def main():
        started = time.monotonic()
        with pytest.raises(errors.APITimeoutError, match="no setupComplete within 0.3 s"):
            async with open_session(kind, emu.url, setup_timeout=0.3):
                pass
        return time.monotonic() - started

    assert run(main()) < 5


def test_connecting_to_a_closed_port_is_a_connection_error():
    with Client(api_key=KEY, base_url="http://127.0.0.1:9/") as c:
        with pytest.raises(errors.APIConnectionError, match="could not connect"):
            c.live.connect(MODEL, connect_timeout=2)


@KINDS
def test_ephemeral_token_session(emu, kind):
    with Client(api_key=KEY, base_url=emu.url) as c:
        token = c.auth_tokens.create(body={"uses": 1})
    assert token.name.startswith("auth_tokens/")

    async def main(key, **connect):
        async with open_session(kind, emu.url, key=key, **connect) as s:
            await s.send_client_content("hi")
            return (await s.receive_turn()).text

    assert run(main(None, token=token)) == "Echo: hi"
    conn = emu.live.connections[-1]
    assert conn["path"].endswith("BidiGenerateContentConstrained")
    assert conn["token"] == token.name and not conn["api_key"] and conn["query"] == []
    with pytest.raises(errors.PermissionDenied, match="no uses left"):
        run(main(token.name))  # as the client's key: the same endpoint, used up


def test_a_receiver_blocked_on_the_socket_is_released_by_close(emu):
    with Client(api_key=KEY, base_url=emu.url) as c:
        session = c.live.connect(MODEL)
        got = []
        reader = threading.Thread(target=lambda: got.append(list(session)))
        reader.start()
        time.sleep(0.05)
        session.close()
        reader.join(5)
        assert not reader.is_alive() and got == [[]]
        with pytest.raises(SessionClosedError):
            session.send_client_content("too late")


def test_server_close_1000_ends_receiving_and_sending_raises(emu):
    with Client(api_key=KEY, base_url=emu.url) as c:
        with c.live.connect(MODEL) as session:
            emu.live.fault("close", after=0, code=1000, reason="bye")
            session.send_client_content("hi")
            assert list(session) == []
            with pytest.raises(SessionClosedError):
                session.send_client_content("again")


def test_ephemeral_token_in_the_query_as_browsers_send_it(emu):
    """The emulator also takes the browser form, ?access_token= (our client never uses
    it: a token in a URL ends up in logs)."""
    from websockets.sync.client import connect

    with Client(api_key=KEY, base_url=emu.url) as c:
        token = c.auth_tokens.create(body={"uses": 0}).name
    path = (
        "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContentConstrained"
    )
    url = emu.url.replace("http://", "ws://") + f"{path}?access_token={token}"
    with connect(url) as ws:
        ws.send('{"setup": {"model": "models/m"}}')
        assert ws.recv() == '{"setupComplete":{}}'
    assert emu.live.connections[-1]["query"] == ["access_token"]


def test_live_is_a_v1beta_endpoint_only():
    from generativelanguage import v1, v1beta

    assert hasattr(v1beta.Client, "live") and hasattr(v1beta.AsyncClient, "live")
    assert not hasattr(v1.Client, "live") and not hasattr(v1.AsyncClient, "live")
    client = v1beta.Client(api_key=KEY)
    assert "live" not in vars(client)  # built on first use, and its package loaded then


def test_faults_of_an_emulator_in_another_process():
    from generativelanguage.emulator import running

    with running(api_key=KEY, subprocess=True) as remote:
        with Client(api_key=KEY, base_url=remote.url) as c:
            with c.live.connect(MODEL) as session:
                remote.live_fault("close", after=0, code=1011, reason="Internal error encountered.")
                session.send_client_content("hi")
                with pytest.raises(errors.Internal, match="Internal error encountered"):
                    session.receive_turn()


def get_weather(city: str) -> dict[str, object]:
    """Look up the weather for a city.

    Args:
        city: The city's name.
    """
    return {"city": city, "forecast": "sunny"}


@KINDS
def test_python_functions_in_the_config_are_declared_and_called_automatically(emu, kind):
    """The function calling of chats (generativelanguage.gemini.functions) in a Live
    session: declared from the signature and docstring, run when the model calls it."""

    async def main():
        async with open_session(kind, emu.url, config={"tools": [get_weather]}) as s:
            await s.send_client_content("Please call get_weather for Paris.")
            return await s.receive_turn()

    turn = run(main())
    assert turn.complete and turn.tool_calls[0].args == {"city": "Paris"}
    assert turn.text == 'Result of get_weather: {"result": {"city": "Paris", "forecast": "sunny"}}.'
    # The model called it because the setup declared it; the session sent the result.
    (answer,) = emu.live.connections[0]["consumed"][1]["toolResponse"]["functionResponses"]
    assert answer["name"] == "get_weather" and answer["response"]["result"]["city"] == "Paris"

"""The Live API's I/O-free parts: the outbox of unconsumed messages, close codes as
typed errors, message building, tool answers, connection settings taken from the HTTP
client, and reconnection backoff (with an injected sleep, over a real socket)."""

from __future__ import annotations

import json
import ssl

import httpx
import httpx2
import pytest

from generativelanguage.live import errors as live_errors
from generativelanguage.live import net
from generativelanguage.live.protocol import Codec, Outbox, SessionState, tool_answers
from generativelanguage.runtime import errors
from generativelanguage.v1beta import Client, resources, types
from tests.live.conftest import KEY, MODEL

SPEC = resources.WEBSOCKETS["bidiGenerateContent"]


def test_outbox_keeps_what_was_not_consumed_and_renumbers_on_restart():
    box = Outbox()
    assert [box.sent(b"a"), box.sent(b"bb"), box.sent(b"c")] == [1, 2, 3]  # setup is 0
    box.consumed(1)
    assert len(box) == 2 and box.bytes == 3
    assert box.restart() == [b"bb", b"c"]
    assert box.sent(b"bb") == 1 and box.bytes == 2
    box.consumed_all()
    assert len(box) == 0 and box.bytes == 0


def _update(**fields):
    return types.BidiGenerateContentServerMessage(
        session_resumption_update=types.SessionResumptionUpdate(**fields)
    )


def test_state_moves_after_go_away_at_the_first_resumable_update():
    codec = Codec(SPEC, types)
    state = SessionState(codec, codec.setup(MODEL), resumption=True)
    state.outbox.sent(b"1")
    state.outbox.sent(b"2")
    go_away = types.BidiGenerateContentServerMessage(go_away=types.GoAway(time_left="5s"))
    assert state.on_message(go_away) is False and state.go_away
    assert state.on_message(_update(resumable=False, new_handle="")) is False
    assert state.handle is None
    assert state.on_message(
        _update(resumable=True, new_handle="h", last_consumed_client_message_index=1)
    )
    assert state.moved() == [b"2"] and state.resumptions == 1 and not state.go_away
    setup = json.loads(state.setup_frame())["setup"]
    assert setup == {"model": f"models/{MODEL}", "sessionResumption": {"handle": "h"}}


def test_an_update_without_index_counts_everything_sent_before_it_as_consumed():
    codec = Codec(SPEC, types)
    state = SessionState(codec, codec.setup(MODEL), resumption=True)
    state.outbox.sent(b"1")
    state.on_message(_update(resumable=True, new_handle="h"))
    assert len(state.outbox) == 0


@pytest.mark.parametrize(
    "code, reason, cls",
    [
        (1011, "Internal error encountered.", errors.Internal),
        (1011, "The service is currently unavailable.", errors.Unavailable),
        (1011, "You exceeded your current quota.", errors.ResourceExhausted),
        (1008, "Requested entity was not found.", errors.NotFound),
        (1008, "Policy violation", errors.PermissionDenied),
        (1007, "Request contains an invalid argument.", errors.InvalidArgument),
        (1001, "", errors.Unavailable),
        (1013, "try later", errors.Unavailable),
        (1000, "", errors.Unknown),
        (4000, "custom", errors.Unknown),
    ],
)
def test_close_codes_become_typed_errors_with_the_reason(code, reason, cls):
    error = live_errors.close_error(code, reason)
    assert type(error) is cls
    assert (error.close_code, error.close_reason) == (code, reason)
    assert f"code {code}" in str(error)


def test_realtime_input_takes_one_kind_per_message_and_names_the_problem():
    codec = Codec(SPEC, types)
    with pytest.raises(errors.RequestValidationError, match="give one of"):
        codec.realtime_input()
    with pytest.raises(errors.RequestValidationError, match="one kind of input"):
        codec.realtime_input(audio=b"x", text="y")
    wire = json.loads(codec.realtime_input(video=b"\xff\xd8"))
    assert wire == {"realtimeInput": {"video": {"data": "/9g=", "mimeType": "image/jpeg"}}}
    assert json.loads(codec.realtime_input(activity_start=True)) == {
        "realtimeInput": {"activityStart": {}}
    }
    assert json.loads(codec.audio(b"\x00\x01")) == {
        "realtimeInput": {"audio": {"data": "AAE=", "mimeType": "audio/pcm;rate=16000"}}
    }


def test_setup_refuses_a_second_model_and_unknown_fields():
    codec = Codec(SPEC, types)
    with pytest.raises(errors.RequestValidationError, match="disagrees with model"):
        codec.setup(MODEL, {"model": "models/other"})
    with pytest.raises(errors.RequestValidationError, match="unknown field 'temprature'"):
        codec.setup(MODEL, {"generationConfig": {"temprature": 1}})
    assert codec.setup("publishers/google/models/x").model == "publishers/google/models/x"


def test_tool_answers_call_functions_and_report_failures():
    calls = [
        types.FunctionCall(id="1", name="add", args={"a": 1, "b": 2}),
        types.FunctionCall(id="2", name="missing", args={}),
        types.FunctionCall(id="3", name="boom", args={}),
    ]

    def boom():
        raise RuntimeError("no")

    answers = tool_answers(calls, {"add": lambda a, b: a + b, "boom": boom})
    assert answers[0] == {"id": "1", "name": "add", "response": {"result": 3}}
    assert "no function named 'missing'" in answers[1]["response"]["error"]
    assert answers[2]["response"] == {"error": "RuntimeError: no"}
    assert tool_answers(calls[:1], lambda call: {"sum": 3})[0]["response"] == {"sum": 3}


@pytest.mark.parametrize("x", [httpx, httpx2], ids=["httpx", "httpx2"])
def test_tls_and_proxy_of_the_http_client_apply_to_the_websocket(x):
    context = ssl.create_default_context()
    with x.Client(verify=context, proxy="http://127.0.0.1:3128") as http:
        assert net.http_settings(http) == (context, "http://127.0.0.1:3128")
    with x.Client(trust_env=False) as http:
        assert net.http_settings(http)[1] is None  # no proxy from the environment
    with x.Client() as http:
        assert net.http_settings(http)[1] is True  # websockets reads the environment
    client = Client(
        api_key=KEY, base_url="https://example.invalid/", http_client=x.Client(verify=context)
    )
    target = net.target(client, SPEC, net.Options(), None)
    assert target.kwargs["ssl"] is context and "proxy" not in target.kwargs
    assert target.url.startswith("wss://example.invalid/ws/google.ai.generativelanguage.v1beta.")


def test_credentials_travel_in_headers_only():
    client = Client(api_key=KEY, base_url="http://127.0.0.1:1/", headers={"x-extra": "1"})
    target = net.target(client, SPEC, net.Options(), None)
    assert target.headers["x-goog-api-key"] == KEY and KEY not in target.url
    assert target.headers["x-extra"] == "1"
    ephemeral = net.target(client, SPEC, net.Options(), "auth_tokens/t")
    assert ephemeral.headers["authorization"] == "Token auth_tokens/t"
    assert "x-goog-api-key" not in ephemeral.headers and "auth_tokens" not in ephemeral.url
    oauth = Client(credentials="ya29.token", base_url="http://127.0.0.1:1/")
    assert net.target(oauth, SPEC, net.Options(), None).headers["authorization"] == (
        "Bearer ya29.token"
    )


def test_unknown_connect_options_are_refused_by_name():
    client = Client(api_key=KEY, base_url="http://127.0.0.1:1/")
    with pytest.raises(TypeError, match="setup_timeuot"):
        client.live.connect(MODEL, setup_timeuot=1)


def test_resuming_backs_off_with_the_injected_sleep_then_gives_up(emu):
    """A dropped connection whose server is gone: each reconnection attempt fails at
    once; the session sleeps 0.5, 1, 2 s (injected, not real) and raises."""
    from generativelanguage.live.session import Session

    slept: list[float] = []
    with Client(api_key=KEY, base_url=emu.url) as client:
        session = Session(
            client,
            MODEL,
            None,
            resumption=True,
            token=None,
            options=net.Options(reconnect_attempts=4, reconnect_backoff=0.5, connect_timeout=2),
            sleep=slept.append,
        )
        session.send_client_content("one")
        session.receive_turn()
        assert next(iter(session)).session_resumption_update.new_handle
        emu.stop()  # drops the connection, and there is no server to resume on
        with pytest.raises(errors.APIConnectionError, match="could not connect"):
            session.send_client_content("two")  # whichever of them notices the drop
            session.receive_turn()
    assert slept == [0.5, 1.0, 2.0]


def test_keepalive_pings_notice_a_silent_peer():
    """A server that completes the setup and then neither reads nor answers pings: the
    waiting receive ends with a typed error once a pong is overdue."""
    import socket
    import threading

    from generativelanguage.emulator.websocket import accept_key

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    held: list[socket.socket] = []

    def serve() -> None:
        conn, _ = listener.accept()
        held.append(conn)
        request = b""
        while b"\r\n\r\n" not in request:
            request += conn.recv(4096)
        key = next(
            line.split(b":", 1)[1].strip().decode()
            for line in request.split(b"\r\n")
            if line.lower().startswith(b"sec-websocket-key:")
        )
        conn.sendall(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Accept: "
            + accept_key(key).encode()
            + b"\r\n\r\n"
        )
        conn.sendall(b"\x81\x14" + b'{"setupComplete":{}}')  # one 20-byte text frame
        # ...and silence: nothing read, no pong.

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        with Client(api_key=KEY, base_url=f"http://127.0.0.1:{port}/") as client:
            session = client.live.connect(
                MODEL, ping_interval=0.1, ping_timeout=0.2, close_timeout=0.2
            )
            with pytest.raises(errors.APIConnectionError):
                list(session)
    finally:
        for conn in held:
            conn.close()
        listener.close()

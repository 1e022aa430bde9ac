"""The 485 recorded real Live API messages (../shared/fixtures/recorded/live.jsonl):
every server message decodes into the typed server message and back without loss;
every client message can be built with the typed API and means the same on the wire;
each recorded session replays over a loopback WebSocket server playing its server side.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from generativelanguage.live.protocol import Codec
from generativelanguage.runtime import structs
from generativelanguage.v1beta import AsyncClient, Client, resources, types

RECORDED = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "recorded"
LIVE = RECORDED / "live.jsonl"

pytestmark = pytest.mark.skipif(not LIVE.exists(), reason="../shared/fixtures is missing")
SPEC = resources.WEBSOCKETS["bidiGenerateContent"]


def _rows() -> list[dict[str, Any]]:
    return [json.loads(line) for line in LIVE.read_text().splitlines() if line.strip()]


def _sessions() -> dict[tuple[str, int], list[dict[str, Any]]]:
    sessions: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for row in _rows() if LIVE.exists() else []:
        sessions[(row["source_path"], row["session"])].append(row)
    return dict(sessions)


SESSIONS = _sessions()


def _wire(message: dict[str, Any]) -> dict[str, Any]:
    """What a client message means: validated by the envelope type and spelled as on
    the wire (the recorder kept snake_case top-level keys, which the service accepts)."""
    return json.loads(structs.encode(structs.to_struct(SPEC.client, message)))


def _build(codec: Codec, message: dict[str, Any]) -> bytes:
    """The same message made with the typed API's builders (not from its JSON)."""
    (kind, body), *_ = message.items()
    if kind == "setup":
        config = {k: v for k, v in body.items() if k != "model"}
        return codec.encode_setup(codec.setup(body["model"], config))
    if kind in ("client_content", "clientContent"):
        return codec.client_content(body["turns"], body.get("turnComplete", False))
    if kind in ("realtime_input", "realtimeInput"):
        return codec.realtime_input(audio=body["audio"])
    if kind in ("tool_response", "toolResponse"):
        return codec.tool_response(body["functionResponses"])
    raise AssertionError(f"unexpected client message {kind}")


def test_the_recording_has_485_messages_in_12_sessions():
    assert len(_rows()) == 485 and len(SESSIONS) == 12


def test_every_recorded_server_message_decodes_losslessly():
    decoded = 0
    for row in _rows():
        if row["direction"] != "server":
            continue
        message = structs.decode(SPEC.server, json.dumps(row["message"]))
        assert isinstance(message, types.BidiGenerateContentServerMessage)
        assert message.kind in row["message"], row["message"]
        assert json.loads(structs.encode(message)) == row["message"]
        decoded += 1
    assert decoded == 397


def test_every_recorded_client_message_is_built_by_the_typed_api_with_the_same_meaning():
    codec = Codec(SPEC, types)
    built = 0
    for row in _rows():
        if row["direction"] != "client":
            continue
        assert json.loads(_build(codec, row["message"])) == _wire(row["message"])
        built += 1
    assert built == 88


def test_a_server_message_of_an_unknown_kind_passes_through():
    raw = b'{"voiceActivity": {"voiceActivityType": "ACTIVITY_START"}, "newField": 1}'
    message = Codec(SPEC, types).decode(raw)
    assert message.kind is None and message.server_content is None


# -- replay over a loopback WebSocket server ------------------------------------------


class ReplayServer:
    """A ``websockets`` server on 127.0.0.1 that plays the server side of one recorded
    session: it checks each client message against the recording (same meaning) and
    answers with the server messages recorded after it."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        from websockets.sync.server import serve

        self.rows = rows
        self.checked = 0
        self.errors: list[str] = []
        self.paths: list[str] = []
        self.headers: list[dict[str, str]] = []
        self._server = serve(self._handle, "127.0.0.1", 0)
        self.port = self._server.socket.getsockname()[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def _handle(self, ws: Any) -> None:
        self.paths.append(ws.request.path)
        self.headers.append({k.lower(): v for k, v in ws.request.headers.raw_items()})
        i = 0
        while i < len(self.rows):
            row = self.rows[i]
            if row["direction"] == "server":
                ws.send(json.dumps(row["message"]))
                i += 1
                continue
            got = json.loads(ws.recv())
            if got != _wire(row["message"]):
                self.errors.append(f"message {i}: sent {got}, recorded {row['message']}")
            self.checked += 1
            i += 1
        try:
            ws.recv()  # until the client closes
        except Exception:
            pass

    def close(self) -> None:
        self._server.shutdown()
        self._thread.join(5)


def _client_script(rows: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    """What the client does after connecting: ("send", message) or ("receive", n)."""
    steps: list[tuple[str, Any]] = []
    for row in rows[2:]:  # the setup and its setupComplete happen in connect()
        if row["direction"] == "client":
            steps.append(("send", row["message"]))
        elif steps and steps[-1][0] == "receive":
            steps[-1] = ("receive", steps[-1][1] + [row["message"]])
        else:
            steps.append(("receive", [row["message"]]))
    return steps


def _send(session: Any, message: dict[str, Any]) -> Any:
    """The typed API's call for a recorded client message."""
    (kind, body), *_ = message.items()
    if kind == "client_content":
        return session.send_client_content(body["turns"], body.get("turnComplete", False))
    if kind == "realtime_input":
        return session.send_realtime_input(audio=body["audio"])
    return session.send_tool_response(body["functionResponses"])


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize("key", sorted(SESSIONS), ids=lambda k: f"{Path(k[0]).stem}-{k[1]}")
def test_each_recorded_session_replays_over_a_loopback_websocket(key, kind):
    rows = SESSIONS[key]
    setup = rows[0]["message"]["setup"]
    assert rows[1]["message"].get("setupComplete") is not None
    config = {k: v for k, v in setup.items() if k != "model"}
    server = ReplayServer(rows)
    url = f"http://127.0.0.1:{server.port}/"
    received: list[dict[str, Any]] = []
    try:
        if kind == "sync":
            with Client(api_key="replay-key", base_url=url) as client:
                with client.live.connect(setup["model"], config=config) as session:
                    for step, value in _client_script(rows):
                        if step == "send":
                            _send(session, value)
                            continue
                        for _ in value:
                            received.append(json.loads(structs.encode(next(iter(session)))))
        else:

            async def main() -> None:
                async with AsyncClient(api_key="replay-key", base_url=url) as client:
                    async with client.live.connect(setup["model"], config=config) as session:
                        for step, value in _client_script(rows):
                            if step == "send":
                                await _send(session, value)
                                continue
                            for _ in value:
                                message = await anext(aiter(session))
                                received.append(json.loads(structs.encode(message)))

            asyncio.run(main())
    finally:
        server.close()
    assert server.errors == []
    assert server.checked == sum(r["direction"] == "client" for r in rows)
    assert received == [r["message"] for r in rows[2:] if r["direction"] == "server"]
    assert server.paths == ["/" + SPEC.path]
    assert server.headers[0]["x-goog-api-key"] == "replay-key"


def test_an_unknown_message_kind_reaches_the_caller_with_its_json():
    rows = [
        {"direction": "client", "message": {"setup": {"model": "models/m"}}},
        {"direction": "server", "message": {"setupComplete": {}}},
        {"direction": "server", "message": {"voiceActivity": {"voiceActivityType": "START"}}},
    ]
    server = ReplayServer(rows)
    try:
        with Client(api_key="k", base_url=f"http://127.0.0.1:{server.port}/") as client:
            with client.live.connect("m") as session:
                message = next(iter(session))
                assert message.kind is None
                assert json.loads(session.last_raw) == rows[2]["message"]
    finally:
        server.close()

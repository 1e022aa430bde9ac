"""The emulator's Live API: ``BidiGenerateContent`` over WebSocket, deterministic.

A session answers ``setup`` with ``setupComplete``; a complete text turn with the
emulator's usual answer (``model.generate``: ``Echo: ...``, function calls for declared
tools) in several ``serverContent`` chunks, then ``generationComplete`` and
``turnComplete`` with usage; audio input, ended by ``audioStreamEnd`` or
``activityEnd``, with an input transcription ("audio of 0.50 seconds") and the answer
as 16-bit PCM chunks (``audio/pcm;rate=24000``, base64 ``inlineData``) with its output
transcription when the setup asks for it. With ``sessionResumption`` in the setup, each
turn ends with a ``sessionResumptionUpdate`` (new handle, ``resumable``, the index of
the last client message consumed, the setup being message 0), and a later setup naming
that handle continues the conversation from there.

Faults on demand (``emu.live.fault(...)`` or ``POST /_emulator/live``): after k more
server messages of the connection that sends next, ``goaway`` (a ``goAway``, then the connection closes
after the turn's resumption update), ``drop`` (the TCP connection is cut, no close
frame), ``close`` (a close frame, 1011 by default, with a reason), or ``silent`` (the
setup is never answered).
"""

from __future__ import annotations

import base64
import itertools
import json
import math
import threading
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from generativelanguage.runtime import errors as runtime_errors
from generativelanguage.runtime import structs

from .. import errors, model
from ..websocket import Closed, Connection
from ..wire import Request, Response, json_response
from .base import Room

PREFIX = "/ws/google.ai.generativelanguage."
METHOD = "GenerativeService.BidiGenerateContent"
CONSTRAINED = "GenerativeService.BidiGenerateContentConstrained"
#: The answer's audio: 16-bit mono PCM at 24 kHz, 0.1 s per word of the answer.
OUTPUT_RATE = 24000
BYTES_PER_WORD = OUTPUT_RATE * 2 // 10
INPUT_RATE = 16000
UNREGISTERED = (
    "Method doesn't allow unregistered callers (callers without established identity). "
    "Please use API Key or other form of API consumer identity to call this API."
)


@dataclass
class LiveFault:
    """One planned Live fault, for the next ``remaining`` connections."""

    kind: str  # "goaway", "drop", "close" or "silent"
    after: int = 1  # server messages sent on the connection before it happens
    remaining: int = 1
    code: int = 1011
    reason: str = "Internal error encountered."
    time_left: str = "1s"


@dataclass
class Snapshot:
    """The resumable state a handle names."""

    history: list[dict[str, Any]]
    consumed: list[dict[str, Any]] = field(default_factory=list)


class _Stop(Exception):
    """The connection ends here (a fault played, or the client left)."""


class LiveRoom(Room):
    """The Live API: its WebSocket sessions, resumption handles, faults and a log. The
    HTTP server hands it each connection that asks to upgrade (``serve``); it has no
    REST routes."""

    def __init__(self, svc: Any) -> None:
        super().__init__(svc)
        self._lock = threading.Lock()
        self._faults: list[LiveFault] = []
        self._handles: dict[str, Snapshot] = {}
        self._counter = itertools.count(1)
        #: One entry per connection: path, query keys, how it authenticated, the client
        #: messages it consumed (their JSON) and how it ended.
        self.connections: list[dict[str, Any]] = []

    def reset(self) -> None:
        with self._lock:
            self._faults.clear()
            self._handles.clear()
            self.connections.clear()

    def fault(self, kind: str, after: int = 1, n: int = 1, **options: Any) -> None:
        """Plan a fault for the next ``n`` Live connections (see the module docstring)."""
        if kind not in ("goaway", "drop", "close", "silent"):
            raise ValueError(f"unknown Live fault {kind!r}")
        with self._lock:
            self._faults.append(LiveFault(kind, after, n, **options))

    def take_fault(self, silent: bool) -> LiveFault | None:
        """The first planned fault of the kind asked for (``silent`` ones are taken by a
        connection's setup, the others by a connection about to send a message)."""
        with self._lock:
            for fault in self._faults:
                if (fault.kind == "silent") == silent:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
            return None

    def control(self, req: Request) -> Response:
        """``POST /_emulator/live`` with ``{"fault": {...}}``; ``GET`` the connection log."""
        if req.method == "GET":
            with self._lock:
                return json_response({"connections": list(self.connections)})
        try:
            plan = json.loads(req.body or b"{}")
            self.fault(**plan["fault"])
        except (TypeError, ValueError, KeyError) as exc:
            raise errors.invalid_argument(f"Bad Live fault plan: {exc}") from None
        return json_response({"faults": [asdict(f) for f in self._faults]})

    # -- one connection ------------------------------------------------------------------

    def serve(self, handler: Any) -> None:
        """Serve one WebSocket connection on the HTTP handler that received the upgrade."""
        split = urlsplit(handler.path)
        method = (
            split.path[len(PREFIX) :].partition(".")[2] if split.path.startswith(PREFIX) else ""
        )
        if method not in (METHOD, CONSTRAINED):
            body = json.dumps({"error": {"code": 404, "message": "Not found."}}).encode()
            handler.send_response(404)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
            return
        query = parse_qs(split.query)
        entry: dict[str, Any] = {
            "path": split.path,
            "query": sorted(query),
            "api_key": bool(handler.headers.get("x-goog-api-key")),
            "token": None,
            "consumed": [],
            "end": None,
        }
        with self._lock:
            self.connections.append(entry)
        conn = Connection.accept(handler)
        try:
            refusal = self._authorize(handler, query, method, entry)
            if refusal is not None:
                conn.close(*refusal)
                entry["end"] = f"refused {refusal[0]}"
                return
            _Session(self, conn, entry).run()
        except (Closed, _Stop) as exc:
            entry["end"] = entry["end"] or str(exc) or type(exc).__name__
        finally:
            conn.close()

    def _authorize(
        self, handler: Any, query: dict, method: str, entry: dict
    ) -> tuple[int, str] | None:
        if method == CONSTRAINED:
            auth = handler.headers.get("Authorization") or ""
            token = auth[len("Token ") :] if auth.startswith("Token ") else None
            token = token or (query.get("access_token") or [None])[0]
            entry["token"] = token
            with self.store.lock:
                item = self.store.get(token) if token else None
                if item is None or not str(token).startswith("auth_tokens/"):
                    return 1008, "The ephemeral token is missing, unknown or expired."
                uses = item.get("uses", 1) or 0
                used = item.get("_used", 0)
                if uses and used >= uses:
                    return 1008, "The ephemeral token has no uses left."
                item["_used"] = used + 1
            return None
        key = self.svc.api_key
        if key is None:
            return None
        given = handler.headers.get("x-goog-api-key") or (query.get("key") or [None])[0]
        if not given:
            return 1008, UNREGISTERED
        if given != key:
            return 1007, "API key not valid. Please pass a valid API key."
        return None

    def save(self, snapshot: Snapshot) -> str:
        handle = f"live-{next(self._counter):06d}"
        with self._lock:
            self._handles[handle] = snapshot
        return handle

    def restore(self, handle: str) -> Snapshot | None:
        with self._lock:
            snap = self._handles.get(handle)
        if snap is None:
            return None
        return Snapshot(json.loads(json.dumps(snap.history)), json.loads(json.dumps(snap.consumed)))


#: One second of a 440 Hz tone (a whole number of periods), 16-bit little-endian.
_TONE = b"".join(
    int(8000 * math.sin(2 * math.pi * 440 * i / OUTPUT_RATE)).to_bytes(2, "little", signed=True)
    for i in range(OUTPUT_RATE)
)


def _pcm(n_bytes: int, offset: int) -> bytes:
    """Deterministic 16-bit PCM: the tone, continuing at sample ``offset``."""
    start = (offset * 2) % len(_TONE)
    out = bytearray()
    while len(out) < n_bytes:
        out += _TONE[start : start + n_bytes - len(out)]
        start = 0
    return bytes(out)


def _camel(message: dict) -> dict:
    """A client message validated and spelled as on the wire (either spelling accepted,
    unknown fields refused), via the generated envelope type."""
    from generativelanguage.v1beta import types

    try:
        typed = structs.to_struct(types.BidiGenerateContentClientMessage, message, "message")
    except runtime_errors.RequestValidationError as exc:
        raise ValueError(str(exc)) from None
    return json.loads(structs.encode(typed))


class _Session:
    """The conversation over one connection."""

    def __init__(self, room: LiveRoom, conn: Connection, entry: dict):
        self.room = room
        self.conn = conn
        self.entry = entry
        self.fault: LiveFault | None = None
        self.fault_at = 0  # the number of messages sent when the fault fires
        self.sent = 0
        self.index = 0  # of the last client message read; the setup is 0
        self.history: list[dict[str, Any]] = []
        self.consumed: list[dict[str, Any]] = []
        self.setup: dict[str, Any] = {}
        self.audio = bytearray()
        self.pcm_offset = 0
        self.calls = itertools.count(1)
        self.close_after_update = False

    # -- sending, with the fault on the way ---------------------------------------------

    def emit(self, message: dict[str, Any]) -> None:
        if self.fault is None:
            # A fault planned now applies to the connection that sends next, after
            # `after` more messages.
            self.fault = self.room.take_fault(silent=False)
            if self.fault is not None:
                self.fault_at = self.sent + self.fault.after
        fault = self.fault
        if fault is not None and self.sent >= self.fault_at and not self.close_after_update:
            self.fault = None
            if fault.kind == "drop":
                self.conn.drop()
                self.entry["end"] = "dropped"
                raise _Stop("dropped")
            if fault.kind == "close":
                self.conn.close(fault.code, fault.reason)
                self.entry["end"] = f"closed {fault.code}"
                raise _Stop("closed")
            self.conn.send_text(json.dumps({"goAway": {"timeLeft": fault.time_left}}).encode())
            self.close_after_update = True
        self.conn.send_text(json.dumps(message, separators=(",", ":")).encode())
        self.sent += 1

    # -- the conversation ----------------------------------------------------------------

    def run(self) -> None:
        first = json.loads(self.conn.receive())
        try:
            setup = _camel(first).get("setup")
        except ValueError as exc:
            self.conn.close(1007, str(exc)[:120])
            return
        if not setup or not setup.get("model"):
            self.conn.close(1007, "Request contains an invalid argument: setup.model is required.")
            return
        self.setup = setup
        handle = (setup.get("sessionResumption") or {}).get("handle")
        if handle:
            snapshot = self.room.restore(handle)
            if snapshot is None:
                self.conn.close(1007, f"Invalid session resumption handle {handle!r}.")
                return
            self.history, self.consumed = snapshot.history, snapshot.consumed
        self.entry["consumed"] = self.consumed
        if self.room.take_fault(silent=True) is not None:
            while True:  # never answered; the client gives up
                self.conn.receive()
        self.emit({"setupComplete": {}})
        while True:
            raw = self.conn.receive()
            self.index += 1
            try:
                message = _camel(json.loads(raw))
            except ValueError as exc:
                self.conn.close(1007, f"Request contains an invalid argument: {exc}"[:120])
                return
            self.consumed.append(message)
            self.handle(message)

    def handle(self, message: dict[str, Any]) -> None:
        if "clientContent" in message:
            content = message["clientContent"]
            self.history += content.get("turns") or []
            if content.get("turnComplete"):
                self.answer()
        elif "realtimeInput" in message:
            realtime = message["realtimeInput"]
            for blob in [realtime.get("audio"), *(realtime.get("mediaChunks") or [])]:
                if blob and str(blob.get("mimeType", "")).startswith("audio/"):
                    self.audio += base64.b64decode(blob.get("data") or "")
            if realtime.get("text"):
                self.history.append({"role": "user", "parts": [{"text": realtime["text"]}]})
                self.answer()
            elif realtime.get("audioStreamEnd") or "activityEnd" in realtime:
                self.answer_audio()
        elif "toolResponse" in message:
            responses = message["toolResponse"].get("functionResponses") or []
            self.history.append(
                {"role": "user", "parts": [{"functionResponse": r} for r in responses]}
            )
            self.answer()

    def answer_audio(self) -> None:
        seconds = len(self.audio) / (2 * INPUT_RATE)
        self.audio.clear()
        heard = f"audio of {seconds:.2f} seconds"
        if "inputAudioTranscription" in self.setup:
            self.emit({"serverContent": {"inputTranscription": {"text": heard}}})
        self.history.append({"role": "user", "parts": [{"text": heard}]})
        self.answer()

    def answer(self) -> None:
        setup = self.setup
        request = {
            "contents": self.history,
            "tools": setup.get("tools") or [],
            "generationConfig": setup.get("generationConfig") or {},
        }
        gen = model.generate(request, setup["model"])
        parts = gen.candidates[0].parts
        calls = [p["functionCall"] for p in parts if "functionCall" in p]
        if calls:
            for call in calls:
                call["id"] = f"call-{next(self.calls)}"
            self.history.append({"role": "model", "parts": [{"functionCall": c} for c in calls]})
            self.emit({"toolCall": {"functionCalls": calls}})
            return  # the turn goes on with the client's toolResponse
        text = "".join(p.get("text", "") for p in parts)
        words = text.split()
        modalities = (setup.get("generationConfig") or {}).get("responseModalities") or []
        audio_out = "AUDIO" in [str(m).upper() for m in modalities]
        pieces, start = [], 0
        for size in model.chunk_sizes(len(words)):
            piece = " ".join(words[start : start + size])
            pieces.append(piece if not start else " " + piece)
            start += size
        for piece in pieces:
            if audio_out:
                n = BYTES_PER_WORD * max(1, len(piece.split()))
                data = _pcm(n, self.pcm_offset)
                self.pcm_offset += n // 2
                part = {
                    "inlineData": {
                        "mimeType": f"audio/pcm;rate={OUTPUT_RATE}",
                        "data": base64.b64encode(data).decode(),
                    }
                }
                content: dict[str, Any] = {"modelTurn": {"role": "model", "parts": [part]}}
                if "outputAudioTranscription" in setup:
                    content["outputTranscription"] = {"text": piece}
                self.emit({"serverContent": content})
            else:
                self.emit(
                    {"serverContent": {"modelTurn": {"role": "model", "parts": [{"text": piece}]}}}
                )
        self.history.append({"role": "model", "parts": [{"text": text}]})
        self.emit({"serverContent": {"generationComplete": True}})
        prompt = sum(gen.prompt.values())
        answer_tokens = len(words)
        modality = "AUDIO" if audio_out else "TEXT"
        self.emit(
            {
                "serverContent": {"turnComplete": True},
                "usageMetadata": {
                    "promptTokenCount": prompt,
                    "responseTokenCount": answer_tokens,
                    "totalTokenCount": prompt + answer_tokens,
                    "responseTokensDetails": [{"modality": modality, "tokenCount": answer_tokens}],
                },
            }
        )
        self.update()

    def update(self) -> None:
        if "sessionResumption" not in self.setup:
            if self.close_after_update:
                self.conn.close(1000, "The operation was aborted.")
                raise _Stop("closed after goAway")
            return
        snapshot = Snapshot(
            json.loads(json.dumps(self.history)), json.loads(json.dumps(self.consumed))
        )
        handle = self.room.save(snapshot)
        self.emit(
            {
                "sessionResumptionUpdate": {
                    "newHandle": handle,
                    "resumable": True,
                    "lastConsumedClientMessageIndex": str(self.index),
                }
            }
        )
        if self.close_after_update:
            self.conn.close(1000, "The operation was aborted.")
            self.entry["end"] = "closed after goAway"
            raise _Stop("closed after goAway")

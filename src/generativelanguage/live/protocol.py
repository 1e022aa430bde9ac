"""The Live API protocol without I/O: building client messages, reading server
messages, and the bookkeeping that lets a session resume without losing input.

The sync and async sessions (``session.py``) only move bytes; every decision is made
here, so both behave the same and the rules can be tested without sockets.

Resumption (https://ai.google.dev/gemini-api/docs/live-session): with
``setup.sessionResumption`` set, the server sends ``sessionResumptionUpdate`` messages
carrying a handle that a new connection's setup passes back to continue the session.
A handle covers the client messages up to ``lastConsumedClientMessageIndex`` when the
server says so; the messages after it are kept in an :class:`Outbox` and sent again on
the new connection. Indices count the client messages of one connection, the setup
being message 0 (an assumption that errs towards re-sending one message rather than
losing one, should the service count from the first message after the setup). A
server that sends no index (the Gemini API sends it only for transparent resumption)
is taken to have consumed what was sent before its update arrived.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import msgspec

from generativelanguage.runtime import structs
from generativelanguage.runtime.errors import RequestValidationError
from generativelanguage.runtime.websocket import WebSocketSpec

logger = logging.getLogger("generativelanguage.live")

#: The MIME types ``send_realtime_input`` gives raw bytes (the Live API's input format:
#: 16-bit little-endian PCM at 16 kHz; video as JPEG frames).
AUDIO_MIME_TYPE = "audio/pcm;rate=16000"
VIDEO_MIME_TYPE = "image/jpeg"

#: Index of the setup message on each connection (see the module docstring).
SETUP_INDEX = 0


class Outbox:
    """The client messages the server may not have consumed, in order, with their
    index on the current connection."""

    __slots__ = ("_items", "next_index", "bytes")

    def __init__(self) -> None:
        self._items: deque[tuple[int, bytes]] = deque()
        self.next_index = SETUP_INDEX + 1
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    def sent(self, data: bytes) -> int:
        """Record a message sent (or about to be sent) on the current connection."""
        index = self.next_index
        self._items.append((index, data))
        self.next_index += 1
        self.bytes += len(data)
        return index

    def consumed(self, index: int) -> None:
        """The server holds every message up to ``index`` in its resumable state."""
        items = self._items
        while items and items[0][0] <= index:
            self.bytes -= len(items.popleft()[1])

    def consumed_all(self) -> None:
        self._items.clear()
        self.bytes = 0

    def restart(self) -> list[bytes]:
        """The unconsumed messages, to be sent again, in order, on a new connection
        (each through :meth:`sent` again, which numbers them anew)."""
        pending = [data for _, data in self._items]
        self._items.clear()
        self.bytes = 0
        self.next_index = SETUP_INDEX + 1
        return pending


class Codec:
    """Builds and encodes client messages, decodes server messages, for one endpoint.

    Args:
        spec: The endpoint (its ``client`` and ``server`` envelope types).
        types: The API version's generated types module (``Content``, ``Blob``, ...).
    """

    def __init__(self, spec: WebSocketSpec, types: Any) -> None:
        self.spec = spec
        self.types = types
        self.client_type = spec.client
        self.server_type = spec.server
        self._decoder = structs.decoder(spec.server)
        self._encode = structs.encode
        # Bound once: the hot paths (a text turn, an audio chunk) build these directly.
        self._content = types.Content
        self._part = types.Part
        self._turn = types.BidiGenerateContentClientContent
        self._realtime = types.BidiGenerateContentRealtimeInput
        self._blob = types.Blob

    # -- server messages ---------------------------------------------------------------

    def decode(self, data: bytes | str) -> Any:
        """One server message (a text or binary frame holding JSON)."""
        try:
            return self._decoder.decode(data)
        except (msgspec.ValidationError, msgspec.DecodeError):
            return structs.decode(self.server_type, data)  # repairs base64, or raises

    # -- client messages ---------------------------------------------------------------

    def setup(self, model: str, config: Any = None, handle: str | None = None) -> Any:
        """The setup of a session: ``config`` (a setup Struct or dict, without the
        model; a string ``systemInstruction`` is its text) with ``model`` and, when
        resuming, the session's ``handle``."""
        setup_type = msgspec.structs.fields(self.client_type)
        setup_cls = next(f.type for f in setup_type if f.encode_name == "setup")
        setup_cls = _struct_of(setup_cls)
        if config is None:
            setup = setup_cls()
        elif isinstance(config, Mapping):
            model_key = next((k for k in ("model",) if k in config), None)
            if model_key is not None and config[model_key] not in (None, model):
                raise RequestValidationError(
                    f"config.model={config[model_key]!r} disagrees with model={model!r}; "
                    "give the model once, as connect()'s first argument",
                    path="config.model",
                )
            config = dict(config)
            for key in ("systemInstruction", "system_instruction"):
                if isinstance(config.get(key), str):
                    # A string is the instruction's text, as in the official SDK.
                    config[key] = {"parts": [{"text": config[key]}]}
            setup = structs.to_struct(setup_cls, config, "config")
        else:
            setup = structs.to_struct(setup_cls, config, "config")
        setup = msgspec.structs.replace(setup, model=model_name(model))
        if handle is not None:
            resumption = setup.session_resumption or self.types.SessionResumptionConfig()
            setup = msgspec.structs.replace(
                setup, session_resumption=msgspec.structs.replace(resumption, handle=handle)
            )
        return setup

    def encode_setup(self, setup: Any) -> bytes:
        return self._encode(self.client_type(setup=setup))

    def client_content(self, turns: Any, turn_complete: bool) -> bytes:
        if type(turns) is str:  # one user turn of text: the common case, built directly
            built = [self._content(role="user", parts=[self._part(text=turns)])]
        else:
            built = contents(self.types, turns)
        content = self._turn(turns=built, turn_complete=turn_complete)
        return self._encode(self.client_type(client_content=content))

    def realtime_input(
        self,
        *,
        audio: Any = None,
        video: Any = None,
        text: str | None = None,
        audio_stream_end: bool | None = None,
        activity_start: bool | None = None,
        activity_end: bool | None = None,
        media_chunks: Iterable[Any] | None = None,
    ) -> bytes:
        t = self.types
        given = [
            audio is not None,
            video is not None,
            text is not None,
            bool(audio_stream_end),
            bool(activity_start),
            bool(activity_end),
            media_chunks is not None,
        ]
        if not any(given):
            raise RequestValidationError(
                "send_realtime_input: give one of audio=, video=, text=, "
                "audio_stream_end=True, activity_start=True, activity_end=True",
                path="realtime_input",
            )
        if sum(given) > 1:
            # The service rejects a realtime input with more than one field set.
            raise RequestValidationError(
                "send_realtime_input: give one kind of input per message "
                "(send audio and video as separate messages)",
                path="realtime_input",
            )
        message = t.BidiGenerateContentRealtimeInput(
            audio=blob(t, audio, AUDIO_MIME_TYPE, "audio") if audio is not None else None,
            video=blob(t, video, VIDEO_MIME_TYPE, "video") if video is not None else None,
            text=text,
            audio_stream_end=True if audio_stream_end else None,
            activity_start=t.ActivityStart() if activity_start else None,
            activity_end=t.ActivityEnd() if activity_end else None,
            media_chunks=(
                [blob(t, c, AUDIO_MIME_TYPE, "media_chunks") for c in media_chunks]
                if media_chunks is not None
                else None
            ),
        )
        return self._encode(self.client_type(realtime_input=message))

    def audio(self, data: bytes, mime_type: str = AUDIO_MIME_TYPE) -> bytes:
        """A realtime audio chunk: the hot path of a voice session, built directly."""
        return self._encode(
            self.client_type(
                realtime_input=self._realtime(audio=self._blob(data=data, mime_type=mime_type))
            )
        )

    def tool_response(self, function_responses: Any) -> bytes:
        t = self.types
        if isinstance(function_responses, (t.FunctionResponse, Mapping)):
            function_responses = [function_responses]
        items = [
            structs.to_struct(t.FunctionResponse, r, f"function_responses[{i}]")
            for i, r in enumerate(function_responses)
        ]
        if not items:
            raise RequestValidationError(
                "send_tool_response: no function responses", path="function_responses"
            )
        message = t.BidiGenerateContentToolResponse(function_responses=items)
        return self._encode(self.client_type(tool_response=message))

    def message(self, message: Any) -> bytes:
        """A whole client message (Struct or dict, either spelling of its keys)."""
        return structs.encode_body(self.client_type, message)


def _struct_of(annotation: Any) -> Any:
    """``X`` from ``X | None`` as msgspec reports a field's type."""
    for arg in getattr(annotation, "__args__", ()) or (annotation,):
        if isinstance(arg, type) and issubclass(arg, msgspec.Struct):
            return arg
    return annotation


def model_name(model: str) -> str:
    """``models/<id>`` for a bare model id; a full resource name is kept."""
    if not isinstance(model, str) or not model.strip():
        raise RequestValidationError(f"model: expected a model name, got {model!r}", path="model")
    model = model.strip()
    return model if "/" in model else f"models/{model}"


def contents(t: Any, turns: Any) -> list[Any]:
    """Turns given as a string, a ``Content``, a dict, or a list of these."""
    if isinstance(turns, (str, t.Content, Mapping)):
        turns = [turns]
    out = []
    for i, turn in enumerate(turns):
        if isinstance(turn, str):
            out.append(t.Content(role="user", parts=[t.Part(text=turn)]))
        else:
            out.append(structs.to_struct(t.Content, turn, f"turns[{i}]"))
    return out


def blob(t: Any, value: Any, default_mime: str, what: str) -> Any:
    """A ``Blob`` from raw bytes (``default_mime``), a Blob, or a dict."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return t.Blob(data=bytes(value), mime_type=default_mime)
    return structs.to_struct(t.Blob, value, what)


# -- the state of one session, across its connections ----------------------------------


class SessionState:
    """What a session remembers across connections, and what each server message means
    for it. Sync and async sessions feed it messages and do what it answers."""

    def __init__(self, codec: Codec, setup: Any, resumption: bool) -> None:
        self.codec = codec
        self.setup = setup
        self.resumption = resumption
        self.handle: str | None = None
        self.outbox = Outbox()
        self.go_away = False
        #: How many times the session moved to a new connection.
        self.resumptions = 0
        self.session_id: str | None = None

    def setup_frame(self) -> bytes:
        """The setup for the next connection: with the latest handle when resuming."""
        if self.resumption and self.handle is not None:
            return self.codec.encode_setup(
                self.codec.setup(self.setup.model, self.setup, self.handle)
            )
        return self.codec.encode_setup(self.setup)

    def can_resume(self) -> bool:
        return self.resumption and self.handle is not None

    def on_message(self, message: Any) -> bool:
        """Update the state from one server message; True when the session should move
        to a new connection now (after a ``goAway``, at the first resumable point)."""
        if message.server_content is not None:
            return False  # most messages: nothing to account for
        update = message.session_resumption_update
        if update is not None:
            if update.resumable and update.new_handle:
                self.handle = update.new_handle
                index = update.last_consumed_client_message_index
                if index is not None:
                    self.outbox.consumed(int(index))
                else:
                    self.outbox.consumed_all()
                return self.go_away
            return False
        if message.go_away is not None:
            self.go_away = True
            logger.debug(
                "goAway (time left %s); resuming at the next resumable point",
                message.go_away.time_left,
            )
            return False
        if message.setup_complete is not None and message.setup_complete.session_id:
            self.session_id = message.setup_complete.session_id
        return False

    def moved(self) -> list[bytes]:
        """The session is on a new connection: the messages to send again, in order."""
        self.go_away = False
        self.resumptions += 1
        pending = self.outbox.restart()
        logger.debug("resumed session (%d messages re-sent)", len(pending))
        return pending


def tool_answers(
    calls: Iterable[Any], tools: Mapping[str, Callable[..., Any]] | Callable[[Any], Any]
) -> list[dict[str, Any]]:
    """Function responses for ``calls``: ``tools`` maps a function name to a Python
    callable invoked with the call's arguments (its result is the response's
    ``result``), or is one callable given each ``FunctionCall`` that returns the
    response dict. A failing function answers ``{"error": "<message>"}`` so the model
    can react, as function-calling loops do."""
    out = []
    for call in calls:
        try:
            if callable(tools) and not isinstance(tools, Mapping):
                response = tools(call)
            else:
                fn = tools.get(call.name)
                if fn is None:
                    raise LookupError(f"no function named {call.name!r} was given in tools=")
                response = {"result": fn(**(call.args or {}))}
        except Exception as exc:  # the model is told, the session goes on
            response = {"error": f"{type(exc).__name__}: {exc}"}
        if not isinstance(response, Mapping):
            response = {"result": response}
        out.append({"id": call.id, "name": call.name, "response": dict(response)})
    return out

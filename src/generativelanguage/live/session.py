"""Live API sessions: ``client.live.connect(...)``, blocking (``Session``) and asyncio
(``AsyncSession``).

Both are thin: they open connections, move frames and sleep; what each server message
means, what to send again after a reconnection and which close ends the session is
decided by :mod:`generativelanguage.live.protocol` and :mod:`.errors`, shared by both.

A session survives a connection: with session resumption on, a ``goAway`` moves it to
a new connection at the next resumable point, and a dropped connection (or a close the
service means as temporary, such as 1011 "unavailable") resumes it with the last handle;
the client messages the server had not consumed are sent again first, so no input is
lost. Sends made meanwhile wait for the new connection. Without resumption a close
raises its typed error in whoever waits on the socket; nobody waits forever: receives
end with the connection, connects and the setup are bounded by timeouts, and keep-alive
pings notice a silent network.
"""

from __future__ import annotations

import importlib
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import Any

import msgspec

from generativelanguage.runtime import errors

from . import net
from .errors import RESUMABLE, SessionClosedError
from .protocol import AUDIO_MIME_TYPE, Codec, SessionState, logger, tool_answers
from .turns import Turn

Tools = Mapping[str, Callable[..., Any]] | Callable[[Any], Any]


def _version_parts(client: Any) -> tuple[Any, Any]:
    """The ``resources`` and ``types`` modules of ``client``'s API version."""
    package = type(client).__module__.rpartition(".")[0]
    resources = importlib.import_module(package + ".resources")
    types = importlib.import_module(package + ".types")
    return resources, types


def _supports(function: Any, parameter: str) -> bool:
    import inspect

    try:
        return parameter in inspect.signature(function).parameters
    except (TypeError, ValueError):  # pragma: no cover
        return False


class _Core:
    """What the sync and async sessions share: configuration, codec, state, turn logic."""

    def __init__(
        self,
        client: Any,
        model: str,
        config: Any,
        *,
        resumption: bool | None,
        token: Any,
        options: net.Options,
    ) -> None:
        resources, types = _version_parts(client)
        sockets = getattr(resources, "WEBSOCKETS", {})
        token_name = getattr(token, "name", token)
        api_key = getattr(client, "_api_key", None) or ""
        if token_name is None and api_key.startswith(net.EPHEMERAL_PREFIX):
            token_name = api_key  # an ephemeral token given as the client's key
        name = net.CONSTRAINED if token_name is not None else net.DEFAULT
        if name not in sockets:
            raise errors.RequestValidationError(
                f"API version {client.API_VERSION} has no Live API endpoint {name!r}",
                path="live",
            )
        spec = sockets[name]
        self.types = types
        self.codec = Codec(spec, types)
        #: Python functions given in ``config["tools"]`` (issue 10's function calling,
        #: ``generativelanguage.gemini.functions``): declared from their signatures, and
        #: run when the model calls them during ``receive_turn``.
        self.toolbox: Any = None
        if isinstance(config, Mapping) and config.get("tools"):
            from generativelanguage.gemini import functions

            if any(functions.is_function(t) for t in config["tools"]):
                self.toolbox = functions.Toolbox(config["tools"])
                config = {**config, "tools": self.toolbox.wire}
        setup = self.codec.setup(model, config)
        if resumption is None:
            resumption = setup.session_resumption is not None
        elif resumption and setup.session_resumption is None:
            setup = msgspec.structs.replace(
                setup, session_resumption=types.SessionResumptionConfig()
            )
        self.state = SessionState(self.codec, setup, bool(resumption))
        self.options = options
        self.target = net.target(client, spec, options, token_name)
        #: The exact JSON of the last server message received (for kinds this client
        #: does not type, whose fields all decode as None).
        self.last_raw: bytes | str | None = None
        #: The ``setupComplete`` message of the first connection.
        self.setup_complete: Any = None
        self._closed = False
        #: Messages read from a broken connection by a sender before it resumed the
        #: session, still to be handed to the receiver.
        self._backlog: deque[Any] = deque()
        #: Whether a receiver waits on the socket (then it, not a sender, resumes).
        self._reading = False

    # -- what callers see --------------------------------------------------------------

    @property
    def resumptions(self) -> int:
        """How many times the session moved to a new connection (goAway, drops)."""
        return self.state.resumptions

    @property
    def handle(self) -> str | None:
        """The latest session resumption handle (to resume later, in another process)."""
        return self.state.handle

    @property
    def session_id(self) -> str | None:
        return self.state.session_id

    @property
    def closed(self) -> bool:
        return self._closed

    def _decode(self, raw: bytes | str) -> tuple[Any, bool]:
        self.last_raw = raw
        message = self.codec.decode(raw)
        return message, self.state.on_message(message)

    def _recoverable(self, error: Exception) -> bool:
        if self._closed or not self.state.can_resume():
            return False
        if isinstance(error, errors.StreamInterruptedError):
            return True
        if self.state.go_away:
            return True  # the server closed after its goAway, as announced
        return isinstance(error, RESUMABLE)

    def _check_open(self) -> None:
        if self._closed:
            raise SessionClosedError("the Live session is closed")

    def _answers(self, turn: Turn, tools: Tools | None, start: int) -> list[dict] | None:
        """Answers to the turn's new calls by ``tools``; None to leave them to the caller
        (or to the session's Python functions, see ``_toolbox_calls``)."""
        if tools is None or len(turn.tool_calls) <= start:
            return None
        return tool_answers(turn.tool_calls[start:], tools)

    def _toolbox_calls(self, turn: Turn, tools: Tools | None, start: int) -> list[Any]:
        """The turn's new calls when the session's Python functions can answer them all."""
        calls = turn.tool_calls[start:]
        if tools is None and self.toolbox is not None and self.toolbox.can_run(calls):
            return calls
        return []


class Session(_Core):
    """A blocking Live API session; made by ``client.live.connect(...)``.

    Methods are thread-safe: one thread may receive while others send (audio from a
    microphone thread, for instance).
    """

    def __init__(self, *args: Any, sleep: Callable[[float], None] = time.sleep, **kw: Any):
        super().__init__(*args, **kw)
        self._sleep = sleep
        self._lock = threading.RLock()
        self._ws: Any = None
        self._client_module = net.websockets_module("websockets.sync.client")
        self._exceptions = net.websockets_module("websockets.exceptions")
        # websockets 17 wants connect() as a context manager unless legacy=True; older
        # releases return the connection directly and have no such argument.
        self._legacy = {"legacy": True} if _supports(self._client_module.connect, "legacy") else {}
        self._ws = self._open()

    # -- connections -------------------------------------------------------------------

    def _open(self) -> Any:
        """A new connection with the setup sent and ``setupComplete`` received."""
        t = self.target
        try:
            ws = self._client_module.connect(
                t.url, additional_headers=t.headers, **t.kwargs, **self._legacy
            )
        except self._exceptions.InvalidStatus as exc:
            raise net.handshake_error(exc) from None
        except (OSError, TimeoutError, self._exceptions.WebSocketException) as exc:
            raise net.handshake_error(exc) from None
        try:
            self._send_on(ws, self.state.setup_frame())
            try:
                raw = ws.recv(self.options.setup_timeout)
            except TimeoutError:
                raise errors.APITimeoutError(
                    f"Live API: no setupComplete within {self.options.setup_timeout} s"
                ) from None
            message, _ = self._decode(raw)
            if message.setup_complete is None:
                raise errors.ResponseDecodeError(
                    "Live API: the server's first message is not setupComplete",
                    raw if isinstance(raw, str) else raw.decode("utf-8", "replace"),
                )
            if self.setup_complete is None:
                self.setup_complete = message
            return ws
        except self._exceptions.ConnectionClosed as exc:
            ws.close()
            raise net.closed_error(exc) from None
        except BaseException:
            ws.close()
            raise

    @staticmethod
    def _send_on(ws: Any, data: bytes) -> None:
        ws.send(data, text=True)  # JSON as a text frame, without decoding it to str

    def _recover(self, failed: Any, error: Exception) -> None:
        """After ``failed`` broke with ``error``: resume on a new connection, or raise."""
        with self._lock:
            if self._ws is not failed:
                return  # another thread already moved the session
            if not self._recoverable(error):
                raise error
            last: Exception = error
            delay = self.options.reconnect_backoff
            for attempt in range(self.options.reconnect_attempts):
                if attempt:
                    self._sleep(delay)
                    delay *= 2
                try:
                    ws = self._open()
                except (errors.APIConnectionError, *RESUMABLE) as exc:
                    last = exc
                    logger.debug("resuming: attempt %d failed: %s", attempt + 1, exc)
                    continue
                break
            else:
                raise last
            for data in self.state.moved():
                self.state.outbox.sent(data)
                self._send_on(ws, data)
            self._ws = ws
        _close_quietly(failed)

    def _send(self, data: bytes) -> None:
        with self._lock:
            self._check_open()
            ws = self._ws
            if self.state.resumption:
                self.state.outbox.sent(data)
            try:
                self._send_on(ws, data)
                return
            except self._exceptions.ConnectionClosed as exc:
                error = net.closed_error(exc)
            if self.state.resumption and self._reading:
                return  # in the outbox: the receiver resumes and sends it again
            if self._recoverable(error):
                self._drain(ws)
        self._recover(ws, error)

    def _drain(self, ws: Any) -> None:
        """Keep what the broken connection still holds (its last messages, such as the
        resumption update that says what the server consumed) for the receiver."""
        while True:
            try:
                raw = ws.recv(self.options.close_timeout)
            except (self._exceptions.ConnectionClosed, TimeoutError):
                return
            message, _ = self._decode(raw)
            self._backlog.append(message)

    # -- sending -----------------------------------------------------------------------

    def send_client_content(self, turns: Any = None, turn_complete: bool = True) -> None:
        """Append turns to the conversation; with ``turn_complete`` the model answers.

        Args:
            turns: A string (one user turn), a ``types.Content`` or dict, or a list of
                them (history, alternating roles).
            turn_complete: Whether the model should answer now.
        """
        self._send(self.codec.client_content(turns if turns is not None else [], turn_complete))

    def send_realtime_input(
        self,
        *,
        audio: Any = None,
        video: Any = None,
        text: str | None = None,
        audio_stream_end: bool | None = None,
        activity_start: bool | None = None,
        activity_end: bool | None = None,
        media_chunks: Any = None,
    ) -> None:
        """Stream realtime input: one of ``audio`` (raw 16 kHz 16-bit PCM bytes, or a
        ``Blob``/dict with its own MIME type), ``video`` (JPEG bytes or a Blob),
        ``text``, ``audio_stream_end=True``, ``activity_start=True`` or
        ``activity_end=True``."""
        if isinstance(audio, (bytes, bytearray)) and all(
            v is None
            for v in (video, text, audio_stream_end, activity_start, activity_end, media_chunks)
        ):
            self._send(self.codec.audio(bytes(audio)))
            return
        self._send(
            self.codec.realtime_input(
                audio=audio,
                video=video,
                text=text,
                audio_stream_end=audio_stream_end,
                activity_start=activity_start,
                activity_end=activity_end,
                media_chunks=media_chunks,
            )
        )

    def send_audio(self, data: bytes, mime_type: str = AUDIO_MIME_TYPE) -> None:
        """One chunk of realtime audio (the shortest path for a voice stream)."""
        self._send(self.codec.audio(data, mime_type))

    def send_tool_response(self, function_responses: Any) -> None:
        """Answer tool calls: ``FunctionResponse``s or dicts (``id``, ``name``,
        ``response``), one or a list."""
        self._send(self.codec.tool_response(function_responses))

    def send(self, message: Any) -> None:
        """Send a whole client message (a ``BidiGenerateContentClientMessage`` or dict)."""
        self._send(self.codec.message(message))

    # -- receiving ---------------------------------------------------------------------

    def _next(self) -> Any | None:
        """The next server message; None when the server ended the session normally."""
        while True:
            if self._backlog:
                return self._backlog.popleft()
            ws = self._ws
            self._reading = True
            try:
                raw = ws.recv(decode=False)  # bytes: msgspec decodes them without a str
            except self._exceptions.ConnectionClosedOK as exc:
                if self._closed:
                    return None
                error: Exception = net.closed_error(exc)
                if exc.rcvd is not None and exc.rcvd.code == 1000 and not self.state.go_away:
                    self._closed = True
                    return None
            except self._exceptions.ConnectionClosed as exc:
                if self._closed:
                    return None
                error = net.closed_error(exc)
            else:
                message, move = self._decode(raw)
                if move:
                    self._recover(ws, errors.Unavailable("goAway", http_status=503))
                return message
            finally:
                self._reading = False
            self._recover(ws, error)

    def __iter__(self) -> Iterator[Any]:
        """Every server message until the session ends."""
        while True:
            message = self._next()
            if message is None:
                return
            yield message

    def receive(self) -> Iterator[Any]:
        """The server messages of the current model turn, the one that completes it
        included (a tool call does not end a turn: answer it and keep receiving)."""
        while True:
            message = self._next()
            if message is None:
                return
            yield message
            if message.turn_complete:
                return

    def receive_turn(self, tools: Tools | None = None) -> Turn:
        """The whole current model turn, joined: its text, its PCM audio,
        transcriptions, tool calls and usage.

        Calls to the Python functions given in the config's ``tools`` are answered
        automatically (run, their results sent back), as chats do.

        Args:
            tools: Answer other tool calls automatically: a mapping of function name to
                a Python callable called with the call's arguments, or one callable
                given each ``FunctionCall`` and returning the response dict. Without
                it (and without a Python function for the call) the turn is returned at
                the tool call, for the caller to answer with ``send_tool_response``.
        """
        turn, start, answered = Turn(), self.resumptions, 0
        while True:
            message = self._next()
            if message is None:
                return turn
            if self.resumptions != start and not turn.complete:
                # The session resumed mid-turn: the server generates the turn again.
                turn, start, answered = Turn(), self.resumptions, 0
            turn.add(message)
            if turn.complete:
                return turn
            if message.tool_call is not None:
                calls = self._toolbox_calls(turn, tools, answered)
                if calls:
                    answers = [p["functionResponse"] for p in self.toolbox.run(calls)]
                else:
                    answers = self._answers(turn, tools, answered)
                if answers is None:
                    return turn
                answered = len(turn.tool_calls)
                self.send_tool_response(answers)

    # -- closing -----------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection (code 1000); safe to call twice."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            ws = self._ws
        _close_quietly(ws)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _close_quietly(ws: Any) -> None:
    try:
        ws.close()
    except Exception:  # already gone: nothing left to release
        pass


class AsyncSession(_Core):
    """An asyncio Live API session; made by ``async with client.live.connect(...)``."""

    def __init__(self, *args: Any, sleep: Callable[[float], Any] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        import asyncio

        self._asyncio = asyncio
        self._sleep = sleep or asyncio.sleep
        self._lock = asyncio.Lock()
        self._ws: Any = None
        self._client_module = net.websockets_module("websockets.asyncio.client")
        self._exceptions = net.websockets_module("websockets.exceptions")

    async def _start(self) -> AsyncSession:
        self._ws = await self._open()
        return self

    async def _open(self) -> Any:
        t = self.target
        try:
            ws = await self._client_module.connect(t.url, additional_headers=t.headers, **t.kwargs)
        except self._exceptions.InvalidStatus as exc:
            raise net.handshake_error(exc) from None
        except (OSError, TimeoutError, self._exceptions.WebSocketException) as exc:
            raise net.handshake_error(exc) from None
        try:
            await self._send_on(ws, self.state.setup_frame())
            try:
                raw = await self._asyncio.wait_for(ws.recv(), self.options.setup_timeout)
            except (TimeoutError, self._asyncio.TimeoutError):
                raise errors.APITimeoutError(
                    f"Live API: no setupComplete within {self.options.setup_timeout} s"
                ) from None
            message, _ = self._decode(raw)
            if message.setup_complete is None:
                raise errors.ResponseDecodeError(
                    "Live API: the server's first message is not setupComplete",
                    raw if isinstance(raw, str) else raw.decode("utf-8", "replace"),
                )
            if self.setup_complete is None:
                self.setup_complete = message
            return ws
        except self._exceptions.ConnectionClosed as exc:
            await ws.close()
            raise net.closed_error(exc) from None
        except BaseException:
            await ws.close()
            raise

    @staticmethod
    async def _send_on(ws: Any, data: bytes) -> None:
        await ws.send(data, text=True)

    async def _recover(self, failed: Any, error: Exception) -> None:
        async with self._lock:
            if self._ws is not failed:
                return
            if not self._recoverable(error):
                raise error
            last: Exception = error
            delay = self.options.reconnect_backoff
            for attempt in range(self.options.reconnect_attempts):
                if attempt:
                    await self._sleep(delay)
                    delay *= 2
                try:
                    ws = await self._open()
                except (errors.APIConnectionError, *RESUMABLE) as exc:
                    last = exc
                    logger.debug("resuming: attempt %d failed: %s", attempt + 1, exc)
                    continue
                break
            else:
                raise last
            for data in self.state.moved():
                self.state.outbox.sent(data)
                await self._send_on(ws, data)
            self._ws = ws
        await _aclose_quietly(failed)

    async def _send(self, data: bytes) -> None:
        # Waits while the session moves to a new connection (the lock is held then).
        async with self._lock:
            self._check_open()
            ws = self._ws
            if self.state.resumption:
                self.state.outbox.sent(data)
            try:
                await self._send_on(ws, data)
                return
            except self._exceptions.ConnectionClosed as exc:
                error = net.closed_error(exc)
            if self.state.resumption and self._reading:
                return  # in the outbox: the receiver resumes and sends it again
            if self._recoverable(error):
                await self._drain(ws)
        await self._recover(ws, error)

    async def _drain(self, ws: Any) -> None:
        """Keep what the broken connection still holds for the receiver."""
        while True:
            try:
                raw = await self._asyncio.wait_for(ws.recv(), self.options.close_timeout)
            except (self._exceptions.ConnectionClosed, TimeoutError, self._asyncio.TimeoutError):
                return
            message, _ = self._decode(raw)
            self._backlog.append(message)

    async def send_client_content(self, turns: Any = None, turn_complete: bool = True) -> None:
        """Append turns to the conversation (see ``Session.send_client_content``)."""
        await self._send(
            self.codec.client_content(turns if turns is not None else [], turn_complete)
        )

    async def send_realtime_input(
        self,
        *,
        audio: Any = None,
        video: Any = None,
        text: str | None = None,
        audio_stream_end: bool | None = None,
        activity_start: bool | None = None,
        activity_end: bool | None = None,
        media_chunks: Any = None,
    ) -> None:
        """Stream realtime input (see ``Session.send_realtime_input``)."""
        if isinstance(audio, (bytes, bytearray)) and all(
            v is None
            for v in (video, text, audio_stream_end, activity_start, activity_end, media_chunks)
        ):
            await self._send(self.codec.audio(bytes(audio)))
            return
        await self._send(
            self.codec.realtime_input(
                audio=audio,
                video=video,
                text=text,
                audio_stream_end=audio_stream_end,
                activity_start=activity_start,
                activity_end=activity_end,
                media_chunks=media_chunks,
            )
        )

    async def send_audio(self, data: bytes, mime_type: str = AUDIO_MIME_TYPE) -> None:
        """One chunk of realtime audio."""
        await self._send(self.codec.audio(data, mime_type))

    async def send_tool_response(self, function_responses: Any) -> None:
        """Answer tool calls (see ``Session.send_tool_response``)."""
        await self._send(self.codec.tool_response(function_responses))

    async def send(self, message: Any) -> None:
        """Send a whole client message (Struct or dict)."""
        await self._send(self.codec.message(message))

    async def _next(self) -> Any | None:
        while True:
            if self._backlog:
                return self._backlog.popleft()
            ws = self._ws
            self._reading = True
            try:
                raw = await ws.recv(decode=False)
            except self._exceptions.ConnectionClosedOK as exc:
                if self._closed:
                    return None
                error: Exception = net.closed_error(exc)
                if exc.rcvd is not None and exc.rcvd.code == 1000 and not self.state.go_away:
                    self._closed = True
                    return None
            except self._exceptions.ConnectionClosed as exc:
                if self._closed:
                    return None
                error = net.closed_error(exc)
            else:
                message, move = self._decode(raw)
                if move:
                    await self._recover(ws, errors.Unavailable("goAway", http_status=503))
                return message
            finally:
                self._reading = False
            await self._recover(ws, error)

    async def __aiter__(self) -> AsyncIterator[Any]:
        """Every server message until the session ends."""
        while True:
            message = await self._next()
            if message is None:
                return
            yield message

    async def receive(self) -> AsyncIterator[Any]:
        """The server messages of the current model turn (see ``Session.receive``)."""
        while True:
            message = await self._next()
            if message is None:
                return
            yield message
            if message.turn_complete:
                return

    async def receive_turn(self, tools: Tools | None = None) -> Turn:
        """The whole current model turn, joined (see ``Session.receive_turn``)."""
        turn, start, answered = Turn(), self.resumptions, 0
        while True:
            message = await self._next()
            if message is None:
                return turn
            if self.resumptions != start and not turn.complete:
                turn, start, answered = Turn(), self.resumptions, 0
            turn.add(message)
            if turn.complete:
                return turn
            if message.tool_call is not None:
                calls = self._toolbox_calls(turn, tools, answered)
                if calls:
                    parts = await self.toolbox.arun(calls)
                    answers = [p["functionResponse"] for p in parts]
                else:
                    answers = self._answers(turn, tools, answered)
                if answers is None:
                    return turn
                answered = len(turn.tool_calls)
                await self.send_tool_response(answers)

    async def close(self) -> None:
        """Close the connection (code 1000); safe to call twice."""
        if self._closed:
            return
        self._closed = True
        if self._ws is not None:
            await _aclose_quietly(self._ws)


async def _aclose_quietly(ws: Any) -> None:
    try:
        await ws.close()
    except Exception:
        pass


class _Connecting:
    """``async with client.live.connect(...) as session``."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def __aenter__(self) -> AsyncSession:
        return await self._session._start()

    async def __aexit__(self, *exc: object) -> None:
        await self._session.close()


class Live:
    """``client.live``: Live API sessions of a blocking ``Client``."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def connect(
        self,
        model: str,
        *,
        config: Any = None,
        resumption: bool | None = None,
        token: Any = None,
        options: net.Options | None = None,
        **option_values: Any,
    ) -> Session:
        """Open a session: connect, send the setup, wait for ``setupComplete``.

        Args:
            model: The model, e.g. ``"gemini-live-2.5-flash"`` or ``"models/..."``.
            config: The session's configuration: a ``types.BidiGenerateContentSetup``
                or a dict of the same shape, without the model (``generationConfig``,
                ``systemInstruction``, ``tools``, ``realtimeInputConfig``,
                ``sessionResumption``, transcription configs, ...).
            resumption: Turn session resumption on (True) or off (False); by default
                on exactly when ``config`` sets ``sessionResumption``. With it the
                session survives ``goAway`` and dropped connections.
            token: An ephemeral token (``AuthToken`` or its name) instead of the
                client's key; it connects to ``BidiGenerateContentConstrained``. A
                client whose key starts with ``auth_tokens/`` uses it by itself.
            options: Connection options (timeouts, pings, proxy, TLS, reconnection);
                or give them as keywords (``setup_timeout=10``, ...).

        Returns:
            The open session; use it as a context manager to close it.
        """
        opts = _options(options, option_values)
        return Session(
            self._client, model, config, resumption=resumption, token=token, options=opts
        )


class AsyncLive:
    """``client.live``: Live API sessions of an ``AsyncClient``."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def connect(
        self,
        model: str,
        *,
        config: Any = None,
        resumption: bool | None = None,
        token: Any = None,
        options: net.Options | None = None,
        **option_values: Any,
    ) -> _Connecting:
        """``async with client.live.connect(model, config=...) as session:`` (the
        arguments are those of ``Live.connect``)."""
        opts = _options(options, option_values)
        return _Connecting(
            AsyncSession(
                self._client, model, config, resumption=resumption, token=token, options=opts
            )
        )


def _options(options: net.Options | None, values: dict[str, Any]) -> net.Options:
    import dataclasses

    base = options or net.Options()
    known = {f.name for f in dataclasses.fields(net.Options)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise TypeError(
            f"connect() got unexpected keyword argument(s) {', '.join(unknown)}; "
            f"options are {', '.join(sorted(known))}"
        )
    return dataclasses.replace(base, **values) if values else base

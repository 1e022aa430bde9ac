"""The blocking Live API session (``with client.live.connect(...)``); its asyncio twin
is :mod:`.async_session`, what both share :mod:`.core`.

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

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from generativelanguage.runtime import errors

from . import net
from .core import SessionCore, Tools, supports
from .errors import RESUMABLE
from .protocol import AUDIO_MIME_TYPE, logger
from .turns import Turn


class Session(SessionCore):
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
        self._legacy = {"legacy": True} if supports(self._client_module.connect, "legacy") else {}
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
                answers: list[dict[str, Any]] | None
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

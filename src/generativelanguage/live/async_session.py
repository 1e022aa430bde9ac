"""The asyncio Live API session (``async with client.live.connect(...)``); the blocking
one, and how a session survives a connection, are in :mod:`.session`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from generativelanguage.runtime import errors

from . import net
from .core import SessionCore, Tools
from .errors import RESUMABLE
from .protocol import AUDIO_MIME_TYPE, logger
from .turns import Turn


class AsyncSession(SessionCore):
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
                answers: list[dict[str, Any]] | None
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

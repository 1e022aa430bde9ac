"""Parse a Server-Sent Events byte stream into events.

This module has a single job: turn the bytes of a ``text/event-stream`` response
into :class:`ServerSentEvent` objects, following the WHATWG HTML Living Standard,
section 9.2.6 "Interpreting an event stream"
(https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
It performs no I/O: callers feed it chunks of bytes, in whatever sizes the
transport happens to deliver them, and get events back.

The one intentional deviation from the spec is at end of stream; see
:meth:`SSEDecoder.flush`.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator

__all__ = ["SSEDecoder", "ServerSentEvent", "aiter_events", "iter_events"]

_BOM = b"\xef\xbb\xbf"
_LF = 0x0A


class ServerSentEvent:
    """One dispatched event.

    Attributes:
        event: The event type. ``"message"`` when the stream gave no ``event``
            field, or an empty one (spec: "dispatch the event", step 5).
        data: The lines of every ``data`` field of the event, joined with
            ``"\\n"``.
        id: The stream's last event ID at dispatch time. Per the spec it
            persists across events until another ``id`` field changes it;
            ``None`` means no ``id`` field has been seen on the stream yet
            (the spec's empty string is reserved for an explicit empty
            ``id`` field, which resets it).
        retry: The reconnection time in milliseconds given by a ``retry``
            field inside this event's block, or ``None``. The spec makes this
            stream state rather than event state; :attr:`SSEDecoder.retry`
            keeps that state, this is a per-event convenience.

    Instances compare equal when all four fields are equal. They are not
    hashable, because their attributes are assignable.
    """

    __slots__ = ("event", "data", "id", "retry")

    def __init__(
        self,
        event: str = "message",
        data: str = "",
        id: str | None = None,
        retry: int | None = None,
    ) -> None:
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry

    def __repr__(self) -> str:
        return (
            f"ServerSentEvent(event={self.event!r}, data={self.data!r}, "
            f"id={self.id!r}, retry={self.retry!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ServerSentEvent):
            return NotImplemented
        return (
            self.event == other.event
            and self.data == other.data
            and self.id == other.id
            and self.retry == other.retry
        )

    __hash__ = None  # type: ignore[assignment]  # mutable value object


class SSEDecoder:
    """Incremental, chunking-independent event stream parser.

    Feed it the response body chunk by chunk with :meth:`feed`, then call
    :meth:`flush` once the body has ended. The events produced are the same
    however the bytes are split into chunks: line endings and UTF-8 sequences
    split across chunk boundaries are reassembled before anything is decoded.

    The parser works on whole lines, never byte by byte in Python: it finds
    the last line terminator of a chunk with ``bytes.rfind``, splits the
    complete lines with ``bytes.splitlines`` and decodes only field values.

    Attributes:
        last_event_id: The spec's "last event ID buffer": the value of the
            most recent valid ``id`` field, or ``None`` if there was none.
            Kept across events and across :meth:`flush`, so a caller can send
            it as ``Last-Event-ID`` when reconnecting.
        retry: The stream's reconnection time in milliseconds from the most
            recent valid ``retry`` field, or ``None``. Also kept across
            :meth:`flush`.
    """

    __slots__ = (
        "_buf",
        "_skip_lf",
        "_bom_checked",
        "_data",
        "_event",
        "_event_retry",
        "last_event_id",
        "retry",
    )

    def __init__(self) -> None:
        # Bytes of the current, not yet terminated line.
        self._buf = bytearray()
        # True when the last byte seen was a CR: a LF opening the next chunk
        # is then the second half of a CR LF pair, not an empty line.
        self._skip_lf = False
        # Whether the start of the stream has been checked for a BOM.
        self._bom_checked = False
        # The spec's "data buffer", kept as a list of lines: appending
        # value + LF per field then dropping the final LF (spec, "dispatch
        # the event", step 3) is the same as joining the values with LF, and
        # "the data buffer is empty" is the same as "the list is empty".
        self._data: list[bytes] = []
        # The spec's "event type buffer".
        self._event = ""
        # The value of a valid ``retry`` field in the current event block.
        self._event_retry: int | None = None
        self.last_event_id: str | None = None
        self.retry: int | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Consume the next chunk of the stream.

        Args:
            chunk: The next bytes of the stream, of any length (empty is fine).

        Returns:
            The events whose terminating blank line is in this chunk, in
            stream order. Usually empty or a single event.
        """
        if not chunk:
            return []
        if not self._bom_checked:
            # Spec: "One leading U+FEFF BYTE ORDER MARK character must be
            # ignored if any are present." The three BOM bytes may arrive in
            # separate chunks, so wait until three bytes are known.
            buf = self._buf
            buf += chunk
            if len(buf) < 3 and _BOM.startswith(buf):
                return []
            self._bom_checked = True
            if buf.startswith(_BOM):
                del buf[:3]
            chunk = bytes(buf)
            buf.clear()
            if not chunk:
                return []
        elif self._skip_lf:
            # The previous chunk ended with CR; spec: "a U+000D CARRIAGE
            # RETURN U+000A LINE FEED (CRLF) character pair" is one line end.
            self._skip_lf = False
            if chunk[0] == _LF:
                chunk = chunk[1:]
                if not chunk:
                    return []

        # Spec: lines end with CRLF, a lone LF or a lone CR. Everything after
        # the last terminator is an incomplete line: keep it for later.
        # Neither byte can occur inside a multi-byte UTF-8 sequence, so
        # splitting the bytes here never cuts a character in two.
        lf = chunk.rfind(b"\n")
        cr = chunk.rfind(b"\r")
        end = lf if lf > cr else cr
        if end < 0:
            self._buf += chunk
            return []
        if self._buf:
            self._buf += chunk[: end + 1]
            block = bytes(self._buf)
            self._buf.clear()
        elif end == len(chunk) - 1:
            block = chunk
        else:
            block = chunk[: end + 1]
        if end != len(chunk) - 1:
            self._buf += chunk[end + 1 :]
        elif cr == end:
            # A CR ending the chunk may be the first half of a CRLF pair.
            self._skip_lf = True

        # bytes.splitlines() splits on exactly the spec's three terminators
        # (CRLF, LF, CR) and nothing else, in one C-level pass; since `block`
        # ends with a terminator, it yields only complete lines.
        lines = block.splitlines()
        return self._process(lines)

    def flush(self) -> list[ServerSentEvent]:
        """Finish the stream, returning an event left without a blank line.

        The spec says that at end of file "any pending data must be
        discarded", so an event whose final blank line never arrived is
        dropped. We deliberately dispatch it instead: the Gemini service
        sometimes ends a stream right after the last ``data`` line, and
        silently losing the final (often the largest) chunk of a response is
        worse than a lenient parse. An unterminated last line is processed
        as a complete line for the same reason.

        After ``flush`` the decoder is ready for a new stream (for example a
        reconnection); :attr:`last_event_id` and :attr:`retry` are kept.

        Returns:
            The final event, if the stream ended inside one; else empty.
        """
        lines: list[bytes] = []
        if self._buf:
            lines.append(bytes(self._buf))
            self._buf.clear()
        # Deliberate deviation from the spec (which discards it, see above):
        # a synthetic blank line dispatches the pending event, if it has any
        # data, so nothing the server sent is silently truncated. It also
        # resets the per-event state exactly as a real blank line would.
        lines.append(b"")
        self._skip_lf = False
        self._bom_checked = False
        return self._process(lines)

    def _process(self, lines: list[bytes]) -> list[ServerSentEvent]:
        """Apply complete lines to the parser state.

        Lines stay bytes; only field values are decoded. Spec: "Streams must
        be decoded using the UTF-8 decode algorithm", which replaces invalid
        sequences with U+FFFD. Decoding a value on its own gives the same
        text as decoding the whole stream, because every cut we make is next
        to an ASCII byte (CR, LF, ":" or " "), and the UTF-8 decoder ends any
        invalid sequence at an ASCII byte anyway. Field names are compared as
        bytes: a name with non-ASCII bytes can never equal a known name.

        Args:
            lines: Lines without their terminators.

        Returns:
            The events dispatched by blank lines among ``lines``.
        """
        events: list[ServerSentEvent] = []
        data = self._data
        event_type = self._event
        event_retry = self._event_retry
        for line in lines:
            if not line:
                # Spec: "If the line is empty (a blank line): Dispatch the
                # event". An event with no data field is not dispatched
                # (step 2), but its type buffer is still reset.
                if data:
                    events.append(
                        ServerSentEvent(
                            event_type or "message",
                            b"\n".join(data).decode("utf-8", "replace"),
                            self.last_event_id,
                            event_retry,
                        )
                    )
                    data = []
                event_type = ""
                event_retry = None
                continue
            if line.startswith(b"data: "):
                # Fast path for the overwhelmingly common line.
                data.append(line[6:])
                continue
            if line.startswith(b"event: "):
                # Fast path for streams of named events (one `event:` line each).
                event_type = line[7:].decode("utf-8", "replace")
                continue
            colon = line.find(b":")
            if colon == 0:
                # Spec: a line starting with ":" is a comment (typically a
                # keep-alive); ignore it.
                continue
            if colon < 0:
                # Spec: no colon means the whole line is the field name and
                # the value is the empty string.
                name = line
                value = b""
            else:
                # Spec: if the value starts with a U+0020 SPACE, remove it;
                # only that one space, any further ones are data.
                name = line[:colon]
                value = line[colon + 1 :]
                if value.startswith(b" "):
                    value = value[1:]
            if name == b"data":
                data.append(value)
            elif name == b"event":
                event_type = value.decode("utf-8", "replace")
            elif name == b"id":
                # Spec: an id containing U+0000 NULL is ignored.
                if b"\0" not in value:
                    self.last_event_id = value.decode("utf-8", "replace")
            elif name == b"retry":
                # Spec: only a value made of ASCII digits alone sets the
                # reconnection time; anything else (including an empty value)
                # is ignored. bytes.isdigit() is ASCII-only and false for b"".
                # int() refuses absurdly long digit strings (CPython's
                # int_max_str_digits); ignore those rather than fail the stream.
                if value.isdigit():
                    try:
                        event_retry = self.retry = int(value)
                    except ValueError:
                        pass
            # Spec: any other field name is ignored.
        self._data = data
        self._event = event_type
        self._event_retry = event_retry
        return events


def iter_events(chunks: Iterable[bytes]) -> Iterator[ServerSentEvent]:
    """Yield the events of a complete stream given as chunks of bytes.

    Args:
        chunks: The stream's bytes, split in any way, e.g.
            ``response.iter_bytes()``.

    Yields:
        Each event as soon as the chunk completing it arrives, then a final
        unterminated event, if any (see :meth:`SSEDecoder.flush`).
    """
    decoder = SSEDecoder()
    feed = decoder.feed
    for chunk in chunks:
        yield from feed(chunk)
    yield from decoder.flush()


async def aiter_events(chunks: AsyncIterable[bytes]) -> AsyncIterator[ServerSentEvent]:
    """Asynchronously yield the events of a stream given as chunks of bytes.

    Args:
        chunks: The stream's bytes, split in any way, e.g.
            ``response.aiter_bytes()``.

    Yields:
        Each event as soon as the chunk completing it arrives, then a final
        unterminated event, if any (see :meth:`SSEDecoder.flush`).
    """
    decoder = SSEDecoder()
    feed = decoder.feed
    async for chunk in chunks:
        for event in feed(chunk):
            yield event
    for event in decoder.flush():
        yield event

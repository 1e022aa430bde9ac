"""Event streams whose vocabulary the API declares: typed events, a sentinel that ends
the stream, error events, and resumption after a drop.

Some APIs stream named events rather than chunks of one response: each SSE event's data
is an object whose type one field names (``{"event_type": "step.delta", ...}``), the
stream ends with a sentinel (``data: [DONE]``), and a stream that breaks can be resumed
from the last event received (``?last_event_id=...``). The API's extension document
declares these rules (``x-stream``, ``x-stream-events``, ``x-stream-done``,
``x-stream-resume``); the generator turns them into a :class:`StreamSwitch` and an
:class:`EventSpec` on the method's ``MethodSpec``, and this module carries them out
without knowing which API it serves:

* every event is decoded by msgspec into the declared event type (one flat Struct, so no
  per-event Python dispatch); an event whose type the document does not list arrives as
  an :class:`UnknownEvent` holding its raw JSON, never as an error;
* the sentinel ends the stream cleanly; a stream that ends before it, breaks, or stays
  idle past its timeout is interrupted (``StreamInterruptedError`` / ``APITimeoutError``),
  like every other stream of this runtime;
* an interrupted stream resumes itself when the spec says how: it asks for the events
  after the last one it delivered, with bounded attempts within the call's retry
  deadline, and delivers each event once;
* an event of the declared error type raises the ``APIError`` it reports.

:class:`Reader` (one response's bytes to items) and :class:`Resumption` (where and
whether to resume) are free of I/O; :class:`EventStream` and :class:`AsyncEventStream`
only read, sleep and send.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import msgspec

from . import structs
from .errors import (
    GenerativeLanguageError,
    RequestValidationError,
    ResponseDecodeError,
    StreamInterruptedError,
    StreamTimeoutError,
    error_from_body,
)
from .sse import SSEDecoder
from .streaming import ERROR_BODY, HEAD_LIMIT, looks_like_json

if TYPE_CHECKING:
    from .budget import Budget
    from .options import CallOptions, RetryPolicy
    from .transport import MethodSpec

T = TypeVar("T")

__all__ = [
    "AsyncEventStream",
    "EventSpec",
    "EventStream",
    "Reader",
    "ResumeSpec",
    "Resumption",
    "StreamSwitch",
    "UnknownEvent",
]


class StreamSwitch:
    """The request fields that switch a method to its streaming form (``x-stream``).

    A method and its streaming twin share one REST method; the twin sends these fields
    (``body`` fields set in the request body, ``query`` parameters added to the URL), and
    the plain method refuses a body that asks for the stream, naming the twin instead of
    failing later on a response it cannot decode.

    Attributes:
        twin: The Python name of the streaming twin (``"create_stream"``).
        body: ``(wire field, value)`` pairs set in the body of the streaming form.
        query: ``(parameter, value)`` pairs added to the query of the streaming form.
    """

    __slots__ = ("twin", "body", "query")

    def __init__(
        self,
        twin: str,
        *,
        body: tuple[tuple[str, Any], ...] = (),
        query: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.twin = twin
        self.body = body
        self.query = query

    def apply(self, request_type: type | None, body: Any, streaming: bool) -> Any:
        """``body`` as the plain method (``streaming=False``) or the twin sends it.

        Raises:
            RequestValidationError: The body contradicts the method: it asks the plain
                method for a stream, or the twin for no stream.
        """
        if not self.body or request_type is None or body is None:
            return body
        spellings = structs.field_table(request_type)[0]
        for wire, value in self.body:
            attr = next(
                (f.name for f in msgspec.structs.fields(request_type) if f.encode_name == wire),
                wire,
            )
            if isinstance(body, Mapping):
                given = [body[k] for k, f in spellings.items() if f.wire == wire and k in body]
                current = given[0] if given else None
            else:
                current = getattr(body, attr, None)
            if not streaming:
                if current == value:
                    raise RequestValidationError(
                        f"body.{wire}={current!r} asks for a stream: call {self.twin}() "
                        "instead, which returns the stream of events",
                        path=f"body.{wire}",
                    )
                continue
            if current is not None and current != value:
                raise RequestValidationError(
                    f"body.{wire}={current!r} contradicts {self.twin}(), which always "
                    f"sends {wire}={value!r}; leave it out",
                    path=f"body.{wire}",
                )
            if current is None:
                if isinstance(body, Mapping):
                    body = {**body, wire: value}
                else:
                    body = msgspec.structs.replace(body, **{attr: value})
        return body


class ResumeSpec:
    """How a dropped stream resumes (``x-stream-resume``).

    Attributes:
        spec: The method to resume with (a streaming ``get``); None for the method itself.
        cursor: The event attribute holding the token of the last event received.
        param: The query parameter of ``spec`` that takes the token.
        path: ``(path parameter, attribute paths)`` pairs: where in the events the path
            values of ``spec`` are found (the first path that holds a value wins).
    """

    __slots__ = ("spec", "cursor", "param", "path")

    def __init__(
        self,
        spec: MethodSpec | None,
        *,
        cursor: str,
        param: str,
        path: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (),
    ) -> None:
        self.spec = spec
        self.cursor = cursor
        self.param = param
        self.path = path


class EventSpec:
    """The declared vocabulary and rules of an event stream.

    Attributes:
        type_field: The event attribute naming the event's type, or None.
        known: The types the document lists; events of other types are ``UnknownEvent``.
        error: The type of an event that reports an error (it raises), or None.
        done: The data of the event that ends the stream (``"[DONE]"``), or None: then
            the end of the body ends the stream.
        resume: How to resume after a drop, or None.
    """

    __slots__ = ("type_field", "known", "error", "done", "resume")

    def __init__(
        self,
        *,
        type_field: str | None,
        known: tuple[str, ...] = (),
        error: str | None = None,
        done: str | None = None,
        resume: ResumeSpec | None = None,
    ) -> None:
        self.type_field = type_field
        self.known = frozenset(known)
        self.error = error
        self.done = done
        self.resume = resume


class UnknownEvent:
    """An event of a type the client does not know (the API added it later): its SSE
    event name, its type, its id and its raw JSON, kept whole.

    Attributes:
        event: The SSE ``event:`` name (``"message"`` when the stream gave none).
        event_type: The value of the declared type field, if the data had one.
        event_id: The event's resumption token, if it had one.
        data: The event's data: its raw JSON text.
    """

    __slots__ = ("event", "event_type", "event_id", "data")

    def __init__(
        self, event: str, data: str, event_type: str | None = None, event_id: str | None = None
    ) -> None:
        self.event = event
        self.data = data
        self.event_type = event_type
        self.event_id = event_id

    def json(self) -> Any:
        """The event's data, parsed."""
        return msgspec.json.decode(self.data)

    def __repr__(self) -> str:
        return f"UnknownEvent(event_type={self.event_type!r}, data={self.data[:200]!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, UnknownEvent):
            return NotImplemented
        return (self.event, self.event_type, self.event_id, self.data) == (
            other.event,
            other.event_type,
            other.event_id,
            other.data,
        )

    __hash__ = None  # type: ignore[assignment]


def _wire_name(cls: type, attr: str | None) -> str | None:
    if attr is None:
        return None
    for f in msgspec.structs.fields(cls):
        if f.name == attr:
            return f.encode_name
    return attr


class Reader(Generic[T]):
    """One response of an event stream, bytes to items (no I/O).

    ``feed`` takes the body chunk by chunk and returns the items completed so far (typed
    events and ``UnknownEvent``); ``finished`` turns true at the sentinel. ``end`` is
    called when the body ended: it raises what a body that was not an event stream
    means (a JSON error, a page of text) and returns whether the stream was cut short.
    The resumption state (``cursor``, ``seen``, ``path``) is shared by the readers of
    one call, so that a resumed response continues where the last one stopped.
    """

    def __init__(self, type_: type[T], events: EventSpec, state: Resumption | None = None):
        self.type = type_
        self.spec = events
        self.decoder = structs.decoder(type_)
        self.state = state if state is not None else Resumption(events.resume, 0)
        self.type_wire = _wire_name(type_, events.type_field)
        self.cursor_wire = _wire_name(type_, events.resume.cursor if events.resume else None)
        self.finished = False
        self.status = 200
        self.headers: dict[str, str] = {}
        self.begin(200, {})

    def begin(self, status: int, headers: dict[str, str]) -> None:
        """Start reading a (new) response."""
        self.status = status
        self.headers = headers
        self.sse = SSEDecoder()
        self.kind: bool | None = None  # True: a JSON body, False: SSE, None: not known yet
        self.head = b""
        self.events = 0

    def feed(self, chunk: bytes) -> list[Any]:
        if self.kind is False:
            if not self.events and len(self.head) < HEAD_LIMIT:
                self.head += chunk  # kept to show in the error if no event ever comes
            return self.items(self.sse.feed(chunk))
        if self.kind is None:
            self.head += chunk
            # A JSON body (an error, or a server that ignored the stream request) starts
            # with { or [; an event stream never does.
            self.kind = looks_like_json(self.head)
            if self.kind is None:
                return []
            return [] if self.kind else self.items(self.sse.feed(self.head))
        self.head += chunk
        return []

    def items(self, events: list[Any]) -> list[Any]:
        """Typed items of the decoder's events."""
        if not events:
            return events
        self.events += len(events)
        out = []
        spec = self.spec
        done, known, error, type_field = spec.done, spec.known, spec.error, spec.type_field
        decode = self.decoder.decode
        state = self.state
        record = state.record if state.tracking else None
        for ev in events:
            data = ev.data
            if data == done:
                self.finished = True
                break
            try:
                item = decode(data)
            except (msgspec.ValidationError, msgspec.DecodeError):
                item = self.slow(ev.event, data)
            else:
                if type_field is not None:
                    kind = getattr(item, type_field)
                    if kind not in known:
                        if kind is None and ERROR_BODY.match(data):
                            raise error_from_body(self.status, data.encode(), self.headers)
                        item = UnknownEvent(ev.event, data, kind, state.cursor_of(item))
                    elif kind == error:
                        raise error_from_body(self.status, data.encode(), self.headers)
            if record is None or record(item):
                out.append(item)
        return out

    def slow(self, event: str, data: str) -> Any:
        """An event msgspec's fast path refused: base64 to repair, an error, or an event
        of a new type whose fields do not fit the known ones."""
        if ERROR_BODY.match(data):
            raise error_from_body(self.status, data.encode(), self.headers)
        try:
            return structs.decode(self.type, data)
        except ResponseDecodeError as exc:
            try:
                raw = msgspec.json.decode(data)
            except msgspec.DecodeError:
                raw = None
            kind = raw.get(self.type_wire) if isinstance(raw, dict) and self.type_wire else None
            if self.type_wire is not None and kind not in self.spec.known:
                event_id = raw.get(self.cursor_wire) if isinstance(raw, dict) else None
                return UnknownEvent(event, data, kind, event_id)
            raise ResponseDecodeError(f"stream event does not decode: {exc}", data) from None

    def flush(self) -> list[Any]:
        """The items of a last event the body did not terminate with a blank line."""
        return [] if self.kind or self.finished else self.items(self.sse.flush())

    def end(self) -> bool:
        """The body ended (after ``flush``). Returns True when the stream was cut short
        (a sentinel is declared and has not come); raises for a body that was no stream.
        """
        if self.kind:
            body = self.head
            if ERROR_BODY.match(body.decode("utf-8", "replace")):
                raise error_from_body(self.status, body, self.headers)
            raise ResponseDecodeError(
                "expected an event stream, the server answered JSON",
                body.decode("utf-8", "replace"),
            )
        if not self.events:
            text = self.head.decode("utf-8", "replace")
            if any(ln.strip() and not ln.startswith(":") for ln in text.splitlines()):
                raise ResponseDecodeError("the stream carried no event, only this text", text)
        return self.spec.done is not None and not self.finished


class Resumption:
    """Where a stream is and whether it may resume (no I/O).

    It tracks the last event's resumption token (``cursor``), the tokens already
    delivered (an event the server sends again after a resume is skipped, so the caller
    sees each event once) and the path values the resume method needs; ``plan`` decides
    the next request or re-raises the interruption.
    """

    def __init__(
        self,
        spec: ResumeSpec | None,
        started: float,
        policy: RetryPolicy | None = None,
        clock: Any = time.monotonic,
    ) -> None:
        self.spec = spec
        self.started = started
        self.policy = policy
        self.clock = clock
        self.cursor: str | None = None
        self.seen: set[str] = set()
        self.found: dict[str, str] = {}
        self.failures = 0
        self.resumes = 0
        self._cursor_attr = spec.cursor if spec is not None else None
        self._paths = spec.path if spec is not None else ()
        #: Whether events are recorded at all (only when resumption is declared).
        self.tracking = self._cursor_attr is not None

    def cursor_of(self, item: Any) -> str | None:
        attr = self._cursor_attr
        return getattr(item, attr, None) if attr is not None else None

    def record(self, item: Any) -> bool:
        """Record ``item``; False when it was delivered before (skip it)."""
        attr = self._cursor_attr
        if type(item) is UnknownEvent:
            cursor = item.event_id
        else:
            cursor = getattr(item, attr) if attr is not None else None
        if cursor is not None:
            if cursor in self.seen:
                return False
            self.seen.add(cursor)
            self.cursor = cursor
            self.failures = 0
        if self._paths and len(self.found) < len(self._paths):
            self._find(item)
        return True

    def _find(self, item: Any) -> None:
        for name, choices in self._paths:
            if name in self.found:
                continue
            for chain in choices:
                value = item
                for attr in chain:
                    value = getattr(value, attr, None)
                    if value is None:
                        break
                if isinstance(value, str) and value:
                    self.found[name] = value
                    break

    def plan(
        self,
        error: Exception,
        spec: MethodSpec,
        path_values: tuple[Any, ...],
        query: Mapping[str, Any] | None,
    ) -> tuple[MethodSpec, tuple[Any, ...], dict[str, Any], float]:
        """The request that resumes after ``error``: (spec, path values, query, seconds
        to wait first). Re-raises ``error`` when the stream cannot resume: nothing says
        how, no event carried a token yet, the path values are unknown, the attempts
        since the last new event are used up, or the call's deadline would pass."""
        resume = self.spec
        if resume is None or self.cursor is None:
            raise error
        if resume.spec is None:
            target, values, params = spec, path_values, dict(query or {})
        else:
            target = resume.spec
            try:
                values = tuple(self.found[p.name] for p in target.path_params)
            except KeyError:
                raise error from None
            params = {}
        params[resume.param] = self.cursor
        self.failures += 1
        policy = self.policy
        attempts = policy.max_attempts if policy is not None else 1
        if self.failures >= attempts:
            raise error
        delay = 0.0 if self.failures == 1 or policy is None else policy.backoff(self.failures - 1)
        deadline = policy.deadline if policy is not None else None
        if deadline is not None and self.clock() - self.started + delay > deadline:
            raise error
        self.resumes += 1
        return target, values, params, delay


class _Base(Generic[T]):
    def __init__(
        self,
        transport: Any,
        spec: MethodSpec,
        path_values: tuple[Any, ...],
        query: Mapping[str, Any] | None,
        opts: CallOptions,
        response: Any,
        idle: float,
        started: float,
        budget: Budget,
    ) -> None:
        assert spec.events is not None and spec.response is not None
        self._t = transport
        self._spec = spec
        self._path_values = path_values
        self._query = query
        self._opts = opts
        self._idle = idle
        # The body is read under this budget: the call's deadline until the first event
        # (of each response, after a resume too), then ``idle`` from each complete event.
        self._budget = budget
        self.response = response
        policy = opts.retry or transport.retry
        self._state = Resumption(spec.events.resume, started, policy)
        self._reader: Reader[T] = Reader(spec.response, spec.events, self._state)
        self._reader.begin(response.status_code, dict(response.headers))

    @property
    def resumes(self) -> int:
        """How many times the stream resumed after a drop."""
        return self._state.resumes

    @property
    def last_event_id(self) -> str | None:
        """The resumption token of the last event delivered (resume with it later)."""
        return self._state.cursor

    def _cut(self, exc: Exception, events: int) -> Exception:
        """The error for a response whose body broke after ``events`` events of its own."""
        x = self._t.x
        if isinstance(exc, x.TimeoutException):
            if events:
                return StreamTimeoutError(
                    f"stream idle for more than {self._idle:g}s without a complete event; "
                    "closed before it finished"
                )
            return StreamTimeoutError(
                "no event before the deadline; closed before the stream started"
            )
        return StreamInterruptedError(f"stream interrupted before it finished: {exc}")

    def _waiting(self, before: int) -> None:
        """Back to waiting: after a complete event, the next one has ``idle`` seconds."""
        if self._reader.events != before:
            self._budget.extend(self._idle)

    def _resumed(self, response: Any, budget: Budget) -> None:
        if budget.end is None:
            budget.extend(self._idle)
        self.response, self._budget = response, budget
        self._reader.begin(response.status_code, dict(response.headers))


class EventStream(_Base[T]):
    """Iterate over the typed events of a streamed response (and ``UnknownEvent`` for
    types the client does not know); resumes after a drop when the API allows it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._iterator: Iterator[T | UnknownEvent] | None = None

    def __iter__(self) -> Iterator[T | UnknownEvent]:
        if self._iterator is None:
            self._iterator = self._events()
        return self._iterator

    def __next__(self) -> T | UnknownEvent:
        return next(iter(self))

    def _events(self) -> Iterator[Any]:
        x = self._t.x
        reader = self._reader
        while True:
            response = self.response
            try:
                for chunk in response.iter_bytes():
                    before = reader.events
                    for item in reader.feed(chunk):
                        yield item
                    if reader.finished:
                        return
                    self._waiting(before)
                for item in reader.flush():
                    yield item
                if reader.finished or not reader.end():
                    return
                error: Exception = StreamInterruptedError(
                    "stream ended before the server finished it (no end-of-stream event)"
                )
            except x.TransportError as exc:
                error = self._cut(exc, reader.events)
            finally:
                response.close()
            target, values, query, delay = self._state.plan(
                error, self._spec, self._path_values, self._query
            )
            if delay:
                time.sleep(delay)
            try:
                request = self._t.build(target, values, None, query, self._opts)
                resumed = self._t.exchange(target, request, self._opts, read=False)
            except GenerativeLanguageError as exc:
                raise error from exc
            self._resumed(*resumed)

    def close(self) -> None:
        self.response.close()

    def __enter__(self) -> EventStream[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncEventStream(_Base[T]):
    """``async for`` over the typed events of a streamed response (see ``EventStream``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._iterator: AsyncIterator[T | UnknownEvent] | None = None

    def __aiter__(self) -> AsyncIterator[T | UnknownEvent]:
        if self._iterator is None:
            self._iterator = self._events()
        return self._iterator

    async def __anext__(self) -> T | UnknownEvent:
        return await self.__aiter__().__anext__()

    async def _events(self) -> AsyncIterator[Any]:
        x = self._t.x
        reader = self._reader
        while True:
            response = self.response
            try:
                async for chunk in response.aiter_bytes():
                    before = reader.events
                    for item in reader.feed(chunk):
                        yield item
                    if reader.finished:
                        return
                    self._waiting(before)
                for item in reader.flush():
                    yield item
                if reader.finished or not reader.end():
                    return
                error: Exception = StreamInterruptedError(
                    "stream ended before the server finished it (no end-of-stream event)"
                )
            except x.TransportError as exc:
                error = self._cut(exc, reader.events)
            finally:
                await response.aclose()
            target, values, query, delay = self._state.plan(
                error, self._spec, self._path_values, self._query
            )
            if delay:
                import asyncio

                await asyncio.sleep(delay)
            try:
                request = self._t.build(target, values, None, query, self._opts)
                resumed = await self._t.exchange(target, request, self._opts, read=False)
            except GenerativeLanguageError as exc:
                raise error from exc
            self._resumed(*resumed)

    async def close(self) -> None:
        await self.response.aclose()

    async def __aenter__(self) -> AsyncEventStream[T]:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

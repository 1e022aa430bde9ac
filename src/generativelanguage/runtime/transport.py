"""Sending method calls: thin sync and async loops around the pure parts of the runtime.

Generated methods are one call into a transport with a ``MethodSpec``. What to send is
decided in ``request`` (building and checking the request), when to try again and when
to stop in ``retry`` (the policy and the deadline, I/O-free), how the I/O keeps to the
time it was given in ``budget``, and what an answer means in ``responses``. The two
classes here only carry that out; ``SyncTransport`` and ``AsyncTransport`` differ only
in the lines that do I/O. Works on the httpx API, with either ``httpx`` or ``httpx2``
underneath.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from . import budget as budgets
from . import responses, upload
from .budget import Budget
from .errors import APIConnectionError, GenerativeLanguageError
from .events import AsyncEventStream, EventStream
from .options import DEFAULT_STREAM_IDLE_TIMEOUT, CallOptions, RetryPolicy
from .pagination import AsyncPager, Pager
from .request import RequestBuilder, unbind_path_fields
from .retry import SYSTEM_CLOCK, Clock, Schedule, retry_hint
from .spec import MethodSpec
from .streaming import AsyncStream, Stream

__all__ = [
    "AsyncTransport",
    "MethodSpec",
    "SyncTransport",
    "retry_hint",
    "unbind_path_fields",
]


async def _sleep(seconds: float) -> None:
    """Sleep in the async client (asyncio is imported on first use)."""
    await SYSTEM_CLOCK.asleep(seconds)


logger = logging.getLogger("generativelanguage")

#: The values of a method's path parameters, in ``parameterOrder``.
PathValues = tuple[Any, ...]
#: A method's query parameters (wire names).
Query = Mapping[str, Any] | None
#: ``progress(sent, total)`` of an upload.
Progress = Callable[[int, int], None] | None


def _items_field(spec: MethodSpec) -> str:
    if spec.items_field is None:
        raise TypeError(f"{spec.id} is not a paginated method (no items field)")
    return spec.items_field


class _Base(RequestBuilder):
    """What the sync and async loops share: the retry policy, the clock, and turning an
    exchange into an exception or a log record."""

    def __init__(self, *, retry: RetryPolicy, clock: Clock = SYSTEM_CLOCK, **kw: Any) -> None:
        super().__init__(**kw)
        self.retry = retry
        self.clock = clock

    def schedule(self, spec: MethodSpec, opts: CallOptions) -> Schedule:
        return Schedule(opts.retry or self.retry, spec.id, self.clock)

    def classify(self, exc: Exception, request: Any = None) -> APIConnectionError:
        return responses.classify(self.x, exc, request, self.secrets())

    def status_error(self, response: Any, body: bytes) -> GenerativeLanguageError:
        return responses.status_error(response, body, self.secrets())

    def usable(self, response: Any, redirects: bool) -> bool:
        """Whether the answer is the call's result (a 3xx only for a download)."""
        status = response.status_code
        return status < 300 or (redirects and status < 400)

    def idle(self, opts: CallOptions) -> float:
        return opts.stream_idle_timeout or DEFAULT_STREAM_IDLE_TIMEOUT

    def log(
        self, spec: MethodSpec, request: Any, status: Any, started: float, attempt: int
    ) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s %s -> %s in %.1f ms (attempt %d)",
                spec.id,
                request.method,
                request.url,  # credentials never travel in the URL
                status,
                (self.clock.monotonic() - started) * 1000,
                attempt,
            )

    def log_retry(self, spec: MethodSpec, delay: float, error: Exception) -> None:
        logger.debug("%s: retrying in %.2f s after %s", spec.id, delay, error)


class SyncTransport(_Base):
    """Blocking transport over an ``httpx.Client`` (or ``httpx2.Client``)."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        if self._http is not None:
            budgets.install(self._http)

    def _prepare(self, http: Any) -> Any:
        budgets.install(http)
        return http

    def send(
        self, spec: MethodSpec, request: Any, opts: CallOptions, redirects: bool = False
    ) -> Any:
        """Send with retries; return a usable response with its headers read (a 3xx only
        when ``redirects``). Its body is the caller's to read, bounded by the read
        timeout only; ``exchange`` also holds the body to the deadline."""
        return self.exchange(spec, request, opts, read=False, bound=False, redirects=redirects)[0]

    def exchange(
        self,
        spec: MethodSpec,
        request: Any,
        opts: CallOptions,
        *,
        read: bool = True,
        bound: bool = True,
        redirects: bool = False,
    ) -> tuple[Any, Budget]:
        """Send with retries until an answer the call can use, or raise.

        Args:
            read: Read the body within the attempt (a unary call).
            bound: Read the body (later, for a stream) under the attempt's budget.

        Returns:
            The response (its body read when ``read``) and the budget its body is read
            under: the attempt's, which a stream moves forward event by event.
        """
        schedule = self.schedule(spec, opts)
        refreshed = False
        while True:
            budget = Budget(schedule.begin(), self.clock)
            budgets.clamp_timeouts(request, budget)
            t0 = self.clock.monotonic()
            response = None
            try:
                with budgets.active(budget):
                    response = self.http.send(request, stream=True, follow_redirects=False)
                self.log(spec, request, response.status_code, t0, schedule.attempts)
                if read or bound or not self.usable(response, redirects):
                    budgets.bind(response, budget, self.x, asynchronous=False)
                if self.usable(response, redirects):
                    if read:
                        response.read()
                    if opts.raw_response is not None:
                        opts.raw_response.append(response)
                    return response, budget
                try:
                    body = response.read()
                finally:
                    response.close()
            except self.x.DecodingError as exc:
                if response is not None:
                    response.close()
                # Not retryable: failed() raises it (with the attempts made).
                error: GenerativeLanguageError = responses.undecodable(exc, response)
                retryable = False
            except self.x.TransportError as exc:
                if response is None:
                    self.log(spec, request, type(exc).__name__, t0, schedule.attempts)
                    retryable = responses.retryable_transport_error(self.x, exc)
                else:
                    response.close()
                    # Bytes of an answer arrived: the request may have been carried out,
                    # so it is repeated only when its status says it was not.
                    retryable = not self.usable(response, redirects) and (
                        response.status_code in schedule.policy.statuses
                    )
                error = self.classify(exc, request)
            else:
                if self.reauthorize(request, response.status_code, refreshed):
                    refreshed = True
                    schedule.repeat()
                    continue
                error = self.status_error(response, body)
                retryable = response.status_code in schedule.policy.statuses
            delay = schedule.failed(error, retryable)
            self.log_retry(spec, delay, error)
            self.clock.sleep(delay)

    def reauthorize(self, request: Any, status: int, refreshed: bool) -> bool:
        """After a 401 with refreshable credentials, put a fresh token on ``request``."""
        if status != 401 or refreshed or self.auth is None or not self.auth.refreshable:
            return False
        request.headers["authorization"] = f"Bearer {self.auth.refresh()}"
        return True

    def call(
        self,
        spec: MethodSpec,
        path_values: PathValues,
        body: Any = None,
        query: Query = None,
        options: CallOptions | None = None,
    ) -> Any:
        opts = self.options.merged(options)
        request = self.build(spec, path_values, body, query, opts)
        response, _ = self.exchange(spec, request, opts)
        response.close()
        return responses.decode(spec, response.content)

    def stream(
        self,
        spec: MethodSpec,
        path_values: PathValues,
        body: Any = None,
        query: Query = None,
        options: CallOptions | None = None,
    ) -> Any:
        opts = self.options.merged(options)
        started = self.clock.monotonic()
        request = self.build(spec, path_values, body, query, opts)
        response, budget = self.exchange(spec, request, opts, read=False)
        if budget.end is None:
            budget.extend(self.idle(opts))
        if spec.events is not None:
            # Streams of named events keep their own reading and resumption (events.py).
            return EventStream(
                self, spec, path_values, query, opts, response, self.idle(opts), started, budget
            )
        return Stream(response, spec, self.x, self.idle(opts), budget)

    def paginate(
        self,
        spec: MethodSpec,
        path_values: PathValues,
        body: Any = None,
        query: Query = None,
        options: CallOptions | None = None,
    ) -> Pager[Any, Any]:
        query = dict(query or {})

        def fetch(token: str) -> Any:
            return self.call(spec, path_values, body, {**query, "pageToken": token}, options)

        first = self.call(spec, path_values, body, query, options)
        return Pager(first, _items_field(spec), fetch)

    def upload(
        self,
        spec: MethodSpec,
        path_values: PathValues,
        body: Any = None,
        query: Query = None,
        options: CallOptions | None = None,
        *,
        file: Any = None,
        mime_type: str | None = None,
        progress: Progress = None,
        chunk_size: int | None = None,
    ) -> Any:
        """Call a media-upload method: metadata only, or with ``file``'s bytes."""
        if file is None:
            return self.call(spec, path_values, body, query, options)
        opts = self.options.merged(options)
        source = upload.Source(file, mime_type)
        try:
            request, multipart = self.upload_start(spec, path_values, body, query, opts, source)
            response, _ = self.exchange(spec, request, opts)
            response.close()
            if multipart:
                if progress:
                    progress(source.size, source.size)
                return responses.decode(spec, response.content)
            size = upload.chunk_size(
                chunk_size, response.headers.get("x-goog-upload-chunk-granularity")
            )
            steps = upload.resumable_steps(
                self, spec, self.upload_url(response), source, opts, progress, size
            )
            return self._carry_out(steps)
        finally:
            source.close()

    def _carry_out(self, steps: Any) -> Any:
        outcome: Any = None
        while True:
            try:
                effect, arg = steps.send(outcome)
            except StopIteration as done:
                return done.value
            if effect == "sleep":
                self.clock.sleep(arg)
                outcome = None
            else:
                try:
                    outcome = self.http.send(arg, follow_redirects=False)
                except self.x.TransportError as exc:
                    outcome = exc

    def media(
        self,
        spec: MethodSpec,
        path_values: PathValues,
        body: Any = None,
        query: Query = None,
        options: CallOptions | None = None,
    ) -> Any:
        """Call a media-download method: its bytes (``alt=media``), not JSON."""
        from .media import fetch

        return fetch(self, spec, path_values, body, query, options)

    def close(self) -> None:
        if self._http is not None:
            self._http.close()


class AsyncTransport(_Base):
    """Transport over an ``httpx.AsyncClient`` (or ``httpx2.AsyncClient``)."""

    _chunk_body = upload.AsyncChunk

    async def send(
        self, spec: MethodSpec, request: Any, opts: CallOptions, redirects: bool = False
    ) -> Any:
        """Send with retries (see ``SyncTransport.send``)."""
        response, _ = await self.exchange(
            spec, request, opts, read=False, bound=False, redirects=redirects
        )
        return response

    async def exchange(
        self,
        spec: MethodSpec,
        request: Any,
        opts: CallOptions,
        *,
        read: bool = True,
        bound: bool = True,
        redirects: bool = False,
    ) -> tuple[Any, Budget]:
        """Send with retries (see ``SyncTransport.exchange``)."""
        schedule = self.schedule(spec, opts)
        refreshed = False
        while True:
            budget = Budget(schedule.begin(), self.clock)
            budgets.clamp_timeouts(request, budget)
            t0 = self.clock.monotonic()
            response = None
            body = b""
            try:
                async with budgets.cancel_after(budget, self.x, request):
                    response = await self.http.send(request, stream=True, follow_redirects=False)
                    self.log(spec, request, response.status_code, t0, schedule.attempts)
                    usable = self.usable(response, redirects)
                    if read or not usable:
                        # A body read now is read under the same timer as the send: one
                        # cancel scope per attempt (they cost; the stream's reads below
                        # each need their own, since the caller's time does not count).
                        body = await response.aread()
                if usable:
                    if not read and bound:
                        budgets.bind(response, budget, self.x, asynchronous=True)
                    if opts.raw_response is not None:
                        opts.raw_response.append(response)
                    return response, budget
                await response.aclose()
            except self.x.DecodingError as exc:
                if response is not None:
                    await response.aclose()
                # Not retryable: failed() raises it (with the attempts made).
                error: GenerativeLanguageError = responses.undecodable(exc, response)
                retryable = False
            except self.x.TransportError as exc:
                if response is None:
                    self.log(spec, request, type(exc).__name__, t0, schedule.attempts)
                    retryable = responses.retryable_transport_error(self.x, exc)
                else:
                    await response.aclose()
                    retryable = not self.usable(response, redirects) and (
                        response.status_code in schedule.policy.statuses
                    )
                error = self.classify(exc, request)
            else:
                if response.status_code == 401 and not refreshed and self.auth is not None:
                    if self.auth.refreshable:
                        token = await self.auth.arefresh()
                        request.headers["authorization"] = f"Bearer {token}"
                        refreshed = True
                        schedule.repeat()
                        continue
                error = self.status_error(response, body)
                retryable = response.status_code in schedule.policy.statuses
            delay = schedule.failed(error, retryable)
            self.log_retry(spec, delay, error)
            await self.clock.asleep(delay)

    async def call(
        self,
        spec: MethodSpec,
        path_values: PathValues,
        body: Any = None,
        query: Query = None,
        options: CallOptions | None = None,
    ) -> Any:
        opts = self.options.merged(options)
        if self.auth is not None:
            await self.auth.atoken()  # an async provider is awaited here, then cached
        request = self.build(spec, path_values, body, query, opts)
        response, _ = await self.exchange(spec, request, opts)
        await response.aclose()
        return responses.decode(spec, response.content)

    async def stream(
        self,
        spec: MethodSpec,
        path_values: PathValues,
        body: Any = None,
        query: Query = None,
        options: CallOptions | None = None,
    ) -> Any:
        opts = self.options.merged(options)
        if self.auth is not None:
            await self.auth.atoken()
        started = self.clock.monotonic()
        request = self.build(spec, path_values, body, query, opts)
        response, budget = await self.exchange(spec, request, opts, read=False)
        if budget.end is None:
            budget.extend(self.idle(opts))
        if spec.events is not None:
            return AsyncEventStream(
                self, spec, path_values, query, opts, response, self.idle(opts), started, budget
            )
        return AsyncStream(response, spec, self.x, self.idle(opts), budget)

    async def paginate(
        self,
        spec: MethodSpec,
        path_values: PathValues,
        body: Any = None,
        query: Query = None,
        options: CallOptions | None = None,
    ) -> AsyncPager[Any, Any]:
        query = dict(query or {})

        async def fetch(token: str) -> Any:
            return await self.call(spec, path_values, body, {**query, "pageToken": token}, options)

        first = await self.call(spec, path_values, body, query, options)
        return AsyncPager(first, _items_field(spec), fetch)

    async def upload(
        self,
        spec: MethodSpec,
        path_values: PathValues,
        body: Any = None,
        query: Query = None,
        options: CallOptions | None = None,
        *,
        file: Any = None,
        mime_type: str | None = None,
        progress: Progress = None,
        chunk_size: int | None = None,
    ) -> Any:
        """Call a media-upload method: metadata only, or with ``file``'s bytes."""
        if file is None:
            return await self.call(spec, path_values, body, query, options)
        opts = self.options.merged(options)
        if self.auth is not None:
            await self.auth.atoken()
        source = upload.Source(file, mime_type)
        try:
            request, multipart = self.upload_start(spec, path_values, body, query, opts, source)
            response, _ = await self.exchange(spec, request, opts)
            await response.aclose()
            if multipart:
                if progress:
                    progress(source.size, source.size)
                return responses.decode(spec, response.content)
            size = upload.chunk_size(
                chunk_size, response.headers.get("x-goog-upload-chunk-granularity")
            )
            steps = upload.resumable_steps(
                self, spec, self.upload_url(response), source, opts, progress, size
            )
            return await self._carry_out(steps)
        finally:
            source.close()

    async def _carry_out(self, steps: Any) -> Any:
        outcome: Any = None
        while True:
            try:
                effect, arg = steps.send(outcome)
            except StopIteration as done:
                return done.value
            if effect == "sleep":
                await self.clock.asleep(arg)
                outcome = None
            else:
                try:
                    outcome = await self.http.send(arg, follow_redirects=False)
                except self.x.TransportError as exc:
                    outcome = exc

    async def media(
        self,
        spec: MethodSpec,
        path_values: PathValues,
        body: Any = None,
        query: Query = None,
        options: CallOptions | None = None,
    ) -> Any:
        """Call a media-download method: its bytes (``alt=media``), not JSON."""
        from .media import async_fetch

        return await async_fetch(self, spec, path_values, body, query, options)

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()

"""Sending one method call over HTTP: build the request, retry, raise or decode.

Generated methods are one call into this module with a ``MethodSpec`` (the method's
verb, path template, body and response types, and traits). Request building and
response interpretation are shared pure code; ``SyncTransport`` and ``AsyncTransport``
differ only in the lines that do I/O. Works on the httpx API, with either ``httpx`` or
``httpx2`` underneath.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time
from collections.abc import Mapping
from typing import Any

from . import structs
from .durations import parse_duration
from .errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    RequestValidationError,
    error_from_body,
)
from .options import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_STREAM_IDLE_TIMEOUT,
    CallOptions,
    RetryPolicy,
)
from .pagination import AsyncPager, Pager
from .paths import PathParam, PathTemplate
from .streaming import AsyncStream, Stream

logger = logging.getLogger("generativelanguage")

#: Query parameters that carry credentials: refused in ``extra_query`` so that a secret
#: can never end up in a URL (and from there in logs and proxies).
_SECRET_QUERY = frozenset({"key", "access_token", "oauth_token"})


class MethodSpec:
    """Everything the runtime needs to know about one Discovery method."""

    __slots__ = (
        "id",
        "http_method",
        "template",
        "path_params",
        "request",
        "response",
        "streaming",
        "items_field",
        "long_running",
        "upload",
    )

    def __init__(
        self,
        id: str,
        http_method: str,
        path: str,
        path_params: tuple[PathParam, ...] = (),
        *,
        request: type | None = None,
        response: type | None = None,
        streaming: bool = False,
        items_field: str | None = None,
        long_running: bool = False,
        upload: Mapping[str, Any] | None = None,
    ) -> None:
        self.id = id
        self.http_method = http_method
        self.template = PathTemplate(path, path_params)
        self.path_params = path_params
        self.request = request
        self.response = response
        self.streaming = streaming
        self.items_field = items_field
        self.long_running = long_running
        self.upload = upload

    def __repr__(self) -> str:
        return f"MethodSpec({self.id!r}, {self.http_method} {self.template.template})"


def retry_hint(error: APIError) -> float | None:
    """Seconds the server asked us to wait: ``Retry-After`` (RFC 9110 section 10.2.3),
    else ``google.rpc.RetryInfo.retryDelay`` from the error details."""
    value = {k.lower(): v for k, v in error.headers.items()}.get("retry-after")
    if value:
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
            return max(0.0, when.timestamp() - time.time())
        except (TypeError, ValueError):
            pass
    info = error.detail("RetryInfo")
    if info is not None:
        try:
            return parse_duration(info.get("retryDelay")).total_seconds()
        except ValueError:
            return None
    return None


def unbind_path_fields(spec: MethodSpec, body: Any, values: Mapping[str, str]) -> Any:
    """``body`` without top-level keys that repeat a path parameter the request type lacks.

    Per AIP-127 a request field bound to the URL path may also appear in the body; the
    service accepts ``{"model": "models/x", ...}`` for ``POST .../models/x:batchEmbed
    Contents`` although the document's request schema has no ``model``. Such a key is
    dropped only when it says the same as the path, so nothing is lost; a key that
    disagrees with the path is an error rather than a silent choice of one of them.
    """
    if not isinstance(body, Mapping) or spec.request is None:
        return body
    extra = [k for k in body if k in values and not structs.accepts_key(spec.request, k)]
    if not extra:
        return body
    by_name = {p.name: p for p in spec.path_params}
    for key in extra:
        param = by_name[key]
        if body[key] != values[key] and param.complete(body[key]) != param.complete(values[key]):
            raise RequestValidationError(
                f"body.{key}={body[key]!r} disagrees with the path argument "
                f"{param.py_name}={values[key]!r}",
                path=f"body.{key}",
            )
    return {k: v for k, v in body.items() if k not in extra}


class _Base:
    """State and pure logic shared by the sync and async transports."""

    def __init__(
        self,
        *,
        http: Any,
        httpx_module: Any,
        base_url: str,
        headers: Mapping[str, str],
        options: CallOptions,
        retry: RetryPolicy,
    ) -> None:
        self.http = http
        self.x = httpx_module
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.headers = dict(headers)
        self.options = options
        self.retry = retry

    def timeout(self, opts: CallOptions, streaming: bool) -> Any:
        t = opts.timeout
        if isinstance(t, (int, float)):
            t = self.x.Timeout(float(t))
        elif t is None:
            t = self.x.Timeout(DEFAULT_READ_TIMEOUT, connect=DEFAULT_CONNECT_TIMEOUT)
        if streaming:
            idle = opts.stream_idle_timeout or DEFAULT_STREAM_IDLE_TIMEOUT
            t = self.x.Timeout(connect=t.connect, read=idle, write=t.write, pool=t.pool)
        return t

    def build(
        self,
        spec: MethodSpec,
        path_values: tuple[Any, ...],
        body: Any,
        query: Mapping[str, Any] | None,
        opts: CallOptions,
    ) -> Any:
        """The ``httpx.Request`` for one call; raises before sending if an argument is bad."""
        values = {p.name: v for p, v in zip(spec.path_params, path_values, strict=True)}
        path = spec.template.expand(values)
        params: dict[str, Any] = {}
        if query:
            for name, value in query.items():
                if value is not None:
                    params[name] = value
        if spec.streaming:
            params["alt"] = "sse"
        for name, value in opts.extra_query.items():
            if name in _SECRET_QUERY:
                raise RequestValidationError(
                    f"extra_query: {name!r} would put a credential in the URL; "
                    "pass api_key= to the client instead (it is sent in a header)",
                    path=f"extra_query.{name}",
                )
            params[name] = value
        headers = self.headers
        content = None
        if spec.request is not None:
            if body is None:
                raise RequestValidationError(
                    f"body: {spec.id} needs a request body ({spec.request.__name__} or a dict)",
                    path="body",
                )
            content = structs.encode_body(spec.request, unbind_path_fields(spec, body, values))
            headers = {**headers, "content-type": "application/json"}
        if opts.extra_headers:
            headers = {**headers, **opts.extra_headers}
        return self.http.build_request(
            spec.http_method,
            self.base_url + path.lstrip("/"),
            params=params or None,
            content=content,
            headers=headers,
            timeout=self.timeout(opts, spec.streaming),
        )

    def decision(
        self, policy: RetryPolicy, attempt: int, started: float, error: Exception, retryable: bool
    ) -> float | None:
        """Seconds to wait before the next attempt, or None to give up and raise."""
        if not retryable or attempt >= policy.max_attempts:
            return None
        delay = policy.backoff(attempt)
        if isinstance(error, APIError):
            hint = retry_hint(error)
            if hint is not None:
                delay = max(hint, 0.0)
        if policy.deadline is not None and time.monotonic() - started + delay > policy.deadline:
            return None
        return delay

    def classify(self, exc: Exception) -> APIConnectionError:
        if isinstance(exc, self.x.TimeoutException):
            return APITimeoutError(f"timed out: {type(exc).__name__}: {exc}")
        return APIConnectionError(f"connection failed: {type(exc).__name__}: {exc}")

    def log(self, spec: MethodSpec, request: Any, status: Any, started: float, attempt: int):
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s %s -> %s in %.1f ms (attempt %d)",
                spec.id,
                request.method,
                request.url,  # credentials never travel in the URL
                status,
                (time.monotonic() - started) * 1000,
                attempt,
            )

    def decode(self, spec: MethodSpec, content: bytes) -> Any:
        if spec.response is None:
            return None
        return structs.decode(spec.response, content or b"{}")


class SyncTransport(_Base):
    """Blocking transport over an ``httpx.Client`` (or ``httpx2.Client``)."""

    def send(self, spec: MethodSpec, request: Any, opts: CallOptions) -> Any:
        """Send with retries; return a response with status < 400, headers read."""
        policy = opts.retry or self.retry
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            t0 = time.monotonic()
            try:
                response = self.http.send(request, stream=True)
            except self.x.TransportError as exc:
                self.log(spec, request, type(exc).__name__, t0, attempt)
                error: Exception = self.classify(exc)
                retryable = True
            else:
                self.log(spec, request, response.status_code, t0, attempt)
                if opts.raw_response is not None:
                    opts.raw_response.append(response)
                if response.status_code < 400:
                    return response
                try:
                    body = response.read()
                finally:
                    response.close()
                error = error_from_body(response.status_code, body, dict(response.headers))
                retryable = response.status_code in policy.statuses
            delay = self.decision(policy, attempt, started, error, retryable)
            if delay is None:
                raise error
            logger.debug("%s: retrying in %.2f s after %s", spec.id, delay, error)
            time.sleep(delay)

    def call(self, spec, path_values, body=None, query=None, options=None) -> Any:
        opts = self.options.merged(options)
        response = self.send(spec, self.build(spec, path_values, body, query, opts), opts)
        try:
            content = response.read()
        except self.x.TransportError as exc:
            raise self.classify(exc) from None
        finally:
            response.close()
        return self.decode(spec, content)

    def stream(self, spec, path_values, body=None, query=None, options=None) -> Stream:
        opts = self.options.merged(options)
        request = self.build(spec, path_values, body, query, opts)
        response = self.send(spec, request, opts)
        idle = opts.stream_idle_timeout or DEFAULT_STREAM_IDLE_TIMEOUT
        return Stream(response, spec.response, self.x, idle)

    def paginate(self, spec, path_values, body=None, query=None, options=None) -> Pager:
        query = dict(query or {})

        def fetch(token: str) -> Any:
            return self.call(spec, path_values, body, {**query, "pageToken": token}, options)

        first = self.call(spec, path_values, body, query, options)
        return Pager(first, spec.items_field, fetch)

    def close(self) -> None:
        self.http.close()


class AsyncTransport(_Base):
    """Transport over an ``httpx.AsyncClient`` (or ``httpx2.AsyncClient``)."""

    async def send(self, spec: MethodSpec, request: Any, opts: CallOptions) -> Any:
        policy = opts.retry or self.retry
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            t0 = time.monotonic()
            try:
                response = await self.http.send(request, stream=True)
            except self.x.TransportError as exc:
                self.log(spec, request, type(exc).__name__, t0, attempt)
                error: Exception = self.classify(exc)
                retryable = True
            else:
                self.log(spec, request, response.status_code, t0, attempt)
                if opts.raw_response is not None:
                    opts.raw_response.append(response)
                if response.status_code < 400:
                    return response
                try:
                    body = await response.aread()
                finally:
                    await response.aclose()
                error = error_from_body(response.status_code, body, dict(response.headers))
                retryable = response.status_code in policy.statuses
            delay = self.decision(policy, attempt, started, error, retryable)
            if delay is None:
                raise error
            logger.debug("%s: retrying in %.2f s after %s", spec.id, delay, error)
            await asyncio.sleep(delay)

    async def call(self, spec, path_values, body=None, query=None, options=None) -> Any:
        opts = self.options.merged(options)
        response = await self.send(spec, self.build(spec, path_values, body, query, opts), opts)
        try:
            content = await response.aread()
        except self.x.TransportError as exc:
            raise self.classify(exc) from None
        finally:
            await response.aclose()
        return self.decode(spec, content)

    async def stream(self, spec, path_values, body=None, query=None, options=None) -> AsyncStream:
        opts = self.options.merged(options)
        request = self.build(spec, path_values, body, query, opts)
        response = await self.send(spec, request, opts)
        idle = opts.stream_idle_timeout or DEFAULT_STREAM_IDLE_TIMEOUT
        return AsyncStream(response, spec.response, self.x, idle)

    async def paginate(self, spec, path_values, body=None, query=None, options=None) -> AsyncPager:
        query = dict(query or {})

        async def fetch(token: str) -> Any:
            return await self.call(spec, path_values, body, {**query, "pageToken": token}, options)

        first = await self.call(spec, path_values, body, query, options)
        return AsyncPager(first, spec.items_field, fetch)

    async def close(self) -> None:
        await self.http.aclose()

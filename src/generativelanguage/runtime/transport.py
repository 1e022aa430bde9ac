"""Sending one method call over HTTP: build the request, retry, raise or decode.

Generated methods are one call into this module with a ``MethodSpec`` (the method's
verb, path template, body and response types, and traits). Request building and
response interpretation are shared pure code; ``SyncTransport`` and ``AsyncTransport``
differ only in the lines that do I/O. Works on the httpx API, with either ``httpx`` or
``httpx2`` underneath.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from . import structs, upload
from .auth import TokenSource
from .durations import parse_duration
from .errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    MissingCredentialsError,
    RequestValidationError,
    ResponseDecodeError,
    error_from_body,
)
from .events import AsyncEventStream, EventSpec, EventStream, StreamSwitch
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
        "upload_template",
        "switch",
        "events",
        "normalize",
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
        switch: StreamSwitch | None = None,
        events: EventSpec | None = None,
        normalize: Callable[[Any], Any] | None = None,
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
        self.upload_template = (
            PathTemplate(upload["simple"], path_params) if upload and upload.get("simple") else None
        )
        #: The request fields that switch this REST method to its streaming form.
        self.switch = switch
        #: The event vocabulary of a stream of named events (then ``stream`` returns an
        #: ``EventStream``).
        self.events = events
        #: A body hook an extension document declares (``x-body-shorthand``): turns the
        #: shorthand forms it accepts into the request's shape before encoding.
        self.normalize = normalize

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
        import email.utils  # only for the rare HTTP-date form

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

    #: Set by the client when no key or credentials exist for the service's own origin:
    #: every request then raises this message before anything is sent.
    missing_credentials: str | None = None

    def __init__(
        self,
        *,
        http: Any,
        httpx_module: Any,
        base_url: str,
        headers: Mapping[str, str],
        options: CallOptions,
        retry: RetryPolicy,
        auth: TokenSource | None = None,
        api_version: str = "",
        http_factory: Any = None,
    ) -> None:
        self.auth = auth
        self.api_version = api_version
        # The HTTP client is created on first use: building an httpx client (connection
        # pool, SSL context) costs more than importing this whole package.
        self._http = http
        self._http_factory = http_factory or httpx_module.Client
        self._http_lock = threading.Lock()
        self._timeouts: dict[Any, Any] = {}
        self.x = httpx_module
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.headers = dict(headers)
        self._json_headers = {**self.headers, "content-type": "application/json"}
        self.options = options
        self.retry = retry

    @property
    def http(self) -> Any:
        http = self._http
        if http is None:
            with self._http_lock:
                if self._http is None:
                    self._http = self._http_factory()
                http = self._http
        return http

    def timeout(self, opts: CallOptions, streaming: bool) -> Any:
        """The httpx timeout of a call (memoised: most calls use the same few)."""
        key = (opts.timeout, opts.stream_idle_timeout if streaming else None, streaming)
        try:
            return self._timeouts[key]
        except (KeyError, TypeError):  # TypeError: an unhashable custom timeout object
            pass
        t = opts.timeout
        if isinstance(t, (int, float)):
            t = self.x.Timeout(float(t))
        elif t is None:
            t = self.x.Timeout(DEFAULT_READ_TIMEOUT, connect=DEFAULT_CONNECT_TIMEOUT)
        elif not isinstance(t, self.x.Timeout):
            # A Timeout of the other backend (httpx vs httpx2) or any object with the
            # four phases: rebuilt for the backend in use.
            try:
                t = self.x.Timeout(connect=t.connect, read=t.read, write=t.write, pool=t.pool)
            except AttributeError:
                raise RequestValidationError(
                    f"timeout: expected seconds or an httpx.Timeout, got {type(t).__name__}",
                    path="timeout",
                ) from None
        if streaming:
            idle = opts.stream_idle_timeout or DEFAULT_STREAM_IDLE_TIMEOUT
            t = self.x.Timeout(connect=t.connect, read=idle, write=t.write, pool=t.pool)
        if len(self._timeouts) < 64:
            try:
                self._timeouts[key] = t
            except TypeError:
                pass
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
        params = self.query_params(query, opts)
        if spec.normalize is not None:
            body = spec.normalize(body)
        if spec.switch is not None:
            body = spec.switch.apply(spec.request, body, spec.streaming)
            if spec.streaming:
                params.update(spec.switch.query)
        elif spec.streaming:
            params["alt"] = "sse"
        headers = self.request_headers()
        content = None
        if spec.request is not None:
            if body is None:
                raise RequestValidationError(
                    f"body: {spec.id} needs a request body ({spec.request.__name__} or a dict)",
                    path="body",
                )
            content = structs.encode_body(spec.request, unbind_path_fields(spec, body, values))
            headers = (
                self._json_headers
                if headers is self.headers
                else {**headers, "content-type": "application/json"}
            )
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

    @staticmethod
    def query_params(query: Mapping[str, Any] | None, opts: CallOptions) -> dict[str, Any]:
        """The method's set query parameters plus ``extra_query``, never a credential."""
        params = {k: v for k, v in query.items() if v is not None} if query else {}
        for name, value in opts.extra_query.items():
            if name in _SECRET_QUERY:
                raise RequestValidationError(
                    f"extra_query: {name!r} would put a credential in the URL; "
                    "pass api_key= to the client instead (it is sent in a header)",
                    path=f"extra_query.{name}",
                )
            params[name] = value
        return params

    def request_headers(self) -> dict[str, str]:
        if self.auth is None:
            if self.missing_credentials is not None:
                raise MissingCredentialsError(self.missing_credentials)
            return self.headers
        return {**self.headers, "authorization": f"Bearer {self.auth.token()}"}

    def reauthorize(self, request: Any, status: int, refreshed: bool) -> bool:
        """After a 401 with refreshable credentials, put a fresh token on ``request``."""
        if status != 401 or refreshed or self.auth is None or not self.auth.refreshable:
            return False
        request.headers["authorization"] = f"Bearer {self.auth.refresh()}"
        return True

    def headers_for(self, url: Any) -> dict[str, str]:
        """Default headers for ``url``; credentials only for the service's own origin."""
        headers = self.request_headers()
        if upload.same_origin(self.x.URL(url), self.x.URL(self.base_url)):
            return headers
        return {
            k: v for k, v in headers.items() if k.lower() not in ("x-goog-api-key", "authorization")
        }

    # -- media upload and download: request building shared by sync and async ---------

    def upload_start(
        self,
        spec: MethodSpec,
        path_values: tuple[Any, ...],
        body: Any,
        query: Mapping[str, Any] | None,
        opts: CallOptions,
        source: upload.Source,
    ) -> tuple[Any, bool]:
        """The first request of an upload, and whether it is a (one-shot) multipart one."""
        if spec.upload_template is None:
            raise RequestValidationError(f"{spec.id} does not accept media", path="file")
        upload.check_limits(source, spec.upload)
        values = {p.name: v for p, v in zip(spec.path_params, path_values, strict=True)}
        path = spec.upload_template.expand(values)
        metadata = upload.metadata_bytes(spec.request, unbind_path_fields(spec, body, values))
        params = self.query_params(query, opts)
        headers = {**self.request_headers(), **opts.extra_headers}
        multipart = source.size <= upload.MULTIPART_LIMIT
        if multipart:
            content, content_type = upload.multipart_body(metadata, source)
            headers.update({"x-goog-upload-protocol": "multipart", "content-type": content_type})
            params["uploadType"] = "multipart"
        else:
            content = metadata
            headers.update(
                {
                    "content-type": "application/json",
                    "x-goog-upload-protocol": "resumable",
                    "x-goog-upload-command": "start",
                    "x-goog-upload-header-content-length": str(source.size),
                    "x-goog-upload-header-content-type": source.mime_type,
                }
            )
        request = self.http.build_request(
            spec.http_method,  # an update uploads with its own verb (PATCH, PUT)
            self.base_url + path.lstrip("/"),
            params=params or None,
            content=content,
            headers=headers,
            timeout=self.timeout(opts, False),
        )
        return request, multipart

    def upload_url(self, response: Any) -> str:
        url = response.headers.get("x-goog-upload-url")
        if not url:
            raise ResponseDecodeError(
                "the upload start answered without an X-Goog-Upload-URL header",
                response.headers.get("content-type", ""),
            )
        return url

    #: Body of an upload chunk: sent once, then the chunk's bytes are let go.
    _chunk_body: Any = upload.SyncChunk

    def chunk_request(self, url: str, opts: CallOptions, data: bytes, offset: int, last: bool):
        headers = {
            **self.headers_for(url),
            "x-goog-upload-command": "upload, finalize" if last else "upload",
            "x-goog-upload-offset": str(offset),
            "content-length": str(len(data)),
        }
        return self.http.build_request(
            "POST",
            url,
            content=self._chunk_body(data),
            headers=headers,
            timeout=self.timeout(opts, False),
        )

    def query_request(self, url: str, opts: CallOptions) -> Any:
        headers = {**self.headers_for(url), "x-goog-upload-command": "query"}
        return self.http.build_request(
            "POST", url, headers=headers, timeout=self.timeout(opts, False)
        )

    def resumable_steps(self, spec, url, source, opts, progress, size) -> Any:
        """The resumable upload protocol after ``start``, written once without I/O.

        A generator that yields ``("send", request)`` (answered with the response, or the
        transport exception) and ``("sleep", seconds)``, and returns the decoded result;
        the sync and async transports only carry out what it asks.
        """
        policy = opts.retry or self.retry
        offset, failures, started = 0, 0, time.monotonic()
        while True:
            data = source.read_at(offset, min(size, source.size - offset))
            last = offset + len(data) >= source.size
            response = yield "send", self.chunk_request(url, opts, data, offset, last)
            if isinstance(response, Exception):
                error: Exception = self.classify(response)
            elif response.status_code < 400:
                if last or self.upload_status(response)[0] == "final":
                    if progress:
                        progress(source.size, source.size)
                    return self.decode(spec, response.content)
                offset += len(data)
                if progress:
                    progress(offset, source.size)
                continue
            else:
                error = error_from_body(
                    response.status_code, response.content, dict(response.headers)
                )
                if response.status_code not in policy.statuses:
                    raise error
            failures += 1
            delay = self.decision(policy, failures, started, error, True)
            if delay is None:
                raise error
            logger.debug("%s: upload chunk at %d failed (%s); resuming", spec.id, offset, error)
            yield "sleep", delay
            # Ask where the server got to (Google's `query` command) and resume there.
            answer = yield "send", self.query_request(url, opts)
            if isinstance(answer, Exception):
                continue  # retry the same chunk; the next failure asks again
            status, received = self.upload_status(answer)
            if status == "final":
                return self.decode(spec, answer.content)
            if answer.status_code < 400 and 0 <= received <= source.size:
                offset = received

    @staticmethod
    def upload_status(response: Any) -> tuple[str, int]:
        status = response.headers.get("x-goog-upload-status", "")
        try:
            received = int(response.headers.get("x-goog-upload-size-received", "-1"))
        except ValueError:
            received = -1
        return status, received

    def status_error(self, response: Any, body: bytes) -> APIError:
        status = response.status_code
        if status < 400:  # a redirect the method cannot follow: never a silent success
            location = response.headers.get("location", "")
            return error_from_body(
                status,
                f"unexpected HTTP {status} redirect to {location!r}".encode(),
                dict(response.headers),
            )
        return error_from_body(status, body, dict(response.headers))

    def bound_by_deadline(self, request: Any, policy: RetryPolicy, started: float, spec) -> None:
        """Limit this attempt's timeouts to what is left of the overall deadline, so the
        deadline also bounds an attempt in progress (streams: only until the headers;
        their reads are governed by the idle timeout)."""
        if policy.deadline is None or spec.streaming:
            return
        left = policy.deadline - (time.monotonic() - started)
        if left <= 0:
            raise APITimeoutError(f"{spec.id}: deadline of {policy.deadline:g} s exceeded")
        timeouts = request.extensions.get("timeout")
        if isinstance(timeouts, dict):
            request.extensions["timeout"] = {
                k: (left if v is None else min(v, left)) for k, v in timeouts.items()
            }

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
        """Our exception for an httpx transport error, with any credential scrubbed from
        its text (h11, for one, quotes an illegal header value in its message)."""
        text = f"{type(exc).__name__}: {exc}"
        for secret in self.secrets():
            text = text.replace(secret, "<redacted>")
        if isinstance(exc, self.x.TimeoutException):
            return APITimeoutError(f"timed out: {text}")
        return APIConnectionError(f"connection failed: {text}")

    @staticmethod
    def given_up(error: Exception, request: Any, attempts: int) -> Exception:
        """``error`` as raised after the last attempt: a connection failure names the
        host it could not reach and how many attempts were made."""
        if not isinstance(error, APIConnectionError):
            return error
        url = request.url
        where = f"{url.host}:{url.port}" if url.port else url.host
        tries = f"{attempts} attempt" + ("s" if attempts != 1 else "")
        final = type(error)(f"{error} ({where}, {tries})")
        final.__cause__, final.__suppress_context__ = error.__cause__, True
        return final

    def secrets(self) -> list[str]:
        found = [self.headers.get("x-goog-api-key", "")]
        if self.auth is not None and self.auth._token:
            found.append(self.auth._token)
        return [s for s in found if s]

    def retryable_transport_error(self, exc: Exception) -> bool:
        # A request we could not even write (an illegal header, a bad URL) fails the same
        # way every time; only network trouble is worth another attempt.
        return not isinstance(exc, (self.x.LocalProtocolError, self.x.UnsupportedProtocol))

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

    def send(
        self, spec: MethodSpec, request: Any, opts: CallOptions, redirects: bool = False
    ) -> Any:
        """Send with retries; return a successful response with its headers read (a 3xx
        one only when ``redirects``, for the caller to follow)."""
        policy = opts.retry or self.retry
        started = time.monotonic()
        attempt = 0
        refreshed = False
        while True:
            attempt += 1
            t0 = time.monotonic()
            self.bound_by_deadline(request, policy, started, spec)
            try:
                response = self.http.send(request, stream=True, follow_redirects=False)
            except self.x.TransportError as exc:
                self.log(spec, request, type(exc).__name__, t0, attempt)
                error: Exception = self.classify(exc)
                retryable = self.retryable_transport_error(exc)
            else:
                self.log(spec, request, response.status_code, t0, attempt)
                status = response.status_code
                if status < 300 or (redirects and status < 400):
                    if opts.raw_response is not None:
                        opts.raw_response.append(response)
                    return response
                try:
                    body = response.read()
                finally:
                    response.close()
                if self.reauthorize(request, status, refreshed):
                    refreshed = True
                    attempt -= 1
                    continue
                error = self.status_error(response, body)
                retryable = status in policy.statuses
            delay = self.decision(policy, attempt, started, error, retryable)
            if delay is None:
                raise self.given_up(error, request, attempt)
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

    def stream(self, spec, path_values, body=None, query=None, options=None) -> Any:
        opts = self.options.merged(options)
        started = time.monotonic()
        request = self.build(spec, path_values, body, query, opts)
        response = self.send(spec, request, opts)
        idle = opts.stream_idle_timeout or DEFAULT_STREAM_IDLE_TIMEOUT
        if spec.events is not None:
            return EventStream(self, spec, path_values, query, opts, response, idle, started)
        return Stream(response, spec.response, self.x, idle)

    def paginate(self, spec, path_values, body=None, query=None, options=None) -> Pager:
        query = dict(query or {})

        def fetch(token: str) -> Any:
            return self.call(spec, path_values, body, {**query, "pageToken": token}, options)

        first = self.call(spec, path_values, body, query, options)
        return Pager(first, spec.items_field, fetch)

    def upload(
        self,
        spec,
        path_values,
        body=None,
        query=None,
        options=None,
        *,
        file=None,
        mime_type=None,
        progress=None,
        chunk_size=None,
    ) -> Any:
        """Call a media-upload method: metadata only, or with ``file``'s bytes."""
        if file is None:
            return self.call(spec, path_values, body, query, options)
        opts = self.options.merged(options)
        source = upload.Source(file, mime_type)
        try:
            request, multipart = self.upload_start(spec, path_values, body, query, opts, source)
            response = self.send(spec, request, opts)
            content = response.read()
            response.close()
            if multipart:
                if progress:
                    progress(source.size, source.size)
                return self.decode(spec, content)
            return self._resumable(
                spec,
                self.upload_url(response),
                source,
                opts,
                progress,
                upload.chunk_size(
                    chunk_size, response.headers.get("x-goog-upload-chunk-granularity")
                ),
            )
        finally:
            source.close()

    def _resumable(self, spec, url, source, opts, progress, size) -> Any:
        steps = self.resumable_steps(spec, url, source, opts, progress, size)
        outcome: Any = None
        while True:
            try:
                effect, arg = steps.send(outcome)
            except StopIteration as done:
                return done.value
            if effect == "sleep":
                time.sleep(arg)
                outcome = None
            else:
                try:
                    outcome = self.http.send(arg, follow_redirects=False)
                except self.x.TransportError as exc:
                    outcome = exc

    def media(self, spec, path_values, body=None, query=None, options=None) -> Any:
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
        policy = opts.retry or self.retry
        started = time.monotonic()
        attempt = 0
        refreshed = False
        while True:
            attempt += 1
            t0 = time.monotonic()
            self.bound_by_deadline(request, policy, started, spec)
            try:
                response = await self.http.send(request, stream=True, follow_redirects=False)
            except self.x.TransportError as exc:
                self.log(spec, request, type(exc).__name__, t0, attempt)
                error: Exception = self.classify(exc)
                retryable = self.retryable_transport_error(exc)
            else:
                self.log(spec, request, response.status_code, t0, attempt)
                status = response.status_code
                if status < 300 or (redirects and status < 400):
                    if opts.raw_response is not None:
                        opts.raw_response.append(response)
                    return response
                try:
                    body = await response.aread()
                finally:
                    await response.aclose()
                if status == 401 and not refreshed and self.auth is not None:
                    if self.auth.refreshable:
                        token = await self.auth.arefresh()
                        request.headers["authorization"] = f"Bearer {token}"
                        refreshed = True
                        attempt -= 1
                        continue
                error = self.status_error(response, body)
                retryable = status in policy.statuses
            delay = self.decision(policy, attempt, started, error, retryable)
            if delay is None:
                raise self.given_up(error, request, attempt)
            logger.debug("%s: retrying in %.2f s after %s", spec.id, delay, error)
            await _sleep(delay)

    async def call(self, spec, path_values, body=None, query=None, options=None) -> Any:
        opts = self.options.merged(options)
        if self.auth is not None:
            await self.auth.atoken()  # an async provider is awaited here, then cached
        response = await self.send(spec, self.build(spec, path_values, body, query, opts), opts)
        try:
            content = await response.aread()
        except self.x.TransportError as exc:
            raise self.classify(exc) from None
        finally:
            await response.aclose()
        return self.decode(spec, content)

    async def stream(self, spec, path_values, body=None, query=None, options=None) -> Any:
        opts = self.options.merged(options)
        if self.auth is not None:
            await self.auth.atoken()
        started = time.monotonic()
        request = self.build(spec, path_values, body, query, opts)
        response = await self.send(spec, request, opts)
        idle = opts.stream_idle_timeout or DEFAULT_STREAM_IDLE_TIMEOUT
        if spec.events is not None:
            return AsyncEventStream(self, spec, path_values, query, opts, response, idle, started)
        return AsyncStream(response, spec.response, self.x, idle)

    async def paginate(self, spec, path_values, body=None, query=None, options=None) -> AsyncPager:
        query = dict(query or {})

        async def fetch(token: str) -> Any:
            return await self.call(spec, path_values, body, {**query, "pageToken": token}, options)

        first = await self.call(spec, path_values, body, query, options)
        return AsyncPager(first, spec.items_field, fetch)

    async def upload(
        self,
        spec,
        path_values,
        body=None,
        query=None,
        options=None,
        *,
        file=None,
        mime_type=None,
        progress=None,
        chunk_size=None,
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
            response = await self.send(spec, request, opts)
            content = await response.aread()
            await response.aclose()
            if multipart:
                if progress:
                    progress(source.size, source.size)
                return self.decode(spec, content)
            return await self._resumable(
                spec,
                self.upload_url(response),
                source,
                opts,
                progress,
                upload.chunk_size(
                    chunk_size, response.headers.get("x-goog-upload-chunk-granularity")
                ),
            )
        finally:
            source.close()

    async def _resumable(self, spec, url, source, opts, progress, size) -> Any:
        steps = self.resumable_steps(spec, url, source, opts, progress, size)
        outcome: Any = None
        while True:
            try:
                effect, arg = steps.send(outcome)
            except StopIteration as done:
                return done.value
            if effect == "sleep":
                await _sleep(arg)
                outcome = None
            else:
                try:
                    outcome = await self.http.send(arg, follow_redirects=False)
                except self.x.TransportError as exc:
                    outcome = exc

    async def media(self, spec, path_values, body=None, query=None, options=None) -> Any:
        """Call a media-download method: its bytes (``alt=media``), not JSON."""
        from .media import async_fetch

        return await async_fetch(self, spec, path_values, body, query, options)

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()


async def _sleep(seconds: float) -> None:
    # asyncio is imported on first use so that importing the sync client stays cheap.
    import asyncio

    await asyncio.sleep(seconds)

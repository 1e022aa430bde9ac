"""Turning a method call into an HTTP request: URL, query, checked headers, JSON body and
timeouts, plus the requests of media uploads. No I/O.

Everything that can be wrong with the arguments is found here, before anything is sent:
a bad path value, a body that does not fit the request type, a credential in the query,
a header value an HTTP header cannot carry.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from . import structs, upload
from .auth import TokenSource
from .errors import MissingCredentialsError, RequestValidationError, ResponseDecodeError
from .headers import SECRET_HEADERS, check_headers
from .options import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_STREAM_IDLE_TIMEOUT,
    CallOptions,
)
from .spec import MethodSpec

#: Query parameters that carry credentials: refused in ``extra_query`` so that a secret
#: can never end up in a URL (and from there in logs and proxies).
_SECRET_QUERY = frozenset({"key", "access_token", "oauth_token"})


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


class RequestBuilder:
    """The client's fixed parts (base URL, headers, credentials, HTTP client) and the
    requests built from them."""

    #: Set by the client when no key or credentials exist for the service's own origin:
    #: every request then raises this message before anything is sent.
    missing_credentials: str | None = None
    #: Body of an upload chunk: sent once, then the chunk's bytes are let go.
    _chunk_body: Any = upload.SyncChunk

    def __init__(
        self,
        *,
        http: Any,
        httpx_module: Any,
        base_url: str,
        headers: Mapping[str, str],
        options: CallOptions,
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

    @property
    def http(self) -> Any:
        http = self._http
        if http is None:
            with self._http_lock:
                if self._http is None:
                    self._http = self._prepare(self._http_factory())
                http = self._http
        return http

    def _prepare(self, http: Any) -> Any:
        """Adjust a newly made HTTP client (the sync transport wraps its sockets)."""
        return http

    def timeout(self, opts: CallOptions, streaming: bool) -> Any:
        """The httpx timeout of a call (memoised: most calls use the same few)."""
        key = (opts.timeout, opts.stream_idle_timeout if streaming else None, streaming)
        try:
            return self._timeouts[key]
        except (KeyError, TypeError):  # TypeError: an unhashable custom timeout object
            pass
        t: Any = opts.timeout
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
            headers = {**headers, **check_headers(opts.extra_headers, "extra_headers")}
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

    def headers_for(self, url: Any) -> dict[str, str]:
        """Default headers for ``url``; credentials only for the service's own origin."""
        headers = self.request_headers()
        if upload.same_origin(self.x.URL(url), self.x.URL(self.base_url)):
            return headers
        return {k: v for k, v in headers.items() if k.lower() not in SECRET_HEADERS}

    def secrets(self) -> list[str]:
        """Credentials in use, to scrub from any text that leaves the runtime."""
        found = [self.headers.get("x-goog-api-key", "")]
        if self.auth is not None and self.auth._token:
            found.append(self.auth._token)
        return [s for s in found if s]

    # -- media upload ---------------------------------------------------------------------

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
        upload.check_limits(source, spec.upload or {})
        values = {p.name: v for p, v in zip(spec.path_params, path_values, strict=True)}
        path = spec.upload_template.expand(values)
        metadata = upload.metadata_bytes(spec.request, unbind_path_fields(spec, body, values))
        params = self.query_params(query, opts)
        headers = {**self.request_headers(), **check_headers(opts.extra_headers, "extra_headers")}
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
        return str(url)

    def chunk_request(
        self, url: str, opts: CallOptions, data: bytes, offset: int, last: bool
    ) -> Any:
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

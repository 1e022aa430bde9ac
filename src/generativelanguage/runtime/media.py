"""Media download: a method's bytes (``alt=media``) read whole, streamed, or saved.

A media request is the method's request with ``alt=media`` added (or, for a
``useMediaDownloadService`` method, the same request on the download service's path,
which the MethodSpec carries). The service may answer with a redirect to another host
(its download service, a signed storage URL); redirects are followed by hand, at most
ten, and credentials (the API key, an OAuth token) go only to the service's own origin,
never to the host a redirect names.

The answer is a ``Media`` (``AsyncMedia``) holding the open response: ``read()`` gives
the bytes, ``iter_bytes()`` streams them, ``save()`` writes them to a path (removed
again if the transfer fails, so no truncated file is left) or a binary file object.
``Client.download`` uses the same machinery for a URL or a name the API's declared
download method resolves.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from .errors import APIConnectionError, RequestValidationError
from .options import CallOptions
from .responses import undecodable
from .transport import MethodSpec

MAX_REDIRECTS = 10


def _media_query(query: Mapping[str, Any] | None) -> dict[str, Any]:
    return {**(query or {}), "alt": "media"}


def media_request(
    transport: Any,
    spec: MethodSpec,
    path_values: tuple[Any, ...],
    body: Any,
    query: Mapping[str, Any] | None,
    opts: CallOptions,
) -> Any:
    """The first request of a media download: the method's own, with ``alt=media``
    and the timeouts of a stream (bytes may pause, the transfer may be long)."""
    request = transport.build(spec, path_values, body, _media_query(query), opts)
    request.extensions["timeout"] = transport.timeout(opts, True).as_dict()
    return request


def url_request(transport: Any, url: str, opts: CallOptions) -> Any:
    """A GET of a URL (a download URI the service handed out); credentials only when
    the URL is on the service's own origin."""
    return transport.http.build_request(
        "GET", url, headers=transport.headers_for(url), timeout=transport.timeout(opts, True)
    )


def redirect_request(transport: Any, request: Any, response: Any, opts: CallOptions) -> Any:
    """The request that follows ``response``'s redirect, or None when it is none."""
    location = response.headers.get("location")
    if not (300 <= response.status_code < 400 and location):
        return None
    return url_request(transport, str(request.url.join(location)), opts)


def _url_spec(transport: Any) -> MethodSpec:
    return MethodSpec(f"{transport.api_version}.download", "GET", "", streaming=True)


def resolve(
    transport: Any, target: Any, spec: MethodSpec | None, uri_field: str | None
) -> tuple[str, str]:
    """What ``Client.download`` fetches for ``target``: ("url", url) or ("name", name).

    A URL is fetched as it is; an object with a download URI (``uri_field``) by that
    URI; a resource name, or an object with a ``name``, through the API's download
    method ``spec``.
    """
    uri = getattr(target, uri_field, None) if uri_field else None
    if isinstance(uri, str) and uri:
        return "url", uri
    if isinstance(target, str) and target.startswith(("http://", "https://")):
        return "url", target
    name = target if isinstance(target, str) else getattr(target, "name", None)
    if isinstance(name, str) and name:
        if spec is None:
            raise RequestValidationError(
                f"file: {name!r} is not a URL, and this API declares no download method "
                "that resolves names; pass the media's URL",
                path="file",
            )
        return "name", name
    raise RequestValidationError(
        f"file: expected a URL, a resource name or an object with one, got {target!r:.200}",
        path="file",
    )


class _Sink:
    """Where saved bytes go: a path (opened here, removed if the transfer fails so no
    truncated file is left behind) or a caller's binary file object."""

    def __init__(self, destination: Any) -> None:
        self.destination = destination
        self.written = 0
        self._path: str | None = None
        self._file: Any = None

    def __enter__(self) -> _Sink:
        if hasattr(self.destination, "write"):
            self._file = self.destination
        else:
            path = self._path = os.fspath(self.destination)
            self._file = open(path, "wb")  # noqa: SIM115
        return self

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)
        self.written += len(chunk)

    def __exit__(self, exc_type: Any, *rest: Any) -> None:
        if self._path is not None:
            self._file.close()
            if exc_type is not None:
                os.unlink(self._path)


class _MediaBase:
    def __init__(self, response: Any, transport: Any) -> None:
        self._response = response
        self._transport = transport
        self._consumed = False

    @property
    def headers(self) -> Mapping[str, str]:
        """The response headers (``content-type``, ``content-length``, ...)."""
        headers: Mapping[str, str] = self._response.headers
        return headers

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    @property
    def size(self) -> int | None:
        """The length the server announced (``Content-Length``), if it did."""
        value = self._response.headers.get("content-length")
        return int(value) if value and value.isdigit() else None

    def _claim(self) -> None:
        if self._consumed:
            raise RuntimeError("the media was already read; fetch it again to read it twice")
        self._consumed = True

    def __repr__(self) -> str:
        return f"{type(self).__name__}(content_type={self.content_type!r}, size={self.size!r})"


class Media(_MediaBase):
    """The media of one download, on an open connection: read it once, one way."""

    def read(self) -> bytes:
        """All the bytes."""
        return b"".join(self.iter_bytes())

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The bytes as they arrive; the connection is closed at the end."""
        self._claim()
        try:
            yield from self._response.iter_bytes(chunk_size)
        except self._transport.x.TransportError as exc:
            raise self._transport.classify(exc) from None
        except self._transport.x.DecodingError as exc:  # a content-encoding that lies
            raise undecodable(exc, self._response) from None
        finally:
            self._response.close()

    def save(self, destination: Any) -> int:
        """Write the bytes to ``destination`` (a path or a binary file object); a path
        is removed again if the transfer fails. Returns the number of bytes written."""
        with _Sink(destination) as sink:
            for chunk in self.iter_bytes():
                sink.write(chunk)
            return sink.written

    def close(self) -> None:
        self._response.close()

    def __enter__(self) -> Media:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncMedia(_MediaBase):
    """The media of one download, asynchronously (see ``Media``)."""

    async def read(self) -> bytes:
        return b"".join([chunk async for chunk in self.aiter_bytes()])

    async def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        self._claim()
        try:
            async for chunk in self._response.aiter_bytes(chunk_size):
                yield chunk
        except self._transport.x.TransportError as exc:
            raise self._transport.classify(exc) from None
        except self._transport.x.DecodingError as exc:  # a content-encoding that lies
            raise undecodable(exc, self._response) from None
        finally:
            await self._response.aclose()

    async def save(self, destination: Any) -> int:
        with _Sink(destination) as sink:
            async for chunk in self.aiter_bytes():
                sink.write(chunk)
            return sink.written

    async def aclose(self) -> None:
        await self._response.aclose()

    async def __aenter__(self) -> AsyncMedia:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


# -- the exchanges: sync and async differ only in the lines that do I/O --------------


def fetch(
    transport: Any,
    spec: MethodSpec,
    path_values: tuple[Any, ...],
    body: Any = None,
    query: Mapping[str, Any] | None = None,
    options: CallOptions | None = None,
) -> Media:
    """Send a media method's request, follow redirects; the open ``Media``."""
    opts = transport.options.merged(options)
    request = media_request(transport, spec, path_values, body, query, opts)
    return Media(follow(transport, spec, request, opts), transport)


def follow(transport: Any, spec: MethodSpec, request: Any, opts: CallOptions) -> Any:
    """Send ``request`` with retries and follow its redirects; the final response."""
    for _ in range(MAX_REDIRECTS + 1):
        response = transport.send(spec, request, opts, redirects=True)
        after = redirect_request(transport, request, response, opts)
        if after is None:
            return response
        response.close()
        request = after
    raise APIConnectionError(f"{spec.id}: more than {MAX_REDIRECTS} redirects")


def download_request(
    transport: Any,
    target: Any,
    opts: CallOptions,
    spec: MethodSpec | None,
    uri_field: str | None,
) -> tuple[MethodSpec, Any]:
    """The spec and first request of ``Client.download`` for ``target`` (see ``resolve``)."""
    kind, value = resolve(transport, target, spec, uri_field)
    if kind == "url" or spec is None:  # resolve gives a name only with a spec
        return spec or _url_spec(transport), url_request(transport, value, opts)
    return spec, media_request(transport, spec, (value,), None, None, opts)


def download(
    transport: Any,
    target: Any,
    destination: Any,
    options: CallOptions | None,
    spec: MethodSpec | None,
    uri_field: str | None,
) -> int:
    """``Client.download``: stream ``target``'s bytes to ``destination``."""
    opts = transport.options.merged(options)
    spec, request = download_request(transport, target, opts, spec, uri_field)
    return Media(follow(transport, spec, request, opts), transport).save(destination)


async def async_fetch(
    transport: Any,
    spec: MethodSpec,
    path_values: tuple[Any, ...],
    body: Any = None,
    query: Mapping[str, Any] | None = None,
    options: CallOptions | None = None,
) -> AsyncMedia:
    """The asynchronous ``fetch``."""
    opts = transport.options.merged(options)
    if transport.auth is not None:
        await transport.auth.atoken()  # an async provider is awaited here, then cached
    request = media_request(transport, spec, path_values, body, query, opts)
    return AsyncMedia(await async_follow(transport, spec, request, opts), transport)


async def async_follow(transport: Any, spec: MethodSpec, request: Any, opts: CallOptions) -> Any:
    for _ in range(MAX_REDIRECTS + 1):
        response = await transport.send(spec, request, opts, redirects=True)
        after = redirect_request(transport, request, response, opts)
        if after is None:
            return response
        await response.aclose()
        request = after
    raise APIConnectionError(f"{spec.id}: more than {MAX_REDIRECTS} redirects")


async def async_download(
    transport: Any,
    target: Any,
    destination: Any,
    options: CallOptions | None,
    spec: MethodSpec | None,
    uri_field: str | None,
) -> int:
    """The asynchronous ``download``."""
    opts = transport.options.merged(options)
    if transport.auth is not None:
        await transport.auth.atoken()
    spec, request = download_request(transport, target, opts, spec, uri_field)
    media = AsyncMedia(await async_follow(transport, spec, request, opts), transport)
    return await media.save(destination)

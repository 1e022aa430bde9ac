"""Base classes of the generated ``Client`` and ``AsyncClient``: credentials, base URL
and the HTTP client underneath.

What is specific to one API comes from the generated subclass, never from here: its
root URL, version, the environment variables read for its API key (``API_KEY_ENV``),
where its operations are polled (``_OPERATIONS_PATH``) and which method downloads media
by name (``_DOWNLOAD_SPEC``). The API key comes from the ``api_key`` argument, else the
first of those variables that is set, and is sent only in the ``x-goog-api-key``
header: never in a URL, a repr, a log line or an exception message.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from . import media, operations
from .auth import TokenSource
from .headers import check_credential, check_headers
from .options import CallOptions, RetryPolicy
from .transport import AsyncTransport, SyncTransport

if TYPE_CHECKING:
    if sys.version_info >= (3, 11):
        from typing import Self
    else:
        from typing_extensions import Self

_VERSION = "0.1.0"
#: The API version's ``Operation`` type (generated clients name it), and the type a
#: caller expects an operation's ``response`` to hold.
OpT = TypeVar("OpT")
R = TypeVar("R")


def resolve_api_key(api_key: str | None, env: tuple[str, ...] = ()) -> str | None:
    """The key from the argument or the first set variable of ``env``, stripped of
    surrounding white space (a key read from a file often ends with a newline).

    Raises:
        RequestValidationError: The key holds characters an HTTP header cannot carry
            (a ``ValueError``); the message says where the key came from, never the key.
    """
    source = "api_key"
    if api_key is None:
        for name in env:
            if os.environ.get(name):
                api_key, source = os.environ[name], f"${name}"
                break
        else:
            return None
    if isinstance(api_key, str) and not api_key.strip():
        return None
    return check_credential(api_key, source)


def missing_credentials(
    base_url: str,
    root_url: str,
    api_key: str | None,
    auth: Any,
    headers: Mapping[str, str],
    env: tuple[str, ...] = (),
    required: bool = True,
) -> str | None:
    """Why a client cannot talk to ``base_url``, or None when it can.

    A service that takes no anonymous call (``required``: the generated client's
    ``CREDENTIALS_REQUIRED``, such as the Gemini API) refuses one, on its own origin
    (its root URL, or any ``*.googleapis.com`` host such as a regional endpoint), with a
    403 that names neither cause nor cure, so the client says it before sending
    anything. Any other ``base_url`` (a local emulator, a proxy that adds credentials)
    is left to decide for itself; so is every call of an API some of whose methods are
    public. ``env``: the variables the key was looked for in.
    """
    if api_key or auth is not None or not required:
        return None
    if any(k.lower() in ("x-goog-api-key", "authorization") for k in headers):
        return None
    host = _host(base_url)
    if not host or (host != _host(root_url) and not host.endswith(".googleapis.com")):
        return None
    looked = f" or set {' or '.join(f'${name}' for name in env)} (not set)" if env else ""
    return (
        f"no API key for {host}: pass api_key={looked}, or pass credentials= for OAuth; "
        "a local base_url (such as the emulator) needs no key"
    )


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def http_module(http_client: Any = None, backend: str | None = None) -> Any:
    """The httpx-compatible module to use: the one ``http_client`` belongs to, else
    ``backend`` (``"httpx"`` or ``"httpx2"``), else ``$GENERATIVELANGUAGE_HTTP_BACKEND``,
    else httpx."""
    if http_client is not None:
        # The class or one of its bases comes from httpx or httpx2 (a caller's subclass
        # may live anywhere).
        for cls in type(http_client).__mro__:
            top = cls.__module__.split(".")[0]
            if top in ("httpx", "httpx2"):
                return sys.modules[top]
        raise TypeError(
            f"http_client must be an httpx or httpx2 client, not {type(http_client).__name__}"
        )
    name = backend or os.environ.get("GENERATIVELANGUAGE_HTTP_BACKEND") or "httpx"
    if name not in ("httpx", "httpx2"):
        raise ValueError(f"http_backend must be 'httpx' or 'httpx2', not {name!r}")
    return importlib.import_module(name)


class _ClientBase:
    ROOT_URL = ""
    API_VERSION = ""
    #: Environment variables read, in order, for the API key when none is passed.
    API_KEY_ENV: tuple[str, ...] = ()
    #: Whether the service refuses every anonymous call (then a client without
    #: credentials says so before sending anything).
    CREDENTIALS_REQUIRED = False
    #: Where operations are polled: a path template with one ``{+name}`` (or None).
    _OPERATIONS_PATH: str | None = None
    #: The MethodSpec constant (in the version's ``resources``) ``download`` resolves
    #: resource names with, and the field of a resource object holding a direct URL.
    _DOWNLOAD_SPEC: str | None = None
    _DOWNLOAD_URI_FIELD: str | None = None
    _transport_class: type = SyncTransport

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        http_client: Any = None,
        http_backend: str | None = None,
        timeout: Any = None,
        stream_idle_timeout: float | None = None,
        retry: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        credentials: Any = None,
    ) -> None:
        """Create a client.

        Args:
            api_key: The API key; defaults to the first set environment variable of
                ``API_KEY_ENV`` (for the Gemini API ``$GEMINI_API_KEY``, then
                ``$GOOGLE_API_KEY``). Sent only in the ``x-goog-api-key`` header.
            base_url: Replaces the service's root URL (the document's ``rootUrl``):
                a regional endpoint such as
                ``https://us-central1-generativelanguage.googleapis.com/`` or a local
                server such as the emulator.
            http_client: An ``httpx`` or ``httpx2`` client to send requests with (sync
                client for ``Client``, async for ``AsyncClient``); closed by the caller.
            http_backend: ``"httpx"`` (default) or ``"httpx2"`` when no client is given.
            timeout: Default timeout in seconds, or an ``httpx.Timeout``; finite by
                default (10 s to connect, 600 s between bytes of a response).
            stream_idle_timeout: Seconds a stream may stay silent between events
                before it is abandoned with ``APITimeoutError`` (default 120).
            retry: Default ``RetryPolicy``.
            headers: Extra headers sent with every request.
            credentials: Instead of an API key: an OAuth2 access token, a callable
                returning one, or ``google.auth`` credentials; refreshed once on a 401.
        """
        x = http_module(http_client, http_backend)
        self._auth = TokenSource(credentials) if credentials is not None else None
        self._api_key = (
            resolve_api_key(api_key, self.API_KEY_ENV) if self._auth is None or api_key else None
        )
        self._owns_http = http_client is None
        base_headers = {"x-goog-api-client": f"generativelanguage-py/{_VERSION}"}
        if self._api_key:
            base_headers["x-goog-api-key"] = self._api_key
        base_headers.update(check_headers(headers, "headers"))
        self.base_url = base_url or self.ROOT_URL
        missing = missing_credentials(
            self.base_url,
            self.ROOT_URL,
            self._api_key,
            self._auth,
            base_headers,
            self.API_KEY_ENV,
            self.CREDENTIALS_REQUIRED,
        )
        self._transport = self._transport_class(
            http=http_client,
            http_factory=self._http_factory(x),
            httpx_module=x,
            base_url=self.base_url,
            headers=base_headers,
            options=CallOptions(timeout=timeout, stream_idle_timeout=stream_idle_timeout),
            retry=retry or RetryPolicy(),
            auth=self._auth,
            api_version=self.API_VERSION,
        )
        self._transport.missing_credentials = missing
        self._bind(self._transport)

    @staticmethod
    def _http_factory(x: Any) -> Any:
        """A callable making the HTTP client, called on the first request."""
        return x.Client

    def _bind(self, transport: Any) -> None:
        """Attach the resources; generated subclasses implement it."""

    def __repr__(self) -> str:
        key = "set" if self._api_key else "none"
        return f"{type(self).__name__}(base_url={self.base_url!r}, api_key=<{key}>)"

    # Generated subclasses name their version's Operation type. The version's ``types``
    # module sits beside the generated client module and is imported on first use, to
    # keep client construction cheap.
    _OPERATION_TYPE = ""

    def _operation_types(self) -> tuple[Any, Any, str]:
        """The version's types module, its Operation type and where operations are polled."""
        if self._OPERATIONS_PATH is None:
            raise NotImplementedError(
                f"{type(self).__name__}: this API describes no operations.get method, so "
                "there is nowhere to poll; call the resource's own get method instead"
            )
        types = self._sibling("types")
        return types, getattr(types, self._OPERATION_TYPE, None), self._OPERATIONS_PATH

    def _sibling(self, module: str) -> Any:
        """The generated module ``module`` beside this client (imported on first use)."""
        return importlib.import_module("." + module, type(self).__module__.rpartition(".")[0])

    def _download_spec(self) -> Any:
        if self._DOWNLOAD_SPEC is None:
            return None
        return getattr(self._sibling("resources"), self._DOWNLOAD_SPEC)


class SyncClientBase(_ClientBase, Generic[OpT]):
    """Blocking client base; ``OpT`` is the API version's ``Operation`` type."""

    @overload
    def wait_operation(
        self,
        operation: OpT | str,
        *,
        timeout: float | None = ...,
        options: CallOptions | None = ...,
    ) -> OpT: ...

    @overload
    def wait_operation(
        self,
        operation: OpT | str,
        response_type: type[R],
        *,
        timeout: float | None = ...,
        options: CallOptions | None = ...,
    ) -> R: ...

    def wait_operation(
        self,
        operation: Any,
        response_type: Any = None,
        *,
        timeout: float | None = operations.DEFAULT_TIMEOUT,
        options: CallOptions | None = None,
    ) -> Any:
        """Poll a long-running operation until it is done.

        Args:
            operation: An operation returned by a method, or its name
                (``tunedModels/x/operations/y``, ``batches/z``).
            response_type: The type the operation's ``response`` holds (e.g.
                ``types.TunedModel``): given, the call returns that response itself,
                typed, instead of the operation.
            timeout: Overall seconds to wait (None: no limit).
            options: Per-call options for each poll.

        Returns:
            The final operation, with ``response`` decoded into the Struct its ``@type``
            names when this API version defines it; or, with ``response_type``, that
            response.

        Raises:
            APIError: The subclass for the operation's ``error`` when it failed.
            APITimeoutError: Not done within ``timeout``.
            ResponseDecodeError: ``response_type`` given, and the operation's response
                is missing or of another type.
        """
        types, operation_type, path = self._operation_types()
        done = operations.wait(
            self._transport,
            types,
            path,
            operation_type,
            operation,
            timeout,
            options,
        )
        return done if response_type is None else operations.response_as(done, response_type)

    def download(self, file: Any, destination: Any, *, options: CallOptions | None = None) -> int:
        """Stream media to ``destination`` (a path or a binary file object).

        Redirects are followed; credentials go only to the service's own origin.

        Args:
            file: A download URL; or, where the API declares a download method (the
                Gemini API: ``files.download``), a resource name (``files/abc``) or an
                object with a download URI or a name (a ``File``).
            destination: Where the bytes go; a path is removed again if the download fails.
            options: Per-call options.

        Returns:
            The number of bytes written.
        """
        return media.download(
            self._transport,
            file,
            destination,
            options,
            self._download_spec(),
            self._DOWNLOAD_URI_FIELD,
        )

    def close(self) -> None:
        if self._owns_http:
            self._transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncClientBase(_ClientBase, Generic[OpT]):
    """Asynchronous client base; ``OpT`` is the API version's ``Operation`` type."""

    _transport_class = AsyncTransport

    @staticmethod
    def _http_factory(x: Any) -> Any:
        return x.AsyncClient

    @overload
    async def wait_operation(
        self,
        operation: OpT | str,
        *,
        timeout: float | None = ...,
        options: CallOptions | None = ...,
    ) -> OpT: ...

    @overload
    async def wait_operation(
        self,
        operation: OpT | str,
        response_type: type[R],
        *,
        timeout: float | None = ...,
        options: CallOptions | None = ...,
    ) -> R: ...

    async def wait_operation(
        self,
        operation: Any,
        response_type: Any = None,
        *,
        timeout: float | None = operations.DEFAULT_TIMEOUT,
        options: CallOptions | None = None,
    ) -> Any:
        """Poll a long-running operation until it is done (see ``Client.wait_operation``)."""
        types, operation_type, path = self._operation_types()
        done = await operations.async_wait(
            self._transport,
            types,
            path,
            operation_type,
            operation,
            timeout,
            options,
        )
        return done if response_type is None else operations.response_as(done, response_type)

    async def download(
        self, file: Any, destination: Any, *, options: CallOptions | None = None
    ) -> int:
        """Stream media to ``destination`` (see ``Client.download``)."""
        return await media.async_download(
            self._transport,
            file,
            destination,
            options,
            self._download_spec(),
            self._DOWNLOAD_URI_FIELD,
        )

    async def close(self) -> None:
        if self._owns_http:
            await self._transport.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

"""Batch mode at scale: ``client.batches.submit`` / ``submit_embeddings`` / ``wait`` /
``results``, mixed into the generated ``batches`` resource of API versions that have one
(``discovery/extensions/generativelanguage.v1beta.batches.json``).

* ``submit`` takes any iterable of requests (dicts or Structs, or ``(key, request)``
  pairs), encodes each with msgspec into one line ``{"key": ..., "request": ...}`` of a
  JSON Lines file on disk (never the whole batch in memory), uploads the file through the
  runtime's media upload (multipart up to 5 MiB, Google's resumable protocol above, with
  progress) and creates the batch from it; a batch whose file stays under
  ``INLINE_LIMIT`` goes inline instead (keys travel as ``metadata.key``).
* ``wait`` polls with the runtime's LRO backoff (``operations.Poller``) until the batch
  reaches a terminal state.
* ``results`` yields ``(key, response)`` or ``(key, status)`` in the order of the output,
  decoding the responses file line by line as it downloads (``runtime.ranged``: bounded
  memory whatever the size, resumed with a Range request when the connection drops), or
  the inlined responses.

Facts (Discovery v1beta; https://ai.google.dev/gemini-api/docs/batch-mode): input lines
are ``{"key", "request"}``; output lines ``{"key", "response"}`` or ``{"key", "error"}``
(a ``google.rpc.Status``) in input order; inline requests carry ``metadata`` that comes
back on each inlined response; the batch is an Operation named ``batches/...`` whose
``metadata`` is the ``GenerateContentBatch`` (or ``EmbedContentBatch``).

The JSON Lines themselves (writing the input, decoding the output) are
:mod:`.batch_jsonl`; this module drives them over the API. It imports generated types
lazily (the generated module imports it): the version's ``types`` and ``resources``
modules are found from the class it is mixed into.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast, overload

import msgspec

from generativelanguage.runtime import media, operations, ranged, structs
from generativelanguage.runtime.errors import GenerativeLanguageError, RequestValidationError
from generativelanguage.runtime.transport import _sleep

from .batch_jsonl import JsonlWriter, ResultLines, check_iterable, read_input, write_jsonl

__all__ = [
    "AsyncBatchesMixin",
    "BatchResultsUnavailable",
    "BatchesMixin",
    "write_jsonl",
]

if TYPE_CHECKING:
    from generativelanguage.runtime.options import CallOptions
    from generativelanguage.v1beta import types

    Request = Mapping[str, Any] | types.GenerateContentRequest | types.EmbedContentRequest
    Batch = types.GenerateContentBatch | types.EmbedContentBatch

#: A batch whose JSON Lines input is at most this many bytes goes inline (in the create
#: request) unless ``inline=False``: one request instead of upload + create, and results
#: without a download. Well under the service's 20 MB limit for inline batches.
INLINE_LIMIT = 2 * 1024 * 1024
#: The service's limit for the inline form (docs: "total request size under 20MB").
SERVICE_INLINE_LIMIT = 20 * 1000 * 1000
#: MIME type of the uploaded input (what Google's examples upload JSON Lines as).
JSONL_MIME = "application/jsonl"
#: States after which a batch no longer changes.
TERMINAL_STATES = frozenset(
    {
        "BATCH_STATE_SUCCEEDED",
        "BATCH_STATE_FAILED",
        "BATCH_STATE_CANCELLED",
        "BATCH_STATE_EXPIRED",
    }
)
_YIELD_EVERY = 1000  # async submit: give the event loop a turn every this many lines


class BatchResultsUnavailable(GenerativeLanguageError):
    """A batch has no results to read: not finished yet, or ended without output.

    Attributes:
        name: The batch's resource name.
        state: Its state (``BATCH_STATE_RUNNING``, ``BATCH_STATE_CANCELLED``, ...).
    """

    def __init__(self, message: str, name: str, state: str | None) -> None:
        super().__init__(message)
        self.name = name
        self.state = state


@dataclass(frozen=True)
class _Kind:
    """The schema names of one kind of batch (generateContent or embedContent)."""

    method: str
    request: str
    response: str
    batch: str
    body: str
    input_config: str
    inlined_requests: str
    inlined_request: str


GENERATE = _Kind(
    "batch_generate_content",
    "GenerateContentRequest",
    "GenerateContentResponse",
    "GenerateContentBatch",
    "BatchGenerateContentRequest",
    "InputConfig",
    "InlinedRequests",
    "InlinedRequest",
)
EMBED = _Kind(
    "async_batch_embed_content",
    "EmbedContentRequest",
    "EmbedContentResponse",
    "EmbedContentBatch",
    "AsyncBatchEmbedContentRequest",
    "InputEmbedContentConfig",
    "InlinedEmbedContentRequests",
    "InlinedEmbedContentRequest",
)
_KINDS = {GENERATE.batch: GENERATE, EMBED.batch: EMBED}


@dataclass(frozen=True)
class _Api:
    """The generated modules of the API version a mixin instance belongs to."""

    resources: Any
    types: Any
    version: str

    def kind_of(self, batch: Any, default: _Kind = GENERATE) -> _Kind:
        """Which kind a typed batch, an Operation (by its metadata's ``@type``) or a
        batch's metadata dict is."""
        kind = _KINDS.get(type(batch).__name__)
        if kind is not None:
            return kind
        metadata = getattr(batch, "metadata", batch)
        if isinstance(metadata, Mapping) and "@type" in metadata:
            return _KINDS.get(operations.type_name(str(metadata["@type"])), default)
        return default

    def batch_of(self, operation: Any, kind: _Kind = GENERATE) -> Any:
        """The typed batch (``GenerateContentBatch`` / ``EmbedContentBatch``) an
        Operation's metadata describes."""
        metadata = getattr(operation, "metadata", None) or {}
        kind = self.kind_of(metadata, kind)
        batch = msgspec.convert(metadata, getattr(self.types, kind.batch), strict=False)
        if batch.name is None:
            batch.name = getattr(operation, "name", None)
        if batch.output is None and getattr(operation, "response", None):
            output_type = getattr(self.types, kind.batch + "Output")
            response = {k: v for k, v in operation.response.items() if k != "@type"}
            batch.output = msgspec.convert(response, output_type, strict=False)
        return batch


def _api(resource: Any) -> _Api:
    module = sys.modules[type(resource).__module__]
    return _Api(module, module.types, resource._t.api_version)


class _Submission:
    """One ``submit``: where its input goes, and the create request, free of I/O."""

    def __init__(
        self,
        api: _Api,
        kind: _Kind,
        *,
        display_name: str | None,
        key: Callable[[Any], str] | None,
        inline: bool | None,
        priority: int | None,
        jsonl_path: str | os.PathLike[str] | None,
    ) -> None:
        self.api = api
        self.kind = kind
        self.display_name = display_name or (
            "generativelanguage-batch-"
            + dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        )
        self.key = key
        self.inline_wanted = inline
        self.priority = priority
        self.keep = jsonl_path is not None
        if jsonl_path is not None:
            self.path = os.fspath(jsonl_path)
        else:
            import tempfile  # only when a batch is submitted

            fd, self.path = tempfile.mkstemp(prefix="batch-", suffix=".jsonl")
            os.close(fd)
        self.writer: JsonlWriter | None = None

    @contextlib.contextmanager
    def writing(self) -> Iterator[JsonlWriter]:
        request_type = getattr(self.api.types, self.kind.request)
        with open(self.path, "wb", buffering=1 << 20) as file:
            self.writer = JsonlWriter(file, request_type, self.key)
            yield self.writer

    @property
    def inline(self) -> bool:
        """Whether the batch goes inline; raises when it cannot."""
        assert self.writer is not None
        if self.writer.count == 0:
            raise RequestValidationError("requests: there are no requests to submit", "requests")
        if self.inline_wanted is None:
            return self.writer.size <= INLINE_LIMIT
        if self.inline_wanted and self.writer.size > SERVICE_INLINE_LIMIT:
            raise RequestValidationError(
                f"inline: {self.writer.size} bytes of requests exceed the service's limit "
                f"of {SERVICE_INLINE_LIMIT} bytes for an inline batch; leave inline unset "
                "to upload them as a file",
                path="inline",
            )
        return self.inline_wanted

    def upload_metadata(self) -> dict[str, Any]:
        return {"file": {"displayName": f"{self.display_name} (input)"[:512]}}

    def body(self, file_name: str | None = None) -> Any:
        """The create request: the input file's name, or the requests inline."""
        t = self.api.types
        kind = self.kind
        if file_name is not None:
            source = getattr(t, kind.input_config)(file_name=file_name)
        else:
            request_type = getattr(t, kind.request)
            inlined = getattr(t, kind.inlined_request)
            items = [
                inlined(
                    request=structs.decode(request_type, line.request),
                    metadata={"key": line.key},
                )
                for line in read_input(self.path)
            ]
            source = getattr(t, kind.input_config)(
                requests=getattr(t, kind.inlined_requests)(requests=items)
            )
        batch = getattr(t, kind.batch)(
            display_name=self.display_name, input_config=source, priority=self.priority
        )
        return getattr(t, kind.body)(batch=batch)

    def models(self, model: str, resources: Any, transport: Any, prefix: str = "") -> Any:
        """The generated resource whose method creates the batch for ``model``."""
        name = "TunedModelsResource" if model.startswith("tunedModels/") else "ModelsResource"
        return getattr(resources, prefix + name)(transport)

    def cleanup(self) -> None:
        if not self.keep:
            with contextlib.suppress(OSError):
                os.unlink(self.path)


# -- reading the results ---------------------------------------------------------------


def _source(api: _Api, batch: Any) -> tuple[_Kind, Any, str]:
    """``(kind, inlined responses or None, responses file or "")`` of a typed batch.

    Raises:
        BatchResultsUnavailable: The batch has no output (yet).
    """
    kind = api.kind_of(batch)
    output = batch.output
    inlined = getattr(output, "inlined_responses", None) if output is not None else None
    file_name = getattr(output, "responses_file", None) if output is not None else None
    if inlined is not None or file_name:
        return kind, inlined, file_name or ""
    state = batch.state if isinstance(batch.state, str) else None
    if state in TERMINAL_STATES:
        raise BatchResultsUnavailable(
            f"{batch.name} ended {state} without results", batch.name, state
        )
    raise BatchResultsUnavailable(
        f"{batch.name} is {state or 'not finished'}: no results yet; "
        "wait for it with client.batches.wait(batch)",
        batch.name,
        state,
    )


def _inline_results(inlined: Any) -> Iterator[tuple[str, Any]]:
    for index, item in enumerate(inlined.inlined_responses or ()):
        metadata = item.metadata or {}
        key = metadata.get("key")
        key = key if isinstance(key, str) else str(index)
        yield key, (item.error if item.error is not None else item.response)


def _finished(api: _Api, operation: Any, kind: _Kind) -> Any:
    """The typed batch of a done operation; its error raised when the batch failed."""
    batch = api.batch_of(operation, kind)
    if batch.state not in ("BATCH_STATE_CANCELLED", "BATCH_STATE_EXPIRED"):
        error = operations.error_of(operation)
        if error is not None:
            raise error
    return batch


def _current(api: _Api, batch: Any) -> Any | None:
    """The typed batch when ``batch`` already says how it ended (a batch with output,
    a done Operation), else None (it must be fetched)."""
    if type(batch).__name__ in _KINDS and batch.output is not None:
        return batch
    if type(batch).__name__ == "Operation" and batch.done:
        return api.batch_of(batch)
    return None


def _download_request(api: _Api, transport: Any, file_name: str) -> ranged.RequestFactory:
    """How to GET a responses file's bytes: the Files API's ``files.download``
    (``files/x:download?alt=media``; the service redirects to its download host)."""
    spec = api.resources._FILES_DOWNLOAD
    return lambda opts: media.media_request(transport, spec, (file_name,), None, None, opts)


def _name(batch: Any) -> str:
    if isinstance(batch, str):
        return batch
    return operations.operation_name(batch)


# -- the mixins ------------------------------------------------------------------------


class BatchesMixin:
    """Batch mode conveniences of the blocking ``batches`` resource."""

    __slots__ = ()

    def submit(
        self,
        model: str,
        requests: Iterable[Request | tuple[str, Request]],
        *,
        display_name: str | None = None,
        key: Callable[[Request], str] | None = None,
        inline: bool | None = None,
        priority: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        jsonl_path: str | os.PathLike[str] | None = None,
        options: CallOptions | None = None,
    ) -> types.GenerateContentBatch:
        """Create a batch of ``generateContent`` requests, streamed from any iterable.

        Args:
            model: The model (``gemini-2.5-flash``, ``models/...`` or ``tunedModels/...``).
            requests: ``GenerateContentRequest`` dicts or Structs, or ``(key, request)``
                pairs; consumed once, written to disk as they come.
            display_name: The batch's name for people (default: a timestamped one).
            key: Makes the key of a request given without one (default: its position,
                ``"0"``, ``"1"``, ...). Results come back under these keys.
            inline: True to send the requests in the create request, False to upload
                them as a file; None (default) inlines batches of at most
                ``INLINE_LIMIT`` bytes.
            priority: Batches with a higher priority are processed first (default 0).
            progress: Called as ``progress(bytes_sent, total)`` while uploading.
            jsonl_path: Write the JSON Lines input here and keep it (default: a
                temporary file, removed once submitted).
            options: Per-call options for the upload and the create request.

        Returns:
            The new batch (``state`` ``BATCH_STATE_PENDING``); ``batch.name`` names it.

        Raises:
            RequestValidationError: A request is malformed (nothing is sent).
        """
        batch = self._submit(
            GENERATE,
            model,
            requests,
            display_name,
            key,
            inline,
            priority,
            progress,
            jsonl_path,
            options,
        )
        return cast("types.GenerateContentBatch", batch)

    def submit_embeddings(
        self,
        model: str,
        requests: Iterable[Request | tuple[str, Request]],
        *,
        display_name: str | None = None,
        key: Callable[[Request], str] | None = None,
        inline: bool | None = None,
        priority: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        jsonl_path: str | os.PathLike[str] | None = None,
        options: CallOptions | None = None,
    ) -> types.EmbedContentBatch:
        """Create a batch of ``embedContent`` requests (``asyncBatchEmbedContent``);
        the arguments are those of ``submit``, with ``EmbedContentRequest`` requests."""
        batch = self._submit(
            EMBED,
            model,
            requests,
            display_name,
            key,
            inline,
            priority,
            progress,
            jsonl_path,
            options,
        )
        return cast("types.EmbedContentBatch", batch)

    def _submit(
        self,
        kind: _Kind,
        model: str,
        requests: Any,
        display_name: str | None,
        key: Callable[[Request], str] | None,
        inline: bool | None,
        priority: int | None,
        progress: Callable[[int, int], None] | None,
        jsonl_path: str | os.PathLike[str] | None,
        options: CallOptions | None,
    ) -> Any:
        check_iterable(requests)
        api = _api(self)
        job = _Submission(
            api,
            kind,
            display_name=display_name,
            key=key,
            inline=inline,
            priority=priority,
            jsonl_path=jsonl_path,
        )
        transport = self._t  # type: ignore[attr-defined]
        try:
            with job.writing() as writer:
                for item in requests:
                    writer.add(item)
            if job.inline:
                body = job.body()
            else:
                uploaded = api.resources.MediaResource(transport).upload(
                    body=job.upload_metadata(),
                    file=job.path,
                    mime_type=JSONL_MIME,
                    progress=progress,
                    options=options,
                )
                body = job.body(uploaded.file.name)
            creator = job.models(model, api.resources, transport)
            operation = getattr(creator, kind.method)(model, body=body, options=options)
            return api.batch_of(operation, kind)
        finally:
            job.cleanup()

    @overload
    def wait(
        self,
        batch: types.GenerateContentBatch,
        *,
        timeout: float | None = None,
        progress: Callable[[Batch], None] | None = None,
        options: CallOptions | None = None,
    ) -> types.GenerateContentBatch: ...
    @overload
    def wait(
        self,
        batch: types.EmbedContentBatch,
        *,
        timeout: float | None = None,
        progress: Callable[[Batch], None] | None = None,
        options: CallOptions | None = None,
    ) -> types.EmbedContentBatch: ...
    @overload
    def wait(
        self,
        batch: types.Operation | str,
        *,
        timeout: float | None = None,
        progress: Callable[[Batch], None] | None = None,
        options: CallOptions | None = None,
    ) -> Batch: ...
    def wait(
        self,
        batch: Any,
        *,
        timeout: float | None = None,
        progress: Callable[[Batch], None] | None = None,
        options: CallOptions | None = None,
    ) -> Any:
        """Poll a batch until it succeeds, fails, is cancelled or expires.

        Args:
            batch: A batch, its Operation, or its name (``batches/...``).
            timeout: Overall seconds to wait; None (default) waits as long as the
                batch runs (the service expires batches after 48 hours).
            progress: Called with the typed batch after each poll (``state``,
                ``batch_stats``).
            options: Per-call options for each poll.

        Returns:
            The batch in its terminal state, with its ``output`` when it succeeded.

        Raises:
            APIError: The batch failed (the subclass of the operation's error).
            APITimeoutError: Not finished within ``timeout``.
        """
        api = _api(self)
        kind = api.kind_of(batch)
        poller = operations.Poller(None, api.types.Operation, batch, timeout)
        while (delay := poller.next_delay()) is not None:
            if delay:
                time.sleep(delay)
            poller.current = self.get(poller.name, options=options)  # type: ignore[attr-defined]
            if progress is not None:
                progress(api.batch_of(poller.current, kind))
        return _finished(api, poller.current, kind)

    @overload
    def results(
        self, batch: types.GenerateContentBatch, *, options: CallOptions | None = None
    ) -> Iterator[tuple[str, types.GenerateContentResponse | types.Status]]: ...
    @overload
    def results(
        self, batch: types.EmbedContentBatch, *, options: CallOptions | None = None
    ) -> Iterator[tuple[str, types.EmbedContentResponse | types.Status]]: ...
    @overload
    def results(
        self, batch: types.Operation | str, *, options: CallOptions | None = None
    ) -> Iterator[
        tuple[str, types.GenerateContentResponse | types.EmbedContentResponse | types.Status]
    ]: ...
    def results(self, batch: Any, *, options: CallOptions | None = None) -> Iterator[Any]:
        """The results of a finished batch, one ``(key, item)`` at a time, in order.

        ``item`` is the request's ``GenerateContentResponse`` (``EmbedContentResponse``
        for embeddings), or the ``Status`` of its error. A responses file is decoded as
        it downloads, so memory stays flat whatever its size; a dropped connection is
        resumed where it broke.

        Args:
            batch: A batch, its Operation, or its name (fetched when it carries no output).
            options: Per-call options for the fetch and the download.

        Raises:
            BatchResultsUnavailable: The batch is not finished, or ended without output.
            ResponseDecodeError: A line of the responses file is not a result.
        """
        api = _api(self)
        current = _current(api, batch)
        if current is None:
            operation = self.get(_name(batch), options=options)  # type: ignore[attr-defined]
            current = api.batch_of(operation, api.kind_of(batch))
        kind, inlined, file_name = _source(api, current)
        if inlined is not None:
            yield from _inline_results(inlined)
            return
        lines = ResultLines(getattr(api.types, kind.response), api.types.Status)
        download = _download_request(api, self._t, file_name)  # type: ignore[attr-defined]
        for chunk in ranged.iter_download(self._t, download, options):  # type: ignore[attr-defined]
            yield from lines.feed(chunk)
        yield from lines.close()


class AsyncBatchesMixin:
    """Batch mode conveniences of the asynchronous ``batches`` resource (see
    ``BatchesMixin``); ``requests`` may also be an async iterable."""

    __slots__ = ()

    async def submit(
        self,
        model: str,
        requests: Iterable[Request | tuple[str, Request]]
        | AsyncIterable[Request | tuple[str, Request]],
        *,
        display_name: str | None = None,
        key: Callable[[Request], str] | None = None,
        inline: bool | None = None,
        priority: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        jsonl_path: str | os.PathLike[str] | None = None,
        options: CallOptions | None = None,
    ) -> types.GenerateContentBatch:
        """Create a batch of ``generateContent`` requests (see ``Client.batches.submit``)."""
        batch = await self._submit(
            GENERATE,
            model,
            requests,
            display_name,
            key,
            inline,
            priority,
            progress,
            jsonl_path,
            options,
        )
        return cast("types.GenerateContentBatch", batch)

    async def submit_embeddings(
        self,
        model: str,
        requests: Iterable[Request | tuple[str, Request]]
        | AsyncIterable[Request | tuple[str, Request]],
        *,
        display_name: str | None = None,
        key: Callable[[Request], str] | None = None,
        inline: bool | None = None,
        priority: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        jsonl_path: str | os.PathLike[str] | None = None,
        options: CallOptions | None = None,
    ) -> types.EmbedContentBatch:
        """Create a batch of ``embedContent`` requests (see ``Client.batches.submit``)."""
        batch = await self._submit(
            EMBED,
            model,
            requests,
            display_name,
            key,
            inline,
            priority,
            progress,
            jsonl_path,
            options,
        )
        return cast("types.EmbedContentBatch", batch)

    async def _submit(
        self,
        kind: _Kind,
        model: str,
        requests: Any,
        display_name: str | None,
        key: Callable[[Request], str] | None,
        inline: bool | None,
        priority: int | None,
        progress: Callable[[int, int], None] | None,
        jsonl_path: str | os.PathLike[str] | None,
        options: CallOptions | None,
    ) -> Any:
        if not hasattr(requests, "__aiter__"):
            check_iterable(requests)
        api = _api(self)
        job = _Submission(
            api,
            kind,
            display_name=display_name,
            key=key,
            inline=inline,
            priority=priority,
            jsonl_path=jsonl_path,
        )
        transport = self._t  # type: ignore[attr-defined]
        try:
            with job.writing() as writer:
                if hasattr(requests, "__aiter__"):
                    async for item in requests:
                        writer.add(item)
                        if writer.count % _YIELD_EVERY == 0:
                            await _sleep(0)
                else:
                    for item in requests:
                        writer.add(item)
                        if writer.count % _YIELD_EVERY == 0:
                            await _sleep(0)
            if job.inline:
                body = job.body()
            else:
                uploaded = await api.resources.AsyncMediaResource(transport).upload(
                    body=job.upload_metadata(),
                    file=job.path,
                    mime_type=JSONL_MIME,
                    progress=progress,
                    options=options,
                )
                body = job.body(uploaded.file.name)
            creator = job.models(model, api.resources, transport, prefix="Async")
            operation = await getattr(creator, kind.method)(model, body=body, options=options)
            return api.batch_of(operation, kind)
        finally:
            job.cleanup()

    @overload
    async def wait(
        self,
        batch: types.GenerateContentBatch,
        *,
        timeout: float | None = None,
        progress: Callable[[Batch], None] | None = None,
        options: CallOptions | None = None,
    ) -> types.GenerateContentBatch: ...
    @overload
    async def wait(
        self,
        batch: types.EmbedContentBatch,
        *,
        timeout: float | None = None,
        progress: Callable[[Batch], None] | None = None,
        options: CallOptions | None = None,
    ) -> types.EmbedContentBatch: ...
    @overload
    async def wait(
        self,
        batch: types.Operation | str,
        *,
        timeout: float | None = None,
        progress: Callable[[Batch], None] | None = None,
        options: CallOptions | None = None,
    ) -> Batch: ...
    async def wait(
        self,
        batch: Any,
        *,
        timeout: float | None = None,
        progress: Callable[[Batch], None] | None = None,
        options: CallOptions | None = None,
    ) -> Any:
        """Poll a batch until it reaches a terminal state (see ``Client.batches.wait``)."""
        api = _api(self)
        kind = api.kind_of(batch)
        poller = operations.Poller(None, api.types.Operation, batch, timeout)
        while (delay := poller.next_delay()) is not None:
            if delay:
                await _sleep(delay)
            poller.current = await self.get(poller.name, options=options)  # type: ignore[attr-defined]
            if progress is not None:
                progress(api.batch_of(poller.current, kind))
        return _finished(api, poller.current, kind)

    @overload
    def results(
        self, batch: types.GenerateContentBatch, *, options: CallOptions | None = None
    ) -> AsyncIterator[tuple[str, types.GenerateContentResponse | types.Status]]: ...
    @overload
    def results(
        self, batch: types.EmbedContentBatch, *, options: CallOptions | None = None
    ) -> AsyncIterator[tuple[str, types.EmbedContentResponse | types.Status]]: ...
    @overload
    def results(
        self, batch: types.Operation | str, *, options: CallOptions | None = None
    ) -> AsyncIterator[
        tuple[str, types.GenerateContentResponse | types.EmbedContentResponse | types.Status]
    ]: ...
    async def results(
        self, batch: Any, *, options: CallOptions | None = None
    ) -> AsyncIterator[Any]:
        """The results of a finished batch (see ``Client.batches.results``):
        ``async for key, item in client.batches.results(batch)``."""
        api = _api(self)
        current = _current(api, batch)
        if current is None:
            operation = await self.get(_name(batch), options=options)  # type: ignore[attr-defined]
            current = api.batch_of(operation, api.kind_of(batch))
        kind, inlined, file_name = _source(api, current)
        if inlined is not None:
            for item in _inline_results(inlined):
                yield item
            return
        lines = ResultLines(getattr(api.types, kind.response), api.types.Status)
        download = _download_request(api, self._t, file_name)  # type: ignore[attr-defined]
        async for chunk in ranged.aiter_download(self._t, download, options):  # type: ignore[attr-defined]
            for item in lines.feed(chunk):
                yield item
        for item in lines.close():
            yield item

"""Batch mode at scale: ``client.batches.submit`` / ``submit_embeddings`` / ``wait`` /
``results``, mixed into the generated ``batches`` resource of API versions that have one
(``discovery/extensions/generativelanguage.v1beta.batches.json``).

* ``submit`` takes any iterable of requests (dicts or Structs, or ``(key, request)``
  pairs), encodes each with msgspec into one line ``{"key": ..., "request": ...}`` of a
  JSON Lines file on disk (never the whole batch in memory), uploads the file through the
  runtime's media upload (multipart up to 5 MiB, Google's resumable protocol above, with
  progress) and creates the batch from it; a batch whose file stays under
  ``batch_plan.INLINE_LIMIT`` goes inline instead (keys travel as ``metadata.key``).
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
:mod:`.batch_jsonl`, and what a batch is (its kinds, its create request, where its
results are) is :mod:`.batch_plan`, both free of I/O; this module drives them over the
API. It imports generated types
lazily (the generated module imports it): the version's ``types`` and ``resources``
modules are found from the class it is mixed into.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, cast, overload

from generativelanguage.runtime import operations, ranged
from generativelanguage.runtime.transport import _sleep

from .batch_jsonl import ResultLines, check_iterable, write_jsonl
from .batch_plan import (
    EMBED,
    GENERATE,
    JSONL_MIME,
    BatchResultsUnavailable,
    Kind,
    Submission,
    api_of,
    batch_name,
    download_request,
    finished,
    inline_results,
    result_source,
    settled,
)

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

_YIELD_EVERY = 1000  # async submit: give the event loop a turn every this many lines


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
        kind: Kind,
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
        api = api_of(self)
        job = Submission(
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
        api = api_of(self)
        kind = api.kind_of(batch)
        poller = operations.Poller(None, api.types.Operation, batch, timeout)
        while (delay := poller.next_delay()) is not None:
            if delay:
                time.sleep(delay)
            poller.current = self.get(poller.name, options=options)  # type: ignore[attr-defined]
            if progress is not None:
                progress(api.batch_of(poller.current, kind))
        return finished(api, poller.current, kind)

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
        api = api_of(self)
        current = settled(api, batch)
        if current is None:
            operation = self.get(batch_name(batch), options=options)  # type: ignore[attr-defined]
            current = api.batch_of(operation, api.kind_of(batch))
        kind, inlined, file_name = result_source(api, current)
        if inlined is not None:
            yield from inline_results(inlined)
            return
        lines = ResultLines(getattr(api.types, kind.response), api.types.Status)
        download = download_request(api, self._t, file_name)  # type: ignore[attr-defined]
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
        kind: Kind,
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
        api = api_of(self)
        job = Submission(
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
        api = api_of(self)
        kind = api.kind_of(batch)
        poller = operations.Poller(None, api.types.Operation, batch, timeout)
        while (delay := poller.next_delay()) is not None:
            if delay:
                await _sleep(delay)
            poller.current = await self.get(poller.name, options=options)  # type: ignore[attr-defined]
            if progress is not None:
                progress(api.batch_of(poller.current, kind))
        return finished(api, poller.current, kind)

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
        api = api_of(self)
        current = settled(api, batch)
        if current is None:
            operation = await self.get(batch_name(batch), options=options)  # type: ignore[attr-defined]
            current = api.batch_of(operation, api.kind_of(batch))
        kind, inlined, file_name = result_source(api, current)
        if inlined is not None:
            for item in inline_results(inlined):
                yield item
            return
        lines = ResultLines(getattr(api.types, kind.response), api.types.Status)
        download = download_request(api, self._t, file_name)  # type: ignore[attr-defined]
        async for chunk in ranged.aiter_download(self._t, download, options):  # type: ignore[attr-defined]
            for item in lines.feed(chunk):
                yield item
        for item in lines.close():
            yield item

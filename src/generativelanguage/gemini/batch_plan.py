"""What a batch is, free of I/O: the two kinds (``generateContent`` and
``embedContent``) and their schema names, the create request of one ``submit`` and where
its JSON Lines input goes, and where a finished batch's results are (a responses file
or inlined responses). :mod:`.batches` drives these over the API, sync and async.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from generativelanguage.runtime import media, operations, ranged, structs
from generativelanguage.runtime.errors import GenerativeLanguageError, RequestValidationError

from .batch_jsonl import JsonlWriter, read_input

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
class Kind:
    """The schema names of one kind of batch (generateContent or embedContent)."""

    method: str
    request: str
    response: str
    batch: str
    body: str
    input_config: str
    inlined_requests: str
    inlined_request: str


GENERATE = Kind(
    "batch_generate_content",
    "GenerateContentRequest",
    "GenerateContentResponse",
    "GenerateContentBatch",
    "BatchGenerateContentRequest",
    "InputConfig",
    "InlinedRequests",
    "InlinedRequest",
)
EMBED = Kind(
    "async_batch_embed_content",
    "EmbedContentRequest",
    "EmbedContentResponse",
    "EmbedContentBatch",
    "AsyncBatchEmbedContentRequest",
    "InputEmbedContentConfig",
    "InlinedEmbedContentRequests",
    "InlinedEmbedContentRequest",
)
KINDS = {GENERATE.batch: GENERATE, EMBED.batch: EMBED}


@dataclass(frozen=True)
class Api:
    """The generated modules of the API version a mixin instance belongs to."""

    resources: Any
    types: Any
    version: str

    def kind_of(self, batch: Any, default: Kind = GENERATE) -> Kind:
        """Which kind a typed batch, an Operation (by its metadata's ``@type``) or a
        batch's metadata dict is."""
        kind = KINDS.get(type(batch).__name__)
        if kind is not None:
            return kind
        metadata = getattr(batch, "metadata", batch)
        if isinstance(metadata, Mapping) and "@type" in metadata:
            return KINDS.get(operations.type_name(str(metadata["@type"])), default)
        return default

    def batch_of(self, operation: Any, kind: Kind = GENERATE) -> Any:
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


def api_of(resource: Any) -> Api:
    module = sys.modules[type(resource).__module__]
    return Api(module, module.types, resource._t.api_version)


class Submission:
    """One ``submit``: where its input goes, and the create request, free of I/O."""

    def __init__(
        self,
        api: Api,
        kind: Kind,
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


def result_source(api: Api, batch: Any) -> tuple[Kind, Any, str]:
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


def inline_results(inlined: Any) -> Iterator[tuple[str, Any]]:
    for index, item in enumerate(inlined.inlined_responses or ()):
        metadata = item.metadata or {}
        key = metadata.get("key")
        key = key if isinstance(key, str) else str(index)
        yield key, (item.error if item.error is not None else item.response)


def finished(api: Api, operation: Any, kind: Kind) -> Any:
    """The typed batch of a done operation; its error raised when the batch failed."""
    batch = api.batch_of(operation, kind)
    if batch.state not in ("BATCH_STATE_CANCELLED", "BATCH_STATE_EXPIRED"):
        error = operations.error_of(operation)
        if error is not None:
            raise error
    return batch


def settled(api: Api, batch: Any) -> Any | None:
    """The typed batch when ``batch`` already says how it ended (a batch with output,
    a done Operation), else None (it must be fetched)."""
    if type(batch).__name__ in KINDS and batch.output is not None:
        return batch
    if type(batch).__name__ == "Operation" and batch.done:
        return api.batch_of(batch)
    return None


def download_request(api: Api, transport: Any, file_name: str) -> ranged.RequestFactory:
    """How to GET a responses file's bytes: the Files API's ``files.download``
    (``files/x:download?alt=media``; the service redirects to its download host)."""
    spec = api.resources._FILES_DOWNLOAD
    return lambda opts: media.media_request(transport, spec, (file_name,), None, None, opts)


def batch_name(batch: Any) -> str:
    if isinstance(batch, str):
        return batch
    return operations.operation_name(batch)

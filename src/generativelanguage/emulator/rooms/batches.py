"""Batch mode: ``batchGenerateContent`` and ``asyncBatchEmbedContent`` (on models and on
tuned models) start a ``batches/...`` operation that moves through its states over
polls and answers every request with the deterministic model of :mod:`.generation`.

* Inline requests (``inputConfig.requests.requests``) answer in
  ``output.inlinedResponses``, each with the request's ``metadata`` echoed.
* An input file (``inputConfig.fileName``, JSON Lines of ``{"key", "request"}``) answers
  in a generated ``application/jsonl`` file named by ``output.responsesFile``: one line
  per input line, in input order, ``{"key", "response"}`` or ``{"key", "error"}``. A line
  that is not JSON, not an object, lacks ``request`` or holds a request the service would
  refuse (an unknown field, a wrong type) gets its own INVALID_ARGUMENT error; the
  others are answered.
* ``batchStats`` counts requests, successes and failures; the metadata's state goes
  ``BATCH_STATE_PENDING`` -> ``RUNNING`` -> ``SUCCEEDED`` (``batches.cancel``, in
  :mod:`.operations`, ends it ``CANCELLED``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import msgspec

from .. import errors, model
from ..errors import ApiError
from ..routing import Route
from ..store import timestamp
from ..validation import to_json, validate
from ..wire import Response, json_response
from .base import TYPE_PREFIX, Handler, Kind, Room

#: The batch kinds: creating method -> (batch type, request type of one line).
_METHODS = {
    "batchGenerateContent": ("GenerateContentBatch", "GenerateContentRequest"),
    "asyncBatchEmbedContent": ("EmbedContentBatch", "EmbedContentRequest"),
}


class Batches(Kind):
    id_length = 36


class BatchesRoom(Room):
    """Batches: created from inline requests or a JSON Lines file, run over polls."""

    kinds = {"batches": Batches()}

    def handler(self, route: Route) -> Handler | None:
        return self._create if route.method in _METHODS else None

    def _create(self, req, route, params, body) -> Response:
        generation = self.svc.generation
        model_name = params.get("model") or next(iter(params.values()))
        generation.resolve_model(model_name, route.method, req)
        batch_kind, request_kind = _METHODS[route.method]
        request_type = getattr(sys.modules[route.spec.request.__module__], request_kind)
        if route.method == "batchGenerateContent":

            def answer(request: dict) -> dict:
                request = {k: v for k, v in request.items() if k != "model"}
                gen = generation._generation(req, route, params, request, "generateContent")
                rid = model.response_id(json.dumps(request, sort_keys=True).encode(), model_name)
                return model.to_response(gen, model_name.rsplit("/", 1)[-1], rid)

        else:

            def answer(request: dict) -> dict:
                embedding, _ = generation._embed_one(request)
                return {"embedding": embedding}

        batch = to_json(body).get("batch") or {}
        return self._start(req, model_name, batch, batch_kind, request_type, answer)

    def _lines(self, file_name: str) -> list[bytes]:
        self.svc.get_or_404(file_name)
        data = self.store.side.get(file_name, {}).get("bytes", b"")
        return [raw for raw in data.split(b"\n") if raw.strip()]

    def _start(
        self,
        req,
        model_name: str,
        batch: dict,
        kind: str,
        request_type: type,
        answer: Callable[[dict], dict],
    ) -> Response:
        config = batch.get("inputConfig") or {}
        inlined = ((config.get("requests") or {}).get("requests")) or []
        file_name = config.get("fileName")
        lines: list[bytes] = []
        if file_name:
            lines = self._lines(file_name)
            if not lines:
                raise errors.invalid_argument(
                    f"The input file {file_name} holds no requests.", "batch.input_config"
                )
        elif not inlined:
            raise errors.invalid_argument(
                "batch.input_config needs requests or a file_name.", "batch.input_config"
            )
        name = f"batches/{self.store.new_id(36)}"
        stamp = timestamp()
        count = len(inlined) or len(lines)
        type_url = f"{TYPE_PREFIX}v1main.{kind}"
        metadata: dict[str, Any] = {
            "@type": type_url,
            "model": model_name,
            "displayName": batch.get("displayName", ""),
            "createTime": stamp,
            "updateTime": stamp,
            "batchStats": {"requestCount": str(count), "pendingRequestCount": str(count)},
            "state": "BATCH_STATE_PENDING",
            "name": name,
        }

        def progress(op: dict[str, Any], fraction: float) -> None:
            op["metadata"]["state"] = "BATCH_STATE_RUNNING"
            op["metadata"]["updateTime"] = timestamp()

        def finish(op: dict[str, Any]) -> dict[str, Any]:
            if inlined:
                results = [_inline_result(entry, answer) for entry in inlined]
                failed = sum("error" in r for r in results)
                output: dict[str, Any] = {"inlinedResponses": {"inlinedResponses": results}}
            else:
                out = [_file_result(raw, request_type, answer) for raw in lines]
                failed = sum(not ok for _, ok in out)
                file = self.svc.files.create_file(
                    req,
                    {"displayName": f"{name} responses"},
                    b"".join(line + b"\n" for line, _ in out),
                    "application/jsonl",
                    source="GENERATED",
                )
                output = {"responsesFile": file["name"]}
            end = timestamp()
            meta = op["metadata"]
            meta.update(output=output, endTime=end, updateTime=end)
            stats = {"requestCount": str(count)}
            if count - failed:
                stats["successfulRequestCount"] = str(count - failed)
            if failed:
                stats["failedRequestCount"] = str(failed)
            meta["batchStats"] = stats
            meta["state"] = "BATCH_STATE_SUCCEEDED"
            return {"@type": f"{type_url}Output", **output}

        return json_response(
            self.svc.operations.start(name, finish, metadata=metadata, progress=progress)
        )


def _inline_result(entry: dict, answer: Callable[[dict], dict]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    try:
        result["response"] = answer(entry.get("request") or {})
    except ApiError as exc:
        result["error"] = exc.as_status()
    if entry.get("metadata") is not None:
        result["metadata"] = entry["metadata"]
    return result


def _file_result(
    raw: bytes, request_type: type, answer: Callable[[dict], dict]
) -> tuple[bytes, bool]:
    """One output line for one input line, and whether the request was answered."""
    head: dict[str, Any] = {}
    try:
        try:
            line = msgspec.json.decode(raw)
        except msgspec.DecodeError as exc:
            raise errors.invalid_argument(f"Invalid JSON in the input line: {exc}.", "") from None
        if not isinstance(line, dict):
            raise errors.invalid_argument(
                f"Each input line must be a JSON object, got {type(line).__name__}.", ""
            )
        if "key" in line:
            head["key"] = line["key"]
        request = line.get("request")
        if not isinstance(request, dict):
            raise errors.invalid_argument(
                f"Each input line needs a 'request' object (a {request_type.__name__}).",
                "request",
            )
        checked = to_json(validate(request_type, request, allowed_extra=frozenset({"model"})))
        response = answer(checked)
    except ApiError as exc:
        return msgspec.json.encode({**head, "error": exc.as_status()}), False
    return msgspec.json.encode({**head, "response": response}), True

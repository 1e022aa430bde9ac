"""Generation: the model methods and the model catalogue.

``generateContent`` and its streaming sibling, token counts, embeddings, the legacy
PaLM methods, ``predict`` (images) and ``predictLongRunning`` (videos), answered by
the documented rules of :mod:`..model` from the request alone (batch mode, which uses
them, is :mod:`.batches`).
"""

from __future__ import annotations

import copy
from typing import Any

import msgspec

from .. import catalogue, errors, model
from ..routing import Route
from ..validation import to_json
from ..wire import Request, Response, json_response
from .base import TYPE_PREFIX, Handler, Room

# 1x1 transparent PNG: what `predict` returns for each image sample.
_PNG_1X1 = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)

_MODEL_METHODS = frozenset(
    {
        "generateContent",
        "streamGenerateContent",
        "countTokens",
        "embedContent",
        "batchEmbedContents",
        "generateText",
        "generateMessage",
        "embedText",
        "batchEmbedText",
        "countTextTokens",
        "countMessageTokens",
        "generateAnswer",
        "predict",
        "predictLongRunning",
    }
)


class GenerationRoom(Room):
    """The model methods, answered from the request by :mod:`..model`."""

    def handler(self, route: Route) -> Handler | None:
        if route.method in _MODEL_METHODS:
            return getattr(self, f"_m_{route.method}")
        return None

    def seed_models(self) -> None:
        """Put the model catalogue into the (empty) store."""
        for entry in catalogue.MODELS:
            self.store.put(entry["name"], copy.deepcopy(entry))

    def resolve_model(self, model_name: str, method: str, req: Request | None = None) -> dict:
        """The catalogue entry (or tuned model) serving ``method``; 404 like the service."""
        version = "v1beta"
        if req is not None and req.path.startswith("/v1/"):
            version = "v1"
        unsupported = errors.not_found(
            f"{model_name} is not found for API version {version}, or is not supported for "
            f"{method}. Call ListModels to see the list of available models and their "
            "supported methods."
        )
        if model_name.startswith("tunedModels/"):
            tuned = self.store.get(model_name)
            if tuned is None:
                raise errors.not_found(f"Tuned model {model_name} does not exist.")
            if tuned.get("state") != "ACTIVE":
                raise errors.failed_precondition(
                    f"Tuned model {model_name} is not ready yet (state {tuned.get('state')})."
                )
            return tuned
        if model_name.startswith("dynamic/"):
            return {"name": model_name}
        wanted = catalogue.IMPLIED.get(method, method)
        entry = self.store.get(model_name)
        if entry is not None:
            if wanted in entry.get("supportedGenerationMethods", ()) or method in (
                "countTokens",
                "countTextTokens",
                "countMessageTokens",
            ):
                return entry
            raise unsupported
        methods = catalogue.family_methods(model_name.removeprefix("models/"))
        if methods is None or wanted not in methods and not method.startswith("count"):
            raise unsupported
        return {"name": model_name}

    # -- model methods ------------------------------------------------------------------

    def _model_param(self, route: Route, params: dict[str, str]) -> str:
        return params.get("model") or next(iter(params.values()))

    def _generation(self, req, route, params, request: dict, method: str) -> model.Generation:
        model_name = self._model_param(route, params)
        info = self.resolve_model(model_name, method, req)
        cached = None
        cache_name = request.get("cachedContent")
        if cache_name:
            cache = self.svc.get_or_404(cache_name)
            if cache.get("model") != model_name:
                raise errors.invalid_argument(
                    f"Model used by GenerateContent request ({model_name}) and CachedContent "
                    f"({cache.get('model')}) has to be the same.",
                    "cached_content",
                )
            cached = self.store.side.get(cache_name, {}).get("cache") or {}
        examples = self.store.side.get(info.get("name", ""), {}).get("examples")
        return model.generate(
            request, model_name, lookup=self.svc.files.lookup, cached=cached, examples=examples
        )

    def _m_generateContent(self, req, route, params, body) -> Response:
        request = to_json(body)
        gen = self._generation(req, route, params, request, "generateContent")
        model_name = self._model_param(route, params)
        rid = model.response_id(req.body, model_name)
        return json_response(model.to_response(gen, model_name.rsplit("/", 1)[-1], rid))

    def _m_streamGenerateContent(self, req, route, params, body) -> Response:
        request = to_json(body)
        gen = self._generation(req, route, params, request, "streamGenerateContent")
        model_name = self._model_param(route, params)
        rid = model.response_id(req.body, model_name)
        chunks = model.to_chunks(gen, model_name.rsplit("/", 1)[-1], rid)
        if req.query.get("alt") == "sse":
            frames = [b"data: " + msgspec.json.encode(c) + b"\r\n\r\n" for c in chunks]
            return Response(200, b"", {"Content-Type": "text/event-stream"}, stream=frames)
        # Without alt=sse the service streams one JSON array of chunks.
        return json_response(chunks)

    def _m_countTokens(self, req, route, params, body) -> Response:
        request = to_json(body)
        model_name = self._model_param(route, params)
        self.resolve_model(model_name, "countTokens", req)
        inner = request.get("generateContentRequest")
        if inner and request.get("contents"):
            raise errors.invalid_argument(
                "contents and generate_content_request are mutually exclusive.", ""
            )
        counts = (
            model.count_request(inner) if inner else model.count_contents(request.get("contents"))
        )
        out: dict[str, Any] = {"totalTokens": sum(counts.values())}
        cached_tokens = 0
        if inner and inner.get("cachedContent"):
            self.svc.get_or_404(inner["cachedContent"])
            cache = self.store.side.get(inner["cachedContent"], {}).get("cache") or {}
            cached_tokens = sum(model.count_request(cache).values())
            out["totalTokens"] += cached_tokens
            counts["TEXT"] += cached_tokens
        details = model.token_details(counts)
        if details:
            out["promptTokensDetails"] = details
        if cached_tokens:
            out["cachedContentTokenCount"] = cached_tokens
        return json_response(out)

    @staticmethod
    def _dimensions(request: dict) -> int:
        dims = request.get("outputDimensionality") or (
            (request.get("embedContentConfig") or {}).get("outputDimensionality")
        )
        if dims is None:
            return model.DEFAULT_DIMENSIONS
        if not 1 <= int(dims) <= 3072:
            raise errors.invalid_argument(
                f"output_dimensionality must be between 1 and 3072, got {dims}.",
                "output_dimensionality",
            )
        return int(dims)

    def _embed_one(self, request: dict) -> tuple[dict[str, Any], Any]:
        content = request.get("content")
        if not content:
            raise errors.invalid_argument("EmbedContentRequest.content is required.", "content")
        values = model.embed(model.content_text(content), self._dimensions(request))
        return {"values": values}, model.count_contents([content])

    def _m_embedContent(self, req, route, params, body) -> Response:
        request = to_json(body)
        self.resolve_model(self._model_param(route, params), "embedContent", req)
        embedding, counts = self._embed_one(request)
        return json_response(
            {
                "embedding": embedding,
                "usageMetadata": {
                    "promptTokenCount": sum(counts.values()),
                    "promptTokenDetails": model.token_details(counts),
                },
            }
        )

    def _m_batchEmbedContents(self, req, route, params, body) -> Response:
        request = to_json(body)
        self.resolve_model(self._model_param(route, params), "batchEmbedContents", req)
        requests = request.get("requests") or []
        if len(requests) > 100:
            raise errors.invalid_argument(
                "* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n",
                None,
            )
        embeddings = []
        total: Any = model.Counter()
        for item in requests:
            embedding, counts = self._embed_one(item)
            embeddings.append(embedding)
            total.update(counts)
        return json_response(
            {
                "embeddings": embeddings,
                "usageMetadata": {
                    "promptTokenCount": sum(total.values()),
                    "promptTokenDetails": model.token_details(total),
                },
            }
        )

    def _m_generateText(self, req, route, params, body) -> Response:
        self.resolve_model(self._model_param(route, params), "generateText", req)
        return json_response(model.generate_text(to_json(body)))

    def _m_generateMessage(self, req, route, params, body) -> Response:
        self.resolve_model(self._model_param(route, params), "generateMessage", req)
        return json_response(model.generate_message(to_json(body)))

    def _m_embedText(self, req, route, params, body) -> Response:
        self.resolve_model(self._model_param(route, params), "embedText", req)
        text = to_json(body).get("text") or ""
        return json_response({"embedding": {"value": model.embed(text)}})

    def _m_batchEmbedText(self, req, route, params, body) -> Response:
        self.resolve_model(self._model_param(route, params), "batchEmbedText", req)
        request = to_json(body)
        texts = list(request.get("texts") or []) + [
            r.get("text") or "" for r in request.get("requests") or ()
        ]
        return json_response({"embeddings": [{"value": model.embed(t)} for t in texts]})

    def _m_countTextTokens(self, req, route, params, body) -> Response:
        self.resolve_model(self._model_param(route, params), "countTextTokens", req)
        text = ((to_json(body).get("prompt") or {}).get("text")) or ""
        return json_response({"tokenCount": len(model.words(text))})

    def _m_countMessageTokens(self, req, route, params, body) -> Response:
        self.resolve_model(self._model_param(route, params), "countMessageTokens", req)
        return json_response({"tokenCount": model.count_message_tokens(to_json(body))})

    def _m_generateAnswer(self, req, route, params, body) -> Response:
        self.resolve_model(self._model_param(route, params), "generateAnswer", req)
        request = to_json(body)
        if bool(request.get("inlinePassages")) == bool(request.get("semanticRetriever")):
            raise errors.invalid_argument(
                "Exactly one of inline_passages or semantic_retriever must be set.", ""
            )
        return json_response(model.generate_answer(request))

    def _m_predict(self, req, route, params, body) -> Response:
        self.resolve_model(self._model_param(route, params), "predict", req)
        request = to_json(body)
        count = int(((request.get("parameters") or {}).get("sampleCount")) or 1)
        predictions = [
            {"mimeType": "image/png", "bytesBase64Encoded": _PNG_1X1}
            for _ in request.get("instances") or [{}]
            for _ in range(count)
        ]
        return json_response({"predictions": predictions})

    def _m_predictLongRunning(self, req, route, params, body) -> Response:
        model_name = self._model_param(route, params)
        self.resolve_model(model_name, "predictLongRunning", req)
        request = to_json(body)
        instances = request.get("instances") or [{}]
        count = int(((request.get("parameters") or {}).get("sampleCount")) or 1)
        op_name = f"{model_name}/operations/{self.store.new_id(12)}"

        def finish(op: dict[str, Any]) -> dict[str, Any]:
            samples = []
            for instance in instances:
                prompt = str((instance or {}).get("prompt") or "")
                for i in range(count):
                    data = b"\x00\x00\x00\x18ftypmp42" + f"emulated video {i}: {prompt}".encode()
                    file = self.svc.files.create_file(
                        req, {}, data, "video/mp4", source="GENERATED"
                    )
                    file_item = self.store.get(file["name"])
                    file_item["state"] = "ACTIVE"
                    uri = f"{req.base_url}/v1beta/{file['name']}:download?alt=media"
                    samples.append({"video": {"uri": uri}})
            return {
                "@type": f"{TYPE_PREFIX}v1beta.PredictLongRunningResponse",
                "generateVideoResponse": {"generatedSamples": samples},
            }

        return json_response(self.svc.operations.start(op_name, finish))

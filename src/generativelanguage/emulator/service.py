"""The emulated Generative Language service, independent of HTTP.

``Service.handle`` takes a parsed request and returns a response. Dispatch is driven by
the routing table built from the generated ``MethodSpec`` constants
(:mod:`.routing`); what a matched method does is decided by its name:

* the model methods (``generateContent``, ``embedContent``, the legacy PaLM methods,
  ...) are answered by the rules of :mod:`.model`;
* ``create``/``get``/``list``/``patch``/``delete`` are generic CRUD over the
  in-memory store, whatever the resource: the collection or resource name is the
  method's expanded path (``tunedModels/x/permissions``), the body is validated
  against the method's request type, and a few collections add semantics on top
  (``_KINDS``: naming like Google's, a cache's expiry, a tuned model's training);
* long-running methods answer an ``Operation`` that is done after a few polls;
* media upload and download speak the upload protocol (:mod:`.uploads`).

A method matching none of these answers 501 UNIMPLEMENTED.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import msgspec

from . import catalogue, errors, model, uploads
from .errors import ApiError
from .routing import Route, Router
from .store import Store, collection_of, now, parse_timestamp, timestamp
from .validation import fields_of, parse_json, to_json, validate, wire_names
from .wire import Request, Response, error_response, json_response

TYPE_PREFIX = "type.googleapis.com/google.ai.generativelanguage."

# 1x1 transparent PNG: what `predict` returns for each image sample.
_PNG_1X1 = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


# -- per-collection semantics ---------------------------------------------------------


def _slug(text: str, *, hyphens: bool, limit: int) -> str:
    text = text.lower()
    if hyphens:
        text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    else:
        text = re.sub(r"[^a-z0-9]+", "", text)
    return text[:limit].strip("-")


class Kind:
    """Semantics of one kind of resource on top of generic CRUD; the default adds none.

    Attributes:
        id_length: Length of the random part of generated ids.
        slug: How a ``displayName`` prefixes the id: None, "hyphens" or "compact".
        patchable: Fields an update may change (None: every field).
        children_block_delete: Child collections that make ``delete`` fail unless
            ``force=true`` (AIP-135).
    """

    id_length = 12
    slug: str | None = None
    patchable: frozenset[str] | None = None
    children_block_delete: frozenset[str] = frozenset()

    def new_id(self, svc: Service, item: dict[str, Any]) -> str:
        rand = svc.store.new_id(self.id_length)
        display = item.get("displayName")
        if self.slug and isinstance(display, str) and display.strip():
            prefix = _slug(
                display, hyphens=self.slug == "hyphens", limit=40 if self.slug == "hyphens" else 27
            )
            if prefix and prefix[0].isalpha():
                return f"{prefix}-{rand}"
        return rand

    def on_create(self, svc: Service, name: str, item: dict[str, Any], req: Request) -> None:
        pass

    def on_read(self, svc: Service, name: str, item: dict[str, Any]) -> dict[str, Any] | None:
        return item

    def on_patch(self, svc: Service, name: str, item: dict[str, Any], patch: dict) -> None:
        pass

    def on_delete(self, svc: Service, name: str) -> None:
        pass


class CachedContents(Kind):
    """A cache's contents are kept privately (``get`` does not return them); ``ttl`` is
    input only and sets ``expireTime`` (default one hour); an expired cache is gone."""

    id_length = 40
    patchable = frozenset({"ttl", "expireTime"})
    _PRIVATE = ("contents", "systemInstruction", "tools", "toolConfig")

    def on_create(self, svc, name, item, req):
        model_name = item.get("model")
        if not model_name:
            raise errors.invalid_argument("CachedContent.model is required.", "model")
        svc.resolve_model(model_name, "createCachedContent", req)
        private = {k: item.pop(k) for k in self._PRIVATE if k in item}
        svc.store.side.setdefault(name, {})["cache"] = private
        item.setdefault("displayName", "")
        self._expiry(item, now())
        tokens = sum(model.count_request(private).values())
        item["usageMetadata"] = {"totalTokenCount": tokens}

    def on_patch(self, svc, name, item, patch):
        self._expiry(item, now())

    @staticmethod
    def _expiry(item: dict[str, Any], start: dt.datetime) -> None:
        ttl = item.pop("ttl", None)
        if ttl is not None:
            seconds = _duration_seconds(ttl, "ttl")
            item["expireTime"] = timestamp(start + dt.timedelta(seconds=seconds))
        elif "expireTime" not in item:
            item["expireTime"] = timestamp(start + dt.timedelta(hours=1))

    def on_read(self, svc, name, item):
        try:
            expired = parse_timestamp(item["expireTime"]) <= now()
        except (KeyError, ValueError):
            expired = False
        if expired:
            svc.store.delete(name)
            return None
        return item


class TunedModels(Kind):
    """Created CREATING by a long-running create; the operation trains it (one step per
    poll) and leaves it ACTIVE; its training examples teach it exact answers."""

    slug = "hyphens"

    def on_create(self, svc, name, item, req):
        base = item.get("baseModel") or (item.get("tunedModelSource") or {}).get("tunedModel")
        if not base:
            raise errors.invalid_argument(
                "TunedModel.base_model or tuned_model_source is required.", "base_model"
            )
        if base.startswith("models/"):
            info = svc.resolve_model(base, "createTunedModel", req)
            for key in ("temperature", "topP", "topK"):
                if key in info and key not in item:
                    item[key] = info[key]
        task = item.setdefault("tuningTask", {})
        examples = (((task.get("trainingData") or {}).get("examples") or {}).get("examples")) or []
        svc.store.side.setdefault(name, {})["examples"] = {
            (e.get("textInput") or "").strip().lower(): e.get("output") or "" for e in examples
        }
        task.pop("trainingData", None)  # input only: never returned
        hp = task.setdefault("hyperparameters", {})
        hp.setdefault("epochCount", 5)
        hp.setdefault("batchSize", 4)
        if "learningRateMultiplier" not in hp:
            hp.setdefault("learningRate", 0.001)
        task["startTime"] = item["createTime"]
        item["state"] = "CREATING"
        svc.store.side[name]["total_steps"] = max(
            1, -(-len(examples) * int(hp["epochCount"]) // int(hp["batchSize"]))
        )


class Files(Kind):
    """Uploaded media; a video is PROCESSING until it is first read, like the service."""

    def on_read(self, svc, name, item):
        if item.get("state") == "PROCESSING":
            item["state"] = "ACTIVE"
            item["updateTime"] = timestamp()
        return item


class FileSearchStores(Kind):
    """Document counts and size are computed from the store's documents."""

    slug = "compact"
    children_block_delete = frozenset({"documents"})

    def on_read(self, svc, name, item):
        docs = [svc.store.get(n) for n in svc.store.names(f"{name}/documents")]
        docs = [d for d in docs if d]
        if docs:
            item["activeDocumentsCount"] = str(sum(d.get("state") == "STATE_ACTIVE" for d in docs))
            item["sizeBytes"] = str(sum(int(d.get("sizeBytes") or 0) for d in docs))
        else:
            item.pop("activeDocumentsCount", None)
            item.pop("sizeBytes", None)
        return item


class Corpora(Kind):
    slug = "compact"
    children_block_delete = frozenset({"documents"})


class Permissions(Kind):
    """``role`` is required, ``emailAddress`` too unless the grantee is EVERYONE."""

    patchable = frozenset({"role"})

    def on_create(self, svc, name, item, req):
        if not item.get("role"):
            raise errors.invalid_argument("Permission.role is required.", "role")
        if item.get("granteeType") != "EVERYONE" and not item.get("emailAddress"):
            raise errors.invalid_argument(
                "Permission.email_address is required unless grantee_type is EVERYONE.",
                "email_address",
            )


class Batches(Kind):
    id_length = 36


_KINDS: dict[str, Kind] = {
    "cachedContents": CachedContents(),
    "tunedModels": TunedModels(),
    "files": Files(),
    "fileSearchStores": FileSearchStores(),
    "corpora": Corpora(),
    "permissions": Permissions(),
    "batches": Batches(),
}
_DEFAULT_KIND = Kind()


def kind_of(collection: str) -> Kind:
    return _KINDS.get(collection.rsplit("/", 1)[-1], _DEFAULT_KIND)


def _duration_seconds(value: Any, what: str) -> float:
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?)s", str(value).strip())
    if not m:
        raise errors.invalid_argument(
            f"Invalid value at '{what}' (type.googleapis.com/google.protobuf.Duration), "
            f'"{value}"',
            what,
        )
    return float(m.group(1))


# -- operations -------------------------------------------------------------------------


@dataclass
class Plan:
    """How a pending operation progresses: ``finish`` returns its response (or raises
    ApiError) on the last poll; ``progress`` sees the fraction done on earlier polls."""

    polls_left: int
    total: int
    finish: Callable[[dict[str, Any]], dict[str, Any]]
    progress: Callable[[dict[str, Any], float], None] | None = None


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
        "batchGenerateContent",
        "asyncBatchEmbedContent",
    }
)
_CRUD = frozenset({"create", "get", "list", "patch", "delete"})
_OUTPUT_ONLY = frozenset({"name", "createTime", "updateTime"})
_DOWNLOAD = re.compile(r"^/(v1beta|v1)/files/([^/:]+):download$")
_DOWNLOAD_MEDIA = re.compile(r"^/download/(v1beta|v1)/files/([^/:]+):download$")
_FILE_URI = re.compile(r"(?:^|/)(?:v1beta|v1)/files/([a-z0-9-]+)$|^files/([a-z0-9-]+)$")
_ID = re.compile(r"^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$")


class Service:
    """The emulated service: routing table, store, upload sessions and model rules.

    Args:
        api_key: When set, every API request must carry it (``x-goog-api-key`` header
            or ``key`` query parameter).
        operation_polls: Polls of ``operations.get`` before an operation is done
            (0: done when created).
        seed: Seed of the random ids.
        router: The routing table (built from the generated modules by default).
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        operation_polls: int = 2,
        seed: int = 0,
        router: Router | None = None,
    ) -> None:
        self.api_key = api_key
        self.operation_polls = operation_polls
        self.router = router or Router()
        self.store = Store(seed)
        self.uploads = uploads.Uploads(self)
        self._seed_models()

    def reset(self) -> None:
        """Forget every resource and upload session (the model catalogue stays)."""
        with self.store.lock:
            self.store.reset()
            self._seed_models()
        self.uploads.reset()  # not under the store lock: uploads take it the other way round

    def _seed_models(self) -> None:
        for entry in catalogue.MODELS:
            self.store.put(entry["name"], copy.deepcopy(entry))

    # -- entry points ----------------------------------------------------------------

    def authorize(self, req: Request) -> None:
        """Raise the service's error when the API key is missing or wrong."""
        if self.api_key is None or req.path.startswith("/_emulator/"):
            return
        if self.uploads.is_session_request(req):
            return  # the upload_id in the session URL is the credential
        given = req.header("x-goog-api-key") or req.query.get("key")
        if not given:
            raise errors.unregistered_caller()
        if given != self.api_key:
            raise errors.api_key_invalid()

    def handle(self, req: Request) -> Response:
        """Answer one request (never raises ApiError: it becomes an error response)."""
        try:
            return self._handle(req)
        except ApiError as exc:
            return error_response(exc)

    def _handle(self, req: Request) -> Response:
        path = req.path
        if path.startswith(("/upload/", "/resumable/upload/")):
            return self.uploads.handle(req)
        if req.method == "GET":
            m = _DOWNLOAD.match(path)
            if m:
                return self._download_redirect(req, m.group(1), m.group(2))
            m = _DOWNLOAD_MEDIA.match(path)
            if m:
                return self._download(m.group(2))
        found = self.router.match(req.method, path)
        if found is None:
            verbs = self.router.verbs_for(path)
            if verbs:
                raise ApiError(
                    "NOT_FOUND",
                    f"Method {req.method} is not allowed on {path} (allowed: {', '.join(verbs)}).",
                )
            raise ApiError("NOT_FOUND", f"The requested URL {path} was not found on this server.")
        route, params = found
        return self.dispatch(req, route, params)

    def dispatch(self, req: Request, route: Route, params: dict[str, str]) -> Response:
        spec = route.spec
        body = None
        if spec.request is not None:
            data = parse_json(req.body)
            body = validate(spec.request, data, allowed_extra=frozenset(params))
        name = route.method
        if spec.upload:
            upload_path = spec.upload.get("simple") or ""
            raise errors.invalid_argument(
                f"{spec.id} uploads media: send it to {upload_path} with "
                "X-Goog-Upload-Protocol: resumable (or uploadType=multipart).",
                "",
            )
        if name in _MODEL_METHODS:
            return getattr(self, f"_m_{name}")(req, route, params, body)
        if name in _CRUD:
            return getattr(self, f"_crud_{name}")(req, route, params, body)
        custom = getattr(self, f"_x_{name}", None)
        if custom is not None:
            return custom(req, route, params, body)
        raise ApiError("UNIMPLEMENTED", f"{spec.id} is not implemented by the emulator.")

    # -- helpers ------------------------------------------------------------------------

    @staticmethod
    def _int_query(req: Request, name: str) -> int | None:
        value = req.query.get(name)
        if value in (None, ""):
            return None
        try:
            return int(value)
        except ValueError:
            raise errors.invalid_argument(
                f"Invalid value at '{name}' (TYPE_INT32), \"{value}\"", name
            ) from None

    @staticmethod
    def _bool_query(req: Request, name: str) -> bool:
        return (req.query.get(name) or "").lower() in ("true", "1")

    def _get_or_404(self, name: str) -> dict[str, Any]:
        with self.store.lock:
            item = self.store.get(name)
            if item is not None:
                item = kind_of(collection_of(name)).on_read(self, name, item)
                if item is not None:
                    self._advance(name, item)
        if item is None:
            raise errors.not_found(f"{name} not found.")
        return item

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

    def _file_lookup(self, uri: str) -> model.FileInfo | None:
        m = _FILE_URI.search(urlsplit(uri).path.lstrip("/") if "://" in uri else uri)
        if not m:
            return None
        file_id = m.group(1) or m.group(2)
        name = f"files/{file_id}"
        with self.store.lock:
            item = self.store.get(name)
            if item is not None:
                item = kind_of("files").on_read(self, name, item)
        if item is None:
            raise ApiError(
                "PERMISSION_DENIED",
                f"You do not have permission to access the File {file_id} or it may not exist.",
            )
        if item.get("state") != "ACTIVE":
            raise errors.failed_precondition(
                f"The File {file_id} is not in an ACTIVE state and usage is not allowed."
            )
        data = self.store.side.get(name, {}).get("bytes", b"")
        preview = None
        if str(item.get("mimeType", "")).startswith("text/"):
            text = data.decode("utf-8", "replace")
            first = model.words(text)[:8]
            preview = " ".join(first) + ("..." if len(model.words(text)) > 8 else "")
        return model.FileInfo(
            name=name,
            display_name=item.get("displayName") or "",
            mime_type=item.get("mimeType") or "application/octet-stream",
            size=int(item.get("sizeBytes") or 0),
            preview=preview,
        )

    # -- generic CRUD ------------------------------------------------------------------

    def _items_key(self, route: Route) -> str:
        for f in msgspec.structs.fields(route.spec.response):
            if f.name == route.spec.items_field:
                return f.encode_name
        raise ApiError("INTERNAL", f"{route.spec.id}: no items field")

    def _check_parent(self, collection: str) -> None:
        parent = collection_of(collection)
        if parent and parent not in self.store:
            raise errors.not_found(f"{parent} not found.")

    def _crud_create(self, req, route, params, body) -> Response:
        spec = route.spec
        collection = self.router.resource_path(route, params)
        resource_type = spec.request
        item = to_json(body) if body is not None else {}
        keep = (
            wire_names(spec.response)
            if spec.response is not None and not spec.long_running
            else None
        )
        if keep is not None:
            item = {k: v for k, v in item.items() if k in keep}
        kind = kind_of(collection)
        fields = wire_names(resource_type) if resource_type is not None else frozenset()
        with self.store.lock:
            self._check_parent(collection)
            explicit = next((v for k, v in req.query.items() if k.endswith("Id") and v), None)
            if explicit is not None and not _ID.match(explicit):
                raise errors.invalid_argument(
                    f"Invalid resource id {explicit!r}: use lowercase letters, digits and "
                    "hyphens (at most 40), starting with a letter.",
                    "id",
                )
            resource_id = explicit or kind.new_id(self, item)
            name = f"{collection}/{resource_id}" if collection else resource_id
            if name in self.store:
                raise ApiError("ALREADY_EXISTS", f"{name} already exists.")
            for key in _OUTPUT_ONLY:
                item.pop(key, None)
            stamp = timestamp()
            if "name" in fields or not fields:
                item["name"] = name
            if "createTime" in fields:
                item["createTime"] = stamp
            if "updateTime" in fields:
                item["updateTime"] = stamp
            kind.on_create(self, name, item, req)
            self.store.put(name, item)
            if spec.long_running:
                op = self._create_operation_for(req, name, item, resource_type)
                return json_response(op)
        return json_response(item)

    def _crud_get(self, req, route, params, body) -> Response:
        name = self.router.resource_path(route, params)
        return json_response(self._get_or_404(name))

    def _crud_list(self, req, route, params, body) -> Response:
        collection = self.router.resource_path(route, params)
        page_size = self._int_query(req, "pageSize")
        kind = kind_of(collection)
        with self.store.lock:
            self._check_parent(collection)
            items, token = self.store.page(collection, page_size, req.query.get("pageToken"))
            visible = []
            for item in items:
                shown = kind.on_read(self, item["name"], item) if "name" in item else item
                if shown is not None:
                    visible.append(shown)
            out: dict[str, Any] = {}
            if visible:
                out[self._items_key(route)] = visible
            if token:
                out["nextPageToken"] = token
            return json_response(out)

    def _crud_patch(self, req, route, params, body) -> Response:
        name = self.router.resource_path(route, params)
        patch = to_json(body) if body is not None else {}
        table = fields_of(route.spec.request)
        kind = kind_of(collection_of(name))
        mask = req.query.get("updateMask")
        if mask:
            paths = []
            for raw in mask.split(","):
                raw = raw.strip()
                if not raw:
                    continue
                head, _, rest = raw.partition(".")
                entry = table.get(head)
                if entry is None:
                    raise errors.invalid_argument(
                        f'Invalid update mask path: "{raw}" does not name a field.', "update_mask"
                    )
                paths.append(entry[0] + ("." + rest if rest else ""))
        else:
            paths = [k for k in patch if k not in _OUTPUT_ONLY]
        if kind.patchable is not None:
            for path in paths:
                if path.split(".")[0] not in kind.patchable:
                    raise errors.invalid_argument(
                        f'Update mask path "{path}" is not supported: only '
                        f"{', '.join(sorted(kind.patchable))} can be updated.",
                        "update_mask",
                    )
        with self.store.lock:
            item = self._get_or_404(name)
            for path in paths:
                _set_path(item, patch, path)
            kind.on_patch(self, name, item, patch)
            if "updateTime" in wire_names(route.spec.response):
                item["updateTime"] = timestamp()
            return json_response(item)

    def _crud_delete(self, req, route, params, body) -> Response:
        name = self.router.resource_path(route, params)
        kind = kind_of(collection_of(name))
        with self.store.lock:
            self._get_or_404(name)
            below = self.store.descendants(name)
            blocking = [
                n
                for n in below
                if collection_of(n).rsplit("/", 1)[-1] in kind.children_block_delete
            ]
            if blocking and not self._bool_query(req, "force"):
                raise errors.failed_precondition(
                    f"{name} is not empty ({len(blocking)} child resources): "
                    "delete them first or pass force=true."
                )
            for child in below:
                kind_of(collection_of(child)).on_delete(self, child)
                self.store.delete(child)
            kind.on_delete(self, name)
            self.store.delete(name)
        return json_response({})

    # -- operations ------------------------------------------------------------------

    def start_operation(
        self,
        name: str,
        finish: Callable[[dict[str, Any]], dict[str, Any]],
        *,
        metadata: dict[str, Any] | None = None,
        progress: Callable[[dict[str, Any], float], None] | None = None,
        polls: int | None = None,
    ) -> dict[str, Any]:
        """Store a pending operation; it is done after ``polls`` reads (default: the
        service's ``operation_polls``). Returns the operation as first answered."""
        polls = self.operation_polls if polls is None else polls
        op: dict[str, Any] = {"name": name}
        if metadata is not None:
            op["metadata"] = metadata
        with self.store.lock:
            self.store.put(name, op)
            self.store.side.setdefault(name, {})["plan"] = Plan(
                polls, max(polls, 1), finish, progress
            )
            if polls <= 0:
                self._advance(name, op, poll=False)
            return json.loads(json.dumps(op))

    def _advance(self, name: str, op: dict[str, Any], *, poll: bool = True) -> None:
        plan: Plan | None = self.store.side.get(name, {}).get("plan")
        if plan is None or op.get("done"):
            return
        if poll:
            plan.polls_left -= 1
        if plan.polls_left > 0:
            if plan.progress is not None:
                plan.progress(op, 1 - plan.polls_left / plan.total)
            return
        try:
            response = plan.finish(op)
        except ApiError as exc:
            op["error"] = exc.as_status()
        else:
            op["response"] = response
        op["done"] = True
        self.store.side[name].pop("plan", None)

    def _create_operation_for(
        self, req: Request, name: str, item: dict[str, Any], resource_type: type
    ) -> dict[str, Any]:
        """A long-running create: the resource becomes ready when the operation ends."""
        op_name = f"{name}/operations/{self.store.new_id(12)}"
        type_url = f"{TYPE_PREFIX}v1beta.{resource_type.__name__}"
        total = self.store.side.get(name, {}).get("total_steps", 1)
        metadata: dict[str, Any] | None = None
        if resource_type.__name__ == "TunedModel":
            metadata = {
                "@type": f"{TYPE_PREFIX}v1beta.CreateTunedModelMetadata",
                "totalSteps": total,
                "tunedModel": name,
            }

        def progress(op: dict[str, Any], fraction: float) -> None:
            if metadata is None:
                return
            steps = int(total * fraction)
            op["metadata"]["completedSteps"] = steps
            op["metadata"]["completedPercent"] = round(100 * fraction, 2)
            resource = self.store.get(name)
            if resource is not None:
                snaps = resource["tuningTask"].setdefault("snapshots", [])
                snaps.append(
                    {
                        "step": steps,
                        "epoch": 1,
                        "meanLoss": round(1 / (1 + steps), 4),
                        "computeTime": timestamp(),
                    }
                )

        def finish(op: dict[str, Any]) -> dict[str, Any]:
            resource = self.store.get(name)
            if resource is None:
                raise ApiError("NOT_FOUND", f"{name} was deleted before it was ready.")
            stamp = timestamp()
            if resource.get("state") == "CREATING":
                resource["state"] = "ACTIVE"
            task = resource.get("tuningTask")
            if isinstance(task, dict):
                task["completeTime"] = stamp
                task.setdefault("snapshots", []).append(
                    {
                        "step": total,
                        "epoch": int(task.get("hyperparameters", {}).get("epochCount", 1)),
                        "meanLoss": round(1 / (1 + total), 4),
                        "computeTime": stamp,
                    }
                )
            resource["updateTime"] = stamp
            if metadata is not None:
                op["metadata"]["completedSteps"] = total
                op["metadata"]["completedPercent"] = 100
            return {"@type": type_url, **copy.deepcopy(resource)}

        return self.start_operation(op_name, finish, metadata=metadata, progress=progress)

    def _x_cancel(self, req, route, params, body) -> Response:
        name = self.router.resource_path(route, params)
        with self.store.lock:
            op = self._get_or_404(name)
            if not op.get("done"):
                self.store.side.get(name, {}).pop("plan", None)
                op["done"] = True
                op["error"] = {"code": 1, "message": "Operation cancelled."}
                meta = op.get("metadata")
                if isinstance(meta, dict) and "state" in meta:
                    meta["state"] = "BATCH_STATE_CANCELLED"
                    meta["updateTime"] = timestamp()
        return json_response({})

    def _x_transferOwnership(self, req, route, params, body) -> Response:
        name = self.router.resource_path(route, params)
        self._get_or_404(name)
        return json_response({})

    def _x_importFile(self, req, route, params, body) -> Response:
        store_name = self.router.resource_path(route, params)
        request = to_json(body)
        file_name = request.get("fileName")
        if not file_name:
            raise errors.invalid_argument("ImportFileRequest.file_name is required.", "file_name")
        self._get_or_404(store_name)
        file = self._get_or_404(file_name)
        data = self.store.side.get(file_name, {}).get("bytes", b"")
        doc_id = f"{self.store.new_id(12)}-{self.store.new_id(12)}"
        doc_name = f"{store_name}/documents/{doc_id}"

        def finish(op: dict[str, Any]) -> dict[str, Any]:
            self.add_document(
                doc_name,
                display_name=file.get("displayName") or file_name,
                mime_type=file.get("mimeType") or "application/octet-stream",
                data=data,
                custom_metadata=request.get("customMetadata"),
            )
            return {
                "@type": f"{TYPE_PREFIX}v1main.ImportFileResponse",
                "parent": store_name,
                "documentName": doc_name,
            }

        op = self.start_operation(f"{store_name}/operations/{doc_id}", finish)
        return json_response(op)

    def add_document(
        self,
        name: str,
        *,
        display_name: str,
        mime_type: str,
        data: bytes,
        custom_metadata: Any = None,
    ) -> dict[str, Any]:
        stamp = timestamp()
        doc: dict[str, Any] = {"name": name, "displayName": display_name}
        if custom_metadata:
            doc["customMetadata"] = custom_metadata
        doc.update(
            {
                "updateTime": stamp,
                "createTime": stamp,
                "state": "STATE_ACTIVE",
                "sizeBytes": str(len(data)),
                "mimeType": mime_type,
            }
        )
        if collection_of(collection_of(name)) not in self.store:
            raise errors.not_found(f"{collection_of(collection_of(name))} not found.")
        self.store.put(name, doc)
        self.store.side.setdefault(name, {})["bytes"] = data
        return doc

    # -- files ------------------------------------------------------------------------

    def create_file(
        self,
        req: Request,
        metadata: dict[str, Any],
        data: bytes,
        mime_type: str,
        *,
        source: str = "UPLOADED",
    ) -> dict[str, Any]:
        """Store an uploaded (or generated) file and return its ``File``."""
        requested = metadata.get("name")
        with self.store.lock:
            if requested:
                file_id = requested.removeprefix("files/")
                if not _ID.match(file_id):
                    raise errors.invalid_argument(
                        f"Invalid file name {requested!r}: expected files/<id> with lowercase "
                        "letters, digits and hyphens.",
                        "file.name",
                    )
                if f"files/{file_id}" in self.store:
                    raise ApiError("ALREADY_EXISTS", f"File files/{file_id} already exists.")
            else:
                file_id = self.store.new_id(12)
            name = f"files/{file_id}"
            start = now()
            digest = hashlib.sha256(data).hexdigest().encode()
            item: dict[str, Any] = {"name": name}
            if metadata.get("displayName"):
                item["displayName"] = metadata["displayName"]
            item.update(
                {
                    "mimeType": mime_type,
                    "sizeBytes": str(len(data)),
                    "createTime": timestamp(start),
                    "updateTime": timestamp(start),
                    "expirationTime": timestamp(start + dt.timedelta(hours=48)),
                    "sha256Hash": base64.b64encode(digest).decode(),
                    "uri": f"{req.base_url}/v1beta/{name}",
                    "state": "PROCESSING" if mime_type.startswith("video/") else "ACTIVE",
                    "source": source,
                }
            )
            if source == "GENERATED":
                item["downloadUri"] = f"{req.base_url}/v1beta/{name}:download?alt=media"
            self.store.put(name, item)
            self.store.side.setdefault(name, {})["bytes"] = data
            return dict(item)

    def _download_redirect(self, req: Request, version: str, file_id: str) -> Response:
        self._get_or_404(f"files/{file_id}")
        location = f"{req.base_url}/download/{version}/files/{file_id}:download?alt=media"
        # The service answers 302 with a JSON body in the error shape (recorded).
        err = {"error": {"code": 302, "message": "Unknown Error.", "status": "UNKNOWN"}}
        return json_response(err, 302, {"Location": location})

    def _download(self, file_id: str) -> Response:
        name = f"files/{file_id}"
        item = self._get_or_404(name)
        data = self.store.side.get(name, {}).get("bytes", b"")
        return Response(
            200, data, {"Content-Type": item.get("mimeType") or "application/octet-stream"}
        )

    # -- model methods ------------------------------------------------------------------

    def _model_param(self, route: Route, params: dict[str, str]) -> str:
        return params.get("model") or next(iter(params.values()))

    def _generation(self, req, route, params, request: dict, method: str) -> model.Generation:
        model_name = self._model_param(route, params)
        info = self.resolve_model(model_name, method, req)
        cached = None
        cache_name = request.get("cachedContent")
        if cache_name:
            cache = self._get_or_404(cache_name)
            if cache.get("model") != model_name:
                raise errors.invalid_argument(
                    f"Model used by GenerateContent request ({model_name}) and CachedContent "
                    f"({cache.get('model')}) has to be the same.",
                    "cached_content",
                )
            cached = self.store.side.get(cache_name, {}).get("cache") or {}
        examples = self.store.side.get(info.get("name", ""), {}).get("examples")
        return model.generate(
            request, model_name, lookup=self._file_lookup, cached=cached, examples=examples
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
            self._get_or_404(inner["cachedContent"])
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
                    file = self.create_file(req, {}, data, "video/mp4", source="GENERATED")
                    file_item = self.store.get(file["name"])
                    file_item["state"] = "ACTIVE"
                    uri = f"{req.base_url}/v1beta/{file['name']}:download?alt=media"
                    samples.append({"video": {"uri": uri}})
            return {
                "@type": f"{TYPE_PREFIX}v1beta.PredictLongRunningResponse",
                "generateVideoResponse": {"generatedSamples": samples},
            }

        return json_response(self.start_operation(op_name, finish))

    def _batch(
        self, req, route, params, batch: dict, *, kind: str, answer: Callable[[dict], dict]
    ) -> Response:
        """batchGenerateContent / asyncBatchEmbedContent: a ``batches/...`` operation."""
        model_name = self._model_param(route, params)
        config = batch.get("inputConfig") or {}
        inlined = ((config.get("requests") or {}).get("requests")) or []
        file_name = config.get("fileName")
        lines: list[dict] = []
        if file_name:
            self._get_or_404(file_name)
            data = self.store.side.get(file_name, {}).get("bytes", b"")
            for raw in data.decode("utf-8", "replace").splitlines():
                if raw.strip():
                    lines.append(json.loads(raw))
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
            output: dict[str, Any]
            failed = 0
            if inlined:
                results = []
                for entry in inlined:
                    result: dict[str, Any] = {}
                    try:
                        result["response"] = answer(entry.get("request") or {})
                    except ApiError as exc:
                        result["error"] = exc.as_status()
                        failed += 1
                    if entry.get("metadata") is not None:
                        result["metadata"] = entry["metadata"]
                    results.append(result)
                output = {"inlinedResponses": {"inlinedResponses": results}}
            else:
                out_lines = []
                for line in lines:
                    try:
                        result = {"response": answer(line.get("request") or {})}
                    except ApiError as exc:
                        result = {"error": exc.as_status()}
                        failed += 1
                    if "key" in line:
                        result = {"key": line["key"], **result}
                    out_lines.append(json.dumps(result))
                file = self.create_file(
                    req,
                    {"displayName": f"{name} responses"},
                    ("\n".join(out_lines) + "\n").encode(),
                    "application/jsonl",
                    source="GENERATED",
                )
                output = {"responsesFile": file["name"]}
            end = timestamp()
            meta = op["metadata"]
            meta["output"] = output
            meta["endTime"] = end
            meta["updateTime"] = end
            stats = {"requestCount": str(count)}
            if count - failed:
                stats["successfulRequestCount"] = str(count - failed)
            if failed:
                stats["failedRequestCount"] = str(failed)
            meta["batchStats"] = stats
            meta["state"] = "BATCH_STATE_SUCCEEDED"
            return {"@type": f"{type_url}Output", **output}

        return json_response(
            self.start_operation(name, finish, metadata=metadata, progress=progress)
        )

    def _m_batchGenerateContent(self, req, route, params, body) -> Response:
        model_name = self._model_param(route, params)
        self.resolve_model(model_name, "batchGenerateContent", req)
        batch = to_json(body).get("batch") or {}

        def answer(request: dict) -> dict:
            request = {k: v for k, v in request.items() if k != "model"}
            gen = self._generation(req, route, params, request, "generateContent")
            rid = model.response_id(json.dumps(request, sort_keys=True).encode(), model_name)
            return model.to_response(gen, model_name.rsplit("/", 1)[-1], rid)

        return self._batch(req, route, params, batch, kind="GenerateContentBatch", answer=answer)

    def _m_asyncBatchEmbedContent(self, req, route, params, body) -> Response:
        model_name = self._model_param(route, params)
        self.resolve_model(model_name, "asyncBatchEmbedContent", req)
        batch = to_json(body).get("batch") or {}

        def answer(request: dict) -> dict:
            embedding, _ = self._embed_one(request)
            return {"embedding": embedding}

        return self._batch(req, route, params, batch, kind="EmbedContentBatch", answer=answer)


def _set_path(item: dict[str, Any], patch: dict[str, Any], path: str) -> None:
    """Copy the value at dotted ``path`` from ``patch`` into ``item`` (AIP-134: a masked
    field missing from the body is cleared)."""
    keys = path.split(".")
    src: Any = patch
    for key in keys:
        src = src.get(key) if isinstance(src, dict) else None
    dst = item
    for key in keys[:-1]:
        nxt = dst.get(key)
        if not isinstance(nxt, dict):
            nxt = dst[key] = {}
        dst = nxt
    if src is None:
        dst.pop(keys[-1], None)
    else:
        dst[keys[-1]] = src

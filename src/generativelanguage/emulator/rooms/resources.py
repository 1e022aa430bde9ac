"""Stored resources: generic CRUD over the in-memory store, and per-collection rules.

``create``/``get``/``list``/``patch``/``delete`` work on any resource: the collection
or resource name is the method's expanded path (``tunedModels/x/permissions``), the
body is validated against the method's request type, and the kinds below add naming
like Google's, a cache's expiry, a tuned model's training, documents' counts. Also
here: the non-CRUD methods of stored resources (``importFile``, ``transferOwnership``).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

import msgspec

from .. import errors, model
from ..errors import ApiError
from ..routing import Route
from ..store import collection_of, now, parse_timestamp, timestamp
from ..validation import fields_of, to_json, wire_names
from ..wire import Request, Response, json_response
from .base import RESOURCE_ID, TYPE_PREFIX, Handler, Kind, Room, bool_query, int_query

_CRUD = frozenset({"create", "get", "list", "patch", "delete"})
_OUTPUT_ONLY = frozenset({"name", "createTime", "updateTime"})


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
        svc.generation.resolve_model(model_name, "createCachedContent", req)
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
            info = svc.generation.resolve_model(base, "createTunedModel", req)
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


def _duration_seconds(value: Any, what: str) -> float:
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?)s", str(value).strip())
    if not m:
        raise errors.invalid_argument(
            f"Invalid value at '{what}' (type.googleapis.com/google.protobuf.Duration), "
            f'"{value}"',
            what,
        )
    return float(m.group(1))


class ResourcesRoom(Room):
    """Generic CRUD, the per-collection kinds, and the other methods on stored resources."""

    kinds = {
        "cachedContents": CachedContents(),
        "tunedModels": TunedModels(),
        "fileSearchStores": FileSearchStores(),
        "corpora": Corpora(),
        "permissions": Permissions(),
    }

    def handler(self, route: Route) -> Handler | None:
        if route.method in _CRUD:
            return getattr(self, f"_{route.method}")
        if route.method == "importFile":
            return self._import_file
        if route.method == "transferOwnership":
            return self._transfer_ownership
        return None

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

    def _create(self, req, route, params, body) -> Response:
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
        kind = self.svc.kind_of(collection)
        fields = wire_names(resource_type) if resource_type is not None else frozenset()
        with self.store.lock:
            self._check_parent(collection)
            explicit = next((v for k, v in req.query.items() if k.endswith("Id") and v), None)
            if explicit is not None and not RESOURCE_ID.match(explicit):
                raise errors.invalid_argument(
                    f"Invalid resource id {explicit!r}: use lowercase letters, digits and "
                    "hyphens (at most 40), starting with a letter.",
                    "id",
                )
            resource_id = explicit or kind.new_id(self.svc, item)
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
            kind.on_create(self.svc, name, item, req)
            self.store.put(name, item)
            if spec.long_running:
                op = self._create_operation_for(req, name, item, resource_type)
                return json_response(op)
        return json_response(item)

    def _get(self, req, route, params, body) -> Response:
        name = self.router.resource_path(route, params)
        return json_response(self.svc.get_or_404(name))

    def _list(self, req, route, params, body) -> Response:
        collection = self.router.resource_path(route, params)
        page_size = int_query(req, "pageSize")
        kind = self.svc.kind_of(collection)
        with self.store.lock:
            self._check_parent(collection)
            items, token = self.store.page(collection, page_size, req.query.get("pageToken"))
            visible = []
            for item in items:
                shown = kind.on_read(self.svc, item["name"], item) if "name" in item else item
                if shown is not None:
                    visible.append(shown)
            out: dict[str, Any] = {}
            if visible:
                out[self._items_key(route)] = visible
            if token:
                out["nextPageToken"] = token
            return json_response(out)

    def _patch(self, req, route, params, body) -> Response:
        name = self.router.resource_path(route, params)
        patch = to_json(body) if body is not None else {}
        table = fields_of(route.spec.request)
        kind = self.svc.kind_of(collection_of(name))
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
            item = self.svc.get_or_404(name)
            for path in paths:
                _set_path(item, patch, path)
            kind.on_patch(self.svc, name, item, patch)
            if "updateTime" in wire_names(route.spec.response):
                item["updateTime"] = timestamp()
            return json_response(item)

    def _delete(self, req, route, params, body) -> Response:
        name = self.router.resource_path(route, params)
        kind = self.svc.kind_of(collection_of(name))
        with self.store.lock:
            self.svc.get_or_404(name)
            below = self.store.descendants(name)
            blocking = [
                n
                for n in below
                if collection_of(n).rsplit("/", 1)[-1] in kind.children_block_delete
            ]
            if blocking and not bool_query(req, "force"):
                raise errors.failed_precondition(
                    f"{name} is not empty ({len(blocking)} child resources): "
                    "delete them first or pass force=true."
                )
            for child in below:
                self.svc.kind_of(collection_of(child)).on_delete(self.svc, child)
                self.store.delete(child)
            kind.on_delete(self.svc, name)
            self.store.delete(name)
        return json_response({})

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

        return self.svc.operations.start(op_name, finish, metadata=metadata, progress=progress)

    def _transfer_ownership(self, req, route, params, body) -> Response:
        name = self.router.resource_path(route, params)
        self.svc.get_or_404(name)
        return json_response({})

    def _import_file(self, req, route, params, body) -> Response:
        store_name = self.router.resource_path(route, params)
        request = to_json(body)
        file_name = request.get("fileName")
        if not file_name:
            raise errors.invalid_argument("ImportFileRequest.file_name is required.", "file_name")
        self.svc.get_or_404(store_name)
        file = self.svc.get_or_404(file_name)
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

        op = self.svc.operations.start(f"{store_name}/operations/{doc_id}", finish)
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

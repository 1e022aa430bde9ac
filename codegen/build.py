"""Raw Discovery records -> intermediate model. Every naming and typing decision lives here.

Traits come from the document alone (with our extension documents merged in, whose
``x-`` keys may declare what the Discovery format cannot say; see ``codegen/extend.py``):

* streaming: a method whose name starts with ``stream`` answers with Server-Sent Events
  and is sent with ``alt=sse`` (Google's convention; the `alt` enum does not list it);
* pagination: a ``pageToken`` query parameter and a ``nextPageToken`` in the response;
  the items are the response's list (or map of item lists) ``codegen.paging`` chooses;
* long-running: the response schema has the shape of ``google.longrunning.Operation``
  (``name`` and ``done`` plus ``response`` or ``error``);
* media upload: ``supportsMediaUpload`` with a ``mediaUpload`` block;
* media download: ``supportsMediaDownload`` (see :meth:`_Builder.media_method`);
* a streaming twin: ``x-stream`` names the request fields that switch a method to an SSE
  stream of events (a body field, or a query parameter instead of ``alt=sse``); the
  method then yields two Python methods, the plain one (which refuses those fields)
  and the twin, whose events follow ``x-stream-events``, ``x-stream-done`` and
  ``x-stream-resume``;
* unions: ``x-union`` lists the schemas a value may take, one per JSON kind.

Paths follow the Discovery format: a method's ``path`` is relative to
``rootUrl + servicePath``, media upload paths to ``rootUrl``, and media downloads of a
``useMediaDownloadService`` method go to ``rootUrl + "download/" + servicePath + path``.
The generated MethodSpecs carry paths relative to the root URL, so a client's
``base_url`` replaces ``rootUrl`` alone.

Naming rules beyond the casing of ``codegen.naming``:

* a schema id the generated module needs for itself (``Struct``, ``Any``, ...; see
  ``naming.RESERVED``) gets a trailing ``_``, with a warning;
* a method named like a sub-resource of the same resource (``apps.keys`` and
  ``apps.methods.keys``) is sent by calling that sub-resource: ``apps.keys(...)`` calls
  the method, ``apps.keys.create(...)`` the sub-resource's; both keep their names;
* top-level methods are methods of the client; one named like a client attribute the
  runtime defines (``close``, ``download``, ...) gets a trailing ``_``.
"""

from __future__ import annotations

import dataclasses
import json
import re
import textwrap
from collections import Counter
from collections.abc import Container

from . import ir, paging
from . import types as type_table
from .load import DiscoveryError, RawDocument, RawMethod, RawParameter, RawResource, RawSchema
from .naming import (
    RESERVED,
    NamePool,
    constant_case,
    pascal_case,
    safe_attribute,
    safe_identifier,
    snake_case,
)

#: Keyword arguments the generated upload methods add for the runtime.
UPLOAD_KEYWORDS = frozenset({"file", "mime_type", "progress", "chunk_size"})
_PLACEHOLDER = re.compile(r"\{(\+?)([^}]+)\}")
_COLLECTION_PATTERN = re.compile(r"^\^([A-Za-z][A-Za-z0-9]*)/\[\^/\]\+\$$")
_LITERAL_PATTERN = re.compile(r"^\^([A-Za-z][A-Za-z0-9_]*)\$$")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

#: Attributes the runtime's client base classes define: client methods and resources
#: must not shadow them.
CLIENT_RESERVED = frozenset(
    {"close", "base_url", "download", "wait_operation", "ROOT_URL", "API_VERSION", "API_KEY_ENV"}
)
#: What an ``x-client`` key may declare (discovery/extensions/README.md).
X_CLIENT_KEYS = frozenset({"apiKeyEnv", "credentialsRequired", "operationsPath", "download"})
X_CLIENT_DOWNLOAD_KEYS = frozenset({"method", "uriField"})


_REF = re.compile(
    r"^([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*):([A-Za-z_][A-Za-z0-9_]*)"
    r"(?:\[([A-Za-z_][A-Za-z0-9_]*(?:, *[A-Za-z_][A-Za-z0-9_]*)*)\])?$"
)


def _query_value(value: object) -> str:
    """A query parameter's text for a JSON value (``true``, not Python's ``True``)."""
    return value if isinstance(value, str) else json.dumps(value)


def pyref(value: object, path: str, key: str) -> ir.PyRef:
    """The reference ``package.module:Name`` at ``path``.``key``, checked."""
    match = _REF.match(value) if isinstance(value, str) else None
    if match is None or match.group(3):
        raise ValueError(f"{path}.{key}: expected 'package.module:Name', got {value!r}")
    return ir.PyRef(match.group(1), match.group(2))


def mixin(value: object, path: str, schemas: Container[str] = ()) -> ir.Mixin | None:
    """The ``x-mixin`` reference ``package.module:Class`` (or, for a generic mixin,
    ``package.module:Class[SchemaA, SchemaB]``) at ``path``, checked: every type argument
    must be a schema of the document."""
    if value is None:
        return None
    match = _REF.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(
            f"{path}.x-mixin: expected 'package.module:Class' or "
            f"'package.module:Class[Schema, ...]', got {value!r}"
        )
    args = tuple(a.strip() for a in match.group(3).split(",")) if match.group(3) else ()
    unknown = [a for a in args if a not in schemas]
    if unknown:
        raise ValueError(
            f"{path}.x-mixin: type argument(s) {', '.join(unknown)} name no schema of the document"
        )
    return ir.Mixin(match.group(1), match.group(2), args)


def sync_async_mixins(
    value: object, path: str, schemas: Container[str] = ()
) -> tuple[ir.Mixin | None, ir.Mixin | None]:
    """The ``{"sync": ..., "async": ...}`` form of ``x-mixin`` for resources and clients."""
    if value is None:
        return None, None
    if not isinstance(value, dict) or not set(value) <= {"sync", "async"}:
        raise ValueError(f"{path}.x-mixin: expected {{'sync': ..., 'async': ...}}, got {value!r}")
    return (
        mixin(value.get("sync"), f"{path}.sync", schemas),
        mixin(value.get("async"), f"{path}.async", schemas),
    )


def body_shorthand(value: object, path: str, has_request: bool) -> ir.BodyShorthand | None:
    """``x-body-shorthand`` on a method: ``{"normalize": "package.module:function",
    "accepts": "package.module:TypeAlias", "description": "what else body may be"}``
    (only ``normalize`` is required)."""
    if value is None:
        return None
    keys = {"normalize", "accepts", "description"}
    if not isinstance(value, dict) or "normalize" not in value or not set(value) <= keys:
        raise ValueError(
            f"{path}.x-body-shorthand: expected {{'normalize': 'package.module:function', "
            f"'accepts': 'package.module:Type', 'description': '...'}}, got {value!r}"
        )
    if not has_request:
        raise ValueError(f"{path}.x-body-shorthand: the method takes no request body")
    accepts = value.get("accepts")
    return ir.BodyShorthand(
        normalize=pyref(value["normalize"], path, "x-body-shorthand.normalize"),
        accepts=None if accepts is None else pyref(accepts, path, "x-body-shorthand.accepts"),
        description=str(value.get("description") or ""),
    )


_WEBSOCKET_KEYS = frozenset({"id", "path", "description", "request", "response", "x-source"})


def websocket(name: str, node: object, schemas: dict) -> tuple[ir.WebSocket | None, str | None]:
    """The endpoint ``x-websockets.<name>``, checked; or None and a warning naming the
    place when an envelope schema is missing from the document (the endpoint would be
    unusable, so it is left out rather than generated wrong)."""
    where = f"x-websockets.{name}"
    if not isinstance(node, dict) or not set(node) <= _WEBSOCKET_KEYS:
        extra = sorted(set(node) - _WEBSOCKET_KEYS) if isinstance(node, dict) else node
        raise ValueError(f"{where}: expected keys {sorted(_WEBSOCKET_KEYS)}, got {extra!r}")
    refs = {}
    for key in ("request", "response"):
        ref = (node.get(key) or {}).get("$ref") if isinstance(node.get(key), dict) else None
        if not isinstance(ref, str):
            raise ValueError(f"{where}.{key}: expected {{'$ref': <schema id>}}")
        if ref not in schemas:
            return None, f"{where}.{key}: $ref {ref!r} names no schema; endpoint left out"
        refs[key] = ref
    for key in ("id", "path"):
        if not isinstance(node.get(key), str) or not node[key]:
            raise ValueError(f"{where}.{key}: expected a non-empty string")
    return (
        ir.WebSocket(
            wire_name=name,
            id=node["id"],
            path=node["path"].lstrip("/"),
            doc=node.get("description") or "",
            request_type=refs["request"],
            response_type=refs["response"],
        ),
        None,
    )


class _Builder:
    def __init__(
        self, doc: RawDocument, package: str, api_key_env: tuple[str, ...] | None = None
    ) -> None:
        self.doc = doc
        self.package = package
        self.api_key_env = api_key_env
        self.schemas = dict(doc.schemas)
        self.warnings: list[str] = list(doc.warnings)
        self.structs: dict[str, ir.Struct] = {}
        self.aliases: dict[str, ir.Alias] = {}
        self.enums: list[ir.Enum] = []
        # Schema ids are claimed first and verbatim (the Struct for schema X is named X),
        # except names the generated module uses itself, which get a trailing "_".
        self.type_pool = NamePool(RESERVED)
        self.class_names: dict[str, str] = {}
        for sid in sorted(self.schemas):
            name = self.class_names[sid] = self.type_pool.claim(safe_identifier(sid))
            if name != sid:
                self.warnings.append(
                    f"schemas.{sid}: class named {name}, since the generated module uses "
                    f"the name {sid} itself"
                )
        self.enum_pool = NamePool()
        #: (raw, built) methods of resources named ``operations``, for operations_path.
        self.operation_getters: list[tuple[RawMethod, ir.Method]] = []
        # Resource classes share resources.py: "fooBar" and "foo.bar" must not collide.
        self.resource_class_pool = NamePool()
        self.imports: set[str] = set()

    # -- types -------------------------------------------------------------------------

    def _use(self, row: type_table.TypeRow) -> str:
        if row.needs:
            self.imports.add(row.needs)
        return row.annotation

    def annotation(self, node: RawSchema, owner: str, prop: str) -> str:
        if node.union:
            return self.union(node, owner, prop)
        if node.ref is not None:
            return self._use(type_table.OPEN) if node.dangling else self.class_names[node.ref]
        if node.type == "array":
            if node.items is None:
                self.warnings.append(f"{node.path}: array without items; items are any JSON")
                item = self._use(type_table.OPEN)
            else:
                item = self.annotation(node.items, owner, prop + "Item")
            return type_table.ARRAY.annotation.format(item=item)
        if node.type == "object":
            if node.properties:
                name = self.type_pool.claim(owner + pascal_case(prop))
                self.struct(name, node)
                return name
            if node.additional is not None:
                value = self.annotation(node.additional, owner, prop + "Value")
                return type_table.MAP.annotation.format(item=value)
            return self._use(type_table.FREE_OBJECT)
        if node.type == "string" and node.enum:
            self.enum(owner + pascal_case(prop), node)
            return type_table.ENUM.annotation
        if node.type is None or node.type == "null":
            self.warnings.append(f"{node.path}: no type and no $ref; any JSON value accepted")
            return self._use(type_table.OPEN)
        row = type_table.TYPE_TABLE.get((node.type, node.format))
        if row is None:
            row = type_table.scalar(node.type, None)
            self.warnings.append(
                f"{node.path}: unknown format {node.format!r} for {node.type}; "
                f"using {row.annotation if row else 'Any'}"
            )
            if row is None:
                return self._use(type_table.OPEN)
        return self._use(row)

    def json_kind(self, node: RawSchema) -> str:
        """The JSON kind a schema's values take: one union member per kind, because
        msgspec tells union members apart by the JSON kind alone."""
        if node.ref is not None:
            if node.dangling:
                raise ValueError(f"{node.path}: a union member cannot be a dangling $ref")
            return "object"
        kinds = {
            "object": "object",
            "array": "array",
            "string": "string",
            "integer": "number",
            "number": "number",
            "boolean": "boolean",
        }
        if node.type not in kinds:
            raise ValueError(f"{node.path}: a union member needs a JSON kind, not {node.type!r}")
        return kinds[node.type]

    def union(self, node: RawSchema, owner: str, prop: str) -> str:
        seen: dict[str, str] = {}
        members = []
        for member in node.union:
            kind = self.json_kind(member)
            if kind in seen:
                raise ValueError(
                    f"{node.path}.x-union: {seen[kind]} and {member.path} are both JSON "
                    f"{kind}s; a union takes one schema per JSON kind"
                )
            seen[kind] = member.path
            members.append(self.annotation(member, owner, prop))
        return " | ".join(members)

    def enum(self, name: str, node: RawSchema) -> None:
        pool = NamePool()
        members = []
        for i, value in enumerate(node.enum):
            doc = node.enum_descriptions[i] if i < len(node.enum_descriptions) else ""
            if i < len(node.enum_deprecated) and node.enum_deprecated[i]:
                doc = "Deprecated. " + doc
            members.append(ir.EnumMember(pool.claim(constant_case(value)), value, doc))
        self.enums.append(
            ir.Enum(
                name=self.enum_pool.claim(name),
                discovery_path=node.path,
                doc=node.description,
                members=tuple(members),
            )
        )

    def field_doc(self, node: RawSchema, annotation: str) -> str:
        parts = []
        if node.deprecated:
            parts.append("Deprecated.")
        if node.description:
            parts.append(node.description)
        enum_values = node.enum or (node.items.enum if node.items else ())
        if enum_values:
            parts.append("One of: " + ", ".join(f"`{v}`" for v in enum_values) + ".")
        return "\n\n".join(parts)

    def struct(self, name: str, node: RawSchema) -> None:
        pool = NamePool()
        # Plain names claim first: `responseJsonSchema` keeps `response_json_schema` and
        # the legacy `_responseJsonSchema` is the one that gets a suffix.
        by_priority = sorted(node.properties, key=lambda kv: (kv[0][:1] in "_$", kv[0]))
        py_names = {wire: pool.claim(safe_identifier(snake_case(wire))) for wire, _ in by_priority}
        fields = []
        for wire, prop in node.properties:
            annotation = self.annotation(prop, name, wire)
            fields.append(
                ir.Field(wire, py_names[wire], annotation, self.field_doc(prop, annotation))
            )
        doc = node.description
        if node.deprecated:
            doc = "Deprecated. " + doc
        self.structs[name] = ir.Struct(
            name,
            node.path,
            doc,
            tuple(fields),
            mixin(node.x.get("x-mixin"), node.path, self.schemas),
        )

    def top_level(self, sid: str, node: RawSchema) -> None:
        """A Struct for a message schema; a type alias for any other top-level schema (a
        map, a list, any JSON value, a scalar or a bare ``$ref``), so its values decode
        whole instead of into an empty Struct."""
        name = self.class_names[sid]
        if node.ref is None and node.type in (None, "object") and not node.is_map:
            self.struct(name, node)
            return
        annotation = self.annotation(node, name, "")
        doc = ("Deprecated. " if node.deprecated else "") + node.description
        self.aliases[name] = ir.Alias(name, sid, node.path, doc, annotation)

    def ordered_aliases(self) -> tuple[ir.Alias, ...]:
        """Aliases in an order where each comes after the aliases it names (they are
        evaluated at import, after every class). A cycle through aliases alone cannot be
        written as a runtime alias; its members fall back to any JSON value, with a
        warning."""
        pending = dict(sorted(self.aliases.items()))
        done: list[ir.Alias] = []
        while pending:
            ready = [
                a for a in pending.values() if not set(_NAME.findall(a.annotation)) & set(pending)
            ]
            if not ready:
                first = next(iter(pending.values()))
                self.warnings.append(
                    f"{first.discovery_path}: refers to itself through type aliases only; "
                    "any JSON value accepted there"
                )
                pending[first.name] = dataclasses.replace(
                    first, annotation=self._use(type_table.OPEN)
                )
                continue
            for a in ready:
                done.append(a)
                del pending[a.name]
        return tuple(done)

    # -- methods -----------------------------------------------------------------------

    def param(self, raw: RawParameter, py_name: str, reserved: bool) -> ir.Param:
        if raw.location == "path":
            annotation = "str"
        else:
            annotation = type_table.PARAM_TABLE.get((raw.type, raw.format)) or (
                type_table.PARAM_TABLE.get((raw.type, None), "str")
            )
            if raw.repeated:
                annotation = f"list[{annotation}]"
        match = _COLLECTION_PATTERN.match(raw.pattern or "")
        doc = raw.description
        if raw.deprecated:
            doc = "Deprecated. " + doc
        return ir.Param(
            wire_name=raw.name,
            py_name=py_name,
            annotation=annotation,
            doc=doc,
            location=raw.location,
            required=raw.required,
            pattern=raw.pattern,
            reserved_expansion=reserved,
            short_prefix=match.group(1) + "/" if match else None,
        )

    def method(
        self,
        raw: RawMethod,
        chain: tuple[str, ...],
        spec_pool: NamePool,
        siblings: tuple[RawMethod, ...] = (),
        *,
        twin: dict | None = None,
    ) -> ir.Method:
        """One Python method of a Discovery method; ``twin`` is its ``x-stream`` when
        building the streaming twin."""
        stream = raw.x.get("x-stream")
        dropped: set[str] = set()
        if stream is not None:
            self.check_stream(raw, stream)
            dropped |= set(stream.get("query") or {})
            if twin is None:
                dropped |= set(stream.get("only") or ())
        placeholders = {name: plus == "+" for plus, name in _PLACEHOLDER.findall(raw.url_path)}
        by_name = {p.name: p for p in raw.parameters}
        for name in placeholders:
            if name not in by_name or by_name[name].location != "path":
                raise ValueError(f"{raw.path}: path placeholder {name!r} has no path parameter")
        path_names = [n for n in raw.parameter_order if by_name[n].location == "path"]
        path_names += sorted(
            p.name for p in raw.parameters if p.location == "path" and p.name not in path_names
        )
        query_raw = [p for p in raw.parameters if p.location == "query" and p.name not in dropped]
        reserved = set(RESERVED)
        if raw.media_upload is not None:
            reserved |= UPLOAD_KEYWORDS
        pool = NamePool(reserved)
        path_params = tuple(
            self.param(by_name[n], pool.claim(safe_identifier(snake_case(n))), placeholders[n])
            for n in path_names
        )
        path_params = self.literal_defaults(path_params)
        query_params = tuple(
            self.param(p, pool.claim(safe_identifier(snake_case(p.name)), suffix="query"), False)
            for p in query_raw
        )
        response = self.message_ref(raw.response)
        request = self.message_ref(raw.request)
        streaming = raw.name.startswith("stream") and stream is None
        name = raw.name
        description = raw.description
        events = None
        if twin is not None:
            response = twin["response"]["$ref"]
            streaming = True
            name = twin["name"]
            description = twin.get("description") or description
            events = self.event_stream(raw, response)
        pagination = None if twin is not None else self.pagination(raw, response, chain, siblings)
        media = None
        if raw.media_upload is not None:
            mu = raw.media_upload
            media = ir.MediaUpload(mu.simple_path, mu.resumable_path, mu.max_size, mu.accept)
        py_name = safe_attribute(snake_case(name))
        switch = None
        if stream is not None:
            switch = ir.StreamSwitch(
                twin=safe_attribute(snake_case(stream["name"])),
                body=tuple(sorted((stream.get("body") or {}).items())),
                query=tuple(
                    sorted((k, _query_value(v)) for k, v in (stream.get("query") or {}).items())
                ),
            )
        doc_raw = dataclasses.replace(raw, description=description)
        request_type = self.class_names[request] if request else None
        response_type = self.class_names[response] if response else None
        return ir.Method(
            id=raw.id,
            wire_name=name,
            py_name=py_name,
            spec_name=spec_pool.claim(
                "_" + "_".join(snake_case(c) for c in (*chain, name)).upper()
            ),
            http_method=raw.http_method,
            path=self.service_relative(raw.url_path),
            doc=self.method_doc(
                doc_raw, path_params, query_params, request_type, response_type, streaming, events
            ),
            path_params=path_params,
            query_params=query_params,
            request_type=request_type,
            response_type=response_type,
            streaming=streaming,
            pagination=pagination,
            long_running=twin is None and self.is_operation(response),
            media_upload=media,
            switch=switch,
            events=events,
            body_shorthand=body_shorthand(
                raw.x.get("x-body-shorthand"), raw.path, request is not None
            ),
            description=("Deprecated. " if raw.deprecated else "") + (description or ""),
            stream_terminal=self.stream_terminal(raw, response_type, streaming),
        )

    # -- event streams (x-stream, x-stream-events, x-stream-done, x-stream-resume) -----

    def check_stream(self, raw: RawMethod, stream: object) -> None:
        where = f"{raw.path}.x-stream"
        if not isinstance(stream, dict) or not set(stream) <= {
            "name",
            "response",
            "body",
            "query",
            "only",
            "description",
        }:
            raise ValueError(f"{where}: expected name, response, body/query, only; got {stream!r}")
        ref = (stream.get("response") or {}).get("$ref")
        if not isinstance(stream.get("name"), str) or ref not in self.schemas:
            raise ValueError(f"{where}: needs a 'name' and a 'response' $ref to a schema")
        if bool(stream.get("body")) == bool(stream.get("query")):
            raise ValueError(f"{where}: switch with either 'body' fields or 'query' parameters")
        if stream.get("body"):
            fields = dict(self.schemas[raw.request].properties) if raw.request else {}
            for key in stream["body"]:
                if key not in fields:
                    raise ValueError(f"{where}.body: {key!r} is no field of the request body")
        params = {p.name for p in raw.parameters if p.location == "query"}
        for key in [*(stream.get("query") or {}), *(stream.get("only") or ())]:
            if key not in params:
                raise ValueError(f"{where}: {key!r} is no query parameter of the method")

    def attr_path(self, schema: str, dotted: str, where: str) -> tuple[str, ...]:
        """Attribute names along ``dotted`` wire names, starting at Struct ``schema``."""
        out = []
        current: str | None = schema
        for wire in dotted.split("."):
            struct = self.structs.get(current or "")
            field = (
                next((f for f in struct.fields if f.wire_name == wire), None) if struct else None
            )
            if field is None:
                raise ValueError(f"{where}: {dotted!r} names no field of {schema}")
            out.append(field.py_name)
            inner = field.annotation
            while inner.startswith("list[") and inner.endswith("]"):
                inner = inner[5:-1]  # a list on the way: its items are searched
            current = inner if inner in self.structs else None
        return tuple(out)

    def event_stream(self, raw: RawMethod, schema: str) -> ir.EventStream:
        events = raw.x.get("x-stream-events") or {}
        where = f"{raw.path}.x-stream-events"
        if not isinstance(events, dict) or not set(events) <= {"type", "error"}:
            raise ValueError(f"{where}: expected {{'type': property, 'error': type}}")
        type_field, known = None, ()
        if events.get("type"):
            type_field = self.attr_path(self.class_names[schema], events["type"], where)[0]
            prop = dict(self.schemas[schema].properties)[events["type"]]
            known = tuple(prop.enum)
            if events.get("error") and events["error"] not in known:
                raise ValueError(f"{where}: error type {events['error']!r} is not in the enum")
        done = raw.x.get("x-stream-done")
        if done is not None and not isinstance(done, str):
            raise ValueError(f"{raw.path}.x-stream-done: expected a string")
        return ir.EventStream(type_field, known, events.get("error"), done)

    def resume(self, raw: RawMethod, twin: ir.Method, twins: dict[str, ir.Method]) -> ir.Resume:
        where = f"{raw.path}.x-stream-resume"
        spec = raw.x["x-stream-resume"]
        if not isinstance(spec, dict) or not {"method", "cursor", "param"} <= set(spec):
            raise ValueError(f"{where}: expected method, cursor, param and (optionally) path")
        target = twins.get(spec["method"])
        if target is None:
            raise ValueError(f"{where}: {spec['method']!r} is no method with x-stream here")
        schema = twin.response_type or ""
        path = tuple(
            (name, tuple(self.attr_path(schema, p, where) for p in paths))
            for name, paths in sorted((spec.get("path") or {}).items())
        )
        names = [p.wire_name for p in target.path_params]
        if target is not twin and sorted(names) != [n for n, _ in path]:
            raise ValueError(f"{where}: 'path' must give {names} of {target.id}")
        if spec["param"] not in {q.wire_name for q in target.query_params}:
            raise ValueError(f"{where}: {spec['param']!r} is no query parameter of the twin")
        return ir.Resume(
            spec_name=None if target is twin else target.spec_name,
            cursor=self.attr_path(schema, spec["cursor"], where)[0],
            param=spec["param"],
            path=path,
        )

    def stream_terminal(
        self, raw: RawMethod, response: str | None, streaming: bool
    ) -> tuple[str, ...]:
        """``x-stream-terminal``: the wire-name paths, checked against the response type
        and turned into the attribute paths the runtime reads."""
        value = raw.x.get("x-stream-terminal")
        if value is None:
            return ()
        where = f"{raw.path}.x-stream-terminal"
        if not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
            raise ValueError(
                f"{where}: expected a non-empty list of field paths such as "
                f"'candidates.finishReason', got {value!r}"
            )
        if not streaming or response is None:
            if raw.x.get("x-stream") is not None:
                return ()  # the REST half of a method with a streaming twin
            raise ValueError(f"{where}: only a streaming method with a response has a last chunk")
        return tuple(".".join(self.attr_path(response, path, where)) for path in value)

    def message_ref(self, ref: str | None) -> str | None:
        """The schema id a request or response names, if the document defines it."""
        return ref if ref in self.schemas else None

    def service_relative(self, path: str) -> str:
        """A method path relative to the root URL: after the service path, unless the
        path is absolute (RFC 3986 section 5.2: it replaces the service path)."""
        return path[1:] if path.startswith("/") else self.doc.service_path + path

    def media_method(
        self, raw: RawMethod, method: ir.Method, spec_pool: NamePool
    ) -> tuple[ir.Method | None, ir.Method]:
        """The plain and the media method of a ``supportsMediaDownload`` method.

        The media method sends ``alt=media`` and hands out the bytes (read whole,
        streamed, or saved to a file) instead of JSON. A method whose response has a
        schema keeps it and gets a ``<name>_media`` sibling; one without a response
        schema (the media is all it answers) is the media method itself. With
        ``useMediaDownloadService`` the media comes from
        ``<rootUrl>download/<servicePath><path>``, which serves it without the
        redirect the plain path answers with.
        """
        path = ("download/" if raw.use_media_download_service else "") + method.path
        alone = method.response_type is None and method.media_upload is None
        doc = self.method_doc(
            raw,
            method.path_params,
            method.query_params,
            method.request_type,
            None,
            False,
            media="" if alone else method.py_name,
        )
        if alone:
            return None, dataclasses.replace(
                method, path=path, media_download=True, doc=doc, streaming=False, pagination=None
            )
        media = dataclasses.replace(
            method,
            py_name=method.py_name + "_media",
            spec_name=spec_pool.claim(method.spec_name + "_MEDIA"),
            path=path,
            doc=doc,
            response_type=None,
            streaming=False,
            pagination=None,
            long_running=False,
            media_upload=None,
            media_download=True,
        )
        return method, media

    @staticmethod
    def literal_defaults(params: tuple[ir.Param, ...]) -> tuple[ir.Param, ...]:
        """Trailing path parameters whose pattern admits a single literal get it as default."""
        out = list(params)
        for i in range(len(out) - 1, -1, -1):
            match = _LITERAL_PATTERN.match(out[i].pattern or "")
            if match is None:
                break
            out[i] = dataclasses.replace(out[i], default=match.group(1))
        return tuple(out)

    def pagination(
        self,
        raw: RawMethod,
        response: str | None,
        chain: tuple[str, ...] = (),
        siblings: tuple[RawMethod, ...] = (),
    ) -> ir.Pagination | None:
        if response is None or not any(
            p.name == "pageToken" and p.location == "query" for p in raw.parameters
        ):
            return None
        node = self.schemas[response]
        if node.ref is not None or node.type not in (None, "object") or node.is_map:
            return None
        props = dict(node.properties)
        if "nextPageToken" not in props:
            return None
        field, candidates = paging.items_field(self.schemas, raw, props, chain, siblings)
        if field is None:
            self.warnings.append(
                f"{raw.path}: pageToken but {len(candidates)} candidate item fields in "
                f"{response} ({', '.join(candidates)}); not treated as a paginated list"
            )
            return None
        return ir.Pagination(
            items_field=safe_identifier(snake_case(field)),
            token_param="pageToken",
            item_annotation=self.item_annotation(response, field),
        )

    def item_annotation(self, response: str, wire: str) -> str:
        """One page item's annotation as resources.py spells it: ``types.<Struct>`` or a
        builtin scalar, ``tuple[str, ...]`` of those for a map of item lists (which
        pages as key and value); anything else (nested lists, free JSON) is ``Any``."""
        struct = self.structs[self.class_names[response]]
        field = next(f for f in struct.fields if f.wire_name == wire)
        item = type_table.element(field.annotation)
        if item is not None:
            return self.spelled(item)
        value = type_table.map_value(field.annotation)
        return f"tuple[str, {self.spelled(value)}]" if value is not None else "Any"

    def spelled(self, item: str) -> str:
        """``item`` as resources.py spells it (``types.X``, a builtin scalar, or Any)."""
        if item in self.structs:
            return f"types.{item}"
        return item if item in type_table.BUILTIN_SCALARS else "Any"

    def is_operation(self, response: str | None) -> bool:
        if response is None or response not in self.schemas:
            return False
        props = dict(self.schemas[response].properties)
        return {"name", "done"} <= set(props) and bool({"response", "error"} & set(props))

    def method_doc(
        self,
        raw,
        path_params,
        query_params,
        request,
        response,
        streaming,
        events=None,
        media=None,
    ) -> str:
        """The method docstring; ``events``: the twin's event stream; ``media``: for a
        media method, ``""`` or the name of the plain method it is the sibling of."""
        lines = []
        if raw.deprecated:
            lines.append("Deprecated.")
            lines.append("")
        if media:
            lines += [f"The media of `{media}` (`alt=media`).", ""]
        lines.append(raw.description or raw.id)
        args = [(p.py_name, p.doc) for p in path_params]
        if request:
            body = f"The request: a `types.{request}` or a dict of the same shape"
            shorthand = raw.x.get("x-body-shorthand")
            extra = shorthand.get("description") if isinstance(shorthand, dict) else None
            args.append(("body", f"{body}; or {extra}." if extra else body + "."))
        args += [(p.py_name, p.doc) for p in query_params]
        if raw.media_upload is not None and media is None:
            args += [
                ("file", "The media to upload: a path, bytes or a binary file object."),
                ("mime_type", "The media's MIME type; guessed from the file name otherwise."),
                ("progress", "Called as progress(bytes_sent, total) while uploading."),
                ("chunk_size", "Bytes per resumable-upload chunk (default 8 MiB)."),
            ]
        args.append(("options", "Per-call options (timeout, retries, extra headers and query)."))
        lines += ["", "Args:"]
        for name, text in args:
            # Wrapped here to the docstring width, so the filter keeps these lines as
            # they are (Google style: continuation lines indented under the name).
            lines += textwrap.wrap(
                " ".join((text or "(undocumented)").split()),
                ir.DOC_WIDTH,
                initial_indent=f"    {name}: ",
                subsequent_indent="        ",
                break_long_words=False,
                break_on_hyphens=False,
            )
        if response:
            what = f"types.{response}"
            if events is not None:
                what = (
                    f"A stream of `{what}` events (Server-Sent Events); an event of a type "
                    "this client does not know arrives as `UnknownEvent`."
                )
            elif streaming:
                what = f"A stream of `{what}` chunks (Server-Sent Events)."
            lines += ["", "Returns:", f"    {what}"]
        if media is not None:
            lines += [
                "",
                "Returns:",
                "    The media as a `Media`: `.read()` for the bytes, `.iter_bytes()` to",
                "    stream them, `.save(path_or_file)` to write them; `with` closes early.",
            ]
        lines += ["", f"Discovery: {raw.id} ({raw.http_method} {raw.url_path})"]
        return "\n".join(lines)

    def scope_methods(
        self,
        raws: tuple[RawMethod, ...],
        chain: tuple[str, ...],
        spec_pool: NamePool,
        pool: NamePool,
        siblings: tuple[RawMethod, ...],
        escape: frozenset[str] = frozenset(),
    ) -> list[ir.Method]:
        """The methods of one scope (a resource class or the client), named in ``pool``:
        Discovery methods and their streaming twins (``x-stream``) first, then the
        ``_media`` siblings of media downloads."""
        plain: list[ir.Method] = []
        media: list[ir.Method] = []
        for raw in raws:
            method = self.method(raw, chain, spec_pool, siblings)
            if raw.supports_media_download:
                first, extra = self.media_method(raw, method, spec_pool)
                plain += [first] if first is not None else [extra]
                media += [extra] if first is not None else []
            else:
                plain.append(method)
            if "x-stream" in raw.x:
                plain.append(self.method(raw, chain, spec_pool, siblings, twin=raw.x["x-stream"]))
            if chain[-1:] == ("operations",):
                self.operation_getters.append((raw, method))
        out = []
        for method in plain + media:
            name = pool.claim(safe_identifier(method.py_name, escape))
            if name != method.py_name:
                self.warnings.append(
                    f"{self.discovery_place(chain, method.wire_name)}: method named {name}, "
                    f"since {method.py_name} is taken in its scope"
                )
                method = dataclasses.replace(method, py_name=name)
            out.append(method)
        return self.link_twins(raws, out)

    def link_twins(self, raws: tuple[RawMethod, ...], methods: list[ir.Method]) -> list[ir.Method]:
        """Each plain method names its streaming twin as finally named, and each twin
        with ``x-stream-resume`` knows how its stream resumes."""
        twins = {
            raw.name: next(m for m in methods if m.id == raw.id and m.events is not None)
            for raw in raws
            if "x-stream" in raw.x
        }
        for i, m in enumerate(methods):
            twin = twins.get(m.wire_name) if m.switch is not None else None
            if twin is not None and m.switch.twin != twin.py_name:
                methods[i] = dataclasses.replace(
                    m, switch=dataclasses.replace(m.switch, twin=twin.py_name)
                )
        for raw in raws:
            if "x-stream-resume" not in raw.x:
                continue
            if raw.name not in twins:
                raise ValueError(f"{raw.path}.x-stream-resume: the method has no x-stream")
            twin = twins[raw.name]
            events = dataclasses.replace(twin.events, resume=self.resume(raw, twin, twins))
            i = methods.index(twin)
            methods[i] = twins[raw.name] = dataclasses.replace(twin, events=events)
        return methods

    @staticmethod
    def discovery_place(chain: tuple[str, ...], name: str) -> str:
        return "".join(f"resources.{c}." for c in chain) + f"methods.{name}"

    @staticmethod
    def split_calls(
        methods: tuple[RawMethod, ...], resources: tuple[RawResource, ...]
    ) -> tuple[tuple[RawMethod, ...], dict[str, RawMethod]]:
        """Methods named like a sibling resource are sent by calling that resource:
        (the other methods, {resource name: its method})."""
        attrs = {safe_attribute(snake_case(r.name)): r.name for r in resources}
        calls = {}
        rest = []
        for m in methods:
            target = attrs.get(safe_attribute(snake_case(m.name)))
            if target is not None:
                calls[target] = m
            else:
                rest.append(m)
        return tuple(rest), calls

    def resource(
        self,
        raw: RawResource,
        chain: tuple[str, ...],
        spec_pool: NamePool,
        out: list,
        call: RawMethod | None = None,
        call_siblings: tuple[RawMethod, ...] = (),
    ) -> ir.Resource:
        parent_chain = chain
        chain = (*chain, raw.name)
        pool = NamePool({"_t"})
        rest, calls = self.split_calls(raw.methods, raw.resources)
        children = []
        for c in raw.resources:
            child = self.resource(c, chain, spec_pool, out, calls.get(c.name), raw.methods)
            children.append(dataclasses.replace(child, attr_name=pool.claim(child.attr_name)))
        methods = []
        if call is not None:
            methods = self.scope_methods(
                (call,), parent_chain, spec_pool, NamePool(), call_siblings
            )
            methods = [
                dataclasses.replace(
                    m,
                    py_name="__call__",
                    doc=f"Calling `{raw.name}` sends `{call.id}`.\n\n{m.doc}",
                )
                for m in methods
            ]
        methods += self.scope_methods(rest, chain, spec_pool, pool, raw.methods)
        class_name = self.resource_class_pool.claim(
            "".join(pascal_case(c) for c in chain) + "Resource"
        )
        sync_mixin, async_mixin = sync_async_mixins(raw.x.get("x-mixin"), raw.path, self.schemas)
        res = ir.Resource(
            mixin=sync_mixin,
            async_mixin=async_mixin,
            wire_name=raw.name,
            attr_name=safe_attribute(snake_case(raw.name)),
            class_name=class_name,
            async_class_name="Async" + class_name,
            discovery_path=raw.path,
            methods=tuple(methods),
            children=tuple(children),
        )
        out.append(res)
        return res

    def operations_path(self) -> str | None:
        """The path operations are polled at: ``x-client.operationsPath``, else that of
        the document's ``operations.get`` methods (GET one ``{+name}``, answering an
        operation), the most common one when they differ."""
        declared = self.x_client.get("operationsPath")
        if declared is not None:
            return str(declared)
        paths = Counter(
            m.path
            for raw, m in self.operation_getters
            if raw.name == "get"
            and m.http_method == "GET"
            and m.long_running
            and len(m.path_params) == 1
            and m.path.endswith("{+" + m.path_params[0].wire_name + "}")
        )
        if not paths:
            return None
        return sorted(paths.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]

    @property
    def x_client(self) -> dict:
        value = self.doc.x.get("x-client", {})
        if not isinstance(value, dict):
            raise DiscoveryError(f"x-client: expected an object, got {value!r:.80}")
        unknown = sorted(set(value) - X_CLIENT_KEYS)
        if unknown:
            raise DiscoveryError(
                f"x-client: unknown key(s) {', '.join(unknown)}; the generator understands "
                f"{', '.join(sorted(X_CLIENT_KEYS))}"
            )
        return value

    def settings(self, methods: dict[str, ir.Method]) -> ir.ClientSettings:
        """The per-API settings of the client (``methods``: by Discovery method path,
        ``files.download``)."""
        x = self.x_client
        env = self.api_key_env
        if env is None:
            env = tuple(x.get("apiKeyEnv") or ())
            if not all(isinstance(v, str) and v.isidentifier() for v in env):
                raise DiscoveryError(f"x-client.apiKeyEnv: expected variable names, got {env!r}")
        download = x.get("download") or {}
        unknown = sorted(set(download) - X_CLIENT_DOWNLOAD_KEYS)
        if unknown:
            raise DiscoveryError(f"x-client.download: unknown key(s) {', '.join(unknown)}")
        spec = uri_field = None
        if download:
            target = methods.get(str(download.get("method")))
            if target is None or len(target.path_params) != 1:
                raise DiscoveryError(
                    f"x-client.download.method: {download.get('method')!r} names no media "
                    "download method with one path parameter in this document"
                )
            spec = target.spec_name
            if download.get("uriField"):
                uri_field = safe_identifier(snake_case(str(download["uriField"])))
        required = x.get("credentialsRequired", False)
        if not isinstance(required, bool):
            raise DiscoveryError(
                f"x-client.credentialsRequired: expected true or false, got {required!r}"
            )
        return ir.ClientSettings(
            api_key_env=tuple(env),
            credentials_required=required,
            operations_path=self.operations_path(),
            download_spec=spec,
            download_uri_field=uri_field,
        )

    def build(self) -> ir.Version:
        for sid, node in self.doc.schemas:
            self.top_level(sid, node)
        spec_pool = NamePool()
        # Client attributes share the namespace of the client base class's own names.
        client_pool = NamePool(CLIENT_RESERVED)
        all_resources: list[ir.Resource] = []
        top_methods, calls = self.split_calls(self.doc.methods, self.doc.resources)
        top = []
        for r in self.doc.resources:
            res = self.resource(
                r, (), spec_pool, all_resources, calls.get(r.name), self.doc.methods
            )
            attr = client_pool.claim(safe_identifier(res.attr_name, CLIENT_RESERVED))
            top.append(dataclasses.replace(res, attr_name=attr))
        client_methods = self.scope_methods(
            top_methods, (), spec_pool, client_pool, self.doc.methods, CLIENT_RESERVED
        )
        methods = (*client_methods, *(m for r in all_resources for m in r.methods))
        operation_types = sorted({m.response_type for m in methods if m.long_running})
        operation_type = (
            self.class_names["Operation"]
            if self.class_names.get("Operation") in operation_types
            or self.is_operation("Operation")
            else (operation_types[0] if operation_types else None)
        )
        media_by_path = {m.id.split(".", 1)[-1]: m for m in methods if m.media_download}
        aliases = self.ordered_aliases()
        settings = self.settings(media_by_path)
        client_mixin, async_client_mixin = sync_async_mixins(
            self.doc.x.get("x-mixin"), "", self.schemas
        )
        declared = self.doc.x.get("x-websockets") or {}
        if not isinstance(declared, dict):
            raise ValueError(f"x-websockets: expected an object, got {declared!r}")
        sockets = []
        for name in sorted(declared):
            endpoint, warning = websocket(name, declared[name], self.schemas)
            if warning:
                self.warnings.append(warning)
            if endpoint is not None:
                sockets.append(endpoint)
        return ir.Version(
            operation_type=operation_type,
            api_name=self.doc.name,
            version=self.doc.version,
            revision=self.doc.revision,
            package=self.package,
            source_name=self.doc.source_name,
            sha256=self.doc.sha256,
            title=self.doc.title,
            description=self.doc.description,
            root_url=self.doc.root_url,
            service_path=self.doc.service_path,
            structs=tuple(self.structs[name] for name in sorted(self.structs)),
            enums=tuple(sorted(self.enums, key=lambda e: e.name)),
            resources=tuple(top),
            methods=methods,
            all_resources=tuple(all_resources),
            type_imports=tuple(sorted(self.imports)),
            warnings=tuple(self.warnings),
            extensions=self.doc.extensions,
            aliases=aliases,
            client_methods=tuple(client_methods),
            settings=settings,
            client_mixin=client_mixin,
            async_client_mixin=async_client_mixin,
            websockets=tuple(sockets),
        )


def build_version(
    doc: RawDocument, package: str, *, api_key_env: tuple[str, ...] | None = None
) -> ir.Version:
    """Build the IR of one API version from its parsed Discovery document.

    Args:
        doc: The parsed document, extensions merged in.
        package: Dotted name of the version package, e.g. ``generativelanguage.v1beta``.
        api_key_env: Environment variables for the API key, overriding the document's
            ``x-client.apiKeyEnv``.
    """
    return _Builder(doc, package, api_key_env).build()

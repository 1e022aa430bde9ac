"""Raw Discovery records -> intermediate model. Every naming and typing decision lives here.

Traits come from the document alone (with our extension documents merged in, whose
``x-`` keys may declare what the Discovery format cannot say; see ``codegen/extend.py``):

* streaming: a method whose name starts with ``stream`` answers with Server-Sent Events
  and is sent with ``alt=sse`` (Google's convention; the `alt` enum does not list it);
* pagination: a ``pageToken`` query parameter, a ``nextPageToken`` in the response and
  exactly one repeated field in the response;
* long-running: the response schema has the shape of ``google.longrunning.Operation``
  (``name`` and ``done`` plus ``response`` or ``error``);
* media upload: ``supportsMediaUpload`` with a ``mediaUpload`` block;
* a streaming twin: ``x-stream`` names the request fields that switch a method to an SSE
  stream of events (a body field, or a query parameter instead of ``alt=sse``); the
  method then yields two Python methods, the plain one (which refuses those fields)
  and the twin, whose events follow ``x-stream-events``, ``x-stream-done`` and
  ``x-stream-resume``;
* unions: ``x-union`` lists the schemas a value may take, one per JSON kind.
"""

from __future__ import annotations

import dataclasses
import json
import re
import textwrap
from collections.abc import Container

from . import ir
from . import types as type_table
from .load import RawDocument, RawMethod, RawParameter, RawResource, RawSchema
from .naming import (
    RESERVED,
    NamePool,
    class_names,
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
    def __init__(self, doc: RawDocument, package: str) -> None:
        self.doc = doc
        self.package = package
        self.schemas = dict(doc.schemas)
        self.warnings: list[str] = list(doc.warnings)
        self.structs: dict[str, ir.Struct] = {}
        self.enums: list[ir.Enum] = []
        # Schema class names are claimed first: the Struct for schema X is named X
        # (class_names escapes the few ids a class of the types module cannot carry:
        # keywords, `str`, `Struct`, dunders).
        self.class_names = class_names(set(self.schemas))
        self.type_pool = NamePool(set(self.class_names.values()))
        self.enum_pool = NamePool()
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
        response = raw.response
        if response is not None and response not in self.schemas:
            response = None
        request = raw.request if raw.request in self.schemas else None
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
        pagination = None if twin is not None else self.pagination(raw, response)
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
        request_class = self.class_names[request] if request else None
        response_class = self.class_names[response] if response else None
        return ir.Method(
            id=raw.id,
            wire_name=name,
            py_name=py_name,
            spec_name=spec_pool.claim(
                "_" + "_".join(snake_case(c) for c in (*chain, name)).upper()
            ),
            http_method=raw.http_method,
            path=raw.url_path,
            doc=self.method_doc(
                doc_raw, path_params, query_params, request_class, response_class, streaming, events
            ),
            path_params=path_params,
            query_params=query_params,
            request_type=request_class,
            response_type=response_class,
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
            stream_terminal=self.stream_terminal(raw, response_class, streaming),
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

    def pagination(self, raw: RawMethod, response: str | None) -> ir.Pagination | None:
        if response is None or not any(p.name == "pageToken" for p in raw.parameters):
            return None
        props = dict(self.schemas[response].properties)
        if "nextPageToken" not in props:
            return None
        repeated = [name for name, node in props.items() if node.type == "array"]
        if len(repeated) > 1:
            # e.g. ListOperationsResponse: `operations` plus `unreachable` (strings); the
            # items are the one repeated field of messages.
            repeated = [n for n in repeated if props[n].items and props[n].items.ref]
        if len(repeated) != 1:
            self.warnings.append(
                f"{raw.path}: pageToken but {len(repeated)} repeated fields in {response}; "
                "not treated as a paginated list"
            )
            return None
        return ir.Pagination(
            items_field=safe_identifier(snake_case(repeated[0])),
            token_param="pageToken",
            item_annotation=self.item_annotation(response, repeated[0]),
        )

    def item_annotation(self, response: str, wire: str) -> str:
        """One page item's annotation as resources.py spells it: ``types.<Struct>`` or a
        builtin scalar; anything else (nested lists, maps, free JSON) is ``Any``."""
        field = next(f for f in self.structs[response].fields if f.wire_name == wire)
        item = type_table.element(field.annotation)
        if item in self.structs:
            return f"types.{item}"
        return item if item in type_table.BUILTIN_SCALARS else "Any"

    def is_operation(self, response: str | None) -> bool:
        if response is None or response not in self.schemas:
            return False
        props = dict(self.schemas[response].properties)
        return {"name", "done"} <= set(props) and bool({"response", "error"} & set(props))

    def method_doc(
        self, raw, path_params, query_params, request, response, streaming, events=None
    ) -> str:
        lines = []
        if raw.deprecated:
            lines.append("Deprecated.")
            lines.append("")
        lines.append(raw.description or raw.id)
        args = [(p.py_name, p.doc) for p in path_params]
        if request:
            body = f"The request: a `types.{request}` or a dict of the same shape"
            shorthand = raw.x.get("x-body-shorthand")
            extra = shorthand.get("description") if isinstance(shorthand, dict) else None
            args.append(("body", f"{body}; or {extra}." if extra else body + "."))
        args += [(p.py_name, p.doc) for p in query_params]
        if raw.media_upload is not None:
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
        lines += ["", f"Discovery: {raw.id} ({raw.http_method} {raw.url_path})"]
        return "\n".join(lines)

    def resource(
        self, raw: RawResource, chain: tuple[str, ...], spec_pool: NamePool, out: list
    ) -> ir.Resource:
        chain = (*chain, raw.name)
        pool = NamePool({"_t"})
        children = tuple(self.resource(c, chain, spec_pool, out) for c in raw.resources)
        children = tuple(
            dataclasses.replace(c, attr_name=pool.claim(c.attr_name)) for c in children
        )
        methods = []
        twins: dict[str, ir.Method] = {}
        for m in raw.methods:
            built = [self.method(m, chain, spec_pool)]
            if "x-stream" in m.x:
                built.append(self.method(m, chain, spec_pool, twin=m.x["x-stream"]))
            for method in built:
                name = pool.claim(method.py_name)
                if name != method.py_name:
                    self.warnings.append(f"{m.path}: method renamed to {name} (clash in resource)")
                    method = dataclasses.replace(method, py_name=name)
                methods.append(method)
            if len(built) > 1:
                twins[m.name] = methods[-1]
                if methods[-2].switch.twin != methods[-1].py_name:
                    switch = dataclasses.replace(methods[-2].switch, twin=methods[-1].py_name)
                    methods[-2] = dataclasses.replace(methods[-2], switch=switch)
        for m in raw.methods:
            if "x-stream-resume" in m.x:
                if m.name not in twins:
                    raise ValueError(f"{m.path}.x-stream-resume: the method has no x-stream")
                twin = twins[m.name]
                events = dataclasses.replace(twin.events, resume=self.resume(m, twin, twins))
                i = methods.index(twin)
                methods[i] = twins[m.name] = dataclasses.replace(twin, events=events)
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
            children=children,
        )
        out.append(res)
        return res

    def build(self) -> ir.Version:
        for sid, node in self.doc.schemas:
            if node.type not in (None, "object"):
                raise ValueError(f"schemas.{sid}: top-level {node.type!r} schema is unsupported")
            self.struct(self.class_names[sid], node)
        spec_pool = NamePool()
        # Client attributes share the namespace of the client base class's own names.
        client_pool = NamePool(
            {"close", "base_url", "download", "wait_operation", "ROOT_URL", "API_VERSION"}
        )
        all_resources: list[ir.Resource] = []
        top = []
        for r in self.doc.resources:
            res = self.resource(r, (), spec_pool, all_resources)
            attr = client_pool.claim(res.attr_name)
            top.append(dataclasses.replace(res, attr_name=attr))
        methods = tuple(m for r in all_resources for m in r.methods)
        operation_types = sorted({m.response_type for m in methods if m.long_running})
        operation_type = (
            "Operation"
            if "Operation" in operation_types or self.is_operation("Operation")
            else (operation_types[0] if operation_types else None)
        )
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
            client_mixin=client_mixin,
            async_client_mixin=async_client_mixin,
            websockets=tuple(sockets),
        )


def build_version(doc: RawDocument, package: str) -> ir.Version:
    """Build the IR of one API version from its parsed Discovery document."""
    return _Builder(doc, package).build()

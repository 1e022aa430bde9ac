"""Parse a Discovery document into typed raw records.

This stage knows the Discovery format and nothing about Python: it checks shapes, rejects
`type` values the format does not define, and records where each `$ref` points. A `$ref`
to a schema the document lacks is kept (with ``dangling=True``) and reported as a warning
naming its place, because Google has served such documents (v1beta 20260223..20260717
reference an undefined `MediaResolution`).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import extend

KNOWN_TYPES = frozenset(
    {"string", "integer", "number", "boolean", "object", "array", "any", "null"}
)


class DiscoveryError(ValueError):
    """The document cannot be turned into a correct client; the message names the place."""


_MEDIA_SIZE = re.compile(r"^\s*(\d+)\s*([KMGT]?B)?\s*$", re.IGNORECASE)
#: Binary multiples, as Google's own clients read ``maxSize`` ("1GB" is 2**30 bytes).
_MEDIA_UNITS = {"": 0, "B": 0, "KB": 10, "MB": 20, "GB": 30, "TB": 40}


def media_size(value: object, path: str) -> int:
    """``mediaUpload.maxSize`` in bytes: a number, or a number with a unit (``"1GB"``)."""
    match = _MEDIA_SIZE.match(str(value))
    if match is None:
        raise DiscoveryError(
            f"{path}: maxSize {value!r} is neither a byte count nor one with a unit"
        )
    return int(match.group(1)) << _MEDIA_UNITS[(match.group(2) or "").upper()]


@dataclass(frozen=True)
class RawSchema:
    path: str  # Discovery path, e.g. "schemas.Part.properties.inlineData"
    type: str | None = None
    format: str | None = None
    ref: str | None = None
    dangling: bool = False
    description: str = ""
    enum: tuple[str, ...] = ()
    enum_descriptions: tuple[str, ...] = ()
    enum_deprecated: tuple[bool, ...] = ()
    deprecated: bool = False
    read_only: bool = False
    properties: tuple[tuple[str, RawSchema], ...] = ()
    items: RawSchema | None = None
    additional: RawSchema | None = None
    #: ``x-union``: the schemas a value may take, one per JSON kind (an extension key;
    #: the node itself says ``"type": "any"`` for readers that do not know the key).
    union: tuple[RawSchema, ...] = ()
    #: ``x-`` keys of an extension document (codegen/extend.py), e.g. {"x-source": ...}.
    x: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_map(self) -> bool:
        """An object with free keys only: ``additionalProperties`` and no properties."""
        return self.type == "object" and not self.properties and self.additional is not None


@dataclass(frozen=True)
class RawParameter:
    name: str
    path: str
    type: str
    format: str | None
    location: str
    required: bool
    repeated: bool
    pattern: str | None
    description: str
    enum: tuple[str, ...] = ()
    deprecated: bool = False
    default: str | None = None


@dataclass(frozen=True)
class RawMediaUpload:
    accept: tuple[str, ...]
    max_size: int | None
    simple_path: str | None
    resumable_path: str | None


@dataclass(frozen=True)
class RawMethod:
    name: str
    path: str  # Discovery path, e.g. "resources.models.methods.generateContent"
    id: str
    http_method: str
    url_path: str
    flat_path: str | None
    description: str
    parameters: tuple[RawParameter, ...]
    parameter_order: tuple[str, ...]
    request: str | None
    response: str | None
    deprecated: bool
    media_upload: RawMediaUpload | None
    supports_media_download: bool
    #: Media is fetched from the download service (``<rootUrl>download/<servicePath>``).
    use_media_download_service: bool = False
    x: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class RawResource:
    name: str
    path: str
    methods: tuple[RawMethod, ...]
    resources: tuple[RawResource, ...]
    x: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class RawDocument:
    name: str
    version: str
    revision: str
    title: str
    description: str
    root_url: str
    service_path: str
    schemas: tuple[tuple[str, RawSchema], ...]
    resources: tuple[RawResource, ...]
    sha256: str
    source_name: str
    warnings: tuple[str, ...] = field(default=())
    #: (file name, sha256) of each extension document merged in, in merge order.
    extensions: tuple[tuple[str, str], ...] = ()
    x: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    #: Methods at the top level of the document, outside any resource.
    methods: tuple[RawMethod, ...] = ()


class _Loader:
    def __init__(self, doc: dict) -> None:
        self.doc = doc
        self.schema_ids = set(doc.get("schemas") or {})
        self.warnings: list[str] = []

    def schema(self, node: dict, path: str) -> RawSchema:
        if not isinstance(node, dict):
            raise DiscoveryError(f"{path}: expected an object, got {type(node).__name__}")
        ref = node.get("$ref")
        dangling = False
        if ref is not None and ref not in self.schema_ids:
            dangling = True
            self.warnings.append(
                f"{path}: $ref {ref!r} names no schema in this document; "
                "generating an open type (any JSON value) there"
            )
        type_ = node.get("type")
        if type_ is not None and type_ not in KNOWN_TYPES:
            raise DiscoveryError(f"{path}: unknown type {type_!r}")
        props = node.get("properties") or {}
        union = node.get("x-union", [])
        if not isinstance(union, list):
            raise DiscoveryError(f"{path}.x-union: expected a list of schemas")
        return RawSchema(
            path=path,
            type=type_,
            format=node.get("format"),
            ref=ref,
            dangling=dangling,
            description=node.get("description") or "",
            enum=tuple(node.get("enum") or ()),
            enum_descriptions=tuple(node.get("enumDescriptions") or ()),
            enum_deprecated=tuple(bool(x) for x in node.get("enumDeprecated") or ()),
            deprecated=bool(node.get("deprecated")),
            read_only=bool(node.get("readOnly")),
            properties=tuple(
                (name, self.schema(props[name], f"{path}.properties.{name}"))
                for name in sorted(props)
            ),
            items=self.schema(node["items"], f"{path}.items") if "items" in node else None,
            additional=(
                self.schema(node["additionalProperties"], f"{path}.additionalProperties")
                if isinstance(node.get("additionalProperties"), dict)
                else None
            ),
            union=tuple(self.schema(m, f"{path}.x-union[{i}]") for i, m in enumerate(union)),
            x=extend.x_keys(node),
        )

    def parameter(self, name: str, node: dict, path: str) -> RawParameter:
        type_ = node.get("type", "string")
        if type_ not in KNOWN_TYPES:
            raise DiscoveryError(f"{path}: unknown type {type_!r}")
        location = node.get("location")
        if location not in ("path", "query"):
            raise DiscoveryError(f"{path}: unsupported parameter location {location!r}")
        return RawParameter(
            name=name,
            path=path,
            type=type_,
            format=node.get("format"),
            location=location,
            required=bool(node.get("required")),
            repeated=bool(node.get("repeated")),
            pattern=node.get("pattern"),
            description=node.get("description") or "",
            enum=tuple(node.get("enum") or ()),
            deprecated=bool(node.get("deprecated")),
            default=node.get("default"),
        )

    def method(self, name: str, node: dict, path: str) -> RawMethod:
        params = node.get("parameters") or {}
        order = tuple(node.get("parameterOrder") or ())
        for p in order:
            if p not in params:
                raise DiscoveryError(f"{path}.parameterOrder: {p!r} is not a parameter")
        media = None
        if node.get("supportsMediaUpload") and node.get("mediaUpload"):
            mu = node["mediaUpload"]
            protocols = mu.get("protocols") or {}
            media = RawMediaUpload(
                accept=tuple(mu.get("accept") or ()),
                max_size=(
                    media_size(mu["maxSize"], f"{path}.mediaUpload.maxSize")
                    if mu.get("maxSize")
                    else None
                ),
                simple_path=(protocols.get("simple") or {}).get("path"),
                resumable_path=(protocols.get("resumable") or {}).get("path"),
            )
        for key in ("request", "response"):
            ref = (node.get(key) or {}).get("$ref")
            if ref is not None and ref not in self.schema_ids:
                self.warnings.append(f"{path}.{key}: $ref {ref!r} names no schema")
        for required in ("id", "httpMethod", "path"):
            if required not in node:
                raise DiscoveryError(f"{path}: missing {required!r}")
        return RawMethod(
            name=name,
            path=path,
            id=node["id"],
            http_method=node["httpMethod"].upper(),
            url_path=node["path"],
            flat_path=node.get("flatPath"),
            description=node.get("description") or "",
            parameters=tuple(
                self.parameter(p, params[p], f"{path}.parameters.{p}") for p in sorted(params)
            ),
            parameter_order=order,
            request=(node.get("request") or {}).get("$ref"),
            response=(node.get("response") or {}).get("$ref"),
            deprecated=bool(node.get("deprecated")),
            media_upload=media,
            supports_media_download=bool(node.get("supportsMediaDownload")),
            use_media_download_service=bool(node.get("useMediaDownloadService")),
            x=extend.x_keys(node),
        )

    def methods(self, node: dict, path: str) -> tuple[RawMethod, ...]:
        methods = node.get("methods") or {}
        where = f"{path}.methods" if path else "methods"
        return tuple(self.method(m, methods[m], f"{where}.{m}") for m in sorted(methods))

    def resource(self, name: str, node: dict, path: str) -> RawResource:
        children = node.get("resources") or {}
        return RawResource(
            name=name,
            path=path,
            methods=self.methods(node, path),
            resources=tuple(
                self.resource(r, children[r], f"{path}.resources.{r}") for r in sorted(children)
            ),
            x=extend.x_keys(node),
        )


def parse_document(
    data: bytes, source_name: str, extensions: tuple[extend.Extension, ...] = ()
) -> RawDocument:
    """Parse the exact bytes of a Discovery document, with ``extensions`` merged in."""
    try:
        doc = json.loads(data)
    except ValueError as exc:
        raise DiscoveryError(f"{source_name}: not JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("kind") != "discovery#restDescription":
        raise DiscoveryError(f"{source_name}: not a Discovery REST description")
    for key in ("name", "version", "revision", "rootUrl"):
        if key not in doc:
            raise DiscoveryError(f"{source_name}: missing top-level {key!r}")
    try:
        doc, extensions, notes = extend.merge(doc, extensions)
    except extend.ExtensionError as exc:
        raise DiscoveryError(str(exc)) from None
    loader = _Loader(doc)
    loader.warnings += notes
    schemas = doc.get("schemas") or {}
    raw_schemas = tuple(
        (sid, loader.schema(schemas[sid], f"schemas.{sid}")) for sid in sorted(schemas)
    )
    resources = doc.get("resources") or {}
    raw_resources = tuple(
        loader.resource(r, resources[r], f"resources.{r}") for r in sorted(resources)
    )
    top_methods = loader.methods(doc, "")
    return RawDocument(
        name=doc["name"],
        version=doc["version"],
        revision=str(doc["revision"]),
        title=doc.get("title") or doc["name"],
        description=doc.get("description") or "",
        root_url=doc["rootUrl"],
        service_path=doc.get("servicePath") or "",
        schemas=raw_schemas,
        resources=raw_resources,
        sha256=hashlib.sha256(data).hexdigest(),
        source_name=source_name,
        warnings=tuple(loader.warnings),
        extensions=tuple((e.file_name, e.sha256) for e in extensions),
        x=extend.x_keys(doc),
        methods=top_methods,
    )


def load_document(path: Path) -> RawDocument:
    return parse_document(path.read_bytes(), path.name)

"""What changed between two Discovery documents, and whether it matters to client code.

``diff_documents(old, new)`` walks two parsed Discovery documents element by element
(resources, methods, parameters, schemas and their nested fields, top-level settings,
documentation) and returns a :class:`Report`: a sorted tuple of :class:`Change` records,
each with ``kind`` (added / removed / changed), ``element``, a dotted ``path`` to the element
in the document (``resources.models.methods.generateContent``,
``schemas.Part.properties.thoughtSignature``, ``...properties.type.enum.NULL``), short
``old`` / ``new`` values and an ``impact``. Key order in the documents is irrelevant (parsed
JSON is compared), ``$ref`` targets are compared by name and never resolved, so a
dangling ``$ref`` (v1beta 20260223..20260717 reference an undefined ``MediaResolution``)
is tolerated and only annotated in the change's ``note``.

Impact rules
------------
``breaking`` -- code written against the client generated from OLD may stop working or
send wrong requests:

* a resource, method, schema, field (property), method parameter or global parameter
  is removed;
* the type of a field or parameter changes: ``type``, ``format`` or ``$ref`` (a
  ``$ref`` to a dangling schema changing to a defined one included), the element type
  of an array / map (``items`` / ``additionalProperties``), ``repeated`` or ``location``;
* a parameter or field becomes ``required``, or a required parameter is added;
* ``httpMethod``, ``path`` or ``flatPath`` of a method changes, or ``parameterOrder``
  changes (it fixes the positional arguments of the generated method);
* the request body type changes (added, removed or a different ``$ref``), or the
  response type is removed or changes;
* an enum value is removed -- **on any field, request or response side** (the rule
  chosen for the arguable case). The generated client keeps enum fields typed ``str``
  but exposes every value as a named constant, so code that names the removed constant
  (to send it, or to compare a response against it) stops working either way, and a
  request still sending the value is likely rejected. A direction-dependent rule would
  need a request/response analysis of every schema, which a document diff cannot do
  reliably (many schemas are used on both sides). An ``enum`` list appearing on a field
  that had none restricts the values the server accepts: breaking too;
* a ``pattern`` / ``minimum`` / ``maximum`` is added or changed, a ``default`` changes
  or disappears (calls that omit the parameter now behave differently);
* a capability disappears: ``supportsMediaUpload`` (etc.) becomes false, ``mediaUpload``
  or one of its protocols is removed or moved, ``maxSize`` shrinks, an ``accept`` type
  goes away; an OAuth scope disappears from a method or from ``auth``;
* a top-level setting that shapes URLs or the wire protocol changes or disappears
  (``rootUrl``, ``servicePath``, ``basePath``, ``baseUrl``, ``batchPath``,
  ``mtlsRootUrl``, ``protocol``, ``version``, ``name``, ``fullyEncodeReservedExpansion``);
* any change or removal of a key this module does not recognise (conservative).

``compatible`` -- code written against OLD keeps working; NEW offers more or warns:

* additions: resources, methods, schemas, optional fields and parameters, enum values
  (enum fields stay ``str`` in the generated client, so a value the old client does not
  know still decodes; it only lacks a named constant), scopes, media protocols, a response type where there was none, settings;
  keys this module does not recognise, when added;
* ``deprecated`` / ``enumDeprecated`` markers added or removed, ``readOnly`` added or
  removed (the generated client keeps read-only fields in its types; the flag records
  server behaviour rather than changing what is sent), a parameter or field that stops
  being required, a ``pattern`` / ``minimum`` / ``maximum`` removed, a ``default`` added,
  a capability flag turned on, a larger ``maxSize``.

``cosmetic`` -- documentation and metadata only: ``description``, ``enumDescriptions``,
``title``, ``documentationLink``, ``etag``, ``revision``, ``id`` (document, schema and
method ids), ``icons``, ``ownerDomain``, ``ownerName``, ``kind``, ``discoveryVersion``,
``canonicalName``, ``version_module``, ``x-extension`` and ``x-source`` (the provenance
notes of our extension documents), scope descriptions in ``auth``, a reordering of
enum values, an ``enumDeprecated`` list re-aligned with a grown ``enum`` without any value
changing its deprecation, and a container key (``parameters``, ``methods``, ...) that
appears or disappears while empty. **Cosmetic changes do not change the API**: the
generated client's surface and its wire behaviour are identical.

Elements inside an added or removed resource are listed too (its methods and
sub-resources, each with the resource's impact), so a removed sub-resource shows every
method that goes with it. A field whose type changes is reported once, at the field
(nested properties, items and enum values of a retyped field are not listed again).

Paths join the document's keys with ``.``; enum values are appended to the ``enum`` path.
Output (``render_markdown`` / ``render_json``) is deterministic: every change is sorted
by path, and JSON keys are sorted.

CLI: ``python -m codegen diff OLD NEW [--format markdown|json] [--cache DIR]
[--mirror DIR] [--fail-on-breaking]`` where OLD / NEW are files or ``VERSION@REVISION``
(looked up in the cache, then in the mirror; see :func:`load_document`). Standard
library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KINDS = ("added", "removed", "changed")
ELEMENTS = (
    "resource",
    "method",
    "schema",
    "field",
    "parameter",
    "enum_value",
    "setting",
    "documentation",
)
IMPACTS = ("breaking", "compatible", "cosmetic")

COSMETIC_NOTICE = (
    "Cosmetic changes are documentation/metadata only: they do not change the API. "
    "The generated client's surface and its wire behaviour are identical."
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE = REPO_ROOT / "discovery" / "cache"
DEFAULT_MIRROR = REPO_ROOT.parent / "shared" / "discovery"

# Top-level keys that only document the API (or steer Google's own generators).
_TOP_DOC_KEYS = frozenset(
    {
        "canonicalName",
        "description",
        "discoveryVersion",
        "documentationLink",
        "etag",
        "icons",
        "id",
        "kind",
        "labels",
        "ownerDomain",
        "ownerName",
        "packagePath",
        "revision",
        "title",
        "version_module",
        # Our extension documents: what an extension is and where its facts come from.
        "x-extension",
        "x-source",
    }
)
# Top-level keys that shape URLs or the wire protocol.
_TOP_SETTINGS = frozenset(
    {
        "basePath",
        "baseUrl",
        "batchPath",
        "fullyEncodeReservedExpansion",
        "mtlsRootUrl",
        "name",
        "protocol",
        "rootUrl",
        "servicePath",
        "version",
    }
)
_NODE_DOC_KEYS = frozenset(
    {"description", "enumDescriptions", "example", "id", "title", "x-source"}
)
_METHOD_DOC_KEYS = frozenset({"description", "id", "x-source"})
_RESOURCE_DOC_KEYS = frozenset({"description", "x-source"})
_CAPABILITY_FLAGS = frozenset(
    {
        "supportsMediaDownload",
        "supportsMediaUpload",
        "supportsSubscription",
        "useMediaDownloadService",
    }
)
_SHORT = 100


class _Missing:
    """Marks a key absent from one side (distinct from an explicit ``null``)."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


# -- data model -----------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One difference. ``path`` is dotted and stable; ``old``/``new`` are short strings."""

    kind: str  # added | removed | changed
    element: str  # one of ELEMENTS
    path: str
    impact: str  # breaking | compatible | cosmetic
    old: str | None = None
    new: str | None = None
    note: str = ""
    # The top element the change belongs to: a resource path for its methods and their
    # parameters, "schemas.X" for a schema and its fields, "parameters", "methods" or
    # "auth" at the top, "" for document-level keys. Groups long cosmetic lists in
    # Markdown; not part of the JSON output.
    owner: str = field(default="", compare=False, repr=False)

    def sort_key(self) -> tuple[str, ...]:
        return (
            self.path,
            self.kind,
            self.element,
            self.impact,
            self.old or "",
            self.new or "",
            self.note,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "element": self.element,
            "path": self.path,
            "impact": self.impact,
            "old": self.old,
            "new": self.new,
            "note": self.note,
        }


@dataclass(frozen=True)
class Report:
    """All changes between two documents, sorted by path (then kind, element, ...)."""

    changes: tuple[Change, ...]
    old_version: str | None = None
    old_revision: str | None = None
    new_version: str | None = None
    new_revision: str | None = None

    def __post_init__(self) -> None:
        unique = {c.sort_key(): c for c in self.changes}
        object.__setattr__(self, "changes", tuple(unique[k] for k in sorted(unique)))

    @property
    def summary(self) -> dict[str, int]:
        """Counts by impact plus ``total``."""
        counts = {impact: 0 for impact in IMPACTS}
        for change in self.changes:
            counts[change.impact] += 1
        counts["total"] = len(self.changes)
        return counts

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        """Counts by impact, then by kind (``added`` / ``removed`` / ``changed`` / ``total``)."""
        table = {impact: dict.fromkeys((*KINDS, "total"), 0) for impact in IMPACTS}
        for change in self.changes:
            table[change.impact][change.kind] += 1
            table[change.impact]["total"] += 1
        return table

    @property
    def has_breaking(self) -> bool:
        return any(c.impact == "breaking" for c in self.changes)

    def by_impact(self, impact: str) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.impact == impact)

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": {"version": self.old_version, "revision": self.old_revision},
            "new": {"version": self.new_version, "revision": self.new_revision},
            "summary": self.summary,
            "counts": self.counts,
            "api_changed": any(c.impact != "cosmetic" for c in self.changes),
            "notes": {"cosmetic": COSMETIC_NOTICE},
            "changes": [c.to_dict() for c in self.changes],
        }


# -- loading --------------------------------------------------------------------------


class DocumentNotFoundError(FileNotFoundError):
    """A document spec could not be resolved; the message names every place looked at."""


class InvalidDocumentError(ValueError):
    """A file was found but is not a JSON object."""


_SPEC = re.compile(r"(?P<version>[A-Za-z0-9_.-]+)@(?P<revision>[0-9A-Za-z_-]+)")


def _read_json(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DocumentNotFoundError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidDocumentError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(doc, dict):
        raise InvalidDocumentError(f"{path}: a Discovery document must be a JSON object")
    return doc


def load_document(spec: str, *, cache_dir: Path, mirror_dir: Path) -> dict[str, Any]:
    """Load a Discovery document from a file path or a ``VERSION@REVISION`` spec.

    ``VERSION@REVISION`` (e.g. ``v1beta@20260821``) is looked up first in ``cache_dir``
    (``generativelanguage.<version>.<revision>.json``, then
    ``generativelanguage.<version>.json``; either must contain that ``revision``), then
    in ``mirror_dir`` (``generativelanguage.<version>.<revision>.json``). An existing
    file path always wins over the spec syntax. Raises :class:`DocumentNotFoundError`
    naming what was looked for and every place looked at.
    """
    path = Path(spec)
    match = _SPEC.fullmatch(spec)
    if match is None or path.is_file():
        if not path.is_file():
            raise DocumentNotFoundError(
                f"Discovery document {spec!r} not found: no such file "
                f"(give a file path or VERSION@REVISION, e.g. v1beta@20260821)"
            )
        return _read_json(path)

    version, revision = match["version"], match["revision"]
    cache_dir, mirror_dir = Path(cache_dir), Path(mirror_dir)
    candidates = [
        cache_dir / f"generativelanguage.{version}.{revision}.json",
        cache_dir / f"generativelanguage.{version}.json",
        mirror_dir / f"generativelanguage.{version}.{revision}.json",
    ]
    looked: list[str] = []
    for candidate in candidates:
        if not candidate.is_file():
            looked.append(f"{candidate} (no such file)")
            continue
        doc = _read_json(candidate)
        found_revision = str(doc.get("revision"))
        found_version = str(doc.get("version", version))
        if found_revision == revision and found_version == version:
            return doc
        looked.append(f"{candidate} (contains {found_version}@{found_revision})")
    raise DocumentNotFoundError(
        f"Discovery document {version}@{revision} not found; looked at:\n  " + "\n  ".join(looked)
    )


# -- diffing --------------------------------------------------------------------------


def _short(value: Any) -> str | None:
    if value is MISSING or value is None:
        return None
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    text = " ".join(text.split())
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


def _kind(old: Any, new: Any) -> str:
    if old is MISSING:
        return "added"
    if new is MISSING:
        return "removed"
    return "changed"


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _type_str(node: Any, depth: int = 0) -> str:
    """Short human form of a schema node's type: ``string(int64)``, ``array<Part>``..."""
    if not isinstance(node, dict):
        return _short(node) or "?"
    if "$ref" in node:
        return str(node["$ref"])
    kind = str(node.get("type", "?"))
    items, extra = node.get("items"), node.get("additionalProperties")
    if kind == "array" and isinstance(items, dict) and depth < 3:
        return f"array<{_type_str(items, depth + 1)}>"
    if kind == "object" and isinstance(extra, dict) and not node.get("properties") and depth < 3:
        return f"map<string, {_type_str(extra, depth + 1)}>"
    if kind == "object" and node.get("properties"):
        return "object{…}"
    fmt = node.get("format")
    return f"{kind}({fmt})" if fmt else kind


def _method_str(method: Any) -> str | None:
    if not isinstance(method, dict):
        return _short(method)
    return f"{method.get('httpMethod', '?')} {method.get('path', '?')}"


def _ref_str(body: Any) -> str | None:
    if isinstance(body, dict) and set(body) <= {"$ref"}:
        return _short(body.get("$ref"))
    return _short(body)


def _join(values: Any) -> str | None:
    if isinstance(values, list):
        return _short(", ".join(str(v) for v in values))
    return _short(values)


def _maybe_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class _Differ:
    def __init__(self, old_doc: dict[str, Any], new_doc: dict[str, Any]) -> None:
        self.old_schemas = set(_as_dict(old_doc.get("schemas")))
        self.new_schemas = set(_as_dict(new_doc.get("schemas")))
        self.changes: list[Change] = []

    def add(
        self,
        kind: str,
        element: str,
        path: str,
        impact: str,
        old: Any = None,
        new: Any = None,
        note: str = "",
        *,
        owner: str,
    ) -> None:
        self.changes.append(
            Change(kind, element, path, impact, _short(old), _short(new), note, owner)
        )

    # generic helpers ------------------------------------------------------------------

    def doc(self, old: Any, new: Any, path: str, owner: str) -> None:
        self.add(_kind(old, new), "documentation", path, "cosmetic", old, new, owner=owner)

    def unknown(self, old: Any, new: Any, path: str, element: str, owner: str) -> None:
        kind = _kind(old, new)
        impact = "compatible" if kind == "added" else "breaking"
        self.add(kind, element, path, impact, old, new, "unrecognised key", owner=owner)

    def container(
        self,
        old: Any,
        new: Any,
        path: str,
        element: str,
        owner: str,
        each: Callable[[str, Any, Any, str], None],
    ) -> None:
        """Diff a name -> object map, calling ``each(name, old, new, path)`` per member."""
        old_map, new_map = _as_dict(old), _as_dict(new)
        if not old_map and not new_map and old != new:
            # e.g. "parameters": {} appearing: nothing in it, nothing changes.
            self.add(
                _kind(old, new),
                element,
                path,
                "cosmetic",
                old,
                new,
                "empty container",
                owner=owner,
            )
            return
        for name in sorted(set(old_map) | set(new_map)):
            old_item, new_item = old_map.get(name, MISSING), new_map.get(name, MISSING)
            if old_item != new_item:
                each(name, old_item, new_item, f"{path}.{name}")

    def tree(
        self,
        old: Any,
        new: Any,
        path: str,
        rel: tuple[str, ...],
        owner: str,
        rule: Callable[[tuple[str, ...], str, Any, Any], tuple[str, str]],
    ) -> None:
        """Leaf-by-leaf diff of a plain JSON object; ``rule`` gives (element, impact)."""
        if isinstance(old, dict) and isinstance(new, dict):
            for key in sorted(set(old) | set(new)):
                o, n = old.get(key, MISSING), new.get(key, MISSING)
                if o != n:
                    self.tree(o, n, f"{path}.{key}", (*rel, key), owner, rule)
            return
        kind = _kind(old, new)
        element, impact = rule(rel, kind, old, new)
        if isinstance(old, list) or isinstance(new, list):
            old, new = _join(old), _join(new)
        self.add(kind, element, path, impact, old, new, owner=owner)

    # document -------------------------------------------------------------------------

    def document(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        for key in sorted(set(old) | set(new)):
            o, n = old.get(key, MISSING), new.get(key, MISSING)
            if o == n:
                continue
            if key == "resources":
                self.resources(o, n, "resources", owner="")
            elif key == "methods":
                self.methods(o, n, "methods", owner="methods")
            elif key == "schemas":
                self.container(o, n, "schemas", "schema", "", self.schema)
            elif key == "parameters":
                self.parameters(o, n, "parameters", owner="parameters")
            elif key == "auth":
                self.tree(o, n, "auth", (), "auth", _auth_rule)
            elif key in _TOP_DOC_KEYS:
                self.doc(o, n, key, owner="")
            elif key in _TOP_SETTINGS:
                kind = _kind(o, n)
                impact = "compatible" if kind == "added" else "breaking"
                self.add(kind, "setting", key, impact, o, n, owner="")
            else:
                self.unknown(o, n, key, "setting", owner="")

    # resources and methods ------------------------------------------------------------

    def resources(self, old: Any, new: Any, path: str, owner: str) -> None:
        def each(name: str, o: Any, n: Any, p: str) -> None:
            if o is MISSING:
                self.resource_tree("added", n, p)
            elif n is MISSING:
                self.resource_tree("removed", o, p)
            else:
                self.resource(o, n, p)

        self.container(old, new, path, "resource", owner, each)

    def resource_tree(self, kind: str, res: Any, path: str) -> None:
        impact = "breaking" if kind == "removed" else "compatible"
        self.add(kind, "resource", path, impact, owner=path)
        res = _as_dict(res)
        for name, method in sorted(_as_dict(res.get("methods")).items()):
            value = (
                {"old": _method_str(method)} if kind == "removed" else {"new": _method_str(method)}
            )
            self.add(kind, "method", f"{path}.methods.{name}", impact, **value, owner=path)
        for name, sub in sorted(_as_dict(res.get("resources")).items()):
            self.resource_tree(kind, sub, f"{path}.resources.{name}")

    def resource(self, old: Any, new: Any, path: str) -> None:
        if not (isinstance(old, dict) and isinstance(new, dict)):
            self.unknown(old, new, path, "resource", owner=path)
            return
        for key in sorted(set(old) | set(new)):
            o, n = old.get(key, MISSING), new.get(key, MISSING)
            if o == n:
                continue
            if key == "methods":
                self.methods(o, n, f"{path}.methods", owner=path)
            elif key == "resources":
                self.resources(o, n, f"{path}.resources", owner=path)
            elif key in _RESOURCE_DOC_KEYS:
                self.doc(o, n, f"{path}.{key}", owner=path)
            else:
                self.unknown(o, n, f"{path}.{key}", "resource", owner=path)

    def methods(self, old: Any, new: Any, path: str, owner: str) -> None:
        def each(name: str, o: Any, n: Any, p: str) -> None:
            if o is MISSING:
                self.add("added", "method", p, "compatible", new=_method_str(n), owner=owner)
            elif n is MISSING:
                self.add("removed", "method", p, "breaking", old=_method_str(o), owner=owner)
            else:
                self.method(o, n, p, owner)

        self.container(old, new, path, "method", owner, each)

    def method(self, old: Any, new: Any, path: str, owner: str) -> None:
        if not (isinstance(old, dict) and isinstance(new, dict)):
            self.unknown(old, new, path, "method", owner=owner)
            return
        for key in sorted(set(old) | set(new)):
            o, n = old.get(key, MISSING), new.get(key, MISSING)
            if o == n:
                continue
            p, kind = f"{path}.{key}", _kind(o, n)
            if key in ("httpMethod", "path", "flatPath"):
                self.add(kind, "method", p, "breaking", o, n, owner=owner)
            elif key == "parameters":
                self.parameters(o, n, p, owner=owner)
            elif key == "parameterOrder":
                note = "positional arguments of the generated method change"
                self.add(kind, "method", p, "breaking", _join(o), _join(n), note, owner=owner)
            elif key == "request":
                self.add(kind, "method", p, "breaking", _ref_str(o), _ref_str(n), owner=owner)
            elif key == "response":
                impact = "compatible" if kind == "added" else "breaking"
                self.add(kind, "method", p, impact, _ref_str(o), _ref_str(n), owner=owner)
            elif key == "mediaUpload":
                self.tree(o, n, p, (), owner, _media_upload_rule)
            elif key in _CAPABILITY_FLAGS:
                impact = "compatible" if (n is not MISSING and n) else "breaking"
                if not (o is not MISSING and o) and not (n is not MISSING and n):
                    impact = "compatible"  # false <-> absent
                self.add(kind, "method", p, impact, o, n, owner=owner)
            elif key == "deprecated":
                note = "marked deprecated" if n is not MISSING and n else "no longer deprecated"
                self.add(kind, "method", p, "compatible", o, n, note, owner=owner)
            elif key == "scopes":
                lost = set(_scopes(o)) - set(_scopes(n))
                impact = "breaking" if lost else "compatible"
                note = "scopes no longer accepted: " + ", ".join(sorted(lost)) if lost else ""
                self.add(kind, "method", p, impact, _join(o), _join(n), note, owner=owner)
            elif key in _METHOD_DOC_KEYS:
                self.doc(o, n, p, owner=owner)
            else:
                self.unknown(o, n, p, "method", owner=owner)

    def parameters(self, old: Any, new: Any, path: str, owner: str) -> None:
        def each(name: str, o: Any, n: Any, p: str) -> None:
            if o is MISSING:
                required = isinstance(n, dict) and bool(n.get("required"))
                impact, note = ("breaking", "required") if required else ("compatible", "optional")
                self.add("added", "parameter", p, impact, new=_param_str(n), note=note, owner=owner)
            elif n is MISSING:
                self.add("removed", "parameter", p, "breaking", old=_param_str(o), owner=owner)
            else:
                self.node(o, n, p, "parameter", owner=owner)

        self.container(old, new, path, "parameter", owner, each)

    # schemas ----------------------------------------------------------------------------

    def schema(self, name: str, old: Any, new: Any, path: str) -> None:
        if old is MISSING:
            self.add("added", "schema", path, "compatible", new=_type_str(new), owner=path)
        elif new is MISSING:
            self.add("removed", "schema", path, "breaking", old=_type_str(old), owner=path)
        else:
            self.node(old, new, path, "schema", owner=path)

    def properties(self, old: Any, new: Any, path: str, owner: str) -> None:
        def each(name: str, o: Any, n: Any, p: str) -> None:
            if o is MISSING:
                required = isinstance(n, dict) and bool(n.get("required"))
                impact = "breaking" if required else "compatible"
                note = "required" if required else ""
                self.add("added", "field", p, impact, new=_type_str(n), note=note, owner=owner)
            elif n is MISSING:
                self.add("removed", "field", p, "breaking", old=_type_str(o), owner=owner)
            else:
                self.node(o, n, p, "field", owner=owner)

        self.container(old, new, path, "field", owner, each)

    def _dangling_note(self, old: dict[str, Any], new: dict[str, Any]) -> str:
        notes = []
        ref = old.get("$ref")
        if isinstance(ref, str) and ref not in self.old_schemas:
            notes.append(f"old $ref {ref} is dangling (not defined in the old document)")
        ref = new.get("$ref")
        if isinstance(ref, str) and ref not in self.new_schemas:
            notes.append(f"new $ref {ref} is dangling (not defined in the new document)")
        return "; ".join(notes)

    def node(self, old: Any, new: Any, path: str, element: str, *, owner: str) -> None:
        """Schema, field or parameter present on both sides."""
        if not (isinstance(old, dict) and isinstance(new, dict)):
            self.add(
                "changed", element, path, "breaking", _type_str(old), _type_str(new), owner=owner
            )
            return
        signature = ("type", "format", "$ref")
        retyped = any(old.get(k) != new.get(k) for k in signature)
        if retyped:
            note = self._dangling_note(old, new)
            self.add(
                "changed",
                element,
                path,
                "breaking",
                _type_str(old),
                _type_str(new),
                note,
                owner=owner,
            )
        for key in sorted((set(old) | set(new)) - set(signature)):
            o, n = old.get(key, MISSING), new.get(key, MISSING)
            if o == n:
                continue
            p, kind = f"{path}.{key}", _kind(o, n)
            if key in ("properties", "items", "additionalProperties", "enum") and retyped:
                continue  # covered by the type change reported above
            if key == "properties":
                self.properties(o, n, p, owner=owner)
            elif key in ("items", "additionalProperties"):
                if isinstance(o, dict) and isinstance(n, dict):
                    self.node(o, n, p, "field", owner=owner)
                else:
                    note = "element type of the container changes"
                    self.add(
                        kind, "field", p, "breaking", _type_str(o), _type_str(n), note, owner=owner
                    )
            elif key == "enum":
                self.enum(o, n, p, owner=owner)
            elif key == "enumDeprecated":
                self.enum_deprecated(old, new, p, owner=owner)
            elif key == "enumDescriptions":
                self.enum_descriptions(old, new, p, owner=owner)
            elif key in _NODE_DOC_KEYS:
                self.doc(o, n, p, owner=owner)
            elif key in ("deprecated", "readOnly"):
                now = n is not MISSING and bool(n)
                word = "deprecated" if key == "deprecated" else "read-only (output only)"
                note = f"marked {word}" if now else f"no longer {word}"
                self.add(kind, element, p, "compatible", o, n, note, owner=owner)
            elif key == "required":
                now = n is not MISSING and bool(n)
                impact, note = (
                    ("breaking", "becomes required") if now else ("compatible", "becomes optional")
                )
                self.add(kind, element, p, impact, o, n, note, owner=owner)
            elif key in ("repeated", "location", "annotations"):
                self.add(kind, element, p, "breaking", o, n, owner=owner)
            elif key in ("pattern", "minimum", "maximum"):
                impact = "compatible" if kind == "removed" else "breaking"
                self.add(kind, element, p, impact, o, n, owner=owner)
            elif key == "default":
                impact = "compatible" if kind == "added" else "breaking"
                self.add(kind, element, p, impact, o, n, owner=owner)
            else:
                self.unknown(o, n, p, element, owner=owner)

    def enum(self, old: Any, new: Any, path: str, owner: str) -> None:
        def simple(values: Any) -> bool:
            return (
                isinstance(values, list)
                and all(isinstance(v, str) for v in values)
                and len(set(values)) == len(values)
            )

        if not (simple(old) and simple(new)):
            # The list appears/disappears, or is not a list of distinct names: one change.
            kind = _kind(old, new)
            old_set = set(old) if isinstance(old, list) else set()
            new_set = set(new) if isinstance(new, list) else set()
            if kind == "added":
                impact, note = "breaking", "field becomes restricted to enum values"
            elif old_set - new_set or kind == "removed":
                impact, note = "breaking", "enum values removed"
            elif new_set - old_set:
                impact, note = "compatible", "enum values added"
            else:
                impact, note = "cosmetic", "order or repetition of enum values changed"
            self.add(kind, "enum_value", path, impact, _join(old), _join(new), note, owner=owner)
            return
        old_set, new_set = set(old), set(new)
        for value in sorted(old_set - new_set):
            self.add("removed", "enum_value", f"{path}.{value}", "breaking", old=value, owner=owner)
        for value in sorted(new_set - old_set):
            self.add("added", "enum_value", f"{path}.{value}", "compatible", new=value, owner=owner)
        kept_old = [v for v in old if v in new_set]
        kept_new = [v for v in new if v in old_set]
        if kept_old != kept_new:
            self.add(
                "changed",
                "enum_value",
                path,
                "cosmetic",
                _join(kept_old),
                _join(kept_new),
                "order of enum values changed",
                owner=owner,
            )

    def enum_descriptions(
        self, old_node: dict[str, Any], new_node: dict[str, Any], path: str, owner: str
    ) -> None:
        """Documentation; the note names the enum values whose description changed."""

        def described(node: dict[str, Any]) -> dict[str, Any]:
            values, docs = node.get("enum"), node.get("enumDescriptions")
            if not (isinstance(values, list) and isinstance(docs, list)):
                return {}
            return {str(v): d for v, d in zip(values, docs, strict=False)}

        old_map, new_map = described(old_node), described(new_node)
        o = old_node.get("enumDescriptions", MISSING)
        n = new_node.get("enumDescriptions", MISSING)
        edited = sorted(v for v in set(old_map) & set(new_map) if old_map[v] != new_map[v])
        notes = []
        if edited:
            notes.append("reworded for: " + ", ".join(edited))
        if set(new_map) - set(old_map):
            notes.append("for added values: " + ", ".join(sorted(set(new_map) - set(old_map))))
        if set(old_map) - set(new_map):
            notes.append("for removed values: " + ", ".join(sorted(set(old_map) - set(new_map))))

        def count(value: Any) -> str | None:
            return f"{len(value)} descriptions" if isinstance(value, list) else _short(value)

        self.add(
            _kind(o, n),
            "documentation",
            path,
            "cosmetic",
            count(o),
            count(n),
            "; ".join(notes),
            owner=owner,
        )

    def enum_deprecated(
        self, old_node: dict[str, Any], new_node: dict[str, Any], path: str, owner: str
    ) -> None:
        def deprecated(node: dict[str, Any]) -> set[str]:
            values = node.get("enum") if isinstance(node.get("enum"), list) else []
            flags = (
                node.get("enumDeprecated") if isinstance(node.get("enumDeprecated"), list) else []
            )
            # enumDeprecated may be shorter than enum (a trailing value added later)
            return {str(v) for v, flag in zip(values, flags, strict=False) if flag}

        old_set, new_set = deprecated(old_node), deprecated(new_node)
        kind = _kind(
            old_node.get("enumDeprecated", MISSING), new_node.get("enumDeprecated", MISSING)
        )
        if old_set == new_set:
            note = "no enum value changes its deprecation (list re-aligned with enum)"
            self.add(kind, "documentation", path, "cosmetic", note=note, owner=owner)
            return
        notes = []
        if new_set - old_set:
            notes.append("newly deprecated: " + ", ".join(sorted(new_set - old_set)))
        if old_set - new_set:
            notes.append("no longer deprecated: " + ", ".join(sorted(old_set - new_set)))
        self.add(
            kind,
            "enum_value",
            path,
            "compatible",
            ", ".join(sorted(old_set)) or None,
            ", ".join(sorted(new_set)) or None,
            "; ".join(notes),
            owner=owner,
        )


def _scopes(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _param_str(param: Any) -> str | None:
    if not isinstance(param, dict):
        return _short(param)
    location = param.get("location")
    return f"{_type_str(param)} in {location}" if location else _type_str(param)


def _auth_rule(rel: tuple[str, ...], kind: str, old: Any, new: Any) -> tuple[str, str]:
    if rel and rel[-1] == "description":
        return "documentation", "cosmetic"
    return "setting", ("compatible" if kind == "added" else "breaking")


def _media_upload_rule(rel: tuple[str, ...], kind: str, old: Any, new: Any) -> tuple[str, str]:
    if kind == "added" and not rel[:1] == ("maxSize",):
        return "method", "compatible"
    if rel == ("maxSize",):
        old_size, new_size = _maybe_int(old), _maybe_int(new)
        if kind == "removed":
            return "method", "compatible"
        if old_size is not None and new_size is not None and new_size >= old_size:
            return "method", "compatible"
        return "method", "breaking"
    if rel == ("accept",) and isinstance(old, list) and isinstance(new, list):
        return "method", ("compatible" if set(old) <= set(new) else "breaking")
    return "method", "breaking"


def diff_documents(old: dict[str, Any], new: dict[str, Any]) -> Report:
    """Compare two parsed Discovery documents; see the module docstring for the rules."""
    differ = _Differ(old, new)
    differ.document(old, new)

    def text(doc: dict[str, Any], key: str) -> str | None:
        value = doc.get(key)
        return None if value is None else str(value)

    return Report(
        tuple(differ.changes),
        old_version=text(old, "version"),
        old_revision=text(old, "revision"),
        new_version=text(new, "version"),
        new_revision=text(new, "revision"),
    )


# -- rendering ------------------------------------------------------------------------

_ELEMENT_PLURAL = {
    "resource": "resources",
    "method": "methods",
    "schema": "schemas",
    "field": "fields",
    "parameter": "parameters",
    "enum_value": "enum values",
    "setting": "settings",
    "documentation": "documentation",
}
_COMPACT_ABOVE = 30


def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def _change_line(change: Change, *, with_kind: bool = False) -> str:
    line = f"- **{change.kind}** " if with_kind else "- "
    line += _code(change.path)
    if change.old is not None and change.new is not None:
        line += f": {_code(change.old)} → {_code(change.new)}"
    elif change.old is not None and change.kind != "added":
        line += f" (was {_code(change.old)})"
    elif change.new is not None:
        line += f" ({_code(change.new)})"
    if change.note:
        line += f" — {change.note}"
    return line


def _grouped(changes: Iterable[Change]) -> list[str]:
    groups: dict[str, list[Change]] = {}
    for change in changes:
        groups.setdefault(change.element, []).append(change)
    lines: list[str] = []
    for element in sorted(groups, key=ELEMENTS.index):
        items = groups[element]
        kinds = ", ".join(
            f"{sum(c.kind == k for c in items)} {k}"
            for k in KINDS
            if any(c.kind == k for c in items)
        )
        lines += ["", f"### {_ELEMENT_PLURAL[element].capitalize()} ({kinds})", ""]
        lines += [_change_line(c, with_kind=True) for c in items]
    return lines


def _compact_cosmetic(changes: list[Change]) -> list[str]:
    by_owner: dict[str, list[Change]] = {}
    for change in changes:
        by_owner.setdefault(change.owner, []).append(change)
    lines = [
        "",
        f"Grouped by element ({len(by_owner)} elements; paths relative to the element):",
        "",
    ]
    for owner in sorted(by_owner):
        items = by_owner[owner]
        if not owner:
            lines += [_change_line(c, with_kind=True) for c in items]
            continue
        rel = []
        for c in items:
            suffix = c.path[len(owner) + 1 :] if c.path.startswith(owner + ".") else c.path
            rel.append(_code(suffix) + ("" if c.kind == "changed" else f" ({c.kind})"))
        lines.append(f"- {_code(owner)} ({len(items)}): " + ", ".join(rel))
    return lines


def render_markdown(report: Report, old_label: str, new_label: str) -> str:
    """Markdown report: heading, counts table, then Breaking / Compatible / Cosmetic."""
    counts = report.counts
    lines = [
        f"# Discovery changes: {old_label} → {new_label}",
        "",
        "| Impact | Added | Removed | Changed | Total |",
        "|---|---:|---:|---:|---:|",
    ]
    titles = {
        "breaking": "Breaking",
        "compatible": "Compatible",
        "cosmetic": "Cosmetic (documentation only, API unchanged)",
    }
    for impact in IMPACTS:
        row = counts[impact]
        lines.append(
            f"| {titles[impact]} | {row['added']} | {row['removed']} | {row['changed']} "
            f"| {row['total']} |"
        )
    total = {k: sum(counts[i][k] for i in IMPACTS) for k in (*KINDS, "total")}
    lines.append(
        f"| **All** | {total['added']} | {total['removed']} | {total['changed']} "
        f"| {total['total']} |"
    )
    lines.append("")
    summary = report.summary
    if not report.changes:
        lines.append("The documents are identical once parsed: nothing changed.")
    elif summary["breaking"]:
        lines.append(
            f"**{summary['breaking']} breaking change(s)**: code written against the client "
            f"generated from {old_label} may stop working or send wrong requests."
        )
    elif summary["compatible"]:
        lines.append("No breaking changes: code written against the old client keeps working.")
    else:
        lines.append(
            "Only cosmetic changes: **the API did not change** (same client surface, "
            "same wire behaviour)."
        )

    for impact, title in (("breaking", "Breaking"), ("compatible", "Compatible")):
        items = report.by_impact(impact)
        lines += ["", f"## {title} ({len(items)})"]
        if not items:
            lines += ["", "None."]
        else:
            lines += _grouped(items)

    cosmetic = list(report.by_impact("cosmetic"))
    lines += ["", f"## Cosmetic ({len(cosmetic)})", "", f"> {COSMETIC_NOTICE}"]
    if not cosmetic:
        lines += ["", "None."]
    elif len(cosmetic) <= _COMPACT_ABOVE:
        lines += [""] + [_change_line(c, with_kind=True) for c in cosmetic]
    else:
        lines += _compact_cosmetic(cosmetic)
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    """Deterministic JSON: sorted keys, changes sorted by path."""
    return json.dumps(report.to_dict(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


# -- CLI ------------------------------------------------------------------------------


def _label(spec: str, doc: dict[str, Any]) -> str:
    version, revision = doc.get("version"), doc.get("revision")
    if version is None or revision is None:
        return spec
    label = f"{version}@{revision}"
    return label if spec == label else f"{label} ({Path(spec).name})"


def main(argv: list[str] | None = None) -> int:
    """``diff OLD NEW [--format markdown|json] [--cache DIR] [--mirror DIR] [--fail-on-breaking]``.

    A leading ``diff`` token in ``argv`` is accepted and ignored. Exit status: 0 after a
    successful diff (1 with ``--fail-on-breaking`` when a breaking change is found),
    2 when a document cannot be found or read.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["diff"] and not Path("diff").exists():
        args_list = args_list[1:]
    parser = argparse.ArgumentParser(
        prog="python -m codegen diff",
        description="Report what changed between two Discovery documents and its impact.",
    )
    parser.add_argument("old", metavar="OLD", help="file path or VERSION@REVISION")
    parser.add_argument("new", metavar="NEW", help="file path or VERSION@REVISION")
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown")
    parser.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        help="cache folder searched first for VERSION@REVISION (default: %(default)s)",
    )
    parser.add_argument(
        "--mirror",
        type=Path,
        default=None,
        help="mirror folder searched next (default: $DISCOVERY_MIRROR or ../shared/discovery "
        "relative to the repository root)",
    )
    parser.add_argument(
        "--fail-on-breaking",
        action="store_true",
        help="exit with status 1 when the report contains a breaking change",
    )
    args = parser.parse_args(args_list)
    mirror = args.mirror
    if mirror is None:
        env = os.environ.get("DISCOVERY_MIRROR")
        mirror = Path(env) if env else DEFAULT_MIRROR
    try:
        old = load_document(args.old, cache_dir=args.cache, mirror_dir=mirror)
        new = load_document(args.new, cache_dir=args.cache, mirror_dir=mirror)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = diff_documents(old, new)
    if args.format == "json":
        sys.stdout.write(render_json(report))
    else:
        sys.stdout.write(render_markdown(report, _label(args.old, old), _label(args.new, new)))
    return 1 if args.fail_on_breaking and report.has_breaking else 0


if __name__ == "__main__":
    raise SystemExit(main())

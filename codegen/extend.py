"""Extension documents: our own Discovery-format descriptions, merged into Google's.

Google's Discovery documents do not describe everything the service offers (the
Interactions API, the Live API's message envelopes, a field the service accepts but the
document omits). What they lack we describe in Discovery format ourselves, in
``discovery/extensions/<api>.<version>.<topic>.json``, and this module merges such a
document into Google's before the loader sees it, so the same loader, type table, build
step and templates produce the code. Where the Discovery format cannot say something, an
extension uses one of the ``x-`` keys listed in :data:`KEYS`; the loader refuses any
other ``x-`` key, so a typo cannot pass silently.

Merging is strict: an extension adds what the document lacks, and the same value on both
sides is fine, but a value that differs from Google's is an error naming both places (the
extension must then be edited: Google has started to describe the thing itself). Two
``x-merge`` directives soften this where a patch must yield to the document:

* ``"x-merge": "ifAbsent"``: apply this node only while the document lacks it;
* ``"x-merge": "ifPresent"``: merge into this node only while the document has it.

Pure functions over parsed JSON; reading the folder is :func:`find`'s only I/O.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXTENSIONS = ROOT / "discovery" / "extensions"

#: Top-level keys that identify an extension instead of being merged into the document.
IDENTITY = frozenset({"kind", "name", "version", "x-extension"})

#: Every ``x-`` key the generator understands: key -> what it declares. Documented in
#: discovery/extensions/README.md; the loader rejects other ``x-`` keys.
KEYS: dict[str, str] = {
    "x-extension": "top level: what the extension describes and where its facts come from",
    "x-merge": "any node: 'ifAbsent' or 'ifPresent' (see codegen/extend.py)",
    "x-mixin": (
        "schema: 'package.module:Class', a handwritten class mixed into the generated "
        "Struct; resource or top level: {'sync': ..., 'async': ...} mixed into the "
        "resource classes or into Client and AsyncClient; 'package.module:Class[A, B]' "
        "parameterises a generic mixin with schemas A and B of the document"
    ),
    "x-body-shorthand": (
        "method: {'normalize': 'package.module:function', 'accepts': "
        "'package.module:Type'}: more forms `body` accepts (a type alias added to the "
        "signature) and the hook the runtime calls to turn any body into the request's "
        "shape before encoding"
    ),
    "x-source": "any node: where the fact comes from (a URL, a recording, an SDK file)",
    "x-client": (
        "top level: per-API settings the generated client carries: apiKeyEnv (environment "
        "variables read for the API key, in order), credentialsRequired (the service takes "
        "no anonymous call), download ({method, uriField}: the media "
        "method Client.download resolves names with, and the field holding a direct URL), "
        "operationsPath (where operations are polled; default: the operations.get path)"
    ),
    "x-union": (
        "property: the schemas a value may take, at most one per JSON kind (string, "
        "number, boolean, array, object); generated as a union annotation"
    ),
    "x-stream": (
        "method: {'name': twin, 'response': {'$ref': event schema}, 'body': {field: "
        "value} | 'query': {param: value}, 'only': [params]}: the fields that switch the "
        "method to an SSE stream; generates a streaming twin method"
    ),
    "x-stream-events": (
        "method: {'type': event property, 'error': type}: the event property naming each "
        "event's type (its enum lists the known ones; others arrive as UnknownEvent) and "
        "the type whose event is an error"
    ),
    "x-stream-done": "method: the data of the event that ends the stream ('[DONE]')",
    "x-stream-resume": (
        "method: {'method': name, 'cursor': event property, 'param': query parameter, "
        "'path': {param: [event property paths]}}: how a dropped stream resumes"
    ),
    "x-stream-terminal": (
        "streaming method: field paths into the response (wire names, dotted; lists are "
        "searched) of which one is set in a complete stream's last chunk"
    ),
    "x-websockets": (
        "top level: {name: {'id', 'path', 'description', 'request': {'$ref'}, 'response': "
        "{'$ref'}}}, WebSocket endpoints whose every message in each direction is one "
        "JSON-encoded schema (the envelopes)"
    ),
}


class ExtensionError(ValueError):
    """An extension cannot be merged; the message names the file and the place."""


@dataclass(frozen=True)
class Extension:
    file_name: str  # "generativelanguage.v1beta.patches.json"
    sha256: str
    doc: dict[str, Any]

    @property
    def applies_to(self) -> tuple[str, str]:
        return self.doc.get("name", ""), self.doc.get("version", "")


def parse(data: bytes, file_name: str) -> Extension:
    """One extension document from its bytes."""
    try:
        doc = json.loads(data)
    except ValueError as exc:
        raise ExtensionError(f"{file_name}: not JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("kind") != "discovery#restDescription":
        raise ExtensionError(f"{file_name}: not a Discovery REST description")
    for key in ("name", "version", "x-extension"):
        if key not in doc:
            raise ExtensionError(f"{file_name}: missing top-level {key!r}")
    bad = unknown_keys(doc)
    if bad:
        raise ExtensionError(
            f"{file_name}: unknown x- key(s) at {', '.join(bad)}; the generator understands "
            f"{', '.join(sorted(KEYS))} (codegen/extend.py KEYS)"
        )
    return Extension(file_name, hashlib.sha256(data).hexdigest(), doc)


def find(api: str, version: str, directory: Path | None = None) -> tuple[Extension, ...]:
    """The extensions in ``directory`` for ``api`` at ``version`` (``"*"`` matches every
    version), sorted by file name so that merging is deterministic."""
    directory = EXTENSIONS if directory is None else directory
    if not directory.is_dir():
        return ()
    found = []
    for path in sorted(directory.glob("*.json")):
        ext = parse(path.read_bytes(), path.name)
        name, ver = ext.applies_to
        if name == api and ver in (version, "*"):
            found.append(ext)
    return tuple(found)


def merge(
    doc: dict[str, Any], extensions: tuple[Extension, ...]
) -> tuple[dict, tuple[Extension, ...], list[str]]:
    """``doc`` with every extension merged in, the extensions that changed it (the others
    only held patches the document no longer needs), and one note per ``ifAbsent`` patch
    that applied (the loader reports them as warnings). ``doc`` is not modified."""
    merged = copy.deepcopy(doc)
    applied = []
    notes: list[str] = []
    for ext in extensions:
        before = json.dumps(merged, sort_keys=True)
        body = {k: v for k, v in ext.doc.items() if k not in IDENTITY}
        _merge_node(merged, body, "", ext.file_name, notes)
        if json.dumps(merged, sort_keys=True) != before:
            applied.append(ext)
    return merged, tuple(applied), notes


def _merge_node(target: dict, patch: dict, path: str, origin: str, notes: list[str]) -> None:
    for key, value in patch.items():
        where = f"{path}.{key}" if path else key
        mode = value.get("x-merge") if isinstance(value, dict) else None
        if mode not in (None, "ifAbsent", "ifPresent"):
            raise ExtensionError(f"{origin}: {where}: unknown x-merge {mode!r}")
        present = key in target
        if (mode == "ifPresent" and not present) or (mode == "ifAbsent" and present):
            continue
        if mode == "ifAbsent":
            notes.append(f"{where}: added by discovery/extensions/{origin}")
        if not isinstance(value, dict):
            if present and target[key] != value:
                raise ExtensionError(
                    f"{origin}: {where}: the extension says {json.dumps(value)[:80]}, the "
                    f"document says {json.dumps(target[key])[:80]}; Google now describes "
                    "this itself, so edit the extension"
                )
            target[key] = copy.deepcopy(value)
            continue
        if not present:
            target[key] = {}
        elif not isinstance(target[key], dict):
            raise ExtensionError(
                f"{origin}: {where}: the extension has an object where the document has "
                f"{json.dumps(target[key])[:80]}"
            )
        _merge_node(
            target[key], {k: v for k, v in value.items() if k != "x-merge"}, where, origin, notes
        )


#: Maps whose keys are names chosen by the document (a property may be called "x-y").
_NAME_MAPS = frozenset({"schemas", "properties", "parameters", "resources", "methods"})


def unknown_keys(node: Any, path: str = "", names: bool = False) -> list[str]:
    """Places of ``x-`` keys that :data:`KEYS` does not list, anywhere under ``node``
    (``names``: the keys of ``node`` are names, not Discovery keys)."""
    bad: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}" if path else key
            if not names and key.startswith("x-") and key not in KEYS:
                bad.append(where)
            bad += unknown_keys(value, where, not names and key in _NAME_MAPS)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            bad += unknown_keys(value, f"{path}[{i}]")
    return bad


def x_keys(node: dict[str, Any]) -> dict[str, Any]:
    """The ``x-`` keys of one Discovery node (the IR's builder reads traits from them)."""
    return {k: v for k, v in node.items() if k.startswith("x-") and k != "x-merge"}

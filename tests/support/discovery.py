"""Test helpers that read Discovery documents directly (never through the generator),
so tests check generated code against the document itself."""

from __future__ import annotations

import datetime
import json
import os
import re
from functools import cache
from pathlib import Path

import msgspec

from codegen import fetch

ROOT = Path(__file__).resolve().parents[2]
MIRROR = Path(os.environ.get("DISCOVERY_MIRROR") or ROOT.parent / "shared" / "discovery")
if not MIRROR.is_absolute():
    MIRROR = (ROOT / MIRROR).resolve()


@cache
def pinned(version: str) -> dict:
    """The pinned document of ``version`` (cache first, then the mirror), verified."""
    lock = fetch.read_lock(version)
    path = fetch.cached_path(lock)
    data = (
        path.read_bytes() if path.is_file() else fetch.from_mirror(MIRROR, version, lock.revision)
    )
    fetch.verify(lock, data)
    return json.loads(data)


def methods(doc: dict) -> list[tuple[tuple[str, ...], str, dict]]:
    """(resource chain, method name, method) for every method, sorted; methods at the
    top level of the document have an empty chain."""
    out = [((), m, doc["methods"][m]) for m in sorted(doc.get("methods") or {})]

    def walk(resources: dict, chain: tuple[str, ...]) -> None:
        for name in sorted(resources):
            res = resources[name]
            for m in sorted(res.get("methods") or {}):
                out.append(((*chain, name), m, res["methods"][m]))
            walk(res.get("resources") or {}, (*chain, name))

    walk(doc.get("resources") or {}, ())
    return out


def sample_path_value(param: dict, name: str) -> str:
    pattern = param.get("pattern")
    if not pattern:
        return f"{name}-1"
    body = pattern.removeprefix("^").removesuffix("$")
    return re.sub(r"\[\^/\]\+|\.\*|\.\+", "id-1", body)


def sample_value(doc: dict, node: dict, depth: int = 0, *, wire_side: str = "request"):
    """A JSON value valid for schema ``node`` (bounded depth for recursive schemas)."""
    if "$ref" in node:
        target = doc["schemas"].get(node["$ref"])
        if target is None:
            return {"open": True}
        return sample_value(doc, target, depth, wire_side=wire_side)
    t = node.get("type")
    if t == "object" and "properties" in node:
        if depth > 2:
            return {}
        out = {}
        for name in sorted(node["properties"]):
            out[name] = sample_value(doc, node["properties"][name], depth + 1, wire_side=wire_side)
        return out
    if t == "object":
        add = node.get("additionalProperties")
        if isinstance(add, dict):
            if depth > 2:
                return {}
            return {"key_one": sample_value(doc, add, depth + 1, wire_side=wire_side)}
        return {"free": {"form": [1, "two"]}}
    if t == "array":
        if depth > 3:
            return []
        return [
            sample_value(doc, node.get("items") or {"type": "any"}, depth + 1, wire_side=wire_side)
        ]
    if t == "any":
        return {"any_key": [1, "x", None]}
    if t == "boolean":
        return True
    if t == "integer":
        return 7
    if t == "number":
        return 0.5
    if t == "string":
        if node.get("enum"):
            values = [v for v in node["enum"] if not v.endswith("UNSPECIFIED")]
            return (values or node["enum"])[0]
        fmt = node.get("format")
        if fmt in ("int64", "uint64"):
            # The service sends 64-bit integers as strings; clients may send numbers.
            return "1234567890123" if wire_side == "response" else 1234567890123
        return {
            "byte": "AAECAw==",
            "google-datetime": "2024-01-02T03:04:05.123456Z",
            "date-time": "2024-01-02T03:04:05.5Z",
            "date": "2024-01-02",
            "google-duration": "3.5s",
            "google-fieldmask": "displayName,ttl",
        }.get(fmt, "text")
    return None


_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


def normalize(value):
    """JSON value with int64 strings and equal-meaning numbers compared alike, and
    timestamps at the microsecond precision Python's datetime keeps."""
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalize(v) for v in value]
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    if isinstance(value, str) and _TIMESTAMP.fullmatch(value):
        return msgspec.json.decode(f'"{value}"'.encode(), type=datetime.datetime)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value

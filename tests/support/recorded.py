"""Recorded real interactions with Google's servers (``../shared/fixtures/recorded``)."""

from __future__ import annotations

import json
import re
from functools import cache
from urllib.parse import parse_qsl, unquote, urlsplit

from tests.support import discovery as d

FIXTURES = d.MIRROR.parent / "fixtures" / "recorded" / "interactions.jsonl"


@cache
def rows() -> list[dict]:
    if not FIXTURES.is_file():
        return []
    return [json.loads(line) for line in FIXTURES.read_text().splitlines() if line.strip()]


def find_method(doc: dict, rpc: str) -> tuple[tuple[str, ...], str, dict] | None:
    """The Discovery method an rpc name such as ``models.operations.get`` denotes."""
    *chain, name = rpc.split(".")
    node = {"resources": doc["resources"]}
    for part in chain:
        node = (node.get("resources") or {}).get(part)
        if node is None:
            return None
    method = (node.get("methods") or {}).get(name)
    return (tuple(chain), name, method) if method else None


def path_args(method: dict, url_path: str | None) -> list[str] | None:
    """Path parameter values recovered from a recorded URL (any v1beta* version prefix)."""
    params = method.get("parameters") or {}
    names = [p for p in method.get("parameterOrder", []) if params[p]["location"] == "path"]
    if url_path is None:
        return [d.sample_path_value(params[p], p) for p in names]
    template = method["path"]
    pattern = re.escape(template)
    for p in names:
        pattern = pattern.replace(re.escape("{+" + p + "}"), f"(?P<{p}>.+?)")
        pattern = pattern.replace(re.escape("{" + p + "}"), f"(?P<{p}>[^/]+)")
    pattern = re.sub(r"^v1beta", r"v1beta\\d*", pattern)
    m = re.fullmatch("/" + pattern, urlsplit(url_path).path)
    if m is None:
        return None
    return [unquote(m.group(p)) for p in names]


def query_args(method: dict, url_path: str | None) -> dict[str, str]:
    params = method.get("parameters") or {}
    if not url_path:
        return {}
    return {
        k: v
        for k, v in parse_qsl(urlsplit(url_path).query)
        if k in params and params[k]["location"] == "query"
    }

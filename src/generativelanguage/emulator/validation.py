"""Checking a request body against its generated request type, as the service does.

The service parses request JSON with the proto3 JSON parser: field names are accepted in
their JSON (``generationConfig``) and proto (``generation_config``) spellings, a name
that matches no field is refused with ``Invalid JSON payload received. Unknown name
"foo" at 'generation_config': Cannot find field.`` (every such name is listed, each also
as a ``google.rpc.BadRequest`` field violation), and a value of the wrong type is
refused with ``Invalid value at 'generation_config.temperature' (TYPE_FLOAT), "hot"``.
The checked body is then decoded into the generated Struct with msgspec, so what the
emulator stores is exactly what the types describe.
"""

from __future__ import annotations

import base64
import binascii
import re
from functools import cache
from typing import Any

import msgspec

from generativelanguage.runtime import structs
from generativelanguage.runtime.structs import proto_name

from . import errors


@cache
def fields_of(cls: type) -> dict[str, tuple[str, Any]]:
    """Both spellings of every field of ``cls`` -> (wire name, shape); the client
    runtime's own table, so client and emulator agree on what a body may say."""
    by_key, _names = structs.field_table(cls)
    return {key: (field.wire, field.shape) for key, field in by_key.items()}


@cache
def wire_names(cls: type) -> frozenset[str]:
    """The JSON names of the fields of ``cls``."""
    return frozenset(f.encode_name for f in msgspec.structs.fields(cls))


def _where(path: list[str]) -> str:
    return ".".join(path).replace(".[", "[")


def _walk(cls: type, value: dict, path: list[str], problems: list[tuple[str, str]]) -> dict:
    table = fields_of(cls)
    out: dict[str, Any] = {}
    for key, item in value.items():
        entry = table.get(key)
        if entry is None:
            at = _where(path)
            where = f" at '{at}'" if at else ""
            problems.append(
                (
                    at,
                    f'Invalid JSON payload received. Unknown name "{key}"{where}: Cannot find field.',
                )
            )
            continue
        wire, shape = entry
        if shape is not None and item is not None:
            item = _walk_shape(shape, item, [*path, proto_name(wire)], problems)
        out[wire] = item
    return out


def _walk_shape(shape: Any, value: Any, path: list[str], problems: list) -> Any:
    if isinstance(shape, tuple):
        kind, inner = shape
        if kind == "union":
            member = structs.union_member(inner, value)
            return value if member is None else _walk_shape(member, value, path, problems)
        if kind == "list":
            if not isinstance(value, list):
                # The service reads a lone value given for a repeated field as a
                # one-element list (recorded: "tools": {...}, "parts": {...}).
                value = [value]
            if inner is None:
                return value
            return [
                _walk_shape(inner, v, [*path, f"[{i}]"], problems) if v is not None else v
                for i, v in enumerate(value)
            ]
        if kind == "map" and isinstance(value, dict):
            return {
                k: _walk_shape(inner, v, [*path, f"[{k}]"], problems) if v is not None else v
                for k, v in value.items()
            }
        return value  # the wrong container: msgspec.convert reports it below
    if isinstance(value, dict):
        return _walk(shape, value, path, problems)
    return value


_EXPECTED = re.compile(r"Expected `([^`]+)`, got `([^`]+)`")
_PROTO_TYPE = {
    "float": "TYPE_FLOAT",
    "int": "TYPE_INT32",
    "str": "TYPE_STRING",
    "bool": "TYPE_BOOL",
    "object": "TYPE_MESSAGE",
    "array": "TYPE_MESSAGE",
}
_PATH_TOKEN = re.compile(r"\.([^.\[]+)|\[([^\]]+)\]")


def _value_at(data: Any, path: str) -> Any:
    node = data
    for name, index in _PATH_TOKEN.findall(path):
        try:
            node = node[int(index)] if index and isinstance(node, list) else node[name or index]
        except (KeyError, IndexError, TypeError, ValueError):
            return None
    return node


def _proto_path(path: str) -> str:
    out = []
    for name, index in _PATH_TOKEN.findall(path):
        out.append(f"[{index}]" if index else "." + proto_name(name))
    return "".join(out).lstrip(".")


def _convert(data: Any, cls: type) -> Any:
    """``msgspec.convert``, accepting URL-safe and unpadded base64 as the service does."""
    for _ in range(1000):
        try:
            return msgspec.convert(data, cls, strict=False)
        except msgspec.ValidationError as exc:
            match = re.search(r"base64.* - at `\$([^`]*)`$", str(exc))
            if not match:
                raise
            tokens = _PATH_TOKEN.findall(match.group(1))
            node = data
            for name, index in tokens[:-1]:
                node = node[int(index)] if index and isinstance(node, list) else node[name or index]
            name, index = tokens[-1]
            key: Any = int(index) if index and isinstance(node, list) else (name or index)
            text = node[key]
            if not isinstance(text, str):
                raise
            try:
                raw = base64.b64decode(
                    text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4),
                    validate=True,
                )
            except (binascii.Error, ValueError):
                raise exc from None
            node[key] = base64.b64encode(raw).decode("ascii")
    return msgspec.convert(data, cls, strict=False)


def validate(cls: type, data: Any, *, allowed_extra: frozenset[str] = frozenset()) -> Any:
    """Decode ``data`` (parsed JSON) into ``cls`` or raise a Google-style 400.

    Args:
        cls: The generated request type.
        data: The parsed body.
        allowed_extra: Top-level keys accepted although ``cls`` lacks them (path
            parameters repeated in the body, as AIP-127 allows).

    Returns:
        The decoded Struct.
    """
    if not isinstance(data, dict):
        raise errors.invalid_argument(
            f"Invalid JSON payload received. Expected an object, got {type(data).__name__}.", ""
        )
    if allowed_extra:
        data = {k: v for k, v in data.items() if k not in allowed_extra or k in fields_of(cls)}
    problems: list[tuple[str, str]] = []
    normalized = _walk(cls, data, [], problems)
    if problems:
        raise errors.bad_request(problems)
    try:
        return _convert(normalized, cls)
    except msgspec.ValidationError as exc:
        text = str(exc)
        match = re.search(r" - at `\$([^`]*)`$", text)
        where = _proto_path(match.group(1)) if match else ""
        value = _value_at(normalized, match.group(1)) if match else None
        expected = _EXPECTED.search(text)
        kind = _PROTO_TYPE.get(expected.group(1).split(" ")[0], "TYPE_MESSAGE") if expected else ""
        shown = msgspec.json.encode(value).decode() if value is not None else "null"
        message = f"Invalid value at '{where}' ({kind}), {shown}" if kind else text
        raise errors.bad_request([(where, message)]) from None


def to_json(struct: Any) -> Any:
    """A Struct as JSON-ready builtins with wire names (unset fields left out)."""
    return msgspec.to_builtins(struct)


def parse_json(body: bytes) -> Any:
    """Parse a request body; an empty body is ``{}``; bad JSON is a Google-style 400."""
    if not body.strip():
        return {}
    try:
        return msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        raise errors.invalid_argument(f"Invalid JSON payload received. {exc}", "") from None

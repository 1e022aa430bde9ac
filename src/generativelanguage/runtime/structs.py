"""The shared Struct base, and conversion between JSON, dicts and generated Structs.

Hot paths are pure msgspec: decoding is one cached ``msgspec.json.Decoder`` per type
(``strict=False`` so int64 values sent as JSON strings become ints in C), encoding one
``msgspec.json.Encoder``. Python code runs only where msgspec cannot do the job:

* bodies given as dicts are walked once to accept both wire names (``inlineData``) and
  attribute names (``inline_data``) and to reject keys that match no field, instead of
  dropping them (msgspec ignores unknown keys, which would silently lose data);
* a base64 value the service sent URL-safe or unpadded (msgspec accepts only the
  standard padded alphabet) is repaired on a slow path taken only after a failure.
"""

from __future__ import annotations

import base64
import binascii
import re
import types as _pytypes
import typing
from collections.abc import Mapping
from typing import Any, TypeVar, Union

import msgspec

from .errors import RequestValidationError, ResponseDecodeError

T = TypeVar("T")


class Struct(msgspec.Struct, omit_defaults=True, repr_omit_defaults=True, gc=False):
    """Base of every generated Struct.

    ``omit_defaults``: unset (``None``) fields are left out of the JSON, as the service
    expects. ``gc=False``: decoded trees cannot form reference cycles, so skipping the
    cycle collector makes large responses cheaper to build and free. Unknown fields are
    allowed, so a field the server adds later never breaks decoding.
    """


_encoder = msgspec.json.Encoder()
encode = _encoder.encode
_decoders: dict[Any, msgspec.json.Decoder] = {}


def decoder(type_: Any) -> msgspec.json.Decoder:
    """The cached lenient decoder for ``type_``."""
    dec = _decoders.get(type_)
    if dec is None:
        dec = _decoders[type_] = msgspec.json.Decoder(type_, strict=False)
    return dec


def decode(type_: type[T], data: bytes | str) -> T:
    """Decode JSON into ``type_``; raise ``ResponseDecodeError`` naming the problem."""
    try:
        return decoder(type_).decode(data)
    except msgspec.ValidationError as exc:
        if "base64" in str(exc):
            return _decode_repairing_base64(type_, data, exc)
        raise _decode_error(type_, data, exc) from None
    except msgspec.DecodeError as exc:
        raise _decode_error(type_, data, exc) from None


def _decode_error(type_: Any, data: bytes | str, exc: Exception) -> ResponseDecodeError:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    name = getattr(type_, "__name__", str(type_))
    return ResponseDecodeError(f"response does not decode as {name}: {exc}", text)


_PATH_TOKEN = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def _locate(obj: Any, path: str) -> tuple[Any, Any]:
    """Container and key of the element at a msgspec error path such as ``$.a[0].b``."""
    parent, key = None, None
    node = obj
    for name, index in _PATH_TOKEN.findall(path[1:]):
        parent, key = node, (int(index) if index else name)
        node = node[key]
    return parent, key


def _repair_base64(text: str) -> str:
    """Standard padded base64 for a value sent URL-safe and/or without padding."""
    raw = base64.b64decode(
        text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4), validate=True
    )
    return base64.b64encode(raw).decode("ascii")


def _convert_repairing_base64(obj: Any, type_: type[T], exc: msgspec.ValidationError) -> T:
    """Convert ``obj`` (plain JSON values) into ``type_``, rewriting each base64 value
    msgspec rejects into the standard padded alphabet. Raises the last error when a
    value is not base64 in any alphabet."""
    for _ in range(100_000):
        match = re.search(r"at `(\$[^`]*)`", str(exc))
        if "base64" not in str(exc) or not match:
            break
        parent, key = _locate(obj, match.group(1))
        try:
            parent[key] = _repair_base64(parent[key])
        except (binascii.Error, ValueError, TypeError, KeyError, IndexError):
            break
        try:
            return msgspec.convert(obj, type_, strict=False)
        except msgspec.ValidationError as again:
            exc = again
    raise exc


def _decode_repairing_base64(type_: type[T], data: bytes | str, first: Exception) -> T:
    try:
        obj = msgspec.json.decode(data)
        return _convert_repairing_base64(obj, type_, first)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise _decode_error(type_, data, exc) from None


# -- request bodies -------------------------------------------------------------------


class _Field:
    __slots__ = ("wire", "shape")

    def __init__(self, wire: str, shape: Any) -> None:
        self.wire = wire
        self.shape = shape  # None (pass through), a Struct class, ("list", s) or ("map", s)


_tables: dict[type, tuple[dict[str, _Field], tuple[str, ...]]] = {}


def _shape(tp: Any) -> Any:
    """How to walk a value of annotation ``tp``: only Structs inside need renaming."""
    origin = typing.get_origin(tp)
    if origin in (Union, _pytypes.UnionType):
        shapes = [_shape(a) for a in typing.get_args(tp) if a is not type(None)]
        return shapes[0] if len(shapes) == 1 else None
    if origin is list:
        return ("list", _shape(typing.get_args(tp)[0]))
    if origin is dict:
        inner = _shape(typing.get_args(tp)[1])
        return ("map", inner) if inner is not None else None
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        return tp
    return None


def _table(cls: type) -> tuple[dict[str, _Field], tuple[str, ...]]:
    table = _tables.get(cls)
    if table is None:
        by_key: dict[str, _Field] = {}
        names = []
        for f in msgspec.structs.fields(cls):
            entry = _Field(f.encode_name, _shape(f.type))
            by_key[f.encode_name] = entry
            by_key[f.name] = entry
            names.append(f.name if f.name == f.encode_name else f"{f.name}/{f.encode_name}")
        table = _tables[cls] = (by_key, tuple(names))
    return table


def accepts_key(cls: type, key: str) -> bool:
    """Whether ``key`` (wire or attribute spelling) names a field of ``cls``."""
    return key in _table(cls)[0]


def _normalize(cls: type, value: Mapping[str, Any], path: str) -> dict[str, Any]:
    by_key, names = _table(cls)
    out: dict[str, Any] = {}
    for key, item in value.items():
        field = by_key.get(key) if isinstance(key, str) else None
        if field is None:
            import difflib  # error path only

            close = difflib.get_close_matches(str(key), list(by_key), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise RequestValidationError(
                f"{path}: unknown field {key!r} for {cls.__name__}{hint} "
                f"(fields: {', '.join(names)})",
                path=f"{path}.{key}",
            )
        if field.wire in out:
            raise RequestValidationError(
                f"{path}: field {field.wire!r} given twice (as {key!r} and another spelling)",
                path=f"{path}.{key}",
            )
        if field.shape is not None and item is not None:
            item = _walk(field.shape, item, f"{path}.{key}")
        out[field.wire] = item
    return out


def _walk(shape: Any, value: Any, path: str) -> Any:
    if isinstance(shape, tuple):
        kind, inner = shape
        if kind == "list":
            if not isinstance(value, (list, tuple)):
                # One element where a list is expected: the service reads a lone value
                # for a repeated field as a one-element list, so this is lossless.
                value = [value]
            if inner is None:
                return value
            return [
                _walk(inner, v, f"{path}[{i}]") if v is not None else v for i, v in enumerate(value)
            ]
        if kind == "map" and isinstance(value, Mapping):
            # Map keys are the user's own names: never renamed or checked.
            return {
                k: (_walk(inner, v, f"{path}[{k!r}]") if v is not None else v)
                for k, v in value.items()
            }
        return value  # wrong container type: msgspec.convert reports it with its path
    if isinstance(value, Mapping) and not isinstance(value, msgspec.Struct):
        return _normalize(shape, value, path)
    return value


def to_struct(cls: type[T], body: Any, what: str = "body") -> T:
    """Turn a request body given as a Struct or a dict into a validated ``cls``."""
    if isinstance(body, cls):
        return body
    if isinstance(body, Mapping):
        normalized = _normalize(cls, body, what)
        try:
            try:
                return msgspec.convert(normalized, cls, strict=False)
            except msgspec.ValidationError as exc:
                if "base64" not in str(exc):
                    raise
                # URL-safe or unpadded base64, which the service accepts too.
                return _convert_repairing_base64(normalized, cls, exc)
        except msgspec.ValidationError as exc:
            message = str(exc)
            match = re.search(r" - at `\$([^`]*)`$", message)
            where = what + (match.group(1) if match else "")
            reason = message[: match.start()] if match else message
            raise RequestValidationError(f"{where}: {reason}", path=where) from None
    if isinstance(body, msgspec.Struct):
        raise RequestValidationError(
            f"{what}: expected {cls.__name__} or a dict, got {type(body).__name__}", path=what
        )
    raise RequestValidationError(
        f"{what}: expected {cls.__name__} or a dict, got {type(body).__name__}", path=what
    )


def encode_body(cls: type, body: Any) -> bytes:
    """JSON bytes for a request body (Struct or dict), validated against ``cls``."""
    if type(body) is cls:
        return encode(body)
    return encode(to_struct(cls, body))

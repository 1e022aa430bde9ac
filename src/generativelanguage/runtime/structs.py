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
import datetime
import re
import sys
import threading
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
_decoders: dict[Any, msgspec.json.Decoder[Any]] = {}


def decoder(type_: Any) -> msgspec.json.Decoder[Any]:
    """The cached lenient decoder for ``type_``."""
    dec = _decoders.get(type_)
    if dec is None:
        dec = _decoders[type_] = msgspec.json.Decoder(type_, strict=False)
    return dec


def decode(type_: type[T], data: bytes | str) -> T:
    """Decode JSON into ``type_``; raise ``ResponseDecodeError`` naming the problem."""
    try:
        value: T = decoder(type_).decode(data)
        return value
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


def _decode_repairing_base64(
    type_: type[T], data: bytes | str, first: msgspec.ValidationError
) -> T:
    try:
        obj = msgspec.json.decode(data)
        return _convert_repairing_base64(obj, type_, first)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise _decode_error(type_, data, exc) from None


# -- request bodies -------------------------------------------------------------------


_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def proto_name(wire: str) -> str:
    """The proto field name of a JSON name: ``generationConfig`` -> ``generation_config``."""
    return _CAMEL.sub(r"_\1", wire).lower()


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
        if len(shapes) == 1:
            return shapes[0]
        # A union of several kinds (``str | list[Content] | Content``): the member to
        # walk is chosen by the value's JSON kind, which msgspec also goes by.
        walked = tuple(sh for sh in shapes if sh is not None)
        return ("union", walked) if walked else None
    if origin is list:
        return ("list", _shape(typing.get_args(tp)[0]))
    if origin is dict:
        inner = _shape(typing.get_args(tp)[1])
        return ("map", inner) if inner is not None else None
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        return tp
    return None


def union_member(shapes: tuple[Any, ...], value: Any) -> Any:
    """The member shape of a union that walks ``value``, or None to leave it alone."""
    is_list = isinstance(value, (list, tuple))
    is_object = isinstance(value, Mapping) and not isinstance(value, msgspec.Struct)
    for shape in shapes:
        if type(shape) is tuple and shape[0] == "list":
            if is_list:
                return shape
        elif is_object:
            return shape
    return None


def field_table(cls: type) -> tuple[dict[str, _Field], tuple[str, ...]]:
    """Every spelling (wire and attribute) of ``cls``'s fields -> wire name and shape."""
    table = _tables.get(cls)
    if table is None:
        by_key: dict[str, _Field] = {}
        names = []
        for f in msgspec.structs.fields(cls):
            entry = _Field(f.encode_name, _shape(f.type))
            by_key[f.encode_name] = entry
            by_key[f.name] = entry
            # proto3 JSON parsers accept the proto field name too (``generation_config``);
            # it differs from the attribute name only where Python needed an escape.
            by_key.setdefault(proto_name(f.encode_name), entry)
            names.append(f.name if f.name == f.encode_name else f"{f.name}/{f.encode_name}")
        table = _tables[cls] = (by_key, tuple(names))
    return table


def accepts_key(cls: type, key: str) -> bool:
    """Whether ``key`` (wire or attribute spelling) names a field of ``cls``."""
    return key in field_table(cls)[0]


class _BadBody(Exception):
    """Raised deep in the walk; carries the path back up, built only on this error path."""

    def __init__(self, message: str, leaf: str = "") -> None:
        self.message = message
        self.leaf = leaf  # the offending key, for RequestValidationError.path
        self.parts: list[str] = []

    def where(self, what: str) -> str:
        return what + "".join(reversed(self.parts))


def _unknown_key(
    cls: type, key: Any, by_key: dict[str, _Field], names: tuple[str, ...]
) -> _BadBody:
    import difflib  # error path only

    close = difflib.get_close_matches(str(key), list(by_key), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    fields = ", ".join(names)
    return _BadBody(
        f"unknown field {key!r} for {cls.__name__}{hint} (fields: {fields})", leaf=f".{key}"
    )


def _normalize(cls: type, value: Mapping[str, Any]) -> dict[str, Any]:
    by_key, names = field_table(cls)
    out: dict[str, Any] = {}
    for key, item in value.items():
        field = by_key.get(key) if type(key) is str else None
        if field is None:
            raise _unknown_key(cls, key, by_key, names)
        wire = field.wire
        if wire in out:
            raise _BadBody(
                f"field {wire!r} given twice (as {key!r} and another spelling)", leaf=f".{key}"
            )
        shape = field.shape
        if shape is not None and item is not None:
            try:
                item = _walk(shape, item)
            except _BadBody as error:
                error.parts.append("." + key)
                raise
        out[wire] = item
    return out


def _walk(shape: Any, value: Any) -> Any:
    if type(shape) is tuple:
        kind, inner = shape
        if kind == "union":
            member = union_member(inner, value)
            return value if member is None else _walk(member, value)
        if kind == "list":
            if type(value) is not list and not isinstance(value, (list, tuple)):
                # One element where a list is expected: the service reads a lone value
                # for a repeated field as a one-element list, so this is lossless.
                value = [value]
            if inner is None:
                return value
            out = []
            for i, v in enumerate(value):
                if v is not None:
                    try:
                        v = _walk(inner, v)
                    except _BadBody as error:
                        error.parts.append(f"[{i}]")
                        raise
                out.append(v)
            return out
        if kind == "map" and isinstance(value, Mapping):
            # Map keys are the user's own names: never renamed or checked.
            result = {}
            for k, v in value.items():
                if v is not None:
                    try:
                        v = _walk(inner, v)
                    except _BadBody as error:
                        error.parts.append(f"[{k!r}]")
                        raise
                result[k] = v
            return result
        return value  # wrong container type: msgspec.convert reports it with its path
    if type(value) is dict or (
        isinstance(value, Mapping) and not isinstance(value, msgspec.Struct)
    ):
        return _normalize(shape, value)
    return value


def to_struct(cls: type[T], body: Any, what: str = "body") -> T:
    """Turn a request body given as a Struct or a dict into a validated ``cls``."""
    if isinstance(body, cls):
        return body
    if isinstance(body, Mapping):
        try:
            normalized = _normalize(cls, body)
        except _BadBody as error:
            where = error.where(what)
            raise RequestValidationError(
                f"{where}: {error.message}", path=where + error.leaf
            ) from None
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
    raise RequestValidationError(
        f"{what}: expected {cls.__name__} or a dict, got {type(body).__name__}", path=what
    )


# -- strict twins: the fast path for dict bodies ----------------------------------------
#
# A dict spelled with wire names only (the common case when JSON from the docs is pasted
# in) can be validated and encoded by msgspec alone: ``convert`` into a "twin" of the
# request type that forbids unknown fields, then encode the twin (same wire names, same
# omitted defaults). Anything else (attribute spellings, a lone value for a list, URL-safe
# base64, a nested Struct instance, an error) falls back to the walk above, which gives
# the precise error messages.

_TWIN_MODULE = __name__ + "._twins"
#: Consecutive dict bodies of one type that needed the walk, and the back-off after them.
_twin_misses: dict[type, int] = {}
_MISSES_BEFORE_BACKOFF = 3
_RETRY_EVERY = 32
_twins: dict[type, type] = {}
_twin_lock = threading.Lock()


def _twin_namespace() -> _pytypes.ModuleType:
    module = sys.modules.get(_TWIN_MODULE)
    if module is None:
        module = _pytypes.ModuleType(_TWIN_MODULE, "Strict twins of request types.")
        module.__dict__.update({"Any": Any, "datetime": datetime})
        sys.modules[_TWIN_MODULE] = module
    return module


def _type_expr(tp: Any, module: _pytypes.ModuleType, pending: list[type]) -> str:
    """Source text of annotation ``tp`` with every Struct replaced by its twin's name."""
    origin = typing.get_origin(tp)
    if origin in (Union, _pytypes.UnionType):
        return " | ".join(_type_expr(a, module, pending) for a in typing.get_args(tp))
    if origin in (list, dict):
        args = ", ".join(_type_expr(a, module, pending) for a in typing.get_args(tp))
        return f"{origin.__name__}[{args}]"
    if tp is type(None):
        return "None"
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        pending.append(tp)
        return _twin_name(tp)
    name = f"_t{id(tp)}"
    module.__dict__[name] = tp
    return name


def _twin_name(cls: type) -> str:
    return f"{cls.__module__.replace('.', '_')}__{cls.__qualname__.replace('.', '_')}"


def _twin(cls: type) -> type:
    twin = _twins.get(cls)
    if twin is not None:
        return twin
    with _twin_lock:
        module = _twin_namespace()
        pending = [cls]
        while pending:
            current = pending.pop()
            if current in _twins:
                continue
            fields = []
            for f in msgspec.structs.fields(current):
                expr = _type_expr(f.type, module, pending)
                if f.default is msgspec.NODEFAULT and f.default_factory is msgspec.NODEFAULT:
                    fields.append((f.name, expr, msgspec.field(name=f.encode_name)))
                else:
                    fields.append((f.name, expr, msgspec.field(default=None, name=f.encode_name)))
            made = msgspec.defstruct(
                _twin_name(current),
                fields,
                module=_TWIN_MODULE,
                kw_only=True,
                omit_defaults=True,
                forbid_unknown_fields=True,
            )
            module.__dict__[made.__name__] = made
            _twins[current] = made
        return _twins[cls]


_wire_key_sets: dict[type, frozenset[str]] = {}


def _wire_keys(cls: type) -> frozenset[str]:
    keys = _wire_key_sets.get(cls)
    if keys is None:
        keys = _wire_key_sets[cls] = frozenset(f.encode_name for f in msgspec.structs.fields(cls))
    return keys


def encode_body(cls: type, body: Any) -> bytes:
    """JSON bytes for a request body (Struct or dict), validated against ``cls``."""
    if type(body) is cls:
        return encode(body)
    if type(body) is dict and not any("_" in k and k not in _wire_keys(cls) for k in body):
        # (A top-level attribute spelling such as "generation_config" would only make
        # the fast path fail; skip straight to the walk. APIs whose wire names are
        # snake_case spell them with underscores, so the test is against those names.)
        misses = _twin_misses.get(cls, 0)
        # A program spells its bodies one way: after a few bodies the fast path could
        # not take, try it again only now and then.
        if misses < _MISSES_BEFORE_BACKOFF or misses % _RETRY_EVERY == 0:
            try:
                encoded = encode(msgspec.convert(body, _twin(cls), strict=False))
            except msgspec.ValidationError:
                pass  # the walk below renames, repairs, or reports the precise error
            else:
                if misses:
                    _twin_misses[cls] = 0
                return encoded
        _twin_misses[cls] = misses + 1
    return encode(to_struct(cls, body))

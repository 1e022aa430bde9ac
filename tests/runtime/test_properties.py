"""Property tests over every schema of both pinned versions, with strategies built from the
generator's intermediate model (each ``ir.Field``'s annotation is what the generated
Struct declares):

* random valid values round-trip through encode and decode unchanged;
* fields the client does not know, at every level, and enum values it has never seen
  decode, and nothing else changes;
* a value of the wrong type is an error that names its path (``$.a[0].b``).
"""

from __future__ import annotations

import datetime
import functools
import importlib
import json
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen import ir
from codegen.build import build_version
from codegen.load import parse_document
from codegen.pipeline import document_extensions
from generativelanguage.runtime import structs
from generativelanguage.runtime.errors import ResponseDecodeError
from tests.support import discovery as d

VERSIONS = ("v1", "v1beta")
#: Nesting depth of random Structs (lists and maps do not count): deep enough to reach
#: every level of the common shapes (request -> contents -> parts -> inline data),
#: bounded for recursive schemas.
MAX_DEPTH = 4
EXAMPLES = 5
ENUM = "str | int"
UNKNOWN_ENUM = "A_VALUE_FROM_THE_FUTURE"


@functools.cache
def version_ir(version: str) -> ir.Version:
    data = json.dumps(d.pinned(version)).encode()
    raw = parse_document(data, f"{version}.json", document_extensions(data))
    return build_version(raw, f"generativelanguage.{version}")


@functools.cache
def structs_of(version: str) -> dict[str, ir.Struct]:
    return {s.name: s for s in version_ir(version).structs}


def types_module(version: str) -> Any:
    return importlib.import_module(f"generativelanguage.{version}.types")


def all_structs(typed_fields_only: bool = False) -> list[Any]:
    return [
        pytest.param(version, s.name, id=f"{version}.{s.name}")
        for version in VERSIONS
        for s in version_ir(version).structs
        if not typed_fields_only or any(wrong_value(f.annotation) for f in s.fields)
    ]


# -- wrong values (property 3) ----------------------------------------------------------------

#: A value of each JSON kind, in the order they are tried as the wrong one: an object or
#: an array is never coerced by the lenient decoder, a number or a boolean not into a
#: string, and a string only into numbers and booleans (not into objects or arrays).
WRONG_BY_KIND: tuple[tuple[str, Any], ...] = (
    ("object", {"not": "expected"}),
    ("array", ["not", "expected"]),
    ("boolean", True),
    ("number", 12345),
    ("string", "not expected"),
)


def split_union(annotation: str) -> list[str]:
    """``a | list[b | c] | d`` -> ``["a", "list[b | c]", "d"]`` (top level only)."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(annotation):
        depth += ch == "["
        depth -= ch == "]"
        if ch == "|" and depth == 0:
            out.append(annotation[start:i].strip())
            start = i + 1
    out.append(annotation[start:].strip())
    return out


def json_kinds(annotation: str) -> set[str]:
    """The JSON kinds a value of ``annotation`` may take on the wire."""
    kinds: set[str] = set()
    for member in split_union(annotation):
        kind, _ = inner_of(member)
        if kind == "list":
            kinds.add("array")
        elif kind == "dict" or member not in SCALAR_KINDS:
            kinds.add("object")  # a map or a Struct
        else:
            kinds |= SCALAR_KINDS[member]
    return kinds


SCALAR_KINDS: dict[str, set[str]] = {
    "str": {"string"},
    "bytes": {"string"},
    "datetime.datetime": {"string"},
    "datetime.date": {"string"},
    # The lenient decoder reads numbers and booleans from strings too.
    "int": {"number", "string"},
    "float": {"number", "string"},
    "bool": {"boolean", "string"},
    "Any": {"object", "array", "boolean", "number", "string"},
}


def wrong_value(annotation: str) -> Any:
    """A JSON value no member of ``annotation`` accepts, or None when any value fits."""
    kinds = json_kinds(annotation)
    return next((value for kind, value in WRONG_BY_KIND if kind not in kinds), None)


# -- strategies from the IR ------------------------------------------------------------------

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
JSON_SCALAR = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | TEXT
JSON_VALUE = st.recursive(
    JSON_SCALAR | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)
OFFSETS = st.integers(-23 * 60, 23 * 60).map(
    lambda m: datetime.timezone(datetime.timedelta(minutes=m))
)
SCALARS: dict[str, st.SearchStrategy] = {
    "str": TEXT,
    # int32 and int64 fields share ``int``; the wire carries up to 64 bits.
    "int": st.integers(-(2**63), 2**64 - 1),
    "float": st.floats(allow_nan=False, allow_infinity=False),
    "bool": st.booleans(),
    "bytes": st.binary(max_size=16),
    "datetime.datetime": st.datetimes(timezones=OFFSETS),
    "datetime.date": st.dates(),
    "Any": JSON_VALUE,
    ENUM: TEXT | st.integers(-(2**31), 2**31 - 1),
}


def inner_of(annotation: str) -> tuple[str, str | None]:
    """``("list", "X")`` / ``("dict", "X")`` / ``(annotation, None)``."""
    if annotation.startswith("list[") and annotation.endswith("]"):
        return "list", annotation[5:-1]
    if annotation.startswith("dict[str, ") and annotation.endswith("]"):
        return "dict", annotation[10:-1]
    return annotation, None


@functools.cache
def value_strategy(version: str, annotation: str, depth: int) -> st.SearchStrategy:
    if annotation in SCALARS:
        return SCALARS[annotation]
    members = split_union(annotation)
    if len(members) > 1:
        return st.one_of(*(value_strategy(version, m, depth) for m in members))
    kind, inner = inner_of(annotation)
    if kind == "list":
        return st.lists(value_strategy(version, inner, depth), max_size=2)
    if kind == "dict":
        return st.dictionaries(TEXT, value_strategy(version, inner, depth), max_size=2)
    if annotation in SCALARS:
        return SCALARS[annotation]
    return struct_strategy(version, annotation, depth)


@functools.cache
def struct_strategy(version: str, name: str, depth: int = 0) -> st.SearchStrategy:
    cls = getattr(types_module(version), name)
    if depth >= MAX_DEPTH:
        return st.just(cls())
    fields = {
        f.py_name: st.none() | value_strategy(version, f.annotation, depth + 1)
        for f in structs_of(version)[name].fields
    }
    return st.fixed_dictionaries({}, optional=fields).map(lambda kw: cls(**kw))


PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# -- 1. round trip ----------------------------------------------------------------------------


@pytest.mark.parametrize(("version", "name"), all_structs())
def test_random_values_round_trip(version: str, name: str):
    cls = getattr(types_module(version), name)

    @PROPERTY
    @given(struct_strategy(version, name))
    def round_trip(value: Any) -> None:
        wire = structs.encode(value)
        assert structs.decode(cls, wire) == value
        assert structs.encode(structs.decode(cls, wire)) == wire

    round_trip()


# -- 2. what a newer server may send ------------------------------------------------------------


def with_unknowns(version: str, value: Any, wire: Any, rng: Any) -> Any:
    """``wire`` (the JSON of ``value``) with an unknown field added to every object that
    is a Struct, and every enum field set to a value the client has never seen."""
    if isinstance(value, list):
        return [with_unknowns(version, v, w, rng) for v, w in zip(value, wire, strict=True)]
    if not isinstance(value, msgspec.Struct):
        return wire
    fields = {f.wire_name: f for f in structs_of(version)[type(value).__name__].fields}
    out = {}
    for key, item in wire.items():
        f = fields[key]
        py_value = getattr(value, f.py_name)
        if f.annotation == ENUM:
            out[key] = UNKNOWN_ENUM
        elif f.annotation == f"list[{ENUM}]":
            out[key] = [UNKNOWN_ENUM for _ in item]
        else:
            out[key] = with_unknowns(version, py_value, item, rng)
    out[f"fieldFromTheFuture{rng.randint(0, 999)}"] = rng.choice(
        [1, "text", None, [1, {"a": 2}], {"nested": {"deeper": True}}]
    )
    return out


@pytest.mark.parametrize(("version", "name"), all_structs())
def test_unknown_fields_and_enum_values_decode(version: str, name: str):
    cls = getattr(types_module(version), name)

    @PROPERTY
    @given(struct_strategy(version, name), st.randoms(use_true_random=False))
    def newer_server(value: Any, rng: Any) -> None:
        sent = with_unknowns(version, value, msgspec.json.decode(structs.encode(value)), rng)
        decoded = structs.decode(cls, msgspec.json.encode(sent))
        # The unknown fields are dropped, every enum holds the new value, and nothing
        # else changed: encoding gives back what was sent without its unknown fields.
        assert msgspec.json.decode(structs.encode(decoded)) == without_unknown_fields(sent)

    newer_server()


def without_unknown_fields(wire: Any) -> Any:
    if isinstance(wire, list):
        return [without_unknown_fields(w) for w in wire]
    if isinstance(wire, dict):
        return {k: without_unknown_fields(v) for k, v in wire.items() if "FromTheFuture" not in k}
    return wire


# -- 3. the wrong type is an error naming where ----------------------------------------------


@pytest.mark.parametrize(("version", "name"), all_structs(typed_fields_only=True))
def test_wrong_types_are_errors_naming_the_field_path(version: str, name: str):
    cls = getattr(types_module(version), name)
    candidates = [f for f in structs_of(version)[name].fields if wrong_value(f.annotation)]

    @PROPERTY
    @given(st.sampled_from(candidates), st.sampled_from(["top", "in-list"]))
    def wrong(field: ir.Field, where: str) -> None:
        value = wrong_value(field.annotation)
        document: Any = {field.wire_name: value}
        path = f"$.{field.wire_name}"
        outer = containing_list(version, name)
        if where == "in-list" and outer is not None:
            # One level down, inside a list of this Struct: the path says where.
            owner, list_field = outer
            document = {list_field.wire_name: [{}, document]}
            path = f"$.{list_field.wire_name}[1].{field.wire_name}"
            target = getattr(types_module(version), owner)
        else:
            target = cls
        with pytest.raises(ResponseDecodeError) as info:
            structs.decode(target, json.dumps(document))
        assert f"`{path}`" in str(info.value), str(info.value)

    wrong()


@functools.cache
def containing_list(version: str, name: str) -> tuple[str, ir.Field] | None:
    """A Struct with a ``list[name]`` field, and that field (the first in name order)."""
    for s in sorted(structs_of(version).values(), key=lambda s: s.name):
        for f in s.fields:
            if f.annotation == f"list[{name}]":
                return s.name, f
    return None


def test_every_schema_of_both_versions_is_covered():
    generated = {
        version: sorted(
            n
            for n, v in vars(types_module(version)).items()
            if isinstance(v, type) and issubclass(v, structs.Struct) and v is not structs.Struct
        )
        for version in VERSIONS
    }
    from_ir = {version: sorted(structs_of(version)) for version in VERSIONS}
    assert from_ir == generated
    assert sum(len(v) for v in from_ir.values()) > 200

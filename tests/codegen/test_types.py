"""Each row of codegen.types checked against real msgspec with the wire forms the service sends.

Every test builds the annotation exactly as a generated module would (the row's
``needs`` import, then its annotation) into a tiny Struct derived from the runtime base,
and decodes with ``msgspec.json.Decoder(T, strict=False)`` as the runtime does.
"""

from __future__ import annotations

import base64
import datetime
import importlib.util
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest

from codegen import types as type_table
from codegen.types import ARRAY, ENUM, FREE_OBJECT, MAP, OPEN, TYPE_TABLE, TypeRow
from generativelanguage.runtime import structs

ROOT = Path(__file__).resolve().parents[2]
PINNED = ("generativelanguage.v1.20240410.json", "generativelanguage.v1beta.20260821.json")
STRUCTURAL = {"ARRAY": ARRAY, "MAP": MAP, "FREE_OBJECT": FREE_OBJECT, "ENUM": ENUM, "OPEN": OPEN}

#: Rows (TYPE_TABLE keys or STRUCTURAL names) that have a test below.
COVERED: set[object] = set()


def covers(*rows: object) -> Callable:
    COVERED.update(rows)
    return lambda fn: fn


def annotation_of(row: TypeRow, item: str = "int") -> Any:
    """The row's annotation evaluated the way a generated module sees it."""
    namespace: dict[str, Any] = {}
    if row.needs:
        exec(row.needs, namespace)
    return eval(row.annotation.format(item=item), namespace)


def holder(row: TypeRow, item: str = "int") -> type:
    """``class T(Struct, kw_only=True): v: <row> | None = None``."""
    return msgspec.defstruct(
        "T", [("v", annotation_of(row, item) | None, None)], bases=(structs.Struct,), kw_only=True
    )


def decode(tp: type, data: str | bytes) -> Any:
    return msgspec.json.Decoder(tp, strict=False).decode(data)


def wire(value: object) -> bytes:
    return json.dumps({"v": value}).encode()


# -- scalar rows -----------------------------------------------------------------------


@covers(("string", None))
def test_string_is_a_plain_json_string() -> None:
    T = holder(TYPE_TABLE["string", None])
    text = 'héllo "quoted" \\ ✓'
    assert decode(T, wire(text)).v == text
    assert json.loads(structs.encode(T(v=text))) == {"v": text}


@covers(("string", "byte"))
def test_byte_standard_base64_round_trips_byte_for_byte() -> None:
    T = holder(TYPE_TABLE["string", "byte"])
    raw = bytes(range(256))
    text = base64.b64encode(raw).decode()
    value = decode(T, wire(text))
    assert value.v == raw
    assert json.loads(structs.encode(value)) == {"v": text}


@covers(("string", "byte"))
def test_byte_url_safe_and_unpadded_base64_is_rejected_by_msgspec_alone() -> None:
    # The reason the row needs the runtime's slow path.
    T = holder(TYPE_TABLE["string", "byte"])
    with pytest.raises(msgspec.ValidationError, match="base64"):
        decode(T, wire("-_8"))


@covers(("string", "byte"))
def test_byte_url_safe_and_unpadded_base64_is_repaired_by_runtime_decode() -> None:
    T = holder(TYPE_TABLE["string", "byte"])
    raw = b"\xfb\xff\xfe\x00"
    url_safe_unpadded = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    assert url_safe_unpadded != base64.b64encode(raw).decode()
    assert structs.decode(T, wire(url_safe_unpadded)).v == raw


@covers(("string", "byte"))
def test_byte_repair_reaches_every_bad_value_inside_arrays() -> None:
    T = holder(ARRAY, item="bytes")
    first, second = b"\xfb\xff", b"\xff\xfe\xfd\xfc"
    data = wire(
        [
            base64.urlsafe_b64encode(first).decode().rstrip("="),
            base64.b64encode(b"ok").decode(),
            base64.urlsafe_b64encode(second).decode().rstrip("="),
        ]
    )
    assert structs.decode(T, data).v == [first, b"ok", second]


@covers(("string", "int64"))
@pytest.mark.parametrize(
    "text", ["9223372036854775807", "-9223372036854775808", "9007199254740993", "0"]
)
def test_int64_sent_as_a_json_string_decodes_to_an_exact_int(text: str) -> None:
    T = holder(TYPE_TABLE["string", "int64"])
    value = decode(T, wire(text)).v
    assert type(value) is int
    assert value == int(text)


@covers(("string", "int64"))
def test_int64_sent_as_a_json_number_decodes_too() -> None:
    T = holder(TYPE_TABLE["string", "int64"])
    assert decode(T, b'{"v": 9223372036854775807}').v == 2**63 - 1


@covers(("string", "int64"))
def test_int64_encodes_as_an_exact_json_number() -> None:
    T = holder(TYPE_TABLE["string", "int64"])
    assert structs.encode(T(v=2**63 - 1)) == b'{"v":9223372036854775807}'


@covers(("string", "uint64"))
def test_uint64_sent_as_a_json_string_decodes_to_an_exact_int() -> None:
    T = holder(TYPE_TABLE["string", "uint64"])
    assert decode(T, wire("18446744073709551615")).v == 2**64 - 1
    assert decode(T, b'{"v": 18446744073709551615}').v == 2**64 - 1


@covers(("string", "google-datetime"))
def test_datetime_with_nanoseconds_and_z_decodes_to_an_aware_datetime() -> None:
    T = holder(TYPE_TABLE["string", "google-datetime"])
    value = decode(T, wire("2024-05-01T12:34:56.123456789Z")).v
    assert value == datetime.datetime(2024, 5, 1, 12, 34, 56, 123457, tzinfo=datetime.timezone.utc)
    assert value.utcoffset() == datetime.timedelta(0)


@covers(("string", "google-datetime"))
def test_datetime_with_an_offset_keeps_the_instant() -> None:
    T = holder(TYPE_TABLE["string", "google-datetime"])
    value = decode(T, wire("2024-05-01T18:04:56+05:30")).v
    assert value == datetime.datetime(2024, 5, 1, 12, 34, 56, tzinfo=datetime.timezone.utc)


@covers(("string", "google-datetime"))
def test_datetime_encodes_as_rfc3339() -> None:
    T = holder(TYPE_TABLE["string", "google-datetime"])
    value = T(v=datetime.datetime(2024, 5, 1, 12, 34, 56, tzinfo=datetime.timezone.utc))
    assert structs.encode(value) == b'{"v":"2024-05-01T12:34:56Z"}'


@covers(("string", "date-time"))
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01T12:34:56Z", datetime.datetime(2024, 5, 1, 12, 34, 56)),
        ("2024-05-01T18:04:56.5+05:30", datetime.datetime(2024, 5, 1, 12, 34, 56, 500000)),
    ],
)
def test_json_schema_date_time_decodes_to_an_aware_datetime_and_back(text, expected) -> None:
    T = holder(TYPE_TABLE["string", "date-time"])
    value = decode(T, wire(text)).v
    assert value == expected.replace(tzinfo=datetime.timezone.utc)
    assert decode(T, structs.encode(T(v=value))).v == value


@covers(("string", "google-duration"))
@pytest.mark.parametrize("text", ["3.5s", "0s", "-1.000000001s", "86400s"])
def test_duration_stays_the_wire_string_and_round_trips_exactly(text: str) -> None:
    T = holder(TYPE_TABLE["string", "google-duration"])
    value = decode(T, wire(text))
    assert value.v == text
    assert json.loads(structs.encode(value)) == {"v": text}


@covers(("string", "google-duration"))
def test_duration_google_spelling_is_not_parsed_by_msgspec_timedelta() -> None:
    # The reason the row is not `datetime.timedelta`.
    with pytest.raises(msgspec.ValidationError):
        decode(datetime.timedelta, b'"3.5s"')


@covers(("string", "google-fieldmask"))
def test_fieldmask_passes_as_on_the_wire() -> None:
    T = holder(TYPE_TABLE["string", "google-fieldmask"])
    value = decode(T, wire("displayName,ttl"))
    assert value.v == "displayName,ttl"
    assert structs.encode(value) == b'{"v":"displayName,ttl"}'


@covers(("string", "date"))
def test_date_parses_natively_and_round_trips() -> None:
    T = holder(TYPE_TABLE["string", "date"])
    value = decode(T, wire("2024-02-29"))
    assert value.v == datetime.date(2024, 2, 29)
    assert structs.encode(value) == b'{"v":"2024-02-29"}'


@covers(("integer", "int32"), ("integer", "uint32"), ("integer", None))
@pytest.mark.parametrize(
    ("key", "number"),
    [
        (("integer", "int32"), -(2**31)),
        (("integer", "int32"), 2**31 - 1),
        (("integer", "uint32"), 2**32 - 1),
        (("integer", None), 42),
    ],
)
def test_integer_rows_decode_json_numbers(key: tuple[str, str | None], number: int) -> None:
    T = holder(TYPE_TABLE[key])
    value = decode(T, wire(number)).v
    assert type(value) is int
    assert value == number


@covers(("number", "float"), ("number", "double"), ("number", None))
@pytest.mark.parametrize("key", [("number", "float"), ("number", "double"), ("number", None)])
def test_number_rows_decode_numbers_and_special_value_strings(
    key: tuple[str, str | None],
) -> None:
    T = holder(TYPE_TABLE[key])
    assert decode(T, wire(1.5)).v == 1.5
    assert decode(T, wire(3)).v == 3.0
    assert decode(T, wire("Infinity")).v == float("inf")
    assert decode(T, wire("-Infinity")).v == float("-inf")
    nan = decode(T, wire("NaN")).v
    assert nan != nan


@covers(("boolean", None))
def test_boolean_is_a_json_boolean() -> None:
    T = holder(TYPE_TABLE["boolean", None])
    assert decode(T, wire(True)).v is True
    assert decode(T, wire(False)).v is False
    assert structs.encode(T(v=False)) == b'{"v":false}'


@covers(("any", None))
def test_any_passes_nested_json_through_untouched() -> None:
    T = holder(TYPE_TABLE["any", None])
    nested = {"a": [1, "2", {"b": None, "c": [True, 1.5]}], "camelCase": {"snake_case": {}}}
    value = decode(T, wire(nested))
    assert value.v == nested
    assert json.loads(structs.encode(value)) == {"v": nested}


@covers(("any", "google.protobuf.Value"))
@pytest.mark.parametrize("value", [None, 1.5, "text", True, [1, "a", None], {"k": {"n": [2]}}])
def test_protobuf_value_is_any_json_value(value: object) -> None:
    T = holder(TYPE_TABLE["any", "google.protobuf.Value"])
    decoded = decode(T, wire(value))
    assert decoded.v == value
    assert json.loads(structs.encode(decoded)) == ({"v": value} if value is not None else {})


# -- structural rows -------------------------------------------------------------------


@covers("ARRAY")
def test_array_decodes_a_json_array_of_the_item_type() -> None:
    T = holder(ARRAY, item="int")
    assert decode(T, wire(["1", 2, "-3"])).v == [1, 2, -3]
    assert structs.encode(T(v=[1, 2])) == b'{"v":[1,2]}'


@covers("MAP")
def test_map_keeps_its_keys_untouched() -> None:
    T = holder(MAP, item="int")
    keys = {"camelCase": "1", "snake_case": 2, "with space": 3, "$weird.key": 4, "": 5}
    value = decode(T, wire(keys))
    assert value.v == {"camelCase": 1, "snake_case": 2, "with space": 3, "$weird.key": 4, "": 5}
    assert list(json.loads(structs.encode(value))["v"]) == list(keys)


@covers("FREE_OBJECT")
def test_free_object_accepts_any_json_object() -> None:
    T = holder(FREE_OBJECT)
    obj = {"@type": "type.googleapis.com/x", "n": 1, "nested": {"list": [None, "x"]}}
    assert decode(T, wire(obj)).v == obj


@covers("ENUM")
def test_enum_value_unknown_to_the_document_still_decodes_as_str() -> None:
    T = holder(ENUM)
    assert decode(T, wire("A_VALUE_ADDED_NEXT_YEAR")).v == "A_VALUE_ADDED_NEXT_YEAR"


@covers("ENUM")
def test_enum_value_sent_as_its_number_decodes() -> None:
    # proto3 JSON parsers accept the enum number, and recorded traffic has carried one.
    T = holder(ENUM)
    assert decode(T, wire(1)).v == 1
    assert decode(T, wire("1")).v == "1"


@covers("OPEN")
@pytest.mark.parametrize("value", [None, 1, "HIGH", [1, "a"], {"level": "HIGH"}])
def test_open_type_decodes_any_json_value(value: object) -> None:
    T = holder(OPEN)
    assert decode(T, wire(value)).v == value


# -- the Struct base every row lives in ------------------------------------------------


class Schema(structs.Struct, kw_only=True):
    """Recursive, like Discovery's own JSON-schema-like `Schema`."""

    type: str | None = None
    properties: dict[str, Schema] | None = None
    items: Schema | None = None
    any_of: list[Schema] | None = msgspec.field(default=None, name="anyOf")


class Blob(structs.Struct, kw_only=True):
    mime_type: str | None = msgspec.field(default=None, name="mimeType")
    data: bytes | None = None
    size_bytes: int | None = msgspec.field(default=None, name="sizeBytes")


def test_recursive_struct_decodes_deeply() -> None:
    depth = 50
    node: dict[str, Any] = {"type": "STRING"}
    for i in range(depth):
        node = {
            "type": "OBJECT",
            "properties": {f"p{i}": {"type": "ARRAY", "items": node}},
            "anyOf": [{"type": "NULL"}],
        }
    value = decode(Schema, json.dumps(node))
    for i in reversed(range(depth)):
        assert value.type == "OBJECT"
        assert value.any_of == [Schema(type="NULL")]
        value = value.properties[f"p{i}"].items
    assert value == Schema(type="STRING")


def test_unknown_fields_are_ignored() -> None:
    data = b'{"mimeType": "text/plain", "fieldAddedLater": {"x": [1]}, "other": 1}'
    assert decode(Blob, data) == Blob(mime_type="text/plain")


def test_encoding_omits_unset_fields_and_uses_wire_names() -> None:
    assert structs.encode(Blob(mime_type="text/plain", size_bytes=3)) == (
        b'{"mimeType":"text/plain","sizeBytes":3}'
    )
    assert structs.encode(Blob()) == b"{}"


def test_decoding_reads_wire_names() -> None:
    value = decode(Blob, b'{"mimeType": "a/b", "sizeBytes": "12", "data": "AAE="}')
    assert value == Blob(mime_type="a/b", size_bytes=12, data=b"\x00\x01")


# -- table coverage --------------------------------------------------------------------


def test_every_row_has_a_reason() -> None:
    rows = [*TYPE_TABLE.values(), *STRUCTURAL.values()]
    assert all(row.reason.strip() for row in rows)


def test_runtime_modules_named_by_reasons_exist() -> None:
    # e.g. the google-duration row promises generativelanguage.runtime.durations.
    rows = [*TYPE_TABLE.values(), *STRUCTURAL.values()]
    named = {m for row in rows for m in re.findall(r"generativelanguage\.runtime\.\w+", row.reason)}
    missing = sorted(m for m in named if importlib.util.find_spec(m) is None)
    assert missing == [], f"type-table reasons name runtime modules that do not exist: {missing}"


def test_every_type_table_row_has_a_test() -> None:
    assert set(TYPE_TABLE) - COVERED == set()


def test_every_structural_row_has_a_test() -> None:
    assert set(STRUCTURAL) - COVERED == set()


@pytest.mark.parametrize("key", sorted(TYPE_TABLE, key=str))
def test_scalar_lookup_returns_the_exact_row(key: tuple[str, str | None]) -> None:
    assert type_table.scalar(*key) is TYPE_TABLE[key]


def test_scalar_lookup_falls_back_to_the_type_row_for_an_unknown_format() -> None:
    assert type_table.scalar("string", "no-such-format") is TYPE_TABLE["string", None]


# -- the pinned documents --------------------------------------------------------------


def _pinned(name: str) -> Path:
    mirror = os.environ.get("DISCOVERY_MIRROR")
    candidates = [ROOT / "discovery" / "cache" / name, ROOT.parent / "shared" / "discovery" / name]
    if mirror:
        candidates.insert(0, (ROOT / mirror / name).resolve())
    for path in candidates:
        if path.is_file():
            return path
    pytest.skip(f"{name} is not in the Discovery cache; run `make fetch`")


def _schema_pairs(node: Any, out: set[tuple[str, str | None]]) -> None:
    if not isinstance(node, dict):
        return
    if "type" in node:
        out.add((node["type"], node.get("format")))
    for child in (node.get("properties") or {}).values():
        _schema_pairs(child, out)
    for key in ("items", "additionalProperties"):
        _schema_pairs(node.get(key), out)


def _parameter_pairs(node: dict, out: set[tuple[str, str | None]]) -> None:
    for method in (node.get("methods") or {}).values():
        for param in (method.get("parameters") or {}).values():
            out.add((param.get("type", "string"), param.get("format")))
    for child in (node.get("resources") or {}).values():
        _parameter_pairs(child, out)


@pytest.mark.parametrize("name", PINNED)
def test_every_schema_type_and_format_in_the_pinned_documents_has_a_row(name: str) -> None:
    doc = json.loads(_pinned(name).read_bytes())
    pairs: set[tuple[str, str | None]] = set()
    for schema in doc["schemas"].values():
        _schema_pairs(schema, pairs)
    # `array` and `object` print through the structural rows (ARRAY, MAP, FREE_OBJECT or
    # a Struct); every other pair must have its own row, not the unknown-format fallback.
    scalar_pairs = {pair for pair in pairs if pair[0] not in ("array", "object")}
    assert scalar_pairs, name
    assert scalar_pairs - set(TYPE_TABLE) == set()


@pytest.mark.parametrize("name", PINNED)
def test_every_parameter_type_and_format_in_the_pinned_documents_has_a_row(name: str) -> None:
    doc = json.loads(_pinned(name).read_bytes())
    pairs: set[tuple[str, str | None]] = set()
    for resource in doc["resources"].values():
        _parameter_pairs(resource, pairs)
    assert pairs
    assert pairs - set(type_table.PARAM_TABLE) == set()

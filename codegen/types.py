"""The single table mapping a Discovery (type, format) to a Python annotation.

Every row carries the reason for its choice; ``tests/codegen/test_types.py`` checks each
row against msgspec with the wire forms the real service sends. Decoding uses
``msgspec.json.Decoder(..., strict=False)``, which lets JSON strings coerce to numbers
and booleans in C without any Python hook: that is what makes ``int`` possible for
int64 values, which Google sends as JSON strings.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TypeRow:
    annotation: str
    reason: str
    #: Import line the annotation needs in the generated module, if any.
    needs: str | None = None


TYPE_TABLE: dict[tuple[str, str | None], TypeRow] = {
    ("string", None): TypeRow("str", "Plain JSON string."),
    ("string", "byte"): TypeRow(
        "bytes",
        "Base64 on the wire, raw bytes in Python: msgspec decodes and re-encodes standard "
        "padded base64 in C, so values such as thoughtSignature round-trip byte for byte. "
        "URL-safe or unpadded input is normalised by the runtime's slow-path fallback.",
    ),
    ("string", "int64"): TypeRow(
        "int",
        "Sent by the service as a JSON string (proto3 JSON mapping); the lenient decoder "
        "turns it into an exact Python int. Encoded as a JSON number, which proto3 JSON "
        "parsers accept and which loses nothing because Python ints are unbounded.",
    ),
    ("string", "uint64"): TypeRow("int", "Same as int64: JSON string in, exact Python int."),
    ("string", "google-datetime"): TypeRow(
        "datetime.datetime",
        "RFC 3339 timestamps parse natively in msgspec into aware datetimes; digits beyond "
        "microseconds (the service may send nanoseconds) are rounded, as in google-genai.",
        needs="import datetime",
    ),
    ("string", "date-time"): TypeRow(
        "datetime.datetime",
        "JSON Schema's RFC 3339 date-time, the spelling older documents use for the same "
        "timestamps as google-datetime: parsed natively into aware datetimes.",
        needs="import datetime",
    ),
    ("string", "google-duration"): TypeRow(
        "str",
        'Google spells durations "3.5s", which msgspec\'s timedelta (ISO 8601) neither '
        "parses nor produces; keeping the wire string is lossless and round-trips exactly. "
        "generativelanguage.runtime.durations converts to and from timedelta.",
    ),
    ("string", "google-fieldmask"): TypeRow(
        "str", 'Comma-separated field paths, e.g. "displayName,ttl", passed as on the wire.'
    ),
    ("string", "date"): TypeRow(
        "datetime.date", "ISO 8601 calendar date, parsed natively.", needs="import datetime"
    ),
    ("integer", "int32"): TypeRow("int", "JSON number."),
    ("integer", "uint32"): TypeRow("int", "JSON number."),
    ("integer", None): TypeRow("int", "JSON number."),
    ("number", "float"): TypeRow(
        "float", 'JSON number; the lenient decoder also accepts "NaN" and "Infinity" strings.'
    ),
    ("number", "double"): TypeRow("float", "Same as float."),
    ("number", None): TypeRow("float", "Same as float."),
    ("boolean", None): TypeRow("bool", "JSON boolean."),
    ("any", None): TypeRow(
        "Any",
        "Free-form JSON (function-call args, JSON schemas): passed through untouched.",
        needs="from typing import Any",
    ),
    ("any", "google.protobuf.Value"): TypeRow(
        "Any",
        "A google.protobuf.Value is by definition any JSON value (null, number, string, "
        "bool, list or object), so the open type is the exact one.",
        needs="from typing import Any",
    ),
}

#: Structured rows: how composite Discovery shapes print. ``{item}`` is the item type.
ARRAY = TypeRow("list[{item}]", "JSON array of the item type.")
MAP = TypeRow(
    "dict[str, {item}]",
    "`additionalProperties`: a JSON object with free keys; keys pass through untouched.",
)
FREE_OBJECT = TypeRow(
    "dict[str, Any]",
    "An `object` with neither properties nor additionalProperties: any JSON object.",
    needs="from typing import Any",
)
ENUM = TypeRow(
    "str | int",
    "Enum names are strings, kept as `str` (not Literal or Enum) so a value the server "
    "adds later still decodes; the allowed values are listed in the field docstring and "
    "exposed as constants in `enums`. proto3 JSON also accepts and may produce the enum "
    'number (recorded real traffic has `"finishReason": 1`), hence `| int`.',
)
OPEN = TypeRow(
    "Any",
    "A `$ref` to a schema the document does not define (a known upstream defect): any JSON "
    "value decodes, and the generator warns naming the place.",
    needs="from typing import Any",
)

#: Query and path parameters are sent in the URL, so only scalar forms occur.
PARAM_TABLE: dict[tuple[str, str | None], str] = {
    ("string", None): "str",
    ("string", "google-fieldmask"): "str",
    ("string", "int64"): "int",
    ("integer", "int32"): "int",
    ("integer", None): "int",
    ("boolean", None): "bool",
    ("number", None): "float",
}


def scalar(type_: str, format_: str | None) -> TypeRow | None:
    """The row for a scalar (type, format); an unknown format falls back to its type's row."""
    return TYPE_TABLE.get((type_, format_)) or TYPE_TABLE.get((type_, None))


#: Annotations of the table that need no import anywhere (page items may be these).
BUILTIN_SCALARS = frozenset({"str", "int", "float", "bool", "bytes"})


def map_value(annotation: str) -> str | None:
    """The value annotation of a :data:`MAP` annotation (``dict[str, Model]`` -> ``Model``),
    or None for any other annotation."""
    head, _, tail = MAP.annotation.partition("{item}")
    if annotation.startswith(head) and annotation.endswith(tail):
        return annotation[len(head) : len(annotation) - len(tail)]
    return None


def element(annotation: str) -> str | None:
    """The item annotation of an :data:`ARRAY` annotation (``list[Model]`` -> ``Model``),
    or None for any other annotation."""
    head, _, tail = ARRAY.annotation.partition("{item}")
    if annotation.startswith(head) and annotation.endswith(tail):
        return annotation[len(head) : len(annotation) - len(tail)]
    return None

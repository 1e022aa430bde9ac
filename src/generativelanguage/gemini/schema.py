"""A Python type as the JSON Schema the Gemini API accepts.

Where the API takes a JSON Schema (``generationConfig.responseJsonSchema``, a function
declaration's ``parametersJsonSchema`` and ``responseJsonSchema``) a Python type may be
given instead: a msgspec Struct, a dataclass, a TypedDict, an Enum, a ``Literal`` or a
container of them (``list[City]``). ``msgspec.json.schema`` describes it, and
:func:`reduce` keeps what the service reads. The Discovery document lists it under
``GenerationConfig._responseJsonSchema``: ``$id``, ``$defs``, ``$ref``, ``$anchor``,
``type``, ``format``, ``title``, ``description``, ``enum``, ``items``, ``prefixItems``,
``minItems``, ``maxItems``, ``minimum``, ``maximum``, ``anyOf``, ``oneOf``,
``properties``, ``additionalProperties``, ``required`` and ``propertyOrdering``, and no
other keyword beside a ``$ref``. So:

* references are inlined, except those of recursive types, which stay in ``$defs``
  (the service unrolls them a few levels);
* ``const`` becomes a one-value ``enum``; ``default`` and the constraints the service
  ignores (``minLength``, ``pattern``, ``exclusiveMinimum``, ...) are dropped: the model
  is not held to them, so check them on the way back (``response.parse(T)`` does, for a
  type with msgspec constraints);
* objects with several properties get ``propertyOrdering`` in field order, so the model
  writes them in the order the type declares.
"""

from __future__ import annotations

import types
import typing
from typing import Any

#: JSON Schema keywords the service reads (see the module docstring).
SUPPORTED = frozenset(
    {
        "$id",
        "$defs",
        "$ref",
        "$anchor",
        "type",
        "format",
        "title",
        "description",
        "enum",
        "items",
        "prefixItems",
        "minItems",
        "maxItems",
        "minimum",
        "maximum",
        "anyOf",
        "oneOf",
        "properties",
        "additionalProperties",
        "required",
        "propertyOrdering",
    }
)
_DEFS = "#/$defs/"


def is_python_type(value: object) -> bool:
    """Whether ``value`` is a Python type to describe (a class, ``list[City]``, a union,
    ``Literal[...]``, ``Annotated[...]``) rather than a JSON Schema already (a dict)."""
    if isinstance(value, type):  # TypedDicts, dataclasses, Structs, Enums, int, ...
        return True
    return typing.get_origin(value) is not None or isinstance(value, types.UnionType)


def json_schema(tp: Any) -> dict[str, Any]:
    """The reduced JSON Schema of Python type ``tp``.

    Raises:
        TypeError: msgspec cannot describe ``tp`` (the message names it).
    """
    import msgspec

    try:
        raw = msgspec.json.schema(tp)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"no JSON Schema for {_name(tp)}: {exc}") from None
    return reduce(raw)


def _name(tp: Any) -> str:
    return getattr(tp, "__qualname__", None) or repr(tp)


def reduce(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` (with its ``$defs``) reduced to what the service accepts."""
    defs = schema.get("$defs") or {}
    recursive = {name for name in defs if _reaches(defs, name, name, set())}
    root = schema.get("$ref")
    if isinstance(root, str) and root.startswith(_DEFS) and root[len(_DEFS) :] in defs:
        schema = defs[root[len(_DEFS) :]]  # the root itself, not a reference to it
    out: dict[str, Any] = _node(schema, defs, recursive, ())
    kept = {name: _node(defs[name], defs, recursive, (name,)) for name in sorted(recursive)}
    if kept:
        out["$defs"] = kept
    return out


def _refs(node: Any) -> set[str]:
    """Names of the definitions ``node`` refers to directly or through sub-schemas."""
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_DEFS):
            found.add(ref[len(_DEFS) :])
        for key, value in node.items():
            if key != "$defs":
                found |= _refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= _refs(value)
    return found


def _reaches(defs: dict[str, Any], start: str, target: str, seen: set[str]) -> bool:
    for name in _refs(defs.get(start)):
        if name == target:
            return True
        if name not in seen:
            seen.add(name)
            if _reaches(defs, name, target, seen):
                return True
    return False


def _node(node: Any, defs: dict[str, Any], recursive: set[str], inlining: tuple[str, ...]) -> Any:
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(_DEFS):
        name = ref[len(_DEFS) :]
        if name in recursive or name in inlining or name not in defs:
            return {"$ref": ref}  # nothing else may stand beside a $ref
        return _node(defs[name], defs, recursive, (*inlining, name))
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "const":
            out["enum"] = [value]
        elif key not in SUPPORTED or key == "$defs":
            continue
        elif key == "properties" and isinstance(value, dict):
            out[key] = {n: _node(v, defs, recursive, inlining) for n, v in value.items()}
        elif key in ("items", "additionalProperties"):
            out[key] = _node(value, defs, recursive, inlining)
        elif key in ("anyOf", "oneOf", "prefixItems") and isinstance(value, list):
            out[key] = [_node(v, defs, recursive, inlining) for v in value]
        else:
            out[key] = value
    if "enum" in out and "type" not in out:
        out["type"] = _enum_type(out["enum"])
    properties = out.get("properties")
    if isinstance(properties, dict) and len(properties) > 1 and "propertyOrdering" not in out:
        out["propertyOrdering"] = list(properties)
    return out


def _enum_type(values: list[Any]) -> str:
    """The JSON type of an enum's values (the service reads string and number enums)."""
    if all(isinstance(v, str) for v in values):
        return "string"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "integer"
    return "number"


def convert(value: Any) -> Any:
    """``value`` as a JSON Schema: a Python type is described, anything else (a dict
    schema, None) passes through unchanged."""
    return json_schema(value) if is_python_type(value) else value

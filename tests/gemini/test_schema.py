"""Python types as the JSON Schema the service accepts (``gemini.schema``)."""

from __future__ import annotations

import dataclasses
import enum
from typing import Annotated, Literal, TypedDict

import msgspec
import pytest

from generativelanguage.gemini.schema import SUPPORTED, is_python_type, json_schema, reduce


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class City(msgspec.Struct):
    name: str
    population: int
    color: Color = Color.RED


class Tree(msgspec.Struct):
    value: int
    children: list[Tree] = []


@dataclasses.dataclass
class Trip:
    cities: list[City]
    mode: Literal["car", "train"]
    note: Annotated[str, msgspec.Meta(min_length=3, description="A note.")] | None = None


class Movie(TypedDict):
    title: str
    year: int


def keywords(node: object) -> set[str]:
    """Every schema keyword used under ``node`` (property names excluded)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            found.add(key)
            if key in ("properties", "$defs"):
                for sub in value.values():
                    found |= keywords(sub)
            else:
                found |= keywords(value)
    elif isinstance(node, list):
        for value in node:
            found |= keywords(value)
    return found


@pytest.mark.parametrize("tp", [City, list[City], Trip, Tree, Movie, int, Color, str | None])
def test_only_keywords_the_service_reads(tp):
    assert keywords(json_schema(tp)) <= SUPPORTED


def test_a_struct_with_its_references_inlined_and_fields_in_order():
    assert json_schema(City) == {
        "title": "City",
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "population": {"type": "integer"},
            "color": {"title": "Color", "enum": ["blue", "red"], "type": "string"},
        },
        "required": ["name", "population"],
        "propertyOrdering": ["name", "population", "color"],
    }


def test_constraints_the_service_ignores_are_dropped_descriptions_kept():
    note = json_schema(Trip)["properties"]["note"]
    assert note == {"anyOf": [{"description": "A note.", "type": "string"}, {"type": "null"}]}
    assert json_schema(Trip)["properties"]["mode"] == {"enum": ["car", "train"], "type": "string"}


def test_a_recursive_type_keeps_its_definition_and_the_root_is_inlined():
    schema = json_schema(Tree)
    assert schema["title"] == "Tree" and schema["type"] == "object"
    assert schema["properties"]["children"]["items"] == {"$ref": "#/$defs/Tree"}
    assert set(schema["$defs"]) == {"Tree"}


def test_const_becomes_a_one_value_enum_and_refs_stand_alone():
    reduced = reduce(
        {
            "type": "object",
            "properties": {
                "kind": {"const": 3},
                "x": {"$ref": "#/$defs/X", "default": None, "description": "dropped"},
            },
            "$defs": {"X": {"type": "object", "properties": {"x": {"$ref": "#/$defs/X"}}}},
        }
    )
    assert reduced["properties"]["kind"] == {"enum": [3], "type": "integer"}
    assert reduced["properties"]["x"] == {"$ref": "#/$defs/X"}


def test_what_counts_as_a_python_type():
    for value in (City, list[City], int | None, Literal["a"], Annotated[int, 1], dict):
        assert is_python_type(value), value
    for value in ({"type": "object"}, None, "string", 3, True):
        assert not is_python_type(value), value


def test_a_type_msgspec_cannot_describe_is_named():
    with pytest.raises(TypeError, match="no JSON Schema for object"):
        json_schema(object)

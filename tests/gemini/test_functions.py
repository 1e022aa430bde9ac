"""Python functions as tools: declarations from signatures, docstrings and annotations;
calls validated, run, and answered (errors included)."""

from __future__ import annotations

import asyncio
from typing import Literal

import msgspec
import pytest

from generativelanguage.gemini.functions import (
    Function,
    FunctionToolError,
    Toolbox,
    parse_docstring,
)
from generativelanguage.v1beta import types


class Place(msgspec.Struct):
    city: str
    country: str = "FR"


def get_weather(place: Place, unit: Literal["celsius", "fahrenheit"] = "celsius", /) -> dict:
    """Current weather of a place.

    Longer text about the function.

    Args:
        place: Where to look. The text
            goes on.
        unit: The temperature unit.

    Returns:
        The weather.
    """
    return {"city": place.city, "unit": unit}


def test_a_declaration_from_signature_annotations_and_docstring():
    declaration = Function(get_weather).declaration
    assert declaration["name"] == "get_weather"
    assert (
        declaration["description"]
        == "Current weather of a place.\n\nLonger text about the function."
    )
    schema = declaration["parametersJsonSchema"]
    assert schema["type"] == "object" and "title" not in schema
    assert schema["required"] == ["place"]
    assert schema["properties"]["place"]["properties"]["city"] == {"type": "string"}
    assert schema["properties"]["place"]["description"] == "Where to look. The text goes on."
    assert schema["properties"]["unit"] == {
        "enum": ["celsius", "fahrenheit"],
        "type": "string",
        "description": "The temperature unit.",
    }


def test_a_function_without_parameters_declares_none():
    def now() -> str:
        return "noon"

    assert Function(now).declaration == {"name": "now"}


def test_docstring_sections():
    summary, args = parse_docstring(
        "Do it.\n\nArgs:\n    a (int): first\n    b: second\n      more\nRaises:\n    x: y"
    )
    assert summary == "Do it."
    assert args == {"a": "first", "b": "second more"}


def test_functions_that_cannot_be_declared_say_why():
    def spread(*values: int) -> int:
        return sum(values)

    with pytest.raises(FunctionToolError, match=r"spread: \*values cannot be declared"):
        Toolbox([spread])
    with pytest.raises(FunctionToolError, match="a tool function needs a name"):
        Toolbox([lambda: None])
    with pytest.raises(FunctionToolError, match="vars: its signature cannot be read"):
        Toolbox([vars])  # a builtin without a signature


def test_two_functions_of_one_name_are_refused():
    def f() -> None: ...

    def g() -> None: ...

    g.__name__ = "f"
    with pytest.raises(FunctionToolError, match="two tool functions are named 'f'"):
        Toolbox([f, g])


def call(name: str, **args: object) -> types.FunctionCall:
    return types.FunctionCall(name=name, args=dict(args), id="c1")


def test_calls_are_validated_converted_run_and_answered():
    box = Toolbox([get_weather, {"googleSearch": {}}])
    assert box.wire[0] == {"functionDeclarations": [Function(get_weather).declaration]}
    assert box.wire[1] == {"googleSearch": {}}
    [part] = box.run([call("get_weather", place={"city": "Paris"}, unit="fahrenheit")])
    assert part == {
        "functionResponse": {
            "name": "get_weather",
            "id": "c1",
            "response": {"result": {"city": "Paris", "unit": "fahrenheit"}},
        }
    }


def test_bad_arguments_and_exceptions_become_error_answers():
    def divide(a: int, b: int) -> float:
        return a / b

    box = Toolbox([divide])
    bad, boom = box.run([call("divide", a="x", b=1), call("divide", a=1, b=0)])
    assert bad["functionResponse"]["response"]["error"].startswith("invalid arguments for divide")
    assert boom["functionResponse"]["response"] == {"error": "ZeroDivisionError: division by zero"}
    [extra] = box.run([call("divide", a=1, b=2, c=3)])
    assert "invalid arguments" in extra["functionResponse"]["response"]["error"]


def test_results_msgspec_cannot_encode_are_sent_as_text():
    class Opaque:
        def __str__(self) -> str:
            return "opaque!"

    def make() -> object:
        return Opaque()

    [part] = Toolbox([make]).run([call("make")])
    assert part["functionResponse"]["response"] == {"result": "opaque!"}


def test_only_calls_of_python_functions_can_run():
    box = Toolbox([get_weather])
    assert box.can_run([call("get_weather")])
    assert not box.can_run([call("get_weather"), call("declared_elsewhere")])
    assert not box.can_run([])


def test_async_functions_are_awaited_and_plain_ones_threaded():
    async def fetch(url: str) -> str:
        await asyncio.sleep(0)
        return f"got {url}"

    def plain(x: int) -> int:
        return x * 2

    box = Toolbox([fetch, plain])
    parts = asyncio.run(box.arun([call("fetch", url="u"), call("plain", x=21)]))
    assert [p["functionResponse"]["response"] for p in parts] == [
        {"result": "got u"},
        {"result": 42},
    ]
    # On the blocking path an async function is an error answer, not a hang or a crash.
    [part] = box.run([call("fetch", url="u")])
    assert "use it with the AsyncClient" in part["functionResponse"]["response"]["error"]

"""The contents shorthand (``x-body-shorthand`` on generate, stream and count tokens):
what the hook makes of each form, and what reaches the server over loopback."""

from __future__ import annotations

import asyncio
import dataclasses
import json

import msgspec
import pytest

from generativelanguage.gemini.shorthands import contents, generate_content_body
from generativelanguage.runtime import errors
from generativelanguage.v1beta import AsyncClient, Client, types
from tests.gemini.conftest import wire
from tests.support.server import Reply

ANSWER = {"candidates": [{"content": {"role": "model", "parts": [{"text": "ok"}]}}]}
CALL = types.Part(function_call=types.FunctionCall(name="f", args={}))


def user(*parts: object) -> dict:
    return {"role": "user", "parts": list(parts)}


# -- contents: one form at a time --------------------------------------------------------


def test_a_string_is_one_user_text_turn():
    assert contents("hi") == [user({"text": "hi"})]


def test_a_part_is_one_user_turn_and_stays_a_part():
    part = types.Part.from_text("hi")
    assert contents(part) == [user(part)]


def test_a_content_is_a_turn_of_its_own():
    turn = types.Content(role="model", parts=[types.Part(text="x")])
    assert contents(turn) == [turn]
    assert contents([turn, "next"]) == [turn, user({"text": "next"})]


def test_consecutive_parts_form_one_turn():
    image = types.Part.from_bytes(b"\x89PNG", mime_type="image/png")
    assert contents(["Describe", image, {"text": "briefly"}]) == [
        user({"text": "Describe"}, image, {"text": "briefly"})
    ]


def test_function_call_parts_form_a_model_turn():
    answer = {"functionResponse": {"name": "f", "response": {}}}
    assert contents(["ask", CALL, answer]) == [
        user({"text": "ask"}),
        {"role": "model", "parts": [CALL]},
        user(answer),
    ]


def test_a_nested_list_is_one_user_turn():
    assert contents([["a", "b"], "c"]) == [user({"text": "a"}, {"text": "b"}), user({"text": "c"})]


def test_dicts_are_turns_when_they_say_so_else_parts():
    assert contents([{"role": "user", "parts": [{"text": "a"}]}]) == [user({"text": "a"})]
    assert contents([{}]) == [{}]  # as the official SDK: an empty dict is a Content
    assert contents({"text": "a"}) == [user({"text": "a"})]


def test_an_uploaded_file_is_a_file_data_part():
    file = types.File(uri="https://x/v1beta/files/abc", mime_type="text/plain")
    assert contents([file, "Summarise."]) == [
        user(
            {"fileData": {"fileUri": "https://x/v1beta/files/abc", "mimeType": "text/plain"}},
            {"text": "Summarise."},
        )
    ]
    with pytest.raises(errors.RequestValidationError, match=r"body\[0\]: the File has no uri"):
        contents([types.File(name="files/abc")])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([], "contents are empty"),
        (b"bytes", "got bytes"),
        (3, "got int"),
        ([["a"], []], r"body\[1\]: an empty list of parts"),
        (["a", object()], r"body\[1\]: expected a string, a Part"),
    ],
)
def test_what_is_not_contents_is_refused_naming_the_place(value, message):
    with pytest.raises(errors.RequestValidationError, match=message):
        contents(value)


def test_bodies_needing_nothing_pass_through_uncopied():
    body = {"contents": [user({"text": "a"})], "generationConfig": {"temperature": 0.1}}
    assert generate_content_body(body) is body
    request = types.GenerateContentRequest(contents=[types.Content(parts=[types.Part(text="a")])])
    assert generate_content_body(request) is request
    assert generate_content_body(None) is None


# -- over loopback -------------------------------------------------------------------------


@pytest.fixture
def answering(server):
    server.handler = lambda rec: Reply(200, json.dumps(ANSWER).encode())
    return server


@pytest.fixture
def sync_client(answering):
    with Client(api_key="k", base_url=answering.url) as c:
        yield c


def test_a_string_body_goes_as_contents(sync_client, answering):
    response = sync_client.models.generate_content("gemini-2.5-flash", body="Hello")
    assert response.text == "ok"
    assert wire(answering) == {"contents": [user({"text": "Hello"})]}
    assert answering.requests[-1].path == "/v1beta/models/gemini-2.5-flash:generateContent"


def test_count_tokens_and_tuned_models_take_the_shorthand(sync_client, answering):
    image = types.Part.from_bytes(b"\x00\x01", mime_type="image/png")
    sync_client.models.count_tokens("gemini-2.5-flash", body=["What is this?", image])
    assert wire(answering) == {
        "contents": [
            user(
                {"text": "What is this?"}, {"inlineData": {"data": "AAE=", "mimeType": "image/png"}}
            )
        ]
    }
    sync_client.tuned_models.generate_content("tunedModels/t", body="seven")
    assert wire(answering) == {"contents": [user({"text": "seven"})]}


def test_a_streamed_string_body(sync_client, answering):
    answering.handler = lambda rec: Reply(
        200,
        b"data: " + json.dumps(ANSWER).encode() + b"\r\n\r\n",
        headers={"content-type": "text/event-stream"},
    )
    chunks = list(sync_client.models.stream_generate_content("gemini-2.5-flash", body="Hi"))
    assert [c.text for c in chunks] == ["ok"]
    assert wire(answering) == {"contents": [user({"text": "Hi"})]}


class City(msgspec.Struct):
    name: str
    population: int


@dataclasses.dataclass
class Country:
    name: str
    cities: list[City]


def get_weather(city: str, unit: str = "celsius") -> str:
    """Current weather.

    Args:
        city: The city's name.
        unit: celsius or fahrenheit.
    """
    return f"sunny in {city}"


def test_inside_a_dict_body_contents_system_instruction_types_and_functions(sync_client, answering):
    sync_client.models.generate_content(
        "gemini-2.5-flash",
        body={
            "contents": "Name a city.",
            "systemInstruction": "Answer in JSON.",
            "generationConfig": {"responseJsonSchema": City},
            "tools": [get_weather, {"googleSearch": {}}],
        },
    )
    sent = wire(answering)
    assert sent["contents"] == [user({"text": "Name a city."})]
    assert sent["systemInstruction"] == {"parts": [{"text": "Answer in JSON."}]}
    assert sent["generationConfig"] == {
        "responseJsonSchema": {
            "title": "City",
            "type": "object",
            "properties": {"name": {"type": "string"}, "population": {"type": "integer"}},
            "required": ["name", "population"],
            "propertyOrdering": ["name", "population"],
        },
        "responseMimeType": "application/json",  # needed beside a schema; set when absent
    }
    declaration = sent["tools"][0]["functionDeclarations"][0]
    assert declaration["name"] == "get_weather"
    assert declaration["description"] == "Current weather."
    assert declaration["parametersJsonSchema"]["properties"]["city"] == {
        "type": "string",
        "description": "The city's name.",
    }
    assert sent["tools"][1] == {"googleSearch": {}}


def test_inside_a_struct_body_types_become_schemas_and_the_struct_is_not_changed(
    sync_client, answering
):
    config = types.GenerationConfig(
        response_json_schema=list[Country], response_mime_type="application/json"
    )
    request = types.GenerateContentRequest(
        contents=[types.Content(role="user", parts=[types.Part(text="Two countries?")])],
        generation_config=config,
        tools=[
            types.Tool(
                function_declarations=[
                    types.FunctionDeclaration(name="lookup", parameters_json_schema=City)
                ]
            )
        ],
    )
    sync_client.models.generate_content("gemini-2.5-flash", body=request)
    sent = wire(answering)
    schema = sent["generationConfig"]["responseJsonSchema"]
    assert schema["type"] == "array" and schema["items"]["title"] == "Country"
    assert schema["items"]["properties"]["cities"]["items"]["title"] == "City"  # inlined
    assert "$defs" not in schema
    declared = sent["tools"][0]["functionDeclarations"][0]["parametersJsonSchema"]
    assert declared["title"] == "City"
    assert request.generation_config is config and config.response_json_schema == list[Country]


def test_count_tokens_of_a_nested_generate_request(sync_client, answering):
    sync_client.models.count_tokens(
        "gemini-2.5-flash",
        body={"generateContentRequest": {"model": "models/gemini-2.5-flash", "contents": "Hi"}},
    )
    assert wire(answering)["generateContentRequest"]["contents"] == [user({"text": "Hi"})]


def test_a_python_type_in_response_schema_is_refused_with_the_fix(sync_client, answering):
    with pytest.raises(
        errors.RequestValidationError, match="give a Python type as responseJsonSchema"
    ):
        sync_client.models.generate_content(
            "gemini-2.5-flash", body={"contents": "x", "generationConfig": {"responseSchema": City}}
        )
    assert answering.requests == []


def test_a_bad_shorthand_is_refused_before_sending(sync_client, answering):
    with pytest.raises(
        errors.RequestValidationError,
        match="body: expected the request .* or its contents: a string",
    ):
        sync_client.models.generate_content("gemini-2.5-flash", body=b"raw")  # type: ignore[arg-type]
    assert answering.requests == []


def test_the_async_client_takes_the_same_shorthands(answering):
    async def main() -> str | None:
        async with AsyncClient(api_key="k", base_url=answering.url) as client:
            response = await client.models.generate_content("gemini-2.5-flash", body=["a", "b"])
            return response.text

    assert asyncio.run(main()) == "ok"
    assert wire(answering) == {"contents": [user({"text": "a"}, {"text": "b"})]}

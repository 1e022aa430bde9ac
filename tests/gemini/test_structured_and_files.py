"""Structured output (a Python type as the schema, ``.parse(T)`` on the answer),
``client.files.upload`` and typed ``wait_operation``, against the emulator, sync and
async."""

from __future__ import annotations

import dataclasses
from typing import TypedDict

import msgspec
import pytest

from generativelanguage.runtime import errors
from generativelanguage.v1beta import AsyncClient, types
from tests.gemini.conftest import MODEL, run_async


class City(msgspec.Struct):
    name: str
    population: int


@dataclasses.dataclass
class Country:
    name: str
    capital: City


class Pet(TypedDict):
    name: str
    legs: int


PROMPT = "Describe the city Paris, home to 2100000 people."


def test_a_struct_as_schema_and_parse(client):
    response = client.models.generate_content(
        MODEL, body={"contents": PROMPT, "generationConfig": {"responseJsonSchema": City}}
    )
    assert response.parse(City) == City(name="Paris", population=2100000)


@pytest.mark.parametrize(
    ("tp", "expected"),
    [
        (Country, Country("Paris", City("people", 2100000))),  # the emulator's fill rules
        (list[City], [City("Paris", 2100000)]),
        (Pet, {"name": "Paris", "legs": 2100000}),
    ],
)
def test_dataclasses_containers_and_typed_dicts(client, tp, expected):
    config = types.GenerationConfig(response_json_schema=tp)
    response = client.models.generate_content(
        MODEL, body={"contents": PROMPT, "generationConfig": config}
    )
    assert response.parse(tp) == expected


def test_structured_output_in_a_chat(client):
    chat = client.chats.create(MODEL, config={"responseJsonSchema": City})
    assert chat.send_message(PROMPT).parse(City).name == "Paris"


def test_parse_says_what_went_wrong(client):
    plain = client.models.generate_content(MODEL, body="Just text.")
    with pytest.raises(errors.ResponseDecodeError, match="does not parse as City") as info:
        plain.parse(City)
    assert info.value.text == "Echo: Just text."
    with pytest.raises(errors.ResponseDecodeError, match="holds no text to parse as City"):
        types.GenerateContentResponse().parse(City)
    fenced = types.GenerateContentResponse(
        candidates=[
            types.Candidate(
                content=types.Content(
                    parts=[types.Part(text='```json\n{"name": "Oslo", "population": 1}\n```')]
                )
            )
        ]
    )
    assert fenced.parse(City) == City("Oslo", 1)


def test_structured_output_on_the_async_client(emu):
    async def scenario(client: AsyncClient) -> City:
        response = await client.models.generate_content(
            MODEL, body={"contents": PROMPT, "generationConfig": {"responseJsonSchema": City}}
        )
        return response.parse(City)

    assert run_async(emu, scenario) == City("Paris", 2100000)


# -- files.upload ------------------------------------------------------------------------

NOTES = b"The meeting moved to Thursday at ten in room four."


def test_upload_then_use_the_file_in_a_prompt(client, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(NOTES)
    file = client.files.upload(path, display_name="notes")
    assert isinstance(file, types.File)
    assert (file.mime_type, file.size_bytes, file.display_name) == (
        "text/plain",
        len(NOTES),
        "notes",
    )
    answer = client.models.generate_content(MODEL, body=[file, "Summarise the notes."])
    assert '[file "notes" (text/plain, 50 bytes): "The meeting moved' in (answer.text or "")
    assert client.files.get(file.name or "").uri == file.uri


def test_upload_bytes_on_the_async_client(emu):
    async def scenario(client: AsyncClient) -> tuple[types.File, str | None]:
        file = await client.files.upload(NOTES, mime_type="text/plain")
        answer = await client.models.generate_content(MODEL, body=["Read this:", file])
        return file, answer.text

    file, text = run_async(emu, scenario)
    assert file.name and file.name.startswith("files/")
    assert "(text/plain, 50 bytes)" in (text or "")


# -- typed waits -------------------------------------------------------------------------

TUNING = {
    "displayName": "successor",
    "baseModel": "models/gemini-1.5-flash-001-tuning",
    "tuningTask": {"trainingData": {"examples": {"examples": [{"textInput": "1", "output": "2"}]}}},
}


def test_wait_operation_returns_the_typed_response(client):
    operation = client.tuned_models.create(body=TUNING)
    tuned = client.wait_operation(operation, types.TunedModel, timeout=30)
    assert isinstance(tuned, types.TunedModel) and tuned.state == "ACTIVE"
    again = client.wait_operation(operation.name or "", timeout=30)
    assert isinstance(again, types.Operation) and again.done


def test_wait_operation_refuses_another_response_type(client):
    operation = client.tuned_models.create(body=TUNING)
    with pytest.raises(errors.ResponseDecodeError, match="holds a TunedModel, not a File"):
        client.wait_operation(operation, types.File, timeout=30)


def test_async_wait_operation_typed(emu):
    async def scenario(client: AsyncClient) -> types.TunedModel:
        operation = await client.tuned_models.create(body=TUNING)
        return await client.wait_operation(operation, types.TunedModel, timeout=30)

    assert run_async(emu, scenario).state == "ACTIVE"

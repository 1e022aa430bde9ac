"""Structs and request bodies (pure): dict bodies with wire or attribute names, errors
that name the path of the bad element, free-form values passed through untouched,
bytes and int64 on the wire, lenient decoding, omission of unset fields."""

from __future__ import annotations

import base64
import json

import pytest

from generativelanguage.runtime import structs
from generativelanguage.runtime.errors import RequestValidationError, ResponseDecodeError
from generativelanguage.v1beta import types


def wire(body) -> dict:
    """The JSON the transport would send for ``body`` as a GenerateContentRequest."""
    return json.loads(structs.encode_body(types.GenerateContentRequest, body))


# -- names -----------------------------------------------------------------------------


def test_wire_and_attribute_names_mixed():
    body = {
        "contents": [
            {
                "role": "user",
                "parts": [
                    {"text": "hi"},
                    {
                        "inline_data": {
                            "mime_type": "image/png",
                            "data": base64.b64encode(b"\x89PNG").decode(),
                        }
                    },
                ],
            }
        ],
        "generation_config": {"maxOutputTokens": 5, "temperature": 0, "stop_sequences": ["x"]},
        "systemInstruction": {"parts": [{"text": "be brief"}]},
        "safety_settings": [{"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_NONE"}],
    }
    assert wire(body) == {
        "contents": [
            {
                "role": "user",
                "parts": [
                    {"text": "hi"},
                    {"inlineData": {"mimeType": "image/png", "data": "iVBORw=="}},
                ],
            }
        ],
        "generationConfig": {"maxOutputTokens": 5, "temperature": 0.0, "stopSequences": ["x"]},
        "systemInstruction": {"parts": [{"text": "be brief"}]},
        "safetySettings": [{"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_NONE"}],
    }


def test_structs_and_dicts_mixed():
    body = {"contents": [types.Content(parts=[types.Part(text="a")]), {"parts": [{"text": "b"}]}]}
    assert wire(body) == {"contents": [{"parts": [{"text": "a"}]}, {"parts": [{"text": "b"}]}]}


def test_unknown_key_names_the_key_and_its_path():
    body = {"contents": [{"parts": [{"txt": "hi"}]}]}
    with pytest.raises(RequestValidationError) as info:
        wire(body)
    message = str(info.value)
    assert message.startswith("body.contents[0].parts[0]: unknown field 'txt'")
    assert "did you mean 'text'?" in message
    assert info.value.path == "body.contents[0].parts[0].txt"


def test_unknown_top_level_key():
    with pytest.raises(RequestValidationError) as info:
        wire({"contents": [], "generationConfg": {}})
    assert info.value.path == "body.generationConfg"
    assert "generationConfig" in str(info.value)


def test_unknown_key_inside_a_map_value():
    body = {
        "generationConfig": {
            "responseSchema": {"type": "OBJECT", "properties": {"a": {"typ": "STRING"}}}
        }
    }
    with pytest.raises(RequestValidationError) as info:
        wire(body)
    assert "body.generationConfig.responseSchema.properties['a']" in str(info.value)
    assert "'typ'" in str(info.value)


@pytest.mark.parametrize(
    "body",
    [
        {"generationConfig": {}, "generation_config": {}},
        {"contents": [{"parts": [{"inlineData": {}, "inline_data": {}}]}]},
        {"contents": [{"parts": [{"inline_data": {"mimeType": "a", "mime_type": "b"}}]}]},
    ],
)
def test_key_given_twice_in_two_spellings_is_refused(body):
    with pytest.raises(RequestValidationError, match="given twice"):
        wire(body)


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"contents": [{"parts": [{"text": 5}]}]}, "body.contents[0].parts[0].text"),
        ({"generationConfig": {"temperature": "hot"}}, "body.generationConfig.temperature"),
        ({"contents": [{"parts": "hi"}]}, "body.contents[0].parts[0]"),
        (
            {"contents": [{"parts": [{"inlineData": {"data": "***"}}]}]},
            "body.contents[0].parts[0].inlineData.data",
        ),
    ],
)
def test_wrong_type_names_the_field_path(body, path):
    with pytest.raises(RequestValidationError) as info:
        wire(body)
    assert info.value.path == path
    assert str(info.value).startswith(path + ":")


def test_body_of_the_wrong_kind():
    with pytest.raises(RequestValidationError, match="expected GenerateContentRequest"):
        wire(types.Content(parts=[]))
    with pytest.raises(RequestValidationError, match="got list"):
        wire([{"contents": []}])


def test_lone_value_for_a_repeated_field_is_one_element():
    assert wire({"contents": {"parts": {"text": "x"}}}) == {
        "contents": [{"parts": [{"text": "x"}]}]
    }


# -- free-form values pass through -----------------------------------------------------


def test_function_call_args_are_not_renamed():
    args = {"my_field": 1, "inlineData": "not a blob", "nested": {"snake_case": [1, {"a_b": 2}]}}
    body = {
        "contents": [{"role": "model", "parts": [{"function_call": {"name": "f", "args": args}}]}]
    }
    assert wire(body)["contents"][0]["parts"][0] == {"functionCall": {"name": "f", "args": args}}


def test_function_response_and_json_schemas_pass_through():
    schema = {
        "type": "object",
        "properties": {"my_field": {"type": "string"}, "max_length": {"type": "integer"}},
        "required": ["my_field"],
        "additionalProperties": False,
        "$defs": {"x_y": {"type": "null"}},
    }
    body = {
        "contents": [
            {"parts": [{"functionResponse": {"name": "f", "response": {"out_put": {"k_v": 1}}}}]}
        ],
        "generationConfig": {"responseMimeType": "application/json", "responseJsonSchema": schema},
        "tools": [{"functionDeclarations": [{"name": "f", "parametersJsonSchema": schema}]}],
    }
    sent = wire(body)
    assert sent["contents"][0]["parts"][0]["functionResponse"]["response"] == {
        "out_put": {"k_v": 1}
    }
    assert sent["generationConfig"]["responseJsonSchema"] == schema
    assert sent["tools"][0]["functionDeclarations"][0]["parametersJsonSchema"] == schema


def test_schema_property_names_are_kept_and_their_schemas_renamed():
    body = {
        "generationConfig": {
            "response_schema": {
                "type": "OBJECT",
                "properties": {
                    "my_field": {"type": "STRING", "max_length": 5},
                    "maxLength": {"type": "INTEGER"},
                    "list_of": {"type": "ARRAY", "items": {"type": "STRING", "min_length": 1}},
                },
                "property_ordering": ["my_field", "maxLength", "list_of"],
            }
        }
    }
    assert wire(body)["generationConfig"]["responseSchema"] == {
        "type": "OBJECT",
        "properties": {
            "my_field": {"type": "STRING", "maxLength": 5},
            "maxLength": {"type": "INTEGER"},
            "list_of": {"type": "ARRAY", "items": {"type": "STRING", "minLength": 1}},
        },
        "propertyOrdering": ["my_field", "maxLength", "list_of"],
    }


# -- bytes -----------------------------------------------------------------------------

SIGNATURE = bytes(range(256)) * 3


def test_thought_signature_survives_decode_and_reencode():
    text = base64.b64encode(SIGNATURE).decode()
    raw = json.dumps(
        {"candidates": [{"content": {"parts": [{"text": "t", "thoughtSignature": text}]}}]}
    )
    response = structs.decode(types.GenerateContentResponse, raw)
    part = response.candidates[0].content.parts[0]
    assert part.thought_signature == SIGNATURE
    # Sent back in the next turn: the same standard base64 text.
    sent = wire({"contents": [response.candidates[0].content]})
    assert sent["contents"][0]["parts"][0]["thoughtSignature"] == text
    assert json.loads(structs.encode(response)) == json.loads(raw)


@pytest.mark.parametrize(
    "text",
    [
        base64.urlsafe_b64encode(SIGNATURE).decode(),
        base64.urlsafe_b64encode(SIGNATURE).decode().rstrip("="),
        base64.b64encode(b"\xfb\xff\xfe\x01").decode().rstrip("="),
    ],
    ids=["urlsafe", "urlsafe-unpadded", "unpadded"],
)
def test_url_safe_or_unpadded_base64_is_repaired(text):
    expected = base64.urlsafe_b64decode(
        text.replace("+", "-").replace("/", "_") + "==="[: (-len(text)) % 4]
    )
    raw = json.dumps(
        {"candidates": [{"content": {"parts": [{"thoughtSignature": text}, {"text": "x"}]}}]}
    )
    part = structs.decode(types.GenerateContentResponse, raw).candidates[0].content.parts[0]
    assert part.thought_signature == expected
    # Re-encoded in the standard padded alphabet.
    assert (
        json.loads(structs.encode(part))["thoughtSignature"] == base64.b64encode(expected).decode()
    )
    # The same repair applies to a dict request body.
    sent = wire({"contents": [{"parts": [{"thoughtSignature": text}]}]})
    assert (
        sent["contents"][0]["parts"][0]["thoughtSignature"] == base64.b64encode(expected).decode()
    )


def test_two_repaired_values_in_one_response():
    a = base64.urlsafe_b64encode(b"\xfb\xff\x00").decode().rstrip("=")
    b = base64.urlsafe_b64encode(b"\xfe\xfd").decode().rstrip("=")
    raw = json.dumps(
        {"candidates": [{"content": {"parts": [{"thoughtSignature": a}, {"thoughtSignature": b}]}}]}
    )
    parts = structs.decode(types.GenerateContentResponse, raw).candidates[0].content.parts
    assert [p.thought_signature for p in parts] == [b"\xfb\xff\x00", b"\xfe\xfd"]


def test_bytes_that_are_not_base64_in_any_alphabet():
    raw = '{"candidates": [{"content": {"parts": [{"thoughtSignature": "not base64!"}]}}]}'
    with pytest.raises(ResponseDecodeError) as info:
        structs.decode(types.GenerateContentResponse, raw)
    assert info.value.text == raw
    assert "thoughtSignature" in str(info.value)


# -- numbers, unknowns, omission -------------------------------------------------------


def test_int64_strings_decode_to_int():
    file = structs.decode(types.File, '{"name": "files/a", "sizeBytes": "9007199254740993"}')
    assert file.size_bytes == 9007199254740993
    assert structs.decode(types.File, '{"sizeBytes": 12}').size_bytes == 12
    stats = structs.decode(types.BatchStats, '{"requestCount": "3", "pendingRequestCount": "0"}')
    assert (stats.request_count, stats.pending_request_count) == (3, 0)


def test_unknown_fields_and_enum_values_decode():
    raw = {
        "candidates": [
            {
                "finishReason": "SOME_REASON_FROM_2030",
                "brandNewField": {"deep": [1, 2]},
                "content": {"parts": [{"text": "x", "futurePart": True}], "role": "model"},
            }
        ],
        "topLevelNovelty": 1,
        "usageMetadata": {"promptTokenCount": 1, "newCounter": 9},
    }
    response = structs.decode(types.GenerateContentResponse, json.dumps(raw))
    assert response.candidates[0].finish_reason == "SOME_REASON_FROM_2030"
    assert response.candidates[0].content.parts[0].text == "x"
    assert response.usage_metadata.prompt_token_count == 1


def test_wrong_type_in_a_response_raises_decode_error_with_the_text():
    raw = '{"candidates": [{"content": {"parts": "nope"}}]}'
    with pytest.raises(ResponseDecodeError) as info:
        structs.decode(types.GenerateContentResponse, raw)
    assert info.value.text == raw
    assert "GenerateContentResponse" in str(info.value)
    assert "$.candidates[0].content.parts" in str(info.value)


def test_encoding_omits_unset_fields_and_keeps_falsy_set_ones():
    request = types.GenerateContentRequest(
        contents=[types.Content(parts=[types.Part(text="")])],
        generation_config=types.GenerationConfig(temperature=0.0, candidate_count=0),
    )
    assert json.loads(structs.encode(request)) == {
        "contents": [{"parts": [{"text": ""}]}],
        "generationConfig": {"temperature": 0.0, "candidateCount": 0},
    }
    assert structs.encode(types.GenerateContentRequest()) == b"{}"
    assert wire({"contents": [{"parts": [{"text": "a", "thought": None}]}]}) == {
        "contents": [{"parts": [{"text": "a"}]}]
    }


# -- union fields (x-union): the walk goes by the value's JSON kind --------------------


def test_union_field_takes_each_member_and_checks_keys_inside() -> None:
    cls = types.CreateInteractionRequest
    for value in ("hi", [{"type": "text", "text": "a"}], {"type": "text", "text": "b"}):
        assert (
            json.loads(structs.encode_body(cls, {"model": "m", "input": value}))["input"] == value
        )
    parsed = structs.to_struct(cls, {"input": {"type": "text", "text": "b"}})
    assert parsed.input == types.InteractionContent(type="text", text="b")
    for value, where in (([{"txt": "a"}], "body.input[0]"), ({"txt": "b"}, "body.input")):
        with pytest.raises(RequestValidationError, match="unknown field 'txt'") as info:
            structs.encode_body(cls, {"model": "m", "input": value})
        assert info.value.path == f"{where}.txt"


def test_snake_case_wire_bodies_take_the_fast_path() -> None:
    cls = types.CreateInteractionRequest
    structs._twin_misses.pop(cls, None)
    body = {"model": "m", "input": "x", "generation_config": {"max_output_tokens": 5}}
    assert json.loads(structs.encode_body(cls, body)) == body
    assert structs._twin_misses.get(cls, 0) == 0

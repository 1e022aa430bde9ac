"""The emulated model, through the generated client: the documented answer rules."""

from __future__ import annotations

import base64
import json
import math

import pytest

from generativelanguage.runtime import errors
from generativelanguage.v1beta import types
from tests.emulator.conftest import text_of, user

MODEL = "gemini-2.5-flash"


def test_text_answer_echoes_the_prompt_with_usage(client):
    response = client.models.generate_content(
        MODEL, body={"contents": [user("Write a haiku about msgspec.")]}
    )
    assert isinstance(response, types.GenerateContentResponse)
    assert text_of(response) == "Echo: Write a haiku about msgspec."
    cand = response.candidates[0]
    assert cand.finish_reason == "STOP" and cand.index == 0 and cand.content.role == "model"
    usage = response.usage_metadata
    assert usage.prompt_token_count == 5
    assert usage.candidates_token_count == 6
    assert usage.total_token_count == 5 + 6 + usage.thoughts_token_count
    assert usage.prompt_tokens_details[0].modality == "TEXT"
    assert response.model_version == MODEL
    assert response.response_id


def test_answers_are_deterministic(client):
    body = {"contents": [user("Same question")]}
    first = client.models.generate_content(MODEL, body=body)
    assert client.models.generate_content(MODEL, body=body) == first


def test_snake_case_and_struct_bodies_are_accepted(client):
    body = types.GenerateContentRequest(
        contents=[types.Content(role="user", parts=[types.Part(text="hello")])],
        generation_config=types.GenerationConfig(max_output_tokens=50),
    )
    assert text_of(client.models.generate_content(MODEL, body=body)) == "Echo: hello"
    snake = {"contents": [user("hi")], "generation_config": {"max_output_tokens": 5}}
    assert text_of(client.models.generate_content(MODEL, body=snake)) == "Echo: hi"


def test_max_output_tokens_truncates_with_max_tokens(client):
    response = client.models.generate_content(
        MODEL,
        body={
            "contents": [user("one two three four five six")],
            "generationConfig": {"maxOutputTokens": 3},
        },
    )
    assert text_of(response) == "Echo: one two"
    assert response.candidates[0].finish_reason == "MAX_TOKENS"
    assert response.usage_metadata.candidates_token_count == 3


def test_stop_sequences_and_candidate_count(client):
    response = client.models.generate_content(
        MODEL,
        body={
            "contents": [user("alpha beta STOP gamma")],
            "generationConfig": {"stopSequences": ["STOP"], "candidateCount": 2},
        },
    )
    assert [c.index for c in response.candidates] == [0, 1]
    assert response.candidates[0].content.parts[0].text == "Echo: alpha beta"
    assert response.candidates[1].content.parts[0].text == "Echo: alpha beta"


def test_stream_has_several_chunks_that_add_up(client):
    body = {"contents": [user("Count from one to ten slowly please")]}
    whole = client.models.generate_content(MODEL, body=body)
    with client.models.stream_generate_content(MODEL, body=body) as stream:
        chunks = list(stream)
    assert len(chunks) >= 3
    assert "".join(text_of(c) for c in chunks) == text_of(whole)
    assert all(c.candidates[0].finish_reason is None for c in chunks[:-1])
    assert chunks[-1].candidates[0].finish_reason == "STOP"
    counts = [c.usage_metadata.candidates_token_count or 0 for c in chunks]
    assert counts == sorted(counts) and counts[-1] == whole.usage_metadata.candidates_token_count
    assert {c.response_id for c in chunks} == {whole.response_id}


def test_sse_framing_on_the_wire(emu):
    import httpx

    response = httpx.post(
        f"{emu.url}/v1beta/models/{MODEL}:streamGenerateContent",
        params={"alt": "sse"},
        json={"contents": [user("a b c d e f")]},
    )
    assert response.headers["content-type"] == "text/event-stream"
    assert response.headers["transfer-encoding"] == "chunked"
    events = response.text.split("\r\n\r\n")
    assert events[-1] == "" and len(events) >= 4
    assert all(e.startswith("data: {") for e in events[:-1])
    # Without alt=sse the service streams a JSON array of the same chunks.
    array = httpx.post(
        f"{emu.url}/v1beta/models/{MODEL}:streamGenerateContent",
        json={"contents": [user("a b c d e f")]},
    ).json()
    assert [json.loads(e[6:]) for e in events[:-1]] == array


def test_chat_history_is_used(client):
    history = [user("My name is Ada.")]
    first = client.models.generate_content(MODEL, body={"contents": history})
    history += [first.candidates[0].content, user("What is my name?")]
    second = client.models.generate_content(MODEL, body={"contents": history})
    assert text_of(second) == 'Echo: What is my name? (turn 2; earlier you said: "My name is Ada.")'
    assert second.usage_metadata.prompt_token_count > first.usage_metadata.prompt_token_count


WEATHER = {
    "name": "get_weather",
    "description": "Weather of a city",
    "parameters": {
        "type": "OBJECT",
        "properties": {
            "city": {"type": "STRING"},
            "days": {"type": "INTEGER"},
            "unit": {"type": "STRING", "enum": ["celsius", "fahrenheit"]},
        },
    },
}


def test_function_call_when_the_prompt_names_the_function(client):
    body = {
        "contents": [user("Please get_weather for Paris over 3 days in fahrenheit.")],
        "tools": [{"functionDeclarations": [WEATHER]}],
    }
    response = client.models.generate_content(MODEL, body=body)
    part = response.candidates[0].content.parts[0]
    assert part.function_call.name == "get_weather"
    assert part.function_call.args == {"city": "Paris", "days": 3, "unit": "fahrenheit"}
    assert part.thought_signature  # thinking models sign their function calls
    assert response.candidates[0].finish_reason == "STOP"


def test_function_call_on_call_or_mode_any_and_not_on_mode_none(client):
    tools = [{"functionDeclarations": [WEATHER]}]
    called = client.models.generate_content(
        "gemini-2.0-flash", body={"contents": [user("call the tool for Rome")], "tools": tools}
    )
    call = called.candidates[0].content.parts[0].function_call
    assert call.name == "get_weather" and call.args["city"] == "Rome"
    assert called.candidates[0].content.parts[0].thought_signature is None
    plain = client.models.generate_content(
        MODEL, body={"contents": [user("Tell me about Rome")], "tools": tools}
    )
    assert text_of(plain).startswith("Echo:")
    forced = client.models.generate_content(
        MODEL,
        body={
            "contents": [user("Tell me about Rome")],
            "tools": tools,
            "toolConfig": {"functionCallingConfig": {"mode": "ANY"}},
        },
    )
    assert forced.candidates[0].content.parts[0].function_call.name == "get_weather"
    none = client.models.generate_content(
        MODEL,
        body={
            "contents": [user("get_weather for Rome")],
            "tools": tools,
            "toolConfig": {"functionCallingConfig": {"mode": "NONE"}},
        },
    )
    assert text_of(none).startswith("Echo:")


def test_function_response_turn_is_answered_with_text(client):
    tools = [{"functionDeclarations": [WEATHER]}]
    contents = [user("get_weather for Oslo")]
    first = client.models.generate_content(MODEL, body={"contents": contents, "tools": tools})
    contents.append(first.candidates[0].content)
    result = {"temperature": -3, "sky": "snow"}
    contents.append(
        {
            "role": "user",
            "parts": [{"functionResponse": {"name": "get_weather", "response": result}}],
        }
    )
    final = client.models.generate_content(MODEL, body={"contents": contents, "tools": tools})
    assert text_of(final) == 'Result of get_weather: {"temperature": -3, "sky": "snow"}.'


def test_json_mode_follows_the_schema(client):
    schema = {
        "type": "OBJECT",
        "properties": {
            "name": {"type": "STRING"},
            "age": {"type": "INTEGER"},
            "tags": {"type": "ARRAY", "items": {"type": "STRING"}},
        },
    }
    response = client.models.generate_content(
        MODEL,
        body={
            "contents": [user("Describe Alice who is 30")],
            "generationConfig": {"responseMimeType": "application/json", "responseSchema": schema},
        },
    )
    value = json.loads(text_of(response))
    assert value == {"name": "Alice", "age": 30, "tags": ["30"]} or set(value) == {
        "name",
        "age",
        "tags",
    }
    assert isinstance(value["age"], int) and isinstance(value["tags"], list)


def test_thoughts_are_returned_when_asked(client):
    response = client.models.generate_content(
        MODEL,
        body={
            "contents": [user("Think first")],
            "generationConfig": {"thinkingConfig": {"includeThoughts": True}},
        },
    )
    parts = response.candidates[0].content.parts
    assert parts[0].thought is True and parts[1].text == "Echo: Think first"
    no_thinking = client.models.generate_content(
        MODEL,
        body={
            "contents": [user("Think first")],
            "generationConfig": {"thinkingConfig": {"thinkingBudget": 0}},
        },
    )
    assert no_thinking.usage_metadata.thoughts_token_count is None


def test_count_tokens_agrees_with_usage_metadata(client):
    body = {
        "contents": [user("The quick brown fox jumps over the lazy dog.")],
        "systemInstruction": {"parts": [{"text": "Be terse."}]},
        "tools": [{"functionDeclarations": [WEATHER]}],
    }
    counted = client.models.count_tokens(MODEL, body={"generateContentRequest": body})
    generated = client.models.generate_content(MODEL, body=body)
    assert counted.total_tokens == generated.usage_metadata.prompt_token_count
    only = client.models.count_tokens(MODEL, body={"contents": body["contents"]})
    assert only.total_tokens == 9
    assert only.prompt_tokens_details[0].token_count == 9


def test_inline_data_counts_as_media(client):
    data = base64.b64encode(b"\x89PNG fake").decode()
    body = {
        "contents": [
            {
                "parts": [
                    {"text": "what is it"},
                    {"inlineData": {"mimeType": "image/png", "data": data}},
                ]
            }
        ]
    }
    counted = client.models.count_tokens(MODEL, body=body)
    assert counted.total_tokens == 3 + 258
    assert {d.modality for d in counted.prompt_tokens_details} == {"TEXT", "IMAGE"}
    assert "[inline image/png, 9 bytes]" in text_of(
        client.models.generate_content(MODEL, body=body)
    )


def test_embeddings_are_deterministic_unit_vectors(client):
    model = "models/gemini-embedding-001"
    one = client.models.embed_content(model, body={"content": {"parts": [{"text": "hello world"}]}})
    values = one.embedding.values
    assert len(values) == 768
    assert math.isclose(sum(v * v for v in values), 1.0, rel_tol=1e-9)
    again = client.models.embed_content(
        model, body={"content": {"parts": [{"text": "hello world"}]}}
    )
    assert again.embedding.values == values
    short = client.models.embed_content(
        model, body={"content": {"parts": [{"text": "hello world"}]}, "outputDimensionality": 128}
    )
    assert len(short.embedding.values) == 128
    batch = client.models.batch_embed_contents(
        model,
        body={
            "requests": [
                {"model": model, "content": {"parts": [{"text": t}]}}
                for t in ("hello world", "hello there", "stock prices")
            ]
        },
    )
    vecs = [e.values for e in batch.embeddings]
    assert vecs[0] == values

    def cos(a, b):
        return sum(x * y for x, y in zip(a, b, strict=True))

    assert cos(vecs[0], vecs[1]) > cos(vecs[0], vecs[2])
    with pytest.raises(errors.InvalidArgument, match="at most 100 requests"):
        client.models.batch_embed_contents(
            model,
            body={"requests": [{"content": {"parts": [{"text": "x"}]}}] * 101},
        )


def test_unknown_or_unsupported_model_is_not_found(client):
    with pytest.raises(errors.NotFound, match="not found for API version v1beta"):
        client.models.count_tokens("nonexistent-model", body={"contents": [user("x")]})
    with pytest.raises(errors.NotFound, match="not supported for embedContent"):
        client.models.embed_content(MODEL, body={"content": {"parts": [{"text": "x"}]}})
    # A name outside the catalogue but in a known family is served.
    response = client.models.generate_content("gemini-9-ultra", body={"contents": [user("x")]})
    assert text_of(response) == "Echo: x"


def test_legacy_palm_methods(client):
    text = client.models.generate_text(
        "text-bison-001", body={"prompt": {"text": "Write a story"}, "maxOutputTokens": 2}
    )
    assert text.candidates[0].output == "Echo: Write"
    assert text.candidates[0].safety_ratings[0].probability == "NEGLIGIBLE"
    message = client.models.generate_message(
        "chat-bison-001", body={"prompt": {"messages": [{"content": "hi"}]}}
    )
    assert message.candidates[0].author == "1" and message.candidates[0].content == "Echo: hi"
    assert message.messages[0].author == "0"
    embedded = client.models.embed_text("embedding-gecko-001", body={"text": "say something"})
    assert len(embedded.embedding.value) == 768
    batch = client.models.batch_embed_text(
        "embedding-gecko-001", body={"texts": ["a", "b"], "requests": [{"text": "c"}]}
    )
    assert len(batch.embeddings) == 3
    assert (
        client.models.count_text_tokens(
            "text-bison-001", body={"prompt": {"text": "a b c"}}
        ).token_count
        == 3
    )
    counted = client.models.count_message_tokens(
        "chat-bison-001",
        body={"prompt": {"messages": [{"content": "How many tokens?"}, {"content": "Two more"}]}},
    )
    assert counted.token_count == 5
    answer = client.models.generate_answer(
        "aqa",
        body={
            "contents": [user("What colour is the sky?")],
            "answerStyle": "ABSTRACTIVE",
            "inlinePassages": {
                "passages": [
                    {"id": "p1", "content": {"parts": [{"text": "Grass is green."}]}},
                    {"id": "p2", "content": {"parts": [{"text": "The sky is blue."}]}},
                ]
            },
        },
    )
    assert answer.answer.content.parts[0].text == "The sky is blue."
    assert answer.answer.grounding_attributions[0].source_id.grounding_passage.passage_id == "p2"
    assert 0 < answer.answerable_probability <= 1


def test_predict_returns_images(client):
    response = client.models.predict(
        "imagen-4.0-generate-001",
        body={"instances": [{"prompt": "a cat"}], "parameters": {"sampleCount": 2}},
    )
    assert len(response.predictions) == 2
    assert base64.b64decode(response.predictions[0]["bytesBase64Encoded"]).startswith(b"\x89PNG")


def test_v1_surface_is_served_too(emu):
    from generativelanguage.v1 import Client as V1Client
    from tests.emulator.conftest import KEY

    with V1Client(api_key=KEY, base_url=emu.url) as v1:
        response = v1.models.generate_content(MODEL, body={"contents": [user("from v1")]})
        assert text_of(response) == "Echo: from v1"
        assert v1.models.get("gemini-2.5-flash").name == "models/gemini-2.5-flash"
        with pytest.raises(errors.NotFound, match="API version v1,"):
            v1.models.count_tokens("nonexistent", body={"contents": [user("x")]})


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 8, 12, 13, 40])
def test_stream_chunking_keeps_every_word_in_at_least_three_small_chunks(n):
    from generativelanguage.emulator.model import MAX_CHUNK_WORDS, chunk_sizes

    sizes = chunk_sizes(n)
    assert sum(sizes) == n
    assert len(sizes) >= min(3, n)
    assert all(1 <= s <= MAX_CHUNK_WORDS for s in sizes)

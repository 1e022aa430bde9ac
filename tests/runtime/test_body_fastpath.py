"""The strict-twin fast path for dict bodies gives exactly what the checked walk gives."""

from __future__ import annotations

import msgspec
import pytest

from generativelanguage.runtime import errors, structs
from generativelanguage.v1beta import types
from tests.support import discovery as d
from tests.support import recorded

G = types.GenerateContentRequest


def _walk_path(cls, body) -> bytes:
    return structs.encode(structs.to_struct(cls, body))


def test_recorded_request_bodies_encode_the_same_on_both_paths():
    doc = d.pinned("v1beta")
    checked = 0
    for row in recorded.rows():
        found = recorded.find_method(doc, row["rpc"])
        body = row["request_body"]
        if found is None or not isinstance(body, dict) or "request" not in found[2]:
            continue
        cls = getattr(types, found[2]["request"]["$ref"])
        try:
            expected = _walk_path(cls, body)
        except errors.RequestValidationError:
            with pytest.raises(errors.RequestValidationError):
                structs.encode_body(cls, body)
            continue
        assert structs.encode_body(cls, body) == expected
        checked += 1
    assert checked > 900


def test_a_wire_spelled_dict_takes_the_fast_path_and_matches(monkeypatch):
    body = {
        "contents": [
            {"parts": [{"text": "hi"}, {"inlineData": {"data": "AAE=", "mimeType": "x/y"}}]}
        ],
        "generationConfig": {
            "responseSchema": {"type": "OBJECT", "properties": {"my_key": {"type": "STRING"}}}
        },
    }
    monkeypatch.setattr(structs, "_twin_misses", {})
    calls = []
    monkeypatch.setattr(structs, "to_struct", lambda *a: calls.append(a))
    out = structs.encode_body(G, body)
    assert calls == []  # the walk was not needed
    monkeypatch.undo()
    assert out == _walk_path(G, body)
    assert b'"my_key"' in out  # free-form map keys untouched


@pytest.mark.parametrize(
    "body",
    [
        {"contents": [{"parts": [{"txt": "typo"}]}]},  # unknown nested key
        {"contents": [{"parts": [{"text": 5}]}]},  # wrong type
    ],
)
def test_bad_wire_spelled_dicts_are_still_refused_with_a_path(body):
    with pytest.raises(errors.RequestValidationError, match=r"body\.contents\[0\]\.parts\[0\]"):
        structs.encode_body(G, body)


def test_the_twin_encodes_like_the_real_struct():
    struct = types.GenerateContentRequest(
        contents=[types.Content(parts=[types.Part(thought_signature=b"\x00\xff", text="t")])],
        cached_content="cachedContents/x",
    )
    plain = msgspec.json.decode(msgspec.json.encode(struct))
    assert structs.encode_body(G, plain) == msgspec.json.encode(struct)


def test_after_a_few_misses_the_fast_path_is_tried_only_now_and_then(monkeypatch):
    monkeypatch.setattr(structs, "_twin_misses", {})
    attempts = []
    real = structs._twin

    def counting(cls):
        attempts.append(cls)
        return real(cls)

    monkeypatch.setattr(structs, "_twin", counting)
    mixed = {
        "contents": [{"parts": [{"text": "x"}]}],
        "tools": [{"functionDeclarations": [{"name": "f", "parameters_json_schema": {}}]}],
    }
    expected = _walk_path(G, mixed)
    for _ in range(40):
        assert structs.encode_body(G, mixed) == expected  # same bytes either way
    # Tried at 0, 1 and 2 earlier misses, then once more at the 32nd.
    assert len(attempts) == structs._MISSES_BEFORE_BACKOFF + 1
    wire = {"contents": [{"parts": [{"text": "x"}]}]}
    for _ in range(40):
        structs.encode_body(G, wire)
    assert structs._twin_misses[G] == 0  # a body the fast path takes resets the back-off

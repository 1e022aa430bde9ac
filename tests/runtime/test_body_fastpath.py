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

"""``Part`` constructors and ``Content.text``, in both API versions."""

from __future__ import annotations

import json

import pytest

from generativelanguage.runtime import structs
from generativelanguage.v1 import types as v1
from generativelanguage.v1beta import types


def wire(value: object) -> dict:
    return json.loads(structs.encode(value))


def test_from_text():
    assert wire(types.Part.from_text("hi")) == {"text": "hi"}
    assert isinstance(v1.Part.from_text("hi"), v1.Part)
    with pytest.raises(TypeError, match="text: expected str"):
        types.Part.from_text(b"hi")  # type: ignore[arg-type]


def test_from_bytes_travels_as_base64():
    part = types.Part.from_bytes(b"\x89PNG\x00", mime_type="image/png")
    assert part.inline_data == types.Blob(data=b"\x89PNG\x00", mime_type="image/png")
    assert wire(part) == {"inlineData": {"data": "iVBORwA=", "mimeType": "image/png"}}
    assert v1.Part.from_bytes(b"x", mime_type="text/plain").inline_data == v1.Blob(
        data=b"x", mime_type="text/plain"
    )


def test_from_uri_guesses_the_type_from_the_extension():
    assert wire(types.Part.from_uri("gs://bucket/report.pdf")) == {
        "fileData": {"fileUri": "gs://bucket/report.pdf", "mimeType": "application/pdf"}
    }
    assert wire(types.Part.from_uri("https://youtu.be/x")) == {
        "fileData": {"fileUri": "https://youtu.be/x"}
    }
    assert types.Part.from_uri("files/a", mime_type="audio/mpeg").file_data == types.FileData(
        file_uri="files/a", mime_type="audio/mpeg"
    )


def test_a_field_the_version_lacks_is_an_error_not_a_silent_drop():
    with pytest.raises(TypeError, match="Part of API version v1 has no field fileData"):
        v1.Part.from_uri("gs://b/x.pdf")


def test_from_function_response():
    part = types.Part.from_function_response("f", {"result": 1}, id="c1")
    assert wire(part) == {"functionResponse": {"id": "c1", "name": "f", "response": {"result": 1}}}


def test_content_text_joins_text_parts_without_thoughts():
    content = types.Content(
        parts=[
            types.Part(text="thinking", thought=True),
            types.Part(text="Hel"),
            types.Part(inline_data=types.Blob(data=b"x", mime_type="image/png")),
            types.Part(text="lo"),
        ]
    )
    assert content.text == "Hello"
    assert types.Content().text is None

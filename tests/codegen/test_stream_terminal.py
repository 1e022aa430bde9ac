"""``x-stream-terminal`` (a method trait from the extension documents): wire-name paths into
the response, checked against the schemas and turned into the attribute paths of
``MethodSpec.stream_terminal``; and the real pinned documents carry it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.codegen.test_build import STRING, array, method, obj, path_param, ref, with_method

SCHEMAS = {
    "Req": obj(prompt=STRING),
    "Chunk": obj(
        candidates=array(ref("Candidate")),
        promptFeedback=obj(blockReason=STRING),
        str=STRING,
    ),
    "Candidate": obj(finishReason=STRING, content=obj(parts=array(obj(text=STRING)))),
}


def stream(terminal: Any, name: str = "streamIt") -> dict[str, Any]:
    return method(
        f"api.things.{name}",
        "v1/{+thing}:" + name,
        "POST",
        {"thing": path_param()},
        ["thing"],
        request="Req",
        response="Chunk",
        **{"x-stream-terminal": terminal},
    )


def test_wire_paths_become_attribute_paths():
    version = with_method(
        stream(["candidates.finishReason", "promptFeedback.blockReason", "str"]), SCHEMAS
    )
    [m] = version.methods
    assert m.stream_terminal == ("candidates.finish_reason", "prompt_feedback.block_reason", "str_")


def test_a_path_through_nested_lists_and_anonymous_objects():
    version = with_method(stream(["candidates.content.parts.text"]), SCHEMAS)
    assert version.methods[0].stream_terminal == ("candidates.content.parts.text",)


def test_without_the_key_there_is_no_trait():
    node = stream(None)
    del node["x-stream-terminal"]
    assert with_method(node, SCHEMAS).methods[0].stream_terminal == ()


@pytest.mark.parametrize(
    ("terminal", "message"),
    [
        (["candidates.finish_reason"], "'candidates.finish_reason' names no field of Chunk"),
        (["nothing"], "'nothing' names no field of Chunk"),
        (["str.deeper"], "'str.deeper' names no field of Chunk"),
        ([], "expected a non-empty list"),
        ("candidates.finishReason", "expected a non-empty list"),
    ],
)
def test_a_wrong_declaration_is_an_error_naming_the_place(terminal, message):
    with pytest.raises(ValueError, match=message) as info:
        with_method(stream(terminal), SCHEMAS)
    assert "resources.things.methods.streamIt.x-stream-terminal" in str(info.value)


def test_only_a_streaming_method_can_declare_it():
    with pytest.raises(ValueError, match="only a streaming method"):
        with_method(stream(["candidates.finishReason"], name="get"), SCHEMAS)


@pytest.mark.parametrize("version", ["v1", "v1beta"])
def test_the_pinned_documents_declare_it_for_generation_streams(version):
    from generativelanguage.runtime.spec import MethodSpec

    module = __import__(f"generativelanguage.{version}.resources", fromlist=["x"])
    types = __import__(f"generativelanguage.{version}.types", fromlist=["x"])
    specs = [v for v in vars(module).values() if isinstance(v, MethodSpec)]
    declared = {s.id for s in specs if s.stream_terminal}
    generation = {
        s.id for s in specs if s.streaming and s.response is types.GenerateContentResponse
    }
    assert declared == generation, "every generation stream declares its last chunk"
    assert "generativelanguage.models.streamGenerateContent" in declared
    for spec in specs:
        if spec.stream_terminal:
            assert spec.stream_terminal == (
                "candidates.finish_reason",
                "prompt_feedback.block_reason",
            )

"""Extension documents (codegen/extend.py): strict merging, the x-merge directives, the
x- key registry, and their effect on the real pinned v1beta document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codegen import extend
from codegen.build import build_version
from codegen.load import DiscoveryError, parse_document
from codegen.pipeline import generate_document

ROOT = Path(__file__).resolve().parents[2]


def _ext(body: dict, name: str = "api.v1.topic.json", version: str = "v1") -> extend.Extension:
    doc = {
        "kind": "discovery#restDescription",
        "name": "api",
        "version": version,
        "x-extension": {"title": "test"},
        **body,
    }
    return extend.parse(json.dumps(doc).encode(), name)


def _doc(**schemas: dict) -> dict:
    return {
        "kind": "discovery#restDescription",
        "name": "api",
        "version": "v1",
        "revision": "1",
        "rootUrl": "https://api.example.com/",
        "schemas": schemas,
    }


def test_adds_schemas_and_methods_the_document_lacks():
    ext = _ext(
        {
            "schemas": {
                "New": {"id": "New", "type": "object", "properties": {"a": {"type": "string"}}}
            },
            "resources": {"things": {"methods": {"get": {"id": "api.things.get"}}}},
        }
    )
    merged, applied, notes = extend.merge(_doc(Old={"type": "object"}), (ext,))
    assert set(merged["schemas"]) == {"Old", "New"}
    assert merged["resources"]["things"]["methods"]["get"]["id"] == "api.things.get"
    assert applied == (ext,) and notes == []


def test_the_input_document_is_not_modified():
    doc = _doc(Old={"type": "object"})
    extend.merge(doc, (_ext({"schemas": {"New": {"type": "object"}}}),))
    assert set(doc["schemas"]) == {"Old"}


def test_same_value_on_both_sides_is_fine_and_not_applied():
    ext = _ext({"schemas": {"Old": {"type": "object"}}})
    merged, applied, _ = extend.merge(_doc(Old={"type": "object"}), (ext,))
    assert merged["schemas"]["Old"] == {"type": "object"} and applied == ()


def test_a_differing_value_is_an_error_naming_file_and_place():
    ext = _ext({"schemas": {"Old": {"type": "string"}}}, name="api.v1.clash.json")
    with pytest.raises(extend.ExtensionError, match=r"api.v1.clash.json: schemas.Old.type"):
        extend.merge(_doc(Old={"type": "object"}), (ext,))


def test_if_absent_yields_to_the_document_and_notes_when_it_applies():
    patch = {"schemas": {"Old": {"properties": {"p": {"x-merge": "ifAbsent", "type": "string"}}}}}
    merged, _, notes = extend.merge(_doc(Old={"type": "object"}), (_ext(patch),))
    assert merged["schemas"]["Old"]["properties"]["p"] == {"type": "string"}
    assert notes == ["schemas.Old.properties.p: added by discovery/extensions/api.v1.topic.json"]
    documented = _doc(Old={"type": "object", "properties": {"p": {"type": "integer"}}})
    merged, applied, notes = extend.merge(documented, (_ext(patch),))
    assert merged["schemas"]["Old"]["properties"]["p"] == {"type": "integer"}
    assert applied == () and notes == []


def test_if_present_skips_a_node_the_document_lacks():
    patch = {"schemas": {"Gone": {"x-merge": "ifPresent", "properties": {"p": {"type": "string"}}}}}
    merged, applied, _ = extend.merge(_doc(Old={"type": "object"}), (_ext(patch),))
    assert "Gone" not in merged["schemas"] and applied == ()


def test_unknown_x_merge_mode_is_refused():
    with pytest.raises(extend.ExtensionError, match="unknown x-merge 'sometimes'"):
        extend.merge(_doc(), (_ext({"schemas": {"A": {"x-merge": "sometimes"}}}),))


def test_unknown_x_keys_are_refused_but_names_starting_with_x_are_not():
    with pytest.raises(extend.ExtensionError, match=r"schemas.A.x-streeming"):
        _ext({"schemas": {"A": {"type": "object", "x-streeming": True}}})
    ok = _ext({"schemas": {"A": {"type": "object", "properties": {"x-name": {"type": "string"}}}}})
    assert ok.doc["schemas"]["A"]["properties"]["x-name"] == {"type": "string"}


def test_parse_requires_identity_keys():
    with pytest.raises(extend.ExtensionError, match="missing top-level 'x-extension'"):
        extend.parse(b'{"kind": "discovery#restDescription", "name": "a", "version": "v1"}', "f")
    with pytest.raises(extend.ExtensionError, match="not a Discovery REST description"):
        extend.parse(b"[]", "f")


def test_find_matches_api_and_version_or_star(tmp_path: Path):
    for name, api, version in [
        ("api.v1.a.json", "api", "v1"),
        ("api.all.b.json", "api", "*"),
        ("api.v2.c.json", "api", "v2"),
        ("other.v1.d.json", "other", "v1"),
    ]:
        doc = {
            "kind": "discovery#restDescription",
            "name": api,
            "version": version,
            "x-extension": {},
        }
        (tmp_path / name).write_text(json.dumps(doc))
    assert [e.file_name for e in extend.find("api", "v1", tmp_path)] == [
        "api.all.b.json",
        "api.v1.a.json",
    ]
    assert extend.find("api", "v1", tmp_path / "missing") == ()


def test_loader_keeps_x_keys_for_the_builder_and_reports_merge_errors():
    ext = _ext({"schemas": {"A": {"type": "object", "x-source": "a recording"}}})
    raw = parse_document(json.dumps(_doc()).encode(), "doc.json", (ext,))
    assert dict(raw.schemas)["A"].x == {"x-source": "a recording"}
    assert raw.extensions == (("api.v1.topic.json", ext.sha256),)
    clash = _ext({"schemas": {"A": {"type": "string"}}})
    with pytest.raises(DiscoveryError, match="schemas.A.type"):
        parse_document(json.dumps(_doc(A={"type": "object"})).encode(), "doc.json", (clash,))


def test_header_and_manifest_name_the_extensions_that_applied():
    ext = _ext({"schemas": {"A": {"type": "object", "properties": {"b": {"type": "string"}}}}})
    version = build_version(parse_document(json.dumps(_doc()).encode(), "doc.json", (ext,)), "p")
    assert version.header.endswith("+ discovery/extensions/api.v1.topic.json. DO NOT EDIT.")


def test_the_patches_extension_on_the_pinned_documents():
    """FunctionResponsePart.fileData is added to v1beta (which lacks it) and not to v1
    (which has no FunctionResponsePart): the header and manifest say which applied."""
    cache = ROOT / "discovery" / "cache"
    docs = {p.name.split(".")[1]: p for p in cache.glob("generativelanguage.*.json")}
    if set(docs) != {"v1", "v1beta"}:
        pytest.skip("run `make fetch` first")
    files, v1beta = generate_document(
        docs["v1beta"].read_bytes(), docs["v1beta"].name, format=False
    )
    assert "generativelanguage.all.patches.json" in dict(v1beta.extensions)
    struct = next(s for s in v1beta.structs if s.name == "FunctionResponsePart")
    assert "file_data" in [f.py_name for f in struct.fields]
    _, v1 = generate_document(docs["v1"].read_bytes(), docs["v1"].name, format=False)
    assert "generativelanguage.all.patches.json" not in dict(v1.extensions)
    manifest = json.loads(files["generativelanguage/v1beta/MANIFEST.json"])
    assert manifest["extensions"] == dict(v1beta.extensions)


def test_every_registered_key_and_every_extension_is_documented():
    readme = (extend.EXTENSIONS / "README.md").read_text()
    for key in extend.KEYS:
        assert f"| `{key}` |" in readme, f"{key} is missing from the README's table of keys"
    for path in extend.EXTENSIONS.glob("*.json"):
        assert f"| `{path.name}` |" in readme, f"{path.name} is missing from the README"


# -- x-websockets --------------------------------------------------------------------


def _socket_doc(endpoint: dict) -> bytes:
    doc = _doc(In={"type": "object", "properties": {"a": {"type": "string"}}})
    doc["x-websockets"] = {"chat": endpoint}
    return json.dumps(doc).encode()


def test_x_websockets_becomes_ir_data():
    endpoint = {
        "id": "api.Chat",
        "path": "/ws/api.Chat",
        "description": "d",
        "request": {"$ref": "In"},
        "response": {"$ref": "In"},
    }
    version = build_version(parse_document(_socket_doc(endpoint), "doc.json"), "p")
    (socket,) = version.websockets
    assert (socket.wire_name, socket.id, socket.path) == ("chat", "api.Chat", "ws/api.Chat")
    assert (socket.request_type, socket.response_type, socket.doc) == ("In", "In", "d")
    assert version.uses_websockets


@pytest.mark.parametrize(
    "endpoint, message",
    [
        ({"id": "x", "path": "p", "request": {"$ref": "In"}}, "chat.response: expected"),
        ({"id": "x", "path": "", "request": {"$ref": "In"}, "response": {"$ref": "In"}}, "path"),
        ({"id": "x", "path": "p", "verb": "GET"}, "got ['verb']"),
    ],
)
def test_x_websockets_shape_errors_name_the_place(endpoint, message):
    with pytest.raises(ValueError, match="x-websockets.chat") as info:
        build_version(parse_document(_socket_doc(endpoint), "doc.json"), "p")
    assert message in str(info.value)


def test_the_live_extension_on_the_pinned_v1beta_document():
    """The Live API's envelopes and endpoints reach v1beta only, reusing its setup."""
    cache = ROOT / "discovery" / "cache"
    docs = {p.name.split(".")[1]: p for p in cache.glob("generativelanguage.*.json")}
    if set(docs) != {"v1", "v1beta"}:
        pytest.skip("run `make fetch` first")
    _, v1beta = generate_document(docs["v1beta"].read_bytes(), docs["v1beta"].name, format=False)
    assert [w.wire_name for w in v1beta.websockets] == [
        "bidiGenerateContent",
        "bidiGenerateContentConstrained",
    ]
    message = next(s for s in v1beta.structs if s.name == "BidiGenerateContentClientMessage")
    assert {f.wire_name: f.annotation for f in message.fields}["setup"] == (
        "BidiGenerateContentSetup"
    )
    _, v1 = generate_document(docs["v1"].read_bytes(), docs["v1"].name, format=False)
    assert v1.websockets == ()
    assert "generativelanguage.v1beta.live.json" not in dict(v1.extensions)

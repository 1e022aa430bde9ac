"""Tests for codegen.diff: hand-written documents, then the real v1beta history."""

from __future__ import annotations

import bisect
import copy
import json
import os
import random
import re
from pathlib import Path
from typing import Any

import pytest

from codegen import diff
from codegen.diff import Change, Report, diff_documents, load_document, render_json, render_markdown

# -- helpers ---------------------------------------------------------------------------


def base_doc() -> dict[str, Any]:
    """A small but complete Discovery document."""
    return {
        "kind": "discovery#restDescription",
        "name": "generativelanguage",
        "version": "v1beta",
        "revision": "20250101",
        "id": "generativelanguage:v1beta",
        "etag": '"abc"',
        "title": "Gemini API",
        "description": "The Gemini API.",
        "rootUrl": "https://generativelanguage.googleapis.com/",
        "servicePath": "",
        "basePath": "",
        "batchPath": "batch",
        "parameters": {
            "key": {"type": "string", "location": "query", "description": "API key."},
            "alt": {
                "type": "string",
                "location": "query",
                "default": "json",
                "enum": ["json", "media", "proto"],
                "enumDescriptions": ["JSON", "Media", "Proto"],
            },
        },
        "resources": {
            "models": {
                "methods": {
                    "generateContent": {
                        "id": "generativelanguage.models.generateContent",
                        "httpMethod": "POST",
                        "path": "v1beta/{+model}:generateContent",
                        "flatPath": "v1beta/models/{modelsId}:generateContent",
                        "parameterOrder": ["model"],
                        "parameters": {
                            "model": {
                                "type": "string",
                                "location": "path",
                                "required": True,
                                "pattern": "^models/[^/]+$",
                                "description": "The model.",
                            },
                        },
                        "request": {"$ref": "GenerateContentRequest"},
                        "response": {"$ref": "GenerateContentResponse"},
                        "description": "Generates a response.",
                    },
                    "list": {
                        "id": "generativelanguage.models.list",
                        "httpMethod": "GET",
                        "path": "v1beta/models",
                        "flatPath": "v1beta/models",
                        "parameterOrder": [],
                        "parameters": {
                            "pageSize": {"type": "integer", "format": "int32", "location": "query"},
                        },
                        "response": {"$ref": "ListModelsResponse"},
                    },
                },
                "resources": {
                    "operations": {
                        "methods": {
                            "get": {
                                "id": "generativelanguage.models.operations.get",
                                "httpMethod": "GET",
                                "path": "v1beta/{+name}",
                                "parameterOrder": ["name"],
                                "parameters": {
                                    "name": {"type": "string", "location": "path", "required": True}
                                },
                                "response": {"$ref": "Operation"},
                            }
                        }
                    }
                },
            }
        },
        "schemas": {
            "GenerateContentRequest": {
                "id": "GenerateContentRequest",
                "type": "object",
                "properties": {
                    "contents": {"type": "array", "items": {"$ref": "Content"}},
                    "config": {
                        "type": "object",
                        "description": "Anonymous nested object.",
                        "properties": {
                            "temperature": {"type": "number", "format": "float"},
                            "stops": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            },
            "GenerateContentResponse": {
                "id": "GenerateContentResponse",
                "type": "object",
                "properties": {
                    "finishReason": {
                        "type": "string",
                        "enum": ["UNSPECIFIED", "STOP", "SAFETY"],
                        "enumDescriptions": ["Unspecified.", "Stopped.", "Safety."],
                    },
                    "tokenCount": {"type": "integer", "format": "int32"},
                },
            },
            "Content": {
                "id": "Content",
                "type": "object",
                "properties": {
                    "role": {"type": "string", "description": "The role."},
                    "parts": {"type": "array", "items": {"$ref": "Part"}},
                },
            },
            "Part": {
                "id": "Part",
                "type": "object",
                "properties": {
                    "text": {"type": "string"},
                    "mediaResolution": {"$ref": "MediaResolution"},  # dangling on purpose
                },
            },
            "ListModelsResponse": {"id": "ListModelsResponse", "type": "object", "properties": {}},
            "Operation": {"id": "Operation", "type": "object", "properties": {}},
        },
    }


def changes_at(report: Report, path: str) -> list[Change]:
    return [c for c in report.changes if c.path == path]


def only_change(report: Report) -> Change:
    assert len(report.changes) == 1, report.changes
    return report.changes[0]


GEN = "resources.models.methods.generateContent"
REQ = "schemas.GenerateContentRequest.properties"
RESP = "schemas.GenerateContentResponse.properties"


# -- one behaviour per test --------------------------------------------------------------


def test_identical_documents_have_no_changes():
    report = diff_documents(base_doc(), base_doc())
    assert report.changes == ()
    assert report.summary == {"breaking": 0, "compatible": 0, "cosmetic": 0, "total": 0}


def test_key_order_is_irrelevant():
    def shuffled(value: Any, rng: random.Random) -> Any:
        if isinstance(value, dict):
            items = list(value.items())
            rng.shuffle(items)
            return {k: shuffled(v, rng) for k, v in items}
        if isinstance(value, list):
            return [shuffled(v, rng) for v in value]
        return value

    old, new = base_doc(), base_doc()
    new["schemas"]["Part"]["properties"]["thoughtSignature"] = {"type": "string", "format": "byte"}
    new["revision"] = "20250202"
    expected = render_json(diff_documents(old, new))
    for seed in range(5):
        rng = random.Random(seed)
        assert render_json(diff_documents(shuffled(old, rng), shuffled(new, rng))) == expected


def test_field_added_is_compatible():
    new = base_doc()
    new["schemas"]["Part"]["properties"]["thoughtSignature"] = {"type": "string", "format": "byte"}
    change = only_change(diff_documents(base_doc(), new))
    assert (change.kind, change.element, change.path, change.impact) == (
        "added",
        "field",
        "schemas.Part.properties.thoughtSignature",
        "compatible",
    )
    assert change.new == "string(byte)"


def test_field_removed_is_breaking():
    new = base_doc()
    del new["schemas"]["Content"]["properties"]["role"]
    change = only_change(diff_documents(base_doc(), new))
    assert (change.kind, change.element, change.path, change.impact) == (
        "removed",
        "field",
        "schemas.Content.properties.role",
        "breaking",
    )


def test_field_type_change_is_breaking():
    new = base_doc()
    new["schemas"]["GenerateContentResponse"]["properties"]["tokenCount"] = {
        "type": "string",
        "format": "int64",
    }
    change = only_change(diff_documents(base_doc(), new))
    assert (change.kind, change.element, change.path, change.impact) == (
        "changed",
        "field",
        f"{RESP}.tokenCount",
        "breaking",
    )
    assert (change.old, change.new) == ("integer(int32)", "string(int64)")


def test_format_only_change_is_breaking():
    new = base_doc()
    new["schemas"]["GenerateContentResponse"]["properties"]["tokenCount"]["format"] = "int64"
    change = only_change(diff_documents(base_doc(), new))
    assert change.impact == "breaking"
    assert change.path == f"{RESP}.tokenCount"


def test_array_item_type_change_reported_at_items():
    new = base_doc()
    new["schemas"]["Content"]["properties"]["parts"]["items"] = {"$ref": "Blob"}
    change = only_change(diff_documents(base_doc(), new))
    assert change.path == "schemas.Content.properties.parts.items"
    assert (change.old, change.new, change.impact) == ("Part", "Blob", "breaking")


def test_enum_value_added_is_compatible():
    new = base_doc()
    new["schemas"]["GenerateContentResponse"]["properties"]["finishReason"]["enum"].append("OTHER")
    new["schemas"]["GenerateContentResponse"]["properties"]["finishReason"][
        "enumDescriptions"
    ].append("Other.")
    report = diff_documents(base_doc(), new)
    [value] = changes_at(report, f"{RESP}.finishReason.enum.OTHER")
    assert (value.kind, value.element, value.impact) == ("added", "enum_value", "compatible")
    [docs] = changes_at(report, f"{RESP}.finishReason.enumDescriptions")
    assert (docs.element, docs.impact) == ("documentation", "cosmetic")
    assert docs.note == "for added values: OTHER"
    assert report.summary == {"breaking": 0, "compatible": 1, "cosmetic": 1, "total": 2}


def test_enum_value_removed_is_breaking():
    new = base_doc()
    node = new["schemas"]["GenerateContentResponse"]["properties"]["finishReason"]
    node["enum"].remove("SAFETY")
    node["enumDescriptions"].pop()
    report = diff_documents(base_doc(), new)
    [value] = changes_at(report, f"{RESP}.finishReason.enum.SAFETY")
    assert (value.kind, value.element, value.impact) == ("removed", "enum_value", "breaking")


def test_enum_value_removed_from_request_parameter_is_breaking():
    new = base_doc()
    new["parameters"]["alt"]["enum"].remove("proto")
    new["parameters"]["alt"]["enumDescriptions"].remove("Proto")
    report = diff_documents(base_doc(), new)
    [value] = changes_at(report, "parameters.alt.enum.proto")
    assert value.impact == "breaking"


def test_enum_reorder_is_cosmetic():
    new = base_doc()
    node = new["schemas"]["GenerateContentResponse"]["properties"]["finishReason"]
    node["enum"] = ["UNSPECIFIED", "SAFETY", "STOP"]
    node["enumDescriptions"] = ["Unspecified.", "Safety.", "Stopped."]
    report = diff_documents(base_doc(), new)
    assert report.summary["cosmetic"] == 2 and report.summary["total"] == 2
    [order] = changes_at(report, f"{RESP}.finishReason.enum")
    assert order.element == "enum_value" and "order" in order.note


def test_enum_deprecated_marks_value_compatible():
    new = base_doc()
    new["schemas"]["GenerateContentResponse"]["properties"]["finishReason"]["enumDeprecated"] = [
        False,
        False,
        True,
    ]
    change = only_change(diff_documents(base_doc(), new))
    assert change.path == f"{RESP}.finishReason.enumDeprecated"
    assert (change.kind, change.impact) == ("added", "compatible")
    assert "SAFETY" in change.note


def test_enum_deprecated_realigned_with_grown_enum_is_cosmetic():
    old, new = base_doc(), base_doc()
    old_node = old["schemas"]["GenerateContentResponse"]["properties"]["finishReason"]
    old_node["enumDeprecated"] = [False, False, True]
    new_node = new["schemas"]["GenerateContentResponse"]["properties"]["finishReason"]
    new_node["enum"].append("OTHER")
    new_node["enumDescriptions"].append("Other.")
    new_node["enumDeprecated"] = [False, False, True, False]
    report = diff_documents(old, new)
    [realigned] = changes_at(report, f"{RESP}.finishReason.enumDeprecated")
    assert (realigned.kind, realigned.impact) == ("changed", "cosmetic")


def test_media_upload_changes():
    old = base_doc()
    old["resources"]["models"]["methods"]["list"]["mediaUpload"] = {
        "accept": ["*/*"],
        "maxSize": "2147483648",
        "protocols": {"simple": {"multipart": True, "path": "/upload/v1beta/files"}},
    }
    new = copy.deepcopy(old)
    upload = new["resources"]["models"]["methods"]["list"]["mediaUpload"]
    upload["maxSize"] = "1024"
    upload["protocols"]["resumable"] = {"multipart": True, "path": "/resumable/upload/v1beta/files"}
    report = diff_documents(old, new)
    prefix = "resources.models.methods.list.mediaUpload"
    assert {(c.path, c.kind, c.impact) for c in report.changes} == {
        (f"{prefix}.maxSize", "changed", "breaking"),
        (f"{prefix}.protocols.resumable", "added", "compatible"),
    }
    assert {c.impact for c in diff_documents(base_doc(), old).changes} == {"compatible"}
    assert {c.impact for c in diff_documents(old, base_doc()).changes} == {"breaking"}


def test_method_verb_change_is_breaking():
    new = base_doc()
    new["resources"]["models"]["methods"]["generateContent"]["httpMethod"] = "PUT"
    change = only_change(diff_documents(base_doc(), new))
    assert (change.kind, change.element, change.path, change.impact) == (
        "changed",
        "method",
        f"{GEN}.httpMethod",
        "breaking",
    )
    assert (change.old, change.new) == ("POST", "PUT")


def test_method_path_change_is_breaking():
    new = base_doc()
    method = new["resources"]["models"]["methods"]["generateContent"]
    method["path"] = "v1beta/{+model}:generate"
    method["flatPath"] = "v1beta/models/{modelsId}:generate"
    report = diff_documents(base_doc(), new)
    assert {c.path for c in report.changes} == {f"{GEN}.path", f"{GEN}.flatPath"}
    assert all(c.impact == "breaking" for c in report.changes)


def test_request_and_response_type_changes_are_breaking():
    new = base_doc()
    method = new["resources"]["models"]["methods"]["generateContent"]
    method["request"] = {"$ref": "Content"}
    method["response"] = {"$ref": "Operation"}
    report = diff_documents(base_doc(), new)
    [request] = changes_at(report, f"{GEN}.request")
    assert (request.old, request.new, request.impact) == (
        "GenerateContentRequest",
        "Content",
        "breaking",
    )
    [response] = changes_at(report, f"{GEN}.response")
    assert response.impact == "breaking"


def test_parameter_becomes_required_is_breaking():
    new = base_doc()
    new["resources"]["models"]["methods"]["list"]["parameters"]["pageSize"]["required"] = True
    change = only_change(diff_documents(base_doc(), new))
    assert (change.kind, change.element, change.path, change.impact) == (
        "added",
        "parameter",
        "resources.models.methods.list.parameters.pageSize.required",
        "breaking",
    )
    assert change.note == "becomes required"
    # and back: becoming optional is compatible
    change = only_change(diff_documents(new, base_doc()))
    assert change.impact == "compatible"


def test_optional_parameter_added_is_compatible_required_is_breaking():
    new = base_doc()
    params = new["resources"]["models"]["methods"]["list"]["parameters"]
    params["pageToken"] = {"type": "string", "location": "query"}
    change = only_change(diff_documents(base_doc(), new))
    assert (change.element, change.kind, change.impact) == ("parameter", "added", "compatible")
    params["filter"] = {"type": "string", "location": "query", "required": True}
    [change] = changes_at(
        diff_documents(base_doc(), new), "resources.models.methods.list.parameters.filter"
    )
    assert change.impact == "breaking"


def test_parameter_removed_and_retyped_are_breaking():
    new = base_doc()
    params = new["resources"]["models"]["methods"]["list"]["parameters"]
    params["pageSize"]["type"] = "string"
    del new["parameters"]["key"]
    report = diff_documents(base_doc(), new)
    [retyped] = changes_at(report, "resources.models.methods.list.parameters.pageSize")
    assert (retyped.kind, retyped.impact) == ("changed", "breaking")
    [removed] = changes_at(report, "parameters.key")
    assert (removed.kind, removed.element, removed.impact) == ("removed", "parameter", "breaking")


def test_parameter_order_change_is_breaking():
    new = base_doc()
    method = new["resources"]["models"]["methods"]["list"]
    method["parameters"]["parent"] = {"type": "string", "location": "path", "required": True}
    method["parameterOrder"] = ["parent"]
    report = diff_documents(base_doc(), new)
    assert {(c.path, c.impact) for c in report.changes} == {
        ("resources.models.methods.list.parameterOrder", "breaking"),
        ("resources.models.methods.list.parameters.parent", "breaking"),
    }


def test_description_only_change_is_cosmetic():
    new = base_doc()
    new["description"] = "The Gemini API, now better documented."
    new["schemas"]["Content"]["properties"]["role"]["description"] = "Who wrote it."
    new["resources"]["models"]["methods"]["generateContent"]["description"] = "Generates."
    new["parameters"]["alt"]["enumDescriptions"] = ["Responses in JSON", "Media", "Proto"]
    report = diff_documents(base_doc(), new)
    assert report.summary == {"breaking": 0, "compatible": 0, "cosmetic": 4, "total": 4}
    assert {c.element for c in report.changes} == {"documentation"}
    assert {c.path for c in report.changes} == {
        "description",
        "schemas.Content.properties.role.description",
        f"{GEN}.description",
        "parameters.alt.enumDescriptions",
    }
    text = render_markdown(report, "old", "new")
    assert "do not change the API" in text
    assert "the API did not change" in text
    assert json.loads(render_json(report))["api_changed"] is False
    [alt] = changes_at(report, "parameters.alt.enumDescriptions")
    assert alt.note == "reworded for: json"


def test_revision_and_etag_change_is_cosmetic():
    new = base_doc()
    new["revision"] = "20250202"
    new["etag"] = '"def"'
    report = diff_documents(base_doc(), new)
    assert [(c.path, c.kind, c.impact, c.old, c.new) for c in report.changes] == [
        ("etag", "changed", "cosmetic", '"abc"', '"def"'),
        ("revision", "changed", "cosmetic", "20250101", "20250202"),
    ]
    assert not report.has_breaking


def test_nested_anonymous_object_field_changes():
    new = base_doc()
    config = new["schemas"]["GenerateContentRequest"]["properties"]["config"]["properties"]
    config["temperature"] = {"type": "number", "format": "double"}
    config["topK"] = {"type": "integer", "format": "int32"}
    config["stops"]["items"] = {"type": "integer"}
    new["schemas"]["GenerateContentRequest"]["properties"]["labels"]["additionalProperties"] = {
        "type": "integer"
    }
    report = diff_documents(base_doc(), new)
    got = {(c.path, c.kind, c.impact) for c in report.changes}
    assert got == {
        (f"{REQ}.config.properties.temperature", "changed", "breaking"),
        (f"{REQ}.config.properties.topK", "added", "compatible"),
        (f"{REQ}.config.properties.stops.items", "changed", "breaking"),
        (f"{REQ}.labels.additionalProperties", "changed", "breaking"),
    }
    assert all(c.element == "field" for c in report.changes)


def test_dangling_ref_is_tolerated():
    old, new = base_doc(), base_doc()
    assert "MediaResolution" not in old["schemas"]
    new["schemas"]["Part"]["properties"]["mediaResolution"] = {"$ref": "V1mainMediaResolution"}
    new["schemas"]["V1mainMediaResolution"] = {"id": "V1mainMediaResolution", "type": "object"}
    new["schemas"]["Part"]["properties"]["other"] = {"$ref": "StillMissing"}
    report = diff_documents(old, new)
    [retyped] = changes_at(report, "schemas.Part.properties.mediaResolution")
    assert (retyped.old, retyped.new, retyped.impact) == (
        "MediaResolution",
        "V1mainMediaResolution",
        "breaking",
    )
    assert "dangling" in retyped.note
    [added] = changes_at(report, "schemas.Part.properties.other")
    assert added.impact == "compatible"
    render_markdown(report, "a", "b")  # renders without resolving anything


def test_resource_removed_lists_its_methods_and_subresources():
    new = base_doc()
    del new["resources"]["models"]["resources"]
    report = diff_documents(base_doc(), new)
    assert [(c.path, c.element, c.kind, c.impact) for c in report.changes] == [
        ("resources.models.resources.operations", "resource", "removed", "breaking"),
        ("resources.models.resources.operations.methods.get", "method", "removed", "breaking"),
    ]


def test_method_added_and_deprecated_are_compatible():
    new = base_doc()
    methods = new["resources"]["models"]["methods"]
    methods["countTokens"] = {"httpMethod": "POST", "path": "v1beta/{+model}:countTokens"}
    methods["list"]["deprecated"] = True
    report = diff_documents(base_doc(), new)
    assert {(c.path, c.kind, c.impact) for c in report.changes} == {
        ("resources.models.methods.countTokens", "added", "compatible"),
        ("resources.models.methods.list.deprecated", "added", "compatible"),
    }


def test_settings_and_scopes():
    new = base_doc()
    new["rootUrl"] = "https://example.googleapis.com/"
    new["mtlsRootUrl"] = "https://generativelanguage.mtls.googleapis.com/"
    new["auth"] = {"oauth2": {"scopes": {"https://x/scope": {"description": "X"}}}}
    new["resources"]["models"]["methods"]["list"]["scopes"] = ["https://x/scope"]
    report = diff_documents(base_doc(), new)
    assert {(c.path, c.element, c.kind, c.impact) for c in report.changes} == {
        ("rootUrl", "setting", "changed", "breaking"),
        ("mtlsRootUrl", "setting", "added", "compatible"),
        ("auth", "setting", "added", "compatible"),
        ("resources.models.methods.list.scopes", "method", "added", "compatible"),
    }
    # dropping the scope again is breaking
    back = diff_documents(new, base_doc())
    assert {c.path for c in back.changes if c.impact == "breaking"} == {
        "rootUrl",
        "mtlsRootUrl",
        "auth",
        "resources.models.methods.list.scopes",
    }


def test_render_markdown_sections_and_json_deterministic():
    new = base_doc()
    del new["schemas"]["Content"]["properties"]["role"]
    new["schemas"]["Part"]["properties"]["thoughtSignature"] = {"type": "string"}
    new["revision"] = "20250202"
    for name in ("A", "B", "C"):
        new["schemas"][name] = {"id": name, "type": "object", "description": "doc"}
    report = diff_documents(base_doc(), new)
    text = render_markdown(report, "v1beta@20250101", "v1beta@20250202")
    assert text.startswith("# Discovery changes: v1beta@20250101 → v1beta@20250202\n")
    assert "| Breaking | 0 | 1 | 0 | 1 |" in text
    assert "| Compatible | 4 | 0 | 0 | 4 |" in text
    breaking = text.index("## Breaking (1)")
    compatible = text.index("## Compatible (4)")
    cosmetic = text.index("## Cosmetic (1)")
    assert breaking < compatible < cosmetic
    assert "`schemas.Content.properties.role`" in text[breaking:compatible]
    out = render_json(report)
    assert out == render_json(diff_documents(base_doc(), new))
    data = json.loads(out)
    assert out == json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert data["summary"] == {"breaking": 1, "compatible": 4, "cosmetic": 1, "total": 6}
    paths = [c["path"] for c in data["changes"]]
    assert paths == sorted(paths)


def test_markdown_groups_long_cosmetic_lists():
    new = base_doc()
    for i in range(40):
        new["schemas"][f"S{i:02}"] = {"id": f"S{i:02}", "type": "object", "description": "d"}
    old = copy.deepcopy(new)
    for i in range(40):
        new["schemas"][f"S{i:02}"]["description"] = "changed"
    text = render_markdown(diff_documents(old, new), "a", "b")
    assert "## Cosmetic (40)" in text
    assert "- `schemas.S07` (1): `description`" in text


# -- loading and CLI ------------------------------------------------------------------


def write(path: Path, doc: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_load_document_from_path_cache_and_mirror(tmp_path: Path):
    cache, mirror = tmp_path / "cache", tmp_path / "mirror"
    doc = base_doc()
    file = write(tmp_path / "doc.json", doc)
    assert load_document(str(file), cache_dir=cache, mirror_dir=mirror) == doc

    in_mirror = dict(doc, revision="20250303")
    write(mirror / "generativelanguage.v1beta.20250303.json", in_mirror)
    assert load_document("v1beta@20250303", cache_dir=cache, mirror_dir=mirror) == in_mirror

    # the cache wins over the mirror; an unversioned cache file must hold that revision
    cached = dict(in_mirror, title="cached")
    write(cache / "generativelanguage.v1beta.json", cached)
    assert load_document("v1beta@20250303", cache_dir=cache, mirror_dir=mirror) == cached
    write(cache / "generativelanguage.v1beta.json", dict(cached, revision="20990101"))
    assert load_document("v1beta@20250303", cache_dir=cache, mirror_dir=mirror) == in_mirror


def test_load_document_not_found_names_places(tmp_path: Path):
    cache, mirror = tmp_path / "cache", tmp_path / "mirror"
    write(cache / "generativelanguage.v1beta.json", dict(base_doc(), revision="20990101"))
    with pytest.raises(FileNotFoundError) as info:
        load_document("v1beta@20240101", cache_dir=cache, mirror_dir=mirror)
    message = str(info.value)
    assert "v1beta@20240101" in message
    assert str(cache / "generativelanguage.v1beta.20240101.json") in message
    assert "contains v1beta@20990101" in message
    assert str(mirror / "generativelanguage.v1beta.20240101.json") in message
    with pytest.raises(FileNotFoundError, match="no such file"):
        load_document(str(tmp_path / "nope.json"), cache_dir=cache, mirror_dir=mirror)


def test_main_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    old = write(tmp_path / "old.json", base_doc())
    new_doc = base_doc()
    del new_doc["schemas"]["Content"]["properties"]["role"]
    new = write(tmp_path / "new.json", new_doc)
    same = write(tmp_path / "same.json", base_doc())
    common = ["--cache", str(tmp_path / "c"), "--mirror", str(tmp_path / "m")]

    assert diff.main([str(old), str(new), "--format", "json", *common]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["breaking"] == 1

    assert diff.main(["diff", str(old), str(new), "--fail-on-breaking", *common]) == 1
    assert "## Breaking (1)" in capsys.readouterr().out
    assert diff.main([str(old), str(same), "--fail-on-breaking", *common]) == 0
    capsys.readouterr()

    assert diff.main([str(old), "v1beta@19990101", *common]) == 2
    assert "v1beta@19990101 not found" in capsys.readouterr().err


# -- real history ---------------------------------------------------------------------


def _mirror() -> Path:
    env = os.environ.get("DISCOVERY_MIRROR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared" / "discovery"


MIRROR = _mirror()
needs_mirror = pytest.mark.skipif(
    not (MIRROR / "generativelanguage.v1beta.20240410.json").is_file(),
    reason=f"Discovery mirror not found at {MIRROR} (set DISCOVERY_MIRROR to the folder "
    "holding generativelanguage.<version>.<revision>.json)",
)
_NAME = re.compile(r"generativelanguage\.v1beta\.(\d+)(?:\.variant-([0-9a-f]+))?\.json")


def v1beta_history() -> list[Path]:
    """Every v1beta file, by revision; a revision's variants (fetched earlier) precede it."""
    files = []
    for path in [*MIRROR.glob("*.json"), *MIRROR.glob("variants/*.json")]:
        match = _NAME.fullmatch(path.name)
        if match:
            files.append(((match[1], match[2] is None, match[2] or ""), path))
    return [path for _, path in sorted(files)]


def _distinct_strings(value: list[Any]) -> bool:
    return all(isinstance(v, str) for v in value) and len(set(value)) == len(value)


def leaf_diff(a: Any, b: Any, path: str = "") -> list[tuple[str, bool]]:
    """Independent oracle: (path, whole) for every leaf that differs between a and b.

    ``whole`` marks a key present on one side only (the whole subtree differs). Lists of
    distinct strings (enum, parameterOrder, scopes...) are compared by value: each value
    present on one side only is a leaf ``path.value``, and a change in the relative
    order of the shared values is a leaf at ``path``. Any other differing value is a leaf.
    """
    out: list[tuple[str, bool]] = []
    if isinstance(a, dict) and isinstance(b, dict):
        for key in set(a) | set(b):
            sub = f"{path}.{key}" if path else key
            if key not in a or key not in b:
                out.append((sub, True))
            elif a[key] != b[key]:
                out += leaf_diff(a[key], b[key], sub)
    elif (
        isinstance(a, list)
        and isinstance(b, list)
        and _distinct_strings(a)
        and _distinct_strings(b)
    ):
        set_a, set_b = set(a), set(b)
        out += [(f"{path}.{value}", True) for value in set_a ^ set_b]
        if [v for v in a if v in set_b] != [v for v in b if v in set_a]:
            out.append((path, False))
    elif a != b:
        out.append((path, False))
    return out


def _prefixes(path: str) -> list[str]:
    return [path[:i] for i, ch in enumerate(path) if ch == "."]


def _has_under(sorted_paths: list[str], path: str) -> bool:
    i = bisect.bisect_left(sorted_paths, path + ".")
    return i < len(sorted_paths) and sorted_paths[i].startswith(path + ".")


def _exists(doc: Any, path: str) -> bool:
    """Does the dotted path name something in doc? Keys may themselves contain dots."""
    if path == "":
        return True
    if isinstance(doc, dict):
        parts = path.split(".")
        for n in range(1, len(parts) + 1):
            key = ".".join(parts[:n])
            if key in doc and _exists(doc[key], ".".join(parts[n:])):
                return True
        return False
    if isinstance(doc, list):
        return path in doc
    return False


def check_report_against_oracle(old: dict[str, Any], new: dict[str, Any], label: str) -> Report:
    report = diff_documents(old, new)
    leaves = leaf_diff(old, new)
    change_paths = sorted({c.path for c in report.changes})
    change_set = set(change_paths)
    leaf_paths = sorted({p for p, _ in leaves})
    leaf_set = set(leaf_paths)

    uncovered = [
        path
        for path, whole in leaves
        if path not in change_set
        and not any(p in change_set for p in _prefixes(path))
        and not (whole and _has_under(change_paths, path))
    ]
    assert not uncovered, f"{label}: differences missing from the report: {sorted(uncovered)[:20]}"

    phantom = [
        c
        for c in report.changes
        if c.path not in leaf_set
        and not any(p in leaf_set for p in _prefixes(c.path))
        and not _has_under(leaf_paths, c.path)
    ]
    assert not phantom, f"{label}: changes with no real difference: {phantom[:10]}"

    for c in report.changes:
        in_old, in_new = _exists(old, c.path), _exists(new, c.path)
        expected = {"added": (False, True), "removed": (True, False), "changed": (True, True)}
        assert (in_old, in_new) == expected[c.kind], f"{label}: wrong kind for {c}"
        assert c.impact in diff.IMPACTS and c.element in diff.ELEMENTS
    return report


@needs_mirror
def test_every_consecutive_v1beta_pair_matches_leaf_diff():
    files = v1beta_history()
    assert len(files) > 100
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in files]
    pairs = 0
    for i in range(len(files) - 1):
        old, new = docs[i], docs[i + 1]
        report = check_report_against_oracle(old, new, f"{files[i].name} -> {files[i + 1].name}")
        assert (report.changes == ()) == (old == new)
        # documentation-only differences never count as API changes
        if all(p.rsplit(".", 1)[-1] in {"description", "revision"} for p, _ in leaf_diff(old, new)):
            assert {c.impact for c in report.changes} <= {"cosmetic"}
        pairs += 1
    assert pairs == len(files) - 1


@needs_mirror
def test_v1beta_first_to_last_revision():
    old = load_document("v1beta@20240410", cache_dir=MIRROR / "no-cache", mirror_dir=MIRROR)
    new = load_document("v1beta@20260821", cache_dir=MIRROR / "no-cache", mirror_dir=MIRROR)
    report = check_report_against_oracle(old, new, "20240410 -> 20260821")
    by_path = {c.path: c for c in report.changes}

    documents = "resources.corpora.resources.documents"
    chunks = f"{documents}.resources.chunks"
    for resource in (documents, chunks):
        change = by_path[resource]
        assert (change.kind, change.element, change.impact) == ("removed", "resource", "breaking")
    for resource, names in (
        (documents, old["resources"]["corpora"]["resources"]["documents"]["methods"]),
        (
            chunks,
            old["resources"]["corpora"]["resources"]["documents"]["resources"]["chunks"]["methods"],
        ),
    ):
        assert names
        for name in names:
            change = by_path[f"{resource}.methods.{name}"]
            assert (change.kind, change.element, change.impact) == ("removed", "method", "breaking")

    for resource in ("resources.batches", "resources.fileSearchStores"):
        change = by_path[resource]
        assert (change.kind, change.element, change.impact) == ("added", "resource", "compatible")
    assert by_path["resources.batches.methods.get"].impact == "compatible"
    assert by_path["revision"].impact == "cosmetic"

    summary = report.summary
    assert summary["total"] == summary["breaking"] + summary["compatible"] + summary["cosmetic"]
    text = render_markdown(report, "v1beta@20240410", "v1beta@20260821")
    assert "## Breaking" in text and "`resources.corpora.resources.documents`" in text


def test_extension_provenance_is_cosmetic():
    """`x-extension` and `x-source` in our extension documents say where facts come
    from; changing them changes no code."""
    old, new = base_doc(), base_doc()
    old["x-extension"] = {"title": "t", "sources": ["a"]}
    new["x-extension"] = {"title": "t", "sources": ["a", "b"]}
    new["schemas"]["Part"]["x-source"] = "a recording"
    new["resources"]["models"]["methods"]["generateContent"]["x-source"] = "an SDK file"
    report = diff_documents(old, new)
    assert {c.impact for c in report.changes} == {"cosmetic"}
    assert len(report.changes) == 3


def test_a_changed_extension_key_is_breaking():
    old, new = base_doc(), base_doc()
    old["resources"]["models"]["methods"]["generateContent"]["x-stream-done"] = "[DONE]"
    new["resources"]["models"]["methods"]["generateContent"]["x-stream-done"] = "[END]"
    assert only_change(diff_documents(old, new)).impact == "breaking"

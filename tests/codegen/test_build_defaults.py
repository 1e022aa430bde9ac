"""Path parameters whose pattern admits one literal value get it as their default."""

from __future__ import annotations

import json

from codegen.build import build_version
from codegen.load import parse_document


def _doc(pattern: str) -> dict:
    return {
        "kind": "discovery#restDescription",
        "name": "x",
        "version": "v1",
        "revision": "1",
        "rootUrl": "https://x/",
        "schemas": {"R": {"id": "R", "type": "object", "properties": {}}},
        "resources": {
            "batches": {
                "methods": {
                    "list": {
                        "id": "x.batches.list",
                        "httpMethod": "GET",
                        "path": "v1/{+name}",
                        "parameterOrder": ["name"],
                        "parameters": {
                            "name": {
                                "type": "string",
                                "location": "path",
                                "required": True,
                                "pattern": pattern,
                            },
                        },
                        "response": {"$ref": "R"},
                    }
                }
            }
        },
    }


def _param(pattern: str):
    version = build_version(parse_document(json.dumps(_doc(pattern)).encode(), "x.json"), "p")
    return version.methods[0].path_params[0]


def test_a_path_parameter_with_a_single_literal_value_defaults_to_it():
    assert _param("^batches$").default == "batches"


def test_a_path_parameter_with_a_real_pattern_has_no_default():
    assert _param("^batches/[^/]+$").default is None
    assert _param("^operations/.*$").default is None

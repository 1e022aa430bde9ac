"""Table-driven tests of codegen.naming: casing, escaping and per-scope name pools."""

from __future__ import annotations

import ast
import keyword
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codegen.naming import (
    RESERVED,
    NamePool,
    constant_case,
    module_name,
    pascal_case,
    safe_attribute,
    safe_identifier,
    snake_case,
)

SNAKE_CASES = [
    # (Discovery name, expected snake_case)
    ("mimeType", "mime_type"),
    ("int64Value", "int64_value"),
    ("$.xgafv", "xgafv"),
    ("upload_protocol", "upload_protocol"),
    ("fileSearchStores", "file_search_stores"),
    ("auth_tokens", "auth_tokens"),
    ("HTTPOptions", "http_options"),
    ("URLContext", "url_context"),
    ("urlContextMetadata", "url_context_metadata"),
    ("userID", "user_id"),
    ("camelCaseURL", "camel_case_url"),
    ("ID", "id"),
    ("x2Y", "x2_y"),
    ("modelVersion2", "model_version2"),
    ("base64", "base64"),
    ("v1beta", "v1beta"),
    ("a.b.c", "a_b_c"),
    ("a__b", "a_b"),
    ("$ref", "ref"),
    ("prettyPrint", "pretty_print"),
    ("streamGenerateContent", "stream_generate_content"),
    ("tunedModels", "tuned_models"),
    ("already_snake", "already_snake"),
    ("", "_"),
]

PASCAL_CASES = [
    # (Discovery name, expected PascalCase)
    ("barBaz", "BarBaz"),
    ("mimeType", "MimeType"),
    ("int64Value", "Int64Value"),
    ("$.xgafv", "Xgafv"),
    ("upload_protocol", "UploadProtocol"),
    ("fileSearchStores", "FileSearchStores"),
    ("auth_tokens", "AuthTokens"),
    ("HTTPOptions", "HTTPOptions"),
    ("URLContext", "URLContext"),
    ("GenerateContentRequest", "GenerateContentRequest"),
    ("tunedModels", "TunedModels"),
    ("a.b.c", "ABC"),
    ("9lives", "_9lives"),
    ("", "_"),
]

CONSTANT_CASES = [
    # (enum value, expected constant name)
    ("HARM_CATEGORY_HATE_SPEECH", "HARM_CATEGORY_HATE_SPEECH"),
    ("1", "V_1"),
    ("2b", "V_2B"),
    ("a-b", "A_B"),
    ("mime.type", "MIME_TYPE"),
    ("image/png", "IMAGE_PNG"),
    ("lower", "LOWER"),
    ("__x__", "X"),
    ("", "EMPTY"),
]


@pytest.mark.parametrize(("name", "expected"), SNAKE_CASES)
def test_snake_case(name: str, expected: str) -> None:
    assert snake_case(name) == expected


@pytest.mark.parametrize(("name", "expected"), PASCAL_CASES)
def test_pascal_case(name: str, expected: str) -> None:
    assert pascal_case(name) == expected


@pytest.mark.parametrize(("value", "expected"), CONSTANT_CASES)
def test_constant_case(value: str, expected: str) -> None:
    assert constant_case(value) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # keywords
        ("class", "class_"),
        ("for", "for_"),
        ("None", "None_"),
        ("async", "async_"),
        ("lambda", "lambda_"),
        # builtins used in annotations
        ("str", "str_"),
        ("bytes", "bytes_"),
        ("dict", "dict_"),
        # names the generated scope itself uses
        ("msgspec", "msgspec_"),
        ("self", "self_"),
        ("body", "body_"),
        ("options", "options_"),
        # ordinary names are left alone
        ("mime_type", "mime_type"),
        ("name", "name"),
        ("classes", "classes"),
    ],
)
def test_safe_identifier(name: str, expected: str) -> None:
    assert safe_identifier(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("list", "list"), ("get", "get"), ("class", "class_"), ("_t", "_t_")],
)
def test_safe_attribute_escapes_only_keywords_and_the_transport_slot(
    name: str, expected: str
) -> None:
    assert safe_attribute(name) == expected


@pytest.mark.parametrize(
    "name",
    ["str", "int", "float", "bool", "bytes", "list", "dict", "object", "msgspec", "self"],
)
def test_reserved_guards_names_generated_scopes_use(name: str) -> None:
    assert name in RESERVED


@pytest.mark.parametrize("name", ["body", "options"])
def test_reserved_guards_runtime_keyword_arguments(name: str) -> None:
    assert name in RESERVED


def _imported_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            names |= {a.asname or a.name for a in node.names}
    return names


def test_reserved_guards_every_name_the_generated_types_modules_import() -> None:
    # A schema named like one of these would shadow the import for the classes after it
    # (cloudbilling's `Struct`, toolresults' `Any`).
    golden = Path(__file__).resolve().parents[1] / "golden" / "expected"
    imported = set().union(*(_imported_names(p) for p in golden.glob("*/*/*/types.py")))
    assert imported >= {"Any", "Struct", "datetime", "msgspec"}
    # Private aliases (x-mixin's `_mixin_<module>`) cannot meet a schema's name.
    assert {n for n in imported if not n.startswith("_mixin_")} - RESERVED == set()


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("v1", "v1"),
        ("v1beta", "v1beta"),
        ("v1.2", "v1_2"),
        ("v3.3", "v3_3"),
        ("directory_v1", "directory_v1"),
        ("vm_alpha", "vm_alpha"),
        ("2.0", "_2_0"),
        ("import", "import_"),
        ("", "_"),
    ],
)
def test_module_name_is_an_importable_module(version: str, expected: str) -> None:
    assert module_name(version) == expected
    assert expected.isidentifier() and not keyword.iskeyword(expected)


@pytest.mark.parametrize("name", sorted(RESERVED))
def test_every_reserved_name_is_escaped(name: str) -> None:
    assert safe_identifier(name) == name + "_"


@pytest.mark.parametrize("name", ["3dModel", "1", "mimeType", "$.xgafv", "class", ""])
def test_escaped_snake_case_is_a_python_identifier(name: str) -> None:
    # A Discovery property starting with a digit must still become a valid field name.
    py = safe_identifier(snake_case(name))
    assert py.isidentifier(), py
    assert not keyword.iskeyword(py)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_escaped_snake_case_is_always_an_identifier(name: str) -> None:
    py = safe_identifier(snake_case(name))
    assert py.isidentifier(), (name, py)
    assert not keyword.iskeyword(py)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_constant_case_is_always_an_identifier(value: str) -> None:
    name = constant_case(value)
    assert name.isidentifier(), (value, name)
    assert not keyword.iskeyword(name)


def test_name_pool_first_claimant_keeps_the_name() -> None:
    pool = NamePool()
    assert pool.claim("name") == "name"
    assert pool.renames == []


def test_name_pool_later_claimants_get_numeric_suffixes() -> None:
    pool = NamePool()
    assert [pool.claim("name") for _ in range(3)] == ["name", "name_2", "name_3"]


def test_name_pool_prefers_the_given_suffix() -> None:
    pool = NamePool()
    pool.claim("name")
    assert pool.claim("name", suffix="query") == "name_query"


def test_name_pool_falls_back_to_numbers_when_the_suffix_is_taken() -> None:
    pool = NamePool({"name", "name_query"})
    assert pool.claim("name", suffix="query") == "name_2"


def test_name_pool_suffix_is_unused_without_a_clash() -> None:
    assert NamePool().claim("name", suffix="query") == "name"


def test_name_pool_respects_names_taken_up_front() -> None:
    pool = NamePool({"Thing"})
    assert pool.claim("Thing") == "Thing_2"


def test_name_pool_records_each_rename() -> None:
    pool = NamePool()
    pool.claim("a")
    pool.claim("a")
    pool.claim("a", suffix="query")
    assert pool.renames == [("a", "a_2"), ("a", "a_query")]


def test_name_pool_contains_claimed_names() -> None:
    pool = NamePool({"taken"})
    pool.claim("claimed")
    assert "taken" in pool
    assert "claimed" in pool
    assert "free" not in pool


def test_name_pools_are_independent() -> None:
    first, second = NamePool(), NamePool()
    first.claim("name")
    assert second.claim("name") == "name"

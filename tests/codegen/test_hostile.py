"""The generator treats a Discovery document as untrusted input (fixtures/hostile.json,
whose every ``"@description@"`` stands for its own top-level description).

Its descriptions hold triple quotes of both kinds, backslashes and escape-like text
(``\\N{...}``, ``\\u0041``), Jinja syntax, U+2028/U+2029, NUL and other control
characters, and code that would create a marker file if it ever ran. Its names are
keywords (``class``, ``del``, ``None``), builtins (``str``, ``list``), names the
generated modules use (``Struct``, ``msgspec``, ``types``, ``self``, ``options``,
``body``), dunders (``__init__``, ``__call__``, ``__struct_fields__``) and names that
collide (``fooBar`` / ``foo_bar`` / ``FooBar``).

What must hold: every generated file parses; no document text reaches code except as a
string literal (docstrings, wire names, patterns, URLs); the package imports in a fresh
interpreter and its types decode and encode under their wire names; nothing from the
document runs; and the descriptions survive in the docstrings, word for word.
"""

from __future__ import annotations

import ast
import functools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from codegen.ir import Version
from codegen.pipeline import generate_document

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parent / "fixtures" / "hostile.json"
#: Where the fixture means its hostile description again (kept once, at the top).
AGAIN = "@description@"


def _load() -> dict:
    doc = json.loads(FIXTURE.read_text())

    def fill(node):
        if isinstance(node, dict):
            return {k: fill(v) for k, v in node.items()}
        if isinstance(node, list):
            return [fill(v) for v in node]
        return doc["description"] if node == AGAIN else node

    return fill(doc)


DOC = _load()
MARK = "HOSTILE_DOCUMENT_RAN"
PACKAGE = "generativelanguage/v1hostile"
#: What generated code may import.
ALLOWED_IMPORTS = {
    "__future__",
    "collections.abc",
    "datetime",
    "functools",
    "importlib",
    "typing",
    "msgspec",
    "generativelanguage",
}
#: Identifiers from the hostile text that must never appear as code.
FORBIDDEN_NAMES = {"__import__", "pathlib", "touch", "os", "system", "eval", "exec", "open"}


@functools.cache
def generated() -> tuple[dict[str, str], Version]:
    return generate_document(
        json.dumps(DOC).encode(), "hostile.json", format=True, extensions_dir=ROOT / "nonexistent"
    )


def python_files() -> dict[str, str]:
    return {p: t for p, t in generated()[0].items() if p.endswith(".py")}


def words(text: str) -> str:
    """Text with every run of white space (U+2028 and U+2029 included) as one space:
    docstrings wrap lines, and white space is all they may change."""
    return " ".join(text.split())


HOSTILE = DOC["description"]


def test_the_fixture_is_hostile():
    for piece in ('"""', "'''", "\\N{", "{{", "{%", "\u2028", "\x00", "__import__"):
        assert piece in HOSTILE
    assert {"class", "str", "Struct", "msgspec", "types", "__init__"} <= set(DOC["schemas"])


@pytest.mark.parametrize("path", sorted(python_files()))
def test_document_text_reaches_code_only_as_string_literals(path):
    tree = ast.parse(python_files()[path])  # also: it parses
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            modules = {"." if node.level else node.module}
        else:
            modules = set()
        for module in modules - {"."}:
            assert module.split(".")[0] in {m.split(".")[0] for m in ALLOWED_IMPORTS}, module
        if isinstance(node, ast.Name):
            assert node.id not in FORBIDDEN_NAMES, f"{path}: name {node.id!r} in code"
        if isinstance(node, ast.Attribute):
            assert node.attr not in FORBIDDEN_NAMES, f"{path}: attribute {node.attr!r} in code"


PROBE = r"""
import json, sys, inspect
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import msgspec
import generativelanguage.v1hostile as v
from generativelanguage.v1hostile import types, enums, resources, client
from generativelanguage.runtime import structs

thing = structs.decode(types.Thing, json.dumps({
    "fooBar": "a", "foo_bar": "b", "FooBar": "c", "self": "d", "__struct_fields__": "e",
    "__slots__": "f", "_t": "g", "omit_defaults": "h", "with space": "i", "dash-name": "j",
    "3dModel": "k", "naïve": "l", "": "m", "kind": "\"\"\"",
    "ref": {"for": "x", "None": "y", "True": "z"}, "strs": {"str": "s", "int": "7"},
    "nested": {"deep": "q", "class": "r"}, "list": [{"value": "v"}], "dotted": {"v": "w"},
}))
out = {
    "wire": json.loads(structs.encode(thing)),
    "fields": {f.name: f.encode_name for f in msgspec.structs.fields(types.Thing)},
    "classes": sorted(n for n, o in vars(types).items() if isinstance(o, type) and issubclass(o, structs.Struct)),
    "docs": {
        "Thing": types.Thing.__doc__,
        "class_": types.class_.__doc__,
        "client": client.Client.__doc__,
        "del_": resources.ThingsResource.del_.__doc__,
        "call": resources.ThingsResource.call.__doc__,
        "enum": enums.ThingKind.__doc__,
    },
    "enum_values": sorted(v for k, v in vars(enums.ThingKind).items() if not k.startswith("_")),
    "methods": sorted(n for n in vars(resources.ThingsResource) if not n.startswith("__")),
    "root_url": client.Client.ROOT_URL,
    "client": repr(client.Client(api_key="k")),
}
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def probe(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("hostile")
    for rel, text in generated()[0].items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    work = tmp_path_factory.mktemp("cwd")
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(root), str(ROOT / "src")],
        cwd=work,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert not (work / MARK).exists(), "code from the document ran"
    assert not (root / MARK).exists() and not (ROOT / MARK).exists()
    return json.loads(proc.stdout)


def test_the_package_imports_and_decodes_under_wire_names(probe):
    wire = probe["wire"]
    for key in ("fooBar", "foo_bar", "FooBar", "self", "__struct_fields__", "__slots__", "_t"):
        assert key in wire, key
    assert wire["kind"] == '"""'
    assert wire["ref"] == {"for": "x", "None": "y", "True": "z"}
    assert wire["strs"] == {"str": "s", "int": "7"}
    assert wire["list"] == [{"value": "v"}]
    assert wire["dotted"] == {"v": "w"}
    # Colliding names all got a field of their own.
    assert (
        len(set(probe["fields"]))
        == len(probe["fields"])
        == len(DOC["schemas"]["Thing"]["properties"])
    )


def test_schema_names_that_cannot_be_classes_are_escaped(probe):
    assert {"class_", "str_", "Struct_", "msgspec_", "types_", "Thing"} <= set(probe["classes"])
    # An id that is no identifier at all (Discovery ids are free-form strings).
    assert "dotted_name_3d" in probe["classes"]
    assert {"call", "close", "del_", "stream_things"} <= set(probe["methods"])
    assert probe["client"].startswith("Client(")


def test_descriptions_are_kept_word_for_word_in_docstrings(probe):
    for name, doc in probe["docs"].items():
        assert words(HOSTILE) in words(doc), name
    assert words(DOC["title"]) in words(probe["docs"]["client"])


def test_enum_values_and_urls_are_kept_exactly(probe):
    assert sorted(DOC["schemas"]["Thing"]["properties"]["kind"]["enum"]) == probe["enum_values"]
    assert probe["root_url"] == DOC["rootUrl"]

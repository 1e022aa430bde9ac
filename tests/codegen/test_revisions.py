"""Every Discovery revision in the mirror generates, imports and decodes a sample.

``make test`` runs a spread (first and last of each version, the revisions with the
known dangling ``MediaResolution`` reference, and the variants); ``make
test-revisions`` (ALL_REVISIONS=1) runs all of them.
"""

from __future__ import annotations

import importlib
import json
import os
import sys

import msgspec
import pytest

from codegen import extend
from codegen.pipeline import generate_document
from tests.support import discovery as d

ALL = sorted(d.MIRROR.glob("generativelanguage.*.json")) + sorted(
    d.MIRROR.glob("variants/generativelanguage.*.json")
)
SPREAD = {
    "generativelanguage.v1.20240410.json",
    "generativelanguage.v1beta.20240410.json",
    "generativelanguage.v1beta.20240713.json",
    "generativelanguage.v1beta.20260207.json",  # last with MediaResolution defined
    "generativelanguage.v1beta.20260223.json",  # first with the dangling $ref
    "generativelanguage.v1beta.20260717.json",  # last with the dangling $ref
    "generativelanguage.v1beta.20260720.json",
    "generativelanguage.v1beta.20260821.json",
}
SELECTED = [
    p for p in ALL if os.environ.get("ALL_REVISIONS") or p.name in SPREAD or "variant" in p.name
]


@pytest.mark.skipif(not ALL, reason=f"no Discovery mirror at {d.MIRROR}")
@pytest.mark.parametrize("path", SELECTED, ids=[p.name for p in SELECTED])
def test_revision_generates_imports_and_decodes(tmp_path, monkeypatch, path):
    data = path.read_bytes()
    doc = json.loads(data)
    files, version = generate_document(data, path.name, format=False)
    module = "rev_" + path.stem.replace(".", "_").replace("-", "_")
    for rel, text in files.items():
        target = tmp_path / module / rel.rsplit("/", 1)[1]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        pkg = importlib.import_module(module)
        assert pkg.REVISION == doc["revision"]
        client = pkg.Client(api_key="k", base_url="http://127.0.0.1:1/")
        assert "api_key=<set>" in repr(client)
        client.close()
        types = pkg.types
        structs = [
            n
            for n, v in vars(types).items()
            if isinstance(v, type)
            and issubclass(v, msgspec.Struct)
            and v.__module__ == types.__name__
        ]
        # The repository's extension documents add their schemas to every revision.
        merged, _, _ = extend.merge(doc, extend.find(doc["name"], doc["version"]))
        assert set(structs) == set(merged["schemas"])
        # PaLM-era documents (v1beta3) have no GenerateContentResponse.
        name = "GenerateContentResponse"
        if name not in doc["schemas"]:
            name = sorted(s for s in doc["schemas"] if s.endswith("Response"))[0]
        sample = d.sample_value(doc, {"$ref": name}, wire_side="response")
        decoded = msgspec.json.decode(json.dumps(sample), type=getattr(types, name), strict=False)
        assert d.normalize(msgspec.to_builtins(decoded)) == d.normalize(sample)
        dangling = {w for w in version.warnings if "names no schema" in w}
        if '"$ref": "MediaResolution"' in data.decode() and "MediaResolution" not in doc["schemas"]:
            assert any("schemas.Part.properties.mediaResolution" in w for w in dangling)
    finally:
        for name in [m for m in sys.modules if m == module or m.startswith(module + ".")]:
            del sys.modules[name]

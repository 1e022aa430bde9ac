"""The generation pipeline and its command line on documents of any API.

``python -m codegen generate --document FILE --package NAME --out DIR``: the version
becomes an importable module below NAME, two APIs with one version land in separate
packages, and writing one API over another's package is refused.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from codegen import pipeline
from codegen.load import DiscoveryError, media_size

ROOT = Path(__file__).resolve().parents[2]


def _doc(name: str, version: str, **extra) -> bytes:
    doc = {
        "kind": "discovery#restDescription",
        "name": name,
        "version": version,
        "revision": "20250101",
        "rootUrl": f"https://{name}.example.invalid/",
        "servicePath": f"{name}/{version}/",
        "schemas": {"Thing": {"id": "Thing", "type": "object", "properties": {}}},
        "resources": {
            "things": {
                "methods": {
                    "get": {
                        "id": f"{name}.things.get",
                        "httpMethod": "GET",
                        "path": "things",
                        "response": {"$ref": "Thing"},
                    }
                }
            }
        },
        **extra,
    }
    return json.dumps(doc).encode()


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "codegen", "generate", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PYTHONPATH": str(ROOT), "PATH": str(Path(sys.executable).parent)},
    )


def test_two_apis_with_one_version_land_in_their_own_packages(tmp_path, monkeypatch) -> None:
    out = tmp_path / "out"
    for name in ("alpha", "beta"):
        (tmp_path / f"{name}.json").write_bytes(_doc(name, "v1"))
        document = str(tmp_path / f"{name}.json")
        proc = _cli("--document", document, "--out", str(out), "--no-format", cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert f"(import {name}.v1)" in proc.stdout
    monkeypatch.syspath_prepend(str(out))
    try:
        alpha = importlib.import_module("alpha.v1.client")
        beta = importlib.import_module("beta.v1.client")
        assert alpha.Client.ROOT_URL == "https://alpha.example.invalid/"
        assert beta.Client.ROOT_URL == "https://beta.example.invalid/"
    finally:
        for module in [m for m in sys.modules if m.split(".")[0] in ("alpha", "beta")]:
            del sys.modules[module]


def test_a_dotted_package_and_a_dotted_version_give_importable_modules(tmp_path) -> None:
    files, version = pipeline.generate_document(
        _doc("ads", "v1.2"), "ads.v1.2.json", package="vendor.google", format=False
    )
    assert version.package == "vendor.google.v1_2"
    assert sorted(files) == [
        f"vendor/google/v1_2/{name}"
        for name in (
            "MANIFEST.json",
            "__init__.py",
            "client.py",
            "enums.py",
            "py.typed",
            "resources.py",
            "types.py",
        )
    ]
    manifest = json.loads(files["vendor/google/v1_2/MANIFEST.json"])
    assert (manifest["api"], manifest["version"]) == ("ads", "v1.2")


def test_writing_another_apis_files_over_a_package_is_refused(tmp_path) -> None:
    first, _ = pipeline.generate_document(_doc("alpha", "v1"), "a.json", package="p", format=False)
    pipeline.write_version(first, tmp_path)
    second, _ = pipeline.generate_document(_doc("beta", "v1"), "b.json", package="p", format=False)
    with pytest.raises(pipeline.GenerateError, match="holds the 'alpha' API, not 'beta'"):
        pipeline.write_version(second, tmp_path)
    again, _ = pipeline.generate_document(_doc("alpha", "v1"), "a.json", package="p", format=False)
    assert pipeline.write_version(again, tmp_path) == []  # the same API regenerates fine


def test_a_package_that_is_no_python_name_is_refused() -> None:
    with pytest.raises(pipeline.GenerateError, match="not a dotted Python name"):
        pipeline.generate_document(_doc("a", "v1"), "a.json", package="my-pkg", format=False)


def test_cli_key_variables_and_the_regenerate_hint(tmp_path) -> None:
    (tmp_path / "alpha.json").write_bytes(_doc("alpha", "v1"))
    proc = _cli(
        "--document",
        str(tmp_path / "alpha.json"),
        "--package",
        "apis.alpha",
        "--api-key-env",
        "ALPHA_KEY",
        "--out",
        str(tmp_path / "out"),
        "--no-format",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    client = (tmp_path / "out" / "apis" / "alpha" / "v1" / "client.py").read_text()
    assert "API_KEY_ENV = ('ALPHA_KEY',)" in client
    assert "Regenerate with `python -m codegen generate --document alpha.json" in client
    assert "--package apis.alpha`" in client


def test_package_goes_with_document_only(tmp_path) -> None:
    proc = _cli("--package", "x", "--check", cwd=ROOT)
    assert proc.returncode == 2 and "go with --document" in proc.stderr


@pytest.mark.parametrize(
    ("value", "size"),
    [("2147483648", 2**31), ("1GB", 2**30), ("10MB", 10 * 2**20), ("5120GB", 5120 * 2**30)],
)
def test_media_max_size_with_or_without_a_unit(value: str, size: int) -> None:
    assert media_size(value, "x.maxSize") == size


def test_media_max_size_that_is_no_size_names_its_place() -> None:
    with pytest.raises(DiscoveryError, match="resources.a.methods.b.mediaUpload.maxSize"):
        media_size("lots", "resources.a.methods.b.mediaUpload.maxSize")

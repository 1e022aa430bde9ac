"""Tests for codegen.dist: the runtime wheel and one wheel per API version."""

from __future__ import annotations

import base64
import csv
import email.parser
import hashlib
import io
import json
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from codegen import dist, fetch
from codegen.dist import DistError

ROOT = Path(__file__).resolve().parents[2]
VERSIONS = fetch.locked_versions()
PROJECT = dist.read_project(ROOT / "pyproject.toml")


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> dict[str, Path]:
    """Every wheel of the repository, by distribution name."""
    out = tmp_path_factory.mktemp("dist")
    paths = dist.build(out_dir=out)
    return {_metadata(p)["Name"]: p for p in paths}


def _names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def _read(wheel: Path, suffix: str) -> bytes:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(suffix)]
        return archive.read(name)


def _metadata(wheel: Path):
    return email.parser.BytesParser().parsebytes(_read(wheel, ".dist-info/METADATA"))


def _tree(base: Path, prefix: str) -> set[str]:
    return {
        f"{prefix}/{p.relative_to(base).as_posix()}"
        for p in base.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


def test_one_wheel_for_the_runtime_and_one_per_api_version(wheels) -> None:
    assert sorted(wheels) == sorted(
        [dist.RUNTIME_DIST, *(dist.api_distribution_name(v) for v in VERSIONS)]
    )
    assert wheels["generativelanguage-v1beta"].name == (
        f"generativelanguage_v1beta-{dist.api_distribution_version(fetch.read_lock('v1beta').revision, PROJECT.version)}"
        "-py3-none-any.whl"
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_api_wheel_holds_only_its_version(wheels, version: str) -> None:
    wheel = wheels[dist.api_distribution_name(version)]
    names = _names(wheel)
    package = [n for n in names if not n.split("/", 1)[0].endswith(".dist-info")]
    assert set(package) == _tree(
        ROOT / "generated" / "generativelanguage" / version, f"generativelanguage/{version}"
    )
    assert all(n.startswith(f"generativelanguage/{version}/") for n in package)
    assert "generativelanguage/__init__.py" not in names
    assert not any(n.startswith("generativelanguage/runtime/") for n in names)
    others = [v for v in VERSIONS if v != version]
    assert not any(n.startswith(f"generativelanguage/{v}/") for v in others for n in names)
    dist_info = {n.split("/", 1)[0] for n in names if n not in package}
    assert len(dist_info) == 1


def test_runtime_wheel_holds_the_runtime_and_the_conveniences(wheels) -> None:
    names = _names(wheels[dist.RUNTIME_DIST])
    package = {n for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    src = ROOT / "src" / "generativelanguage"
    assert package == (
        _tree(src / "runtime", "generativelanguage/runtime")
        | _tree(src / "gemini", "generativelanguage/gemini")
        | _tree(src / "live", "generativelanguage/live")
    )
    assert "generativelanguage/live/session.py" in package
    assert not any(n.startswith("generativelanguage/emulator/") for n in names)
    assert "generativelanguage/runtime/__init__.py" in package
    assert "generativelanguage/__init__.py" not in names


def test_every_shipped_portion_is_marked_typed(wheels) -> None:
    """PEP 561: each package of each wheel holds a py.typed, or type checkers skip it
    and see the client as Any."""
    expected = {
        dist.RUNTIME_DIST: ["runtime", "gemini"],
        **{dist.api_distribution_name(v): [v] for v in VERSIONS},
    }
    for name, packages in expected.items():
        names = _names(wheels[name])
        for package in packages:
            assert f"generativelanguage/{package}/py.typed" in names, (name, package)
    assert (ROOT / "src" / "generativelanguage" / "emulator" / "py.typed").is_file()


@pytest.mark.parametrize("version", VERSIONS)
def test_api_wheel_metadata_pins_the_runtime_and_follows_the_lock(wheels, version) -> None:
    from packaging.version import Version

    lock = fetch.read_lock(version)
    meta = _metadata(wheels[dist.api_distribution_name(version)])
    expected = f"{int(lock.revision)}.{PROJECT.version}"
    assert meta["Metadata-Version"] == "2.1"
    assert (meta["Name"], meta["Version"]) == (f"generativelanguage-{version}", expected)
    assert str(Version(expected)) == expected  # PEP 440 valid and already canonical
    assert meta.get_all("Requires-Dist") == [f"generativelanguage-runtime=={PROJECT.version}"]
    assert meta["Requires-Python"] == PROJECT.requires_python
    assert lock.revision in meta["Summary"] and lock.sha256 in meta.get_payload()


def test_runtime_wheel_metadata_carries_the_project_dependencies(wheels) -> None:
    meta = _metadata(wheels[dist.RUNTIME_DIST])
    assert (meta["Name"], meta["Version"]) == ("generativelanguage-runtime", PROJECT.version)
    requires = meta.get_all("Requires-Dist")
    assert [r for r in requires if "extra ==" not in r] == list(PROJECT.dependencies)
    assert any(r.startswith(("httpx>", "httpx=")) for r in requires)
    assert any(r.startswith("msgspec") for r in requires)
    assert 'httpx2>=2.0; extra == "httpx2"' in requires
    assert 'google-auth[requests]>=2.20; extra == "google-auth"' in requires
    assert 'websockets>=15.0; extra == "live"' in requires
    assert sorted(meta.get_all("Provides-Extra")) == ["google-auth", "httpx2", "live"]  # not "dev"


@pytest.mark.parametrize("name", [dist.RUNTIME_DIST, "generativelanguage-v1beta"])
def test_record_lists_every_file_with_its_hash_and_size(wheels, name: str) -> None:
    with zipfile.ZipFile(wheels[name]) as archive:
        names = archive.namelist()
        record_name = names[-1]
        assert record_name.endswith(".dist-info/RECORD")
        rows = list(csv.reader(io.StringIO(archive.read(record_name).decode())))
        assert [r[0] for r in rows] == names
        assert rows[-1] == [record_name, "", ""]
        for path, digest, size in rows[:-1]:
            data = archive.read(path)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert digest == "sha256=" + expected.decode()
            assert int(size) == len(data)
        infos = archive.infolist()
    assert {i.date_time for i in infos} == {dist.ZIP_EPOCH}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}
    package = [n for n in names if ".dist-info/" not in n]
    assert names[: len(package)] == sorted(package)  # sorted files, dist-info last
    wheel = _read(wheels[name], ".dist-info/WHEEL").decode()
    assert "Root-Is-Purelib: true\n" in wheel and "Tag: py3-none-any\n" in wheel


def test_builds_are_byte_identical(wheels, tmp_path: Path) -> None:
    again = dist.build(out_dir=tmp_path)
    assert {p.name: p.read_bytes() for p in again} == {
        p.name: p.read_bytes() for p in wheels.values()
    }


def test_installed_single_version_imports_alone(wheels, tmp_path: Path) -> None:
    """Runtime + v1 wheels in a bare target folder: v1 works, v1beta does not exist."""
    pytest.importorskip("pip")
    target = tmp_path / "target"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--no-index",
            "--target",
            str(target),
            str(wheels[dist.RUNTIME_DIST]),
            str(wheels["generativelanguage-v1"]),
        ],
        check=True,
        capture_output=True,
    )
    import httpx
    import msgspec

    # ``-S`` skips site-packages and its .pth files, among them the editable install
    # that would put this repository's src/ and generated/ on sys.path. The third-party
    # dependencies' folders are then appended by hand (no .pth processing).
    deps = sorted({str(Path(m.__file__).resolve().parents[1]) for m in (httpx, msgspec)})
    code = textwrap.dedent(
        f"""
        import sys
        sys.path.extend({deps!r})
        import generativelanguage, generativelanguage.runtime, generativelanguage.v1
        target = {str(target)!r}
        assert list(generativelanguage.__path__) == [target + "/generativelanguage"], (
            generativelanguage.__path__
        )
        assert generativelanguage.__file__ is None  # a namespace package
        assert generativelanguage.v1.__file__.startswith(target)
        assert generativelanguage.runtime.__file__.startswith(target)
        client = generativelanguage.v1.Client(api_key="test-key")
        assert type(client).__module__ == "generativelanguage.v1.client"
        client.close()
        try:
            import generativelanguage.v1beta
        except ModuleNotFoundError as exc:
            print("no v1beta:", exc.name)
        else:
            raise SystemExit("generativelanguage.v1beta should not be importable")
        """
    )
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "GEMINI_API_KEY": ""}
    proc = subprocess.run(
        [sys.executable, "-S", "-c", code],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "no v1beta: generativelanguage.v1beta\n"


def test_cli_builds_the_runtime_and_the_chosen_version(tmp_path: Path, capsys) -> None:
    assert dist.main(["--version", "v1", "--out", str(tmp_path)]) == 0
    assert sorted(p.name.split("-")[0] for p in tmp_path.iterdir()) == [
        "generativelanguage_runtime",
        "generativelanguage_v1",
    ]
    assert capsys.readouterr().out.count("built ") == 2


def test_generated_package_not_matching_the_lock_is_refused(tmp_path: Path, capsys) -> None:
    generated = tmp_path / "generated"
    shutil.copytree(
        ROOT / "generated" / "generativelanguage" / "v1beta",
        generated / "generativelanguage" / "v1beta",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    lock = fetch.read_lock("v1beta")
    fetch.write_lock(fetch.Lock("v1beta", "20260816", "0" * 64, lock.source_url), tmp_path)
    with pytest.raises(DistError, match=r"generated from v1beta@\d+ .* pins v1beta@20260816"):
        dist.api_wheel("v1beta", PROJECT, generated, tmp_path)
    manifest = generated / "generativelanguage" / "v1beta" / dist.MANIFEST
    manifest.unlink()
    with pytest.raises(DistError, match="MANIFEST.json is missing; run `make generate`"):
        dist.api_wheel("v1beta", PROJECT, generated, tmp_path)


def test_namespace_init_is_never_shipped() -> None:
    wheel = dist.Wheel(
        name="generativelanguage-x",
        version="1",
        summary="s",
        description="d",
        requires_python="",
        requires_dist=(),
        extras=(),
        license="",
        files={"generativelanguage/__init__.py": b""},
    )
    with pytest.raises(DistError, match="PEP 420 namespace package"):
        dist.wheel_entries(wheel, "0")


@pytest.mark.parametrize(
    ("revision", "runtime", "expected"),
    [
        ("20260821", "0.1.0", "20260821.0.1.0"),
        ("20240410", "1.2.0rc1", "20240410.1.2.0rc1"),
        ("20240410", "2.0.0.post1", "20240410.2.0.0.post1"),
    ],
)
def test_api_distribution_version(revision: str, runtime: str, expected: str) -> None:
    assert dist.api_distribution_version(revision, runtime) == expected


@pytest.mark.parametrize(
    ("revision", "runtime", "message"),
    [
        ("2026-08-21", "0.1.0", "not all digits"),
        ("20260821", "1!0.1.0", "without an epoch"),
        ("20260821", "v0.1", "not a canonical PEP 440 version"),
    ],
)
def test_api_distribution_version_rejects(revision: str, runtime: str, message: str) -> None:
    with pytest.raises(DistError, match=message):
        dist.api_distribution_version(revision, runtime)


def test_read_project_skips_dev_extras(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "0.3.0"\nrequires-python = ">=3.10"\n'
        'dependencies = ["httpx>=0.27"]\n'
        '[project.optional-dependencies]\ndev = ["pytest"]\nfast = ["orjson"]\n'
    )
    project = dist.read_project(tmp_path / "pyproject.toml")
    assert project.extras == (("fast", ("orjson",)),)
    assert (project.version, project.dependencies) == ("0.3.0", ("httpx>=0.27",))
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\ndynamic = ["version"]\n')
    with pytest.raises(DistError, match="no static 'version'"):
        dist.read_project(tmp_path / "pyproject.toml")


def test_manifest_file_names_match_the_wheel(wheels) -> None:
    for version in VERSIONS:
        manifest = json.loads(
            (ROOT / "generated" / "generativelanguage" / version / dist.MANIFEST).read_text()
        )
        names = _names(wheels[dist.api_distribution_name(version)])
        shipped = {n.rsplit("/", 1)[1] for n in names if n.startswith("generativelanguage/")}
        assert set(manifest["files"]) | {dist.MANIFEST} == shipped

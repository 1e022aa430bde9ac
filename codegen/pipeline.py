"""The generation pipeline: document bytes -> files of one version package, on disk.

    merge extensions -> load -> build -> render -> ruff -> MANIFEST.json -> write / compare

The command line (``__main__``) and ``update-api`` (``update``) only call this module.
It runs the pinned ruff and reads and writes files; every decision is made in ``build``,
every text in ``render``.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from . import extend
from . import fetch as fetching
from .build import build_version
from .ir import Version
from .load import parse_document
from .naming import module_name
from .render import render_version

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated"
#: docs/reference/<version>.md, rendered from the IR beside the code (`--check` too).
REFERENCE = ROOT / "docs" / "reference"
RUFF_VERSION = "0.17.6"  # part of the generator: a different ruff formats differently
#: The package of the API this repository pins (discovery/<version>.lock.json).
PACKAGE = "generativelanguage"
MANIFEST = "MANIFEST.json"
#: Second header line of the pinned API's files.
REGENERATE = "`make generate` (python -m codegen generate); see README.md"


class GenerateError(RuntimeError):
    pass


def check_ruff_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ruff", "--version"], capture_output=True, text=True
    ).stdout
    if out.split()[-1:] != [RUFF_VERSION]:
        raise GenerateError(
            f"the generator needs ruff {RUFF_VERSION} (found {out.strip() or 'none'}); "
            "run `make venv` to install the pinned tools"
        )


def manifest(version: Version, files: list[str]) -> str:
    data = {
        "_comment": f"{version.header} Regenerate with {version.regenerate}.",
        "api": version.api_name,
        "version": version.version,
        "revision": version.revision,
        "source": version.source_name,
        "sha256": version.sha256,
        "files": sorted(files),
    }
    if version.extensions:
        data["extensions"] = dict(version.extensions)
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def document_extensions(data: bytes, directory: Path | None = None) -> tuple:
    """The extension documents (``discovery/extensions/``) for this document's API and
    version."""
    try:
        head = json.loads(data)
        api, version = head["name"], head["version"]
    except (ValueError, TypeError, KeyError):
        return ()  # parse_document reports what is wrong with the document
    return extend.find(api, version, directory)


def generate_document(
    data: bytes,
    source_name: str,
    *,
    package: str | None = None,
    format: bool = True,
    extensions_dir: Path | None = None,
    api_key_env: tuple[str, ...] | None = None,
    regenerate: str = REGENERATE,
):
    """All files of one version package for one document, with the extension documents
    for its API and version merged in: ({path: text}, IR).

    Args:
        data: The document's bytes.
        source_name: Its file name, as the headers and the manifest name it.
        package: The dotted package the version package goes in (default: the API's
            name, ``generativelanguage``); the version becomes an importable module
            below it (``v1.2`` -> ``v1_2``).
        format: Run ruff over the output.
        extensions_dir: Where extension documents are read (default: discovery/extensions).
        api_key_env: Environment variables for the API key (default: the document's
            ``x-client.apiKeyEnv``, else none).
        regenerate: The "Regenerate with ..." text of the headers.

    Paths are relative to the output root, e.g. ``generativelanguage/v1beta/types.py``.
    """
    rendered, version = render_document(
        data,
        source_name,
        package=package,
        extensions_dir=extensions_dir,
        api_key_env=api_key_env,
        regenerate=regenerate,
    )
    if format:
        rendered = format_files(rendered)
    return with_manifest(rendered, version), version


def render_document(
    data: bytes,
    source_name: str,
    *,
    package: str | None = None,
    extensions_dir: Path | None = None,
    api_key_env: tuple[str, ...] | None = None,
    regenerate: str = REGENERATE,
) -> tuple[dict[str, str], Version]:
    """The Python files of one version package, unformatted, and the IR (the first
    half of ``generate_document``; arguments as there)."""
    raw = parse_document(data, source_name, document_extensions(data, extensions_dir))
    parent = package or module_name(raw.name)
    if not all(part.isidentifier() for part in parent.split(".")):
        raise GenerateError(f"--package {parent!r} is not a dotted Python name")
    dotted = f"{parent}.{module_name(raw.version)}"
    version = build_version(raw, dotted, api_key_env=api_key_env)
    if regenerate != version.regenerate:
        version = dataclasses.replace(version, regenerate=regenerate)
    package_dir = version.package_dir
    rendered = {f"{package_dir}/{name}": text for name, text in render_version(version).items()}
    return rendered, version


def format_files(rendered: dict[str, str]) -> dict[str, str]:
    """Every file lint-fixed and formatted by the pinned ruff with the repository's
    configuration: two ruff runs over a scratch folder for the whole package (raises
    GenerateError when ruff leaves a problem it cannot fix)."""
    with tempfile.TemporaryDirectory(prefix="codegen-format-") as scratch:
        # The files sit under generated/ there, as in the repository, so that the
        # repository's configuration (per-file rules for generated/**) applies alike.
        base = Path(scratch) / "generated"
        for rel, text in rendered.items():
            (base / rel).parent.mkdir(parents=True, exist_ok=True)
            (base / rel).write_text(text)
        config = ("--config", str(ROOT / "pyproject.toml"))
        for args in (("check", "--fix", "--quiet"), ("format", "--quiet")):
            proc = subprocess.run(
                [sys.executable, "-m", "ruff", *args, *config, "generated"],
                capture_output=True,
                text=True,
                cwd=scratch,
            )
            if proc.returncode != 0:
                raise GenerateError(
                    f"ruff {args[0]} failed:\n{proc.stdout}\n{proc.stderr}".replace(scratch, "")
                )
        return {rel: (base / rel).read_text() for rel in rendered}


def with_manifest(rendered: dict[str, str], version: Version) -> dict[str, str]:
    """``rendered`` plus the version package's ``MANIFEST.json``."""
    files = dict(rendered)
    files[f"{version.package_dir}/{MANIFEST}"] = manifest(
        version, [p.rsplit("/", 1)[1] for p in rendered]
    )
    return files


def _check_owner(files: dict[str, str], out: Path) -> None:
    """Refuse to overwrite a version package that another API's document generated."""
    for rel, text in files.items():
        if not rel.endswith("/" + MANIFEST):
            continue
        existing = out / rel
        if not existing.is_file():
            continue
        try:
            old = json.loads(existing.read_text())
        except ValueError:
            continue
        new = json.loads(text)
        if old.get("api", new["api"]) != new["api"]:
            raise GenerateError(
                f"{existing.parent} holds the {old['api']!r} API, not {new['api']!r}: "
                "choose another --package"
            )


def write_version(files: dict[str, str], out: Path) -> list[str]:
    """Write one version's files; remove files of that version the new set lacks."""
    _check_owner(files, out)
    changed = []
    for rel_dir in {Path(p).parent for p in files}:
        target_dir = out / rel_dir
        if target_dir.is_dir():
            for existing in sorted(target_dir.rglob("*")):
                rel = existing.relative_to(out).as_posix()
                if existing.is_file() and "__pycache__" not in rel and rel not in files:
                    existing.unlink()
                    changed.append(f"removed {rel}")
    return changed + write_files(files, out)


def write_files(files: dict[str, str], out: Path, shown: str = "") -> list[str]:
    """Write ``files`` under ``out`` where they changed; messages name each file as
    ``shown + relative path``."""
    changed = []
    for rel, text in sorted(files.items()):
        path = out / rel
        if path.is_file() and path.read_text() == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        changed.append(f"wrote {shown}{rel}")
    return changed


def compare_version(files: dict[str, str], out: Path) -> list[str]:
    """Differences between the files the generator produces and those on disk."""
    problems = []
    for rel_dir in {Path(p).parent for p in files}:
        target_dir = out / rel_dir
        if target_dir.is_dir():
            for existing in sorted(target_dir.rglob("*")):
                rel = existing.relative_to(out).as_posix()
                if existing.is_file() and "__pycache__" not in rel and rel not in files:
                    problems.append(f"extra file: {rel}")
    return problems + compare_files(files, out)


def compare_files(files: dict[str, str], out: Path, shown: str = "") -> list[str]:
    """Differences between ``files`` and what ``out`` holds (other files are ignored);
    messages name each file as ``shown + relative path``."""
    problems = []
    for rel, text in sorted(files.items()):
        path = out / rel
        if not path.is_file():
            problems.append(f"missing file: {shown}{rel}")
        elif path.read_text() != text:
            problems.append(f"differs from generator output: {shown}{rel}")
    return problems


def locked_document(version: str) -> tuple[bytes, str]:
    """The verified cached document a lock pins, and its file name."""
    lock = fetching.read_lock(version)
    cached = fetching.cached_path(lock)
    if not cached.is_file():
        raise GenerateError(f"{cached} is missing; run `make fetch` first")
    data = cached.read_bytes()
    fetching.verify(lock, data)
    return data, lock.file_name


def generate_locked(version: str, *, format: bool = True) -> tuple[dict[str, str], Version]:
    """The files of one pinned version of the repository's API."""
    data, name = locked_document(version)
    return generate_document(data, name, package=PACKAGE, format=format)

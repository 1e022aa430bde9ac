"""Command line of the generator: generate, check, fetch, diff.

    python -m codegen fetch [--source live|DIR] [--version V]
    python -m codegen generate [--version V] [--check] [--out DIR]
    python -m codegen generate --document FILE --out DIR [--no-format]
    python -m codegen diff OLD NEW [--format markdown|json]
    python -m codegen update-api --version V [--source live|DIR]
    python -m codegen build-dist [--version V] [--out DIR]

This module does the I/O (reading the cache, running the pinned ruff, writing files and
the manifest); every decision is made in ``build``, every text in ``render``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import extend
from . import fetch as fetching
from .build import build_version
from .ir import Version
from .load import parse_document
from .render import render_reference, render_version

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated"
#: docs/reference/<version>.md, rendered from the IR beside the code (`--check` too).
REFERENCE = ROOT / "docs" / "reference"
RUFF_VERSION = "0.17.6"  # part of the generator: a different ruff formats differently
PACKAGE = "generativelanguage"
MANIFEST = "MANIFEST.json"


class GenerateError(RuntimeError):
    pass


def _ruff(*args: str, stdin: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        raise GenerateError(f"ruff {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def check_ruff_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ruff", "--version"], capture_output=True, text=True
    ).stdout
    if out.split()[-1:] != [RUFF_VERSION]:
        raise GenerateError(
            f"the generator needs ruff {RUFF_VERSION} (found {out.strip() or 'none'}); "
            "run `make venv` to install the pinned tools"
        )


def format_python(rel_path: str, text: str) -> str:
    """Lint-fix and format one generated file with the repo's ruff configuration."""
    hint = f"generated/{rel_path}"
    text = _ruff("check", "--fix", "--quiet", "--stdin-filename", hint, "-", stdin=text)
    return _ruff("format", "--quiet", "--stdin-filename", hint, "-", stdin=text)


def manifest(version: Version, files: list[str]) -> str:
    data = {
        "_comment": f"{version.header} Regenerate with `make generate`.",
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
    data: bytes, source_name: str, *, format: bool = True, extensions_dir: Path | None = None
):
    """All files of one version package for one document, with the extension documents
    for its API and version merged in: ({path: text}, IR).

    Paths are relative to the generated root, e.g. ``generativelanguage/v1beta/types.py``.
    """
    raw = parse_document(data, source_name, document_extensions(data, extensions_dir))
    package_dir = f"{PACKAGE}/{raw.version}"
    version = build_version(raw, package_dir.replace("/", "."))
    rendered = {f"{package_dir}/{name}": text for name, text in render_version(version).items()}
    if format:
        with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
            python = {p: t for p, t in rendered.items() if p.endswith(".py")}
            formatted = pool.map(lambda kv: (kv[0], format_python(*kv)), python.items())
            rendered.update(formatted)
    rendered[f"{package_dir}/{MANIFEST}"] = manifest(
        version, [p.rsplit("/", 1)[1] for p in rendered]
    )
    return rendered, version


def write_version(files: dict[str, str], out: Path) -> list[str]:
    """Write one version's files; remove files of that version the new set lacks."""
    package_dirs = {Path(p).parent for p in files}
    changed = []
    for rel_dir in package_dirs:
        target_dir = out / rel_dir
        if target_dir.is_dir():
            for existing in sorted(target_dir.rglob("*")):
                rel = existing.relative_to(out).as_posix()
                if existing.is_file() and "__pycache__" not in rel and rel not in files:
                    existing.unlink()
                    changed.append(f"removed {rel}")
    return changed + write_files(files, out)


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


def write_files(files: dict[str, str], out: Path, shown: str = "") -> list[str]:
    """Write ``files`` under ``out`` where they changed."""
    changed = []
    for rel, text in sorted(files.items()):
        path = out / rel
        if path.is_file() and path.read_text() == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        changed.append(f"wrote {shown}{rel}")
    return changed


def _docs_label(docs: Path) -> str:
    return f"{docs.relative_to(ROOT).as_posix()}/" if docs.is_relative_to(ROOT) else f"{docs}/"


def _cmd_generate(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if args.format:
        check_ruff_version()
    if args.document:
        path = Path(args.document)
        files, version = generate_document(path.read_bytes(), path.name, format=args.format)
        for w in version.warnings:
            print(f"warning: {w}", file=sys.stderr)
        write_version(files, out)
        return 0
    versions = args.version or fetching.locked_versions()
    failures = []
    for v in versions:
        lock = fetching.read_lock(v)
        cached = fetching.cached_path(lock)
        if not cached.is_file():
            raise GenerateError(f"{cached} is missing; run `make fetch` first")
        data = cached.read_bytes()
        fetching.verify(lock, data)
        files, version = generate_document(data, lock.file_name, format=args.format)
        for w in version.warnings:
            print(f"warning: {v}: {w}", file=sys.stderr)
        docs = Path(args.docs)
        reference = {f"{version.version}.md": render_reference(version)}
        if args.check:
            problems = compare_version(files, out) + compare_files(
                reference, docs, _docs_label(docs)
            )
            failures += problems
            for p in problems:
                print(p, file=sys.stderr)
        else:
            for line in write_version(files, out) + write_files(reference, docs, _docs_label(docs)):
                print(line)
    if failures:
        print(
            f"{len(failures)} difference(s) between generated/ and the generator's output; "
            "run `make generate` and commit the result (never edit generated/ by hand)",
            file=sys.stderr,
        )
        return 1
    return 0


def _cmd_fetch(args: argparse.Namespace) -> int:
    source = args.source
    if source != "live" and not Path(source).is_dir():
        raise GenerateError(f"mirror folder {source} does not exist (use --source live?)")
    for v in args.version or fetching.locked_versions():
        path = fetching.fetch(v, source)
        print(f"{v}: {path.relative_to(ROOT)} verified against discovery/{v}.lock.json")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["diff"]:
        from . import diff

        return diff.main(argv[1:])
    if argv[:1] == ["update-api"]:
        from . import update

        return update.main(argv[1:])
    if argv[:1] == ["build-dist"]:
        from . import dist

        return dist.main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m codegen")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="render generated/ from the cached documents")
    gen.add_argument("--version", action="append", help="only this API version (repeatable)")
    gen.add_argument("--check", action="store_true", help="fail if generated/ differs")
    gen.add_argument("--out", default=str(GENERATED))
    gen.add_argument("--docs", default=str(REFERENCE), help="where docs/reference/ goes")
    gen.add_argument("--document", help="generate this Discovery file instead of the locks")
    gen.add_argument("--no-format", dest="format", action="store_false")
    fet = sub.add_parser("fetch", help="fill the Discovery cache and verify it against the locks")
    fet.add_argument("--source", default=os.environ.get("DISCOVERY_SOURCE", "live"))
    fet.add_argument("--version", action="append")
    args = parser.parse_args(argv)
    try:
        if args.command == "generate":
            return _cmd_generate(args)
        return _cmd_fetch(args)
    except (GenerateError, fetching.FetchError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

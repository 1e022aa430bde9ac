"""Command line of the generator: generate, check, fetch, diff.

    python -m codegen fetch [--source live|DIR] [--version V]
    python -m codegen generate [--version V] [--check] [--out DIR]
    python -m codegen generate --document FILE [--package NAME] --out DIR [--no-format]
                               [--api-key-env VAR]...
    python -m codegen diff OLD NEW [--format markdown|json]
    python -m codegen update-api --version V [--source live|DIR]
    python -m codegen build-dist [--version V] [--out DIR]

This module only parses arguments and calls ``codegen.pipeline`` (generation, ruff,
manifest, writing), ``update``, ``diff`` and ``dist``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import fetch as fetching
from . import pipeline
from .pipeline import GENERATED, REFERENCE, ROOT, GenerateError, compare_files, write_files
from .render import render_reference


def _docs_label(docs: Path) -> str:
    return f"{docs.relative_to(ROOT).as_posix()}/" if docs.is_relative_to(ROOT) else f"{docs}/"


def _cmd_generate(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if args.format:
        pipeline.check_ruff_version()
    if args.document:
        path = Path(args.document)
        regenerate = f"`python -m codegen generate --document {path.name}"
        if args.package:
            regenerate += f" --package {args.package}"
        files, version = pipeline.generate_document(
            path.read_bytes(),
            path.name,
            package=args.package,
            format=args.format,
            api_key_env=tuple(args.api_key_env) if args.api_key_env else None,
            regenerate=regenerate + "`",
        )
        for w in version.warnings:
            print(f"warning: {w}", file=sys.stderr)
        pipeline.write_version(files, out)
        print(f"wrote {out / version.package_dir} (import {version.package})")
        return 0
    if args.package or args.api_key_env:
        raise GenerateError("--package and --api-key-env go with --document")
    versions = args.version or fetching.locked_versions()
    failures = []
    for v in versions:
        files, version = pipeline.generate_locked(v, format=args.format)
        for w in version.warnings:
            print(f"warning: {v}: {w}", file=sys.stderr)
        docs = Path(args.docs)
        reference = {f"{version.version}.md": render_reference(version)}
        if args.check:
            problems = pipeline.compare_version(files, out) + compare_files(
                reference, docs, _docs_label(docs)
            )
            failures += problems
            for p in problems:
                print(p, file=sys.stderr)
        else:
            written = pipeline.write_version(files, out)
            for line in written + write_files(reference, docs, _docs_label(docs)):
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
    gen.add_argument(
        "--package",
        help="with --document: the dotted package the version package goes in "
        "(default: the API's name; the version becomes a module below it)",
    )
    gen.add_argument(
        "--api-key-env",
        action="append",
        metavar="VAR",
        help="with --document: environment variable read for the API key (repeatable, "
        "in order; default: the document's x-client.apiKeyEnv, else none)",
    )
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

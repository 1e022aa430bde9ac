"""Move one API version to a newer Discovery document: diff, regenerate, relock, record.

``python -m codegen update-api --version V [--source live|DIR] [--to-revision R]
[--dry-run]`` (``make update-api VERSION=V``):

1. takes the candidate document: the live service's current one
   (:func:`codegen.fetch.download`) or, from a mirror folder, the newest
   ``generativelanguage.<V>.<revision>.json`` (or revision ``R`` with ``--to-revision``);
2. compares it with ``discovery/<V>.lock.json``: an older revision is refused, the same
   revision with the same sha256 ends with "already at revision X";
3. prints the Markdown report of :mod:`codegen.diff` between the locked document (from
   the cache, fetched through :func:`codegen.fetch.fetch` if missing) and the candidate;
4. unless ``--dry-run``: writes the candidate into the cache, regenerates
   ``generated/generativelanguage/<V>/`` only (other versions' files are not touched),
   moves the lock, rewrites the pinned-revisions table in README.md and adds an entry at
   the top of CHANGELOG.md.

Everything is computed (the generator included) before the first file is written, so a
failure leaves the tree as it was. ``--sync-readme`` only rewrites the README table from
the locks. Every path is a parameter (:class:`Layout`) so tests run on a copy.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from . import diff, dist, pipeline
from . import fetch as fetching
from .naming import module_name
from .render import render_reference

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = pipeline.PACKAGE
PINNED_START = "<!-- pinned-revisions:start -->"
PINNED_END = "<!-- pinned-revisions:end -->"
CHANGELOG_HEADER = """\
# Changelog

Newest first. `make update-api VERSION=<version>` (`python -m codegen update-api`) adds an
entry at the top each time an API version moves to another Discovery revision; impacts
follow `codegen/diff.py` (breaking / compatible / cosmetic).
"""
# How many names a CHANGELOG entry lists per kind of addition before "and N more".
_NAMES_LISTED = 10
# A change at the element itself (not at one of its attributes such as ``deprecated``).
_OWN_ELEMENT = re.compile(r"(?:^|\.)(?:resources|methods|schemas|properties|parameters)\.[^.]+$")


class UpdateError(RuntimeError):
    """The update cannot proceed; the message names what is wrong and what to do."""


@dataclass(frozen=True)
class Layout:
    """Where the update reads and writes; every path can be redirected for tests.

    Attributes:
        root: Repository root (holds ``pyproject.toml``; paths are shown relative to it).
        generated: Root of the generated packages (``generated/``).
        discovery: Folder of the locks (``discovery/``).
        cache: Discovery document cache (``discovery/cache/``).
        changelog: ``CHANGELOG.md``.
        readme: ``README.md`` (its pinned-revisions block is rewritten).
    """

    root: Path
    generated: Path
    discovery: Path
    cache: Path
    changelog: Path
    readme: Path

    @classmethod
    def at(cls, root: Path, **overrides: Path) -> Layout:
        """The standard layout under ``root``, with any path replaced by keyword."""
        root = Path(root)
        layout = cls(
            root=root,
            generated=root / "generated",
            discovery=root / "discovery",
            cache=root / "discovery" / "cache",
            changelog=root / "CHANGELOG.md",
            readme=root / "README.md",
        )
        return replace(layout, **{k: Path(v) for k, v in overrides.items()})

    def show(self, path: Path) -> str:
        """``path`` relative to the root when it lies inside, for messages."""
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)


@dataclass(frozen=True)
class Outcome:
    """What :func:`update` did.

    Attributes:
        status: ``"up-to-date"``, ``"dry-run"`` or ``"updated"``.
        old: The lock before the update.
        new: The lock of the candidate document (equal to ``old`` when up to date).
        report: The diff between the two documents (``None`` when up to date).
        summary: One line describing the result.
        written: Progress lines in write order (``wrote <path>``, ``removed <path>``,
            paths relative to the root, and what happened to the README table).
    """

    status: str
    old: fetching.Lock
    new: fetching.Lock
    report: diff.Report | None
    summary: str
    written: tuple[str, ...] = ()


# -- documents ---------------------------------------------------------------------------


def candidate_document(version: str, source: str, to_revision: str | None = None) -> bytes:
    """The document to move to: the live one, or the newest (or given) one in a mirror.

    Args:
        version: API version, e.g. ``v1beta``.
        source: ``"live"`` or a mirror folder.
        to_revision: A specific revision (mirror only).

    Returns:
        The document's bytes.

    Raises:
        UpdateError: ``to_revision`` with the live source, a missing mirror folder, or no
            matching document.
    """
    if source == "live":
        if to_revision is not None:
            raise UpdateError(
                "--to-revision needs a mirror folder as --source: the live service only "
                "serves its current revision"
            )
        try:
            return fetching.download(version)
        except OSError as exc:
            raise UpdateError(f"cannot download the live {version} document: {exc}") from exc
    mirror = Path(source)
    if not mirror.is_dir():
        raise UpdateError(f"mirror folder {mirror} does not exist (use --source live?)")
    try:
        return fetching.from_mirror(mirror, version, to_revision)
    except fetching.FetchError as exc:
        raise UpdateError(str(exc)) from None


def _parse(data: bytes, what: str) -> dict:
    try:
        doc = json.loads(data)
    except ValueError as exc:
        raise UpdateError(f"{what} is not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or "revision" not in doc:
        raise UpdateError(f"{what} is not a Discovery document (no top-level 'revision')")
    return doc


def compare_revisions(old: str, new: str) -> int:
    """-1, 0 or 1 as ``new`` is older than, equal to or newer than ``old``.

    Revisions are ``YYYYMMDD``; all-digit revisions compare as numbers, others as text.
    """
    a, b = (int(old), int(new)) if old.isdigit() and new.isdigit() else (old, new)
    return (b > a) - (b < a)


def locked_document(
    lock: fetching.Lock, source: str, layout: Layout, *, store: bool = True
) -> bytes:
    """The document the lock pins, from the cache, else from ``source``.

    Args:
        lock: The lock whose document is wanted.
        source: ``"live"`` or a mirror folder, used when the cache lacks the document.
        layout: Where the cache and the locks are.
        store: Keep a fetched document in the cache (through
            :func:`codegen.fetch.fetch`); ``False`` for a dry run, which writes nothing.

    Returns:
        The document's bytes, verified against the lock.

    Raises:
        UpdateError: Neither the cache nor the source has it (the message says how to
            fill the cache).
    """
    try:
        if store:
            path = fetching.fetch(
                lock.version, source, cache_dir=layout.cache, discovery_dir=layout.discovery
            )
            return path.read_bytes()
        cached = fetching.cached_path(lock, layout.cache)
        if cached.is_file():
            data = cached.read_bytes()
            try:
                fetching.verify(lock, data)
                return data
            except fetching.FetchError:
                pass
        if source == "live":
            data = fetching.download(lock.version)
        else:
            data = fetching.from_mirror(Path(source), lock.version, lock.revision)
        fetching.verify(lock, data)
        return data
    except (fetching.FetchError, OSError) as exc:
        raise UpdateError(
            f"cannot diff against the locked document {lock.file_name}: it is not in "
            f"{layout.show(layout.cache)} and {source!r} cannot provide it ({exc}); fill the "
            f"cache from a mirror that holds revision {lock.revision} "
            f"(`python -m codegen fetch --source DIR --version {lock.version}`) and retry"
        ) from None


# -- text: summary, CHANGELOG, README ----------------------------------------------------


def summary_line(old: fetching.Lock, new: fetching.Lock, report: diff.Report) -> str:
    """``v1beta: 20260816 → 20260821: 1 breaking, 0 compatible, 2 cosmetic change(s)``."""
    counts = report.summary
    return (
        f"{old.version}: {old.revision} → {new.revision}: {counts['breaking']} breaking, "
        f"{counts['compatible']} compatible, {counts['cosmetic']} cosmetic change(s)"
    )


def _labels(old: fetching.Lock, new: fetching.Lock) -> tuple[str, str]:
    if old.revision != new.revision:
        return f"{old.version}@{old.revision}", f"{new.version}@{new.revision}"
    # Same revision, different bytes: the sha256 tells the two apart.
    return (
        f"{old.version}@{old.revision} (sha256 {old.sha256[:12]})",
        f"{new.version}@{new.revision} (sha256 {new.sha256[:12]})",
    )


def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def _breaking_line(change: diff.Change) -> str:
    line = f"- {change.kind} {change.element.replace('_', ' ')} {_code(change.path)}"
    if change.old is not None and change.new is not None:
        line += f": {_code(change.old)} → {_code(change.new)}"
    elif change.old is not None and change.kind != "added":
        line += f" (was {_code(change.old)})"
    elif change.new is not None:
        line += f" ({_code(change.new)})"
    if change.note:
        line += f" — {change.note}"
    return line


def _is_own_addition(change: diff.Change) -> bool:
    """True when ``change`` adds an element itself rather than an attribute of one."""
    if change.kind != "added":
        return False
    if change.element == "enum_value":
        return change.new is not None and change.path.endswith(f".enum.{change.new}")
    if change.element == "setting":
        return True
    return bool(_OWN_ELEMENT.search(change.path))


def _short_name(change: diff.Change) -> str:
    """A compact name: ``models.generateContent``, ``Part.thought``, ``Part.x = VALUE``."""
    path = change.path
    value = None
    if change.element == "enum_value" and change.new is not None:
        path, value = path[: -len(change.new) - len(".enum.")], change.new
    if path.startswith("schemas."):
        path = path.removeprefix("schemas.").replace(".properties.", ".")
    elif path.startswith("resources."):
        path = path.removeprefix("resources.")
        path = path.replace(".resources.", ".").replace(".methods.", ".")
        path = re.sub(r"\.parameters\.([^.]+)$", r"(\1)", path)
    else:
        path = path.removeprefix("parameters.")
    return f"{path} = {value}" if value is not None else path


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


_ELEMENT_WORDS = {
    "resource": "resource",
    "method": "method",
    "schema": "schema",
    "field": "field",
    "parameter": "parameter",
    "enum_value": "enum value",
    "setting": "setting",
    "documentation": "documentation change",
}


def _names(items: list[str]) -> str:
    shown = ", ".join(_code(n) for n in items[:_NAMES_LISTED])
    more = len(items) - _NAMES_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def compatible_summary(changes: Iterable[diff.Change]) -> list[str]:
    """Markdown bullets summarising compatible changes: additions by element, then the rest.

    Additions of whole elements are counted per element and named (up to ten each);
    other compatible changes (deprecation markers, relaxed constraints, ...) are counted
    by their note or kind.
    """
    additions: dict[str, list[str]] = {}
    others: dict[str, int] = {}
    for change in changes:
        if _is_own_addition(change):
            additions.setdefault(change.element, []).append(_short_name(change))
        else:
            key = change.note or f"{change.element.replace('_', ' ')} {change.kind}"
            others[key] = others.get(key, 0) + 1
    lines = []
    for element in diff.ELEMENTS:
        names = sorted(additions.get(element, ()))
        if names:
            lines.append(f"- {_plural(len(names), _ELEMENT_WORDS[element])} added: {_names(names)}")
    if others:
        total = sum(others.values())
        detail = ", ".join(f"{key} ×{n}" for key, n in sorted(others.items()))
        lines.append(f"- {_plural(total, 'other compatible change')}: {detail}")
    return lines


def changelog_entry(
    old: fetching.Lock, new: fetching.Lock, report: diff.Report, project_version: str
) -> str:
    """The CHANGELOG.md entry for one update (Markdown, ends with a newline).

    Args:
        old: The lock before the update.
        new: The lock after it.
        report: The diff between the two documents.
        project_version: The runtime version, to name the distribution's new version.

    Returns:
        A ``## <version>: revision <old> → <new>`` section with the counts by impact,
        every breaking change and a summary of the compatible ones.
    """
    counts = report.summary
    dist_name = dist.api_distribution_name(new.version)
    dist_version = dist.api_distribution_version(new.revision, project_version)
    heading = f"## {new.version}: revision {old.revision} → {new.revision}"
    if old.revision == new.revision:
        heading += f" (document changed, sha256 {old.sha256[:12]} → {new.sha256[:12]})"
    lines = [
        heading,
        "",
        f"Regenerated `generativelanguage.{new.version}` from `{new.file_name}` "
        f"(distribution `{dist_name}=={dist_version}`). Changes: {counts['breaking']} "
        f"breaking, {counts['compatible']} compatible, {counts['cosmetic']} cosmetic.",
        "",
    ]
    breaking = report.by_impact("breaking")
    if breaking:
        lines += [
            f"Breaking ({len(breaking)}): code written against the {old.revision} client "
            "may stop working or send wrong requests.",
            "",
            *(_breaking_line(c) for c in breaking),
            "",
        ]
    else:
        lines += ["No breaking changes.", ""]
    compatible = report.by_impact("compatible")
    if compatible:
        lines += [f"Compatible ({len(compatible)}):", "", *compatible_summary(compatible), ""]
    if counts["cosmetic"]:
        lines += [
            f"Cosmetic ({counts['cosmetic']}): documentation and metadata only; the API did "
            "not change.",
            "",
        ]
    return "\n".join(lines)


def add_changelog_entry(text: str | None, entry: str) -> str:
    """``text`` (a CHANGELOG, or ``None`` for a new one) with ``entry`` as its first entry.

    The entry goes before the first ``## `` heading, below the title and introduction.
    """
    text = CHANGELOG_HEADER if not text else text
    if not text.endswith("\n"):
        text += "\n"
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("## "):
            return "".join(lines[:i]) + entry + "\n" + "".join(lines[i:])
    return text.rstrip("\n") + "\n\n" + entry


def render_pinned_revisions(discovery_dir: Path) -> str:
    """The README table of pinned revisions, from the locks (Markdown, ends with newline).

    Args:
        discovery_dir: Folder holding ``<version>.lock.json``.

    Returns:
        One row per locked API version, sorted: version, revision, document sha256.
    """
    lines = ["| API version | revision | sha256 of the document |", "|---|---|---|"]
    for version in fetching.locked_versions(discovery_dir):
        lock = fetching.read_lock(version, discovery_dir)
        lines.append(f"| {version} | {lock.revision} | `{lock.sha256}` |")
    return "\n".join(lines) + "\n"


def pinned_block(readme_text: str) -> str | None:
    """The text between the pinned-revisions markers, or ``None`` when they are absent."""
    start = readme_text.find(PINNED_START)
    end = readme_text.find(PINNED_END)
    if start < 0 or end < start:
        return None
    return readme_text[start + len(PINNED_START) : end]


def replace_pinned_block(readme_text: str, table: str) -> str | None:
    """``readme_text`` with the pinned-revisions block replaced by ``table``.

    Returns:
        The new text, or ``None`` when the markers are absent.
    """
    if pinned_block(readme_text) is None:
        return None
    start = readme_text.find(PINNED_START) + len(PINNED_START)
    end = readme_text.find(PINNED_END)
    return readme_text[:start] + "\n" + table + readme_text[end:]


def sync_readme(layout: Layout) -> str:
    """Rewrite README.md's pinned-revisions table from the locks.

    Returns:
        What happened, as one line.
    """
    readme = layout.show(layout.readme)
    if not layout.readme.is_file():
        return f"{readme} not found; pinned-revisions table not written"
    text = layout.readme.read_text(encoding="utf-8")
    new = replace_pinned_block(text, render_pinned_revisions(layout.discovery))
    if new is None:
        return f"{readme} has no {PINNED_START} … {PINNED_END} block; table not written"
    if new == text:
        return f"{readme}: pinned-revisions table already up to date"
    layout.readme.write_text(new, encoding="utf-8")
    return f"wrote {readme} (pinned-revisions table)"


# -- the update --------------------------------------------------------------------------


def update(
    version: str,
    source: str,
    *,
    to_revision: str | None = None,
    dry_run: bool = False,
    layout: Layout | None = None,
    out: TextIO | None = None,
) -> Outcome:
    """Move ``version`` to the newest (or given) document from ``source``.

    Args:
        version: API version, e.g. ``v1beta``.
        source: ``"live"`` or a mirror folder.
        to_revision: Move to this revision instead of the newest (mirror only).
        dry_run: Only print the report; write nothing.
        layout: Where to read and write (default: this repository).
        out: Where the report and progress lines go (default: stdout).

    Returns:
        What was done.

    Raises:
        UpdateError: No lock, the candidate is older than the lock or is not a document
            of ``version``, the locked document cannot be found, or generation fails.
    """
    layout = layout or Layout.at(ROOT)
    out = out or sys.stdout
    try:
        old = fetching.read_lock(version, layout.discovery)
    except fetching.FetchError as exc:
        raise UpdateError(f"{exc} (update-api moves an existing lock)") from None
    lock_file = layout.show(fetching.lock_path(version, layout.discovery))
    origin = "the live service" if source == "live" else f"mirror {source}"

    new_data = candidate_document(version, source, to_revision)
    new_doc = _parse(new_data, f"the {version} document from {origin}")
    if str(new_doc.get("version", version)) != version:
        raise UpdateError(
            f"the document from {origin} is for API version {new_doc.get('version')!r}, "
            f"not {version!r}"
        )
    new = fetching.Lock(
        version=version,
        revision=str(new_doc["revision"]),
        sha256=hashlib.sha256(new_data).hexdigest(),
        # The canonical origin, also for a mirror (a copy of it): no machine paths in locks.
        source_url=fetching.LIVE_URL.format(version=version),
    )
    order = compare_revisions(old.revision, new.revision)
    if order < 0:
        raise UpdateError(
            f"{version}: {origin} offers revision {new.revision}, older than revision "
            f"{old.revision} pinned by {lock_file}; refusing to move the lock backwards"
        )
    if order == 0 and new.sha256 == old.sha256:
        summary = f"{version}: already at revision {old.revision} ({lock_file}); nothing to do"
        print(summary, file=out)
        return Outcome("up-to-date", old, old, None, summary)

    old_data = locked_document(old, source, layout, store=not dry_run)
    old_doc = _parse(old_data, f"the locked {old.file_name}")
    report = diff.diff_documents(old_doc, new_doc)
    out.write(diff.render_markdown(report, *_labels(old, new)))
    summary = summary_line(old, new, report)
    package_dir = f"{PACKAGE}/{module_name(version)}"
    if dry_run:
        print(
            f"\n{summary}\ndry run: nothing written (would regenerate "
            f"{layout.show(layout.generated / package_dir)}/, move {lock_file} to revision "
            f"{new.revision} and add a {layout.show(layout.changelog)} entry)",
            file=out,
        )
        return Outcome("dry-run", old, new, report, summary)

    # Compute everything before writing anything: a failure leaves the tree untouched.
    project_version = dist.read_project(layout.root / "pyproject.toml").version
    try:
        pipeline.check_ruff_version()
        files, ir = pipeline.generate_document(new_data, new.file_name, package=PACKAGE)
    except (pipeline.GenerateError, ValueError, KeyError) as exc:
        raise UpdateError(f"generating {version} from {new.file_name} failed: {exc}") from exc
    stray = sorted(p for p in files if not p.startswith(package_dir + "/"))
    if stray:
        raise UpdateError(f"the generator wrote outside {package_dir}/: {', '.join(stray)}")
    changelog_text = (
        layout.changelog.read_text(encoding="utf-8") if layout.changelog.is_file() else None
    )
    changelog = add_changelog_entry(
        changelog_text, changelog_entry(old, new, report, project_version)
    )

    print("", file=out)
    for warning in ir.warnings:
        print(f"warning: {version}: {warning}", file=sys.stderr)
    written = []
    cached = fetching.cached_path(new, layout.cache)
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(new_data)
    written.append(f"wrote {layout.show(cached)}")
    for line in pipeline.write_version(files, layout.generated):
        verb, rel = line.split(" ", 1)
        written.append(f"{verb} {layout.show(layout.generated / rel)}")
    # The version's API reference follows its code (docs/reference/, see `generate`).
    reference = {f"{version}.md": render_reference(ir)}
    written += pipeline.write_files(
        reference, layout.root / "docs" / "reference", "docs/reference/"
    )
    fetching.write_lock(new, layout.discovery)
    written.append(f"wrote {lock_file} (revision {old.revision} → {new.revision})")
    layout.changelog.write_text(changelog, encoding="utf-8")
    written.append(f"wrote {layout.show(layout.changelog)}")
    written.append(sync_readme(layout))
    for line in written:
        print(line, file=out)
    print(summary, file=out)
    return Outcome("updated", old, new, report, summary, tuple(written))


def main(argv: list[str] | None = None, *, layout: Layout | None = None) -> int:
    """``update-api --version V [--source live|DIR] [--to-revision R] [--dry-run]``.

    Also ``update-api --sync-readme``: rewrite README.md's pinned-revisions table only.

    Args:
        argv: Arguments after ``update-api``.
        layout: Where to read and write (default: this repository).

    Returns:
        0 when updated, up to date or after a dry run; 2 on any error.
    """
    parser = argparse.ArgumentParser(
        prog="python -m codegen update-api",
        description="Move one API version to a newer Discovery document: print the diff, "
        "regenerate that version only, move its lock, record it in CHANGELOG.md.",
    )
    parser.add_argument("--version", help="API version to update, e.g. v1beta")
    parser.add_argument(
        "--source",
        default=os.environ.get("DISCOVERY_SOURCE", "live"),
        help='"live" or a mirror folder (default: $DISCOVERY_SOURCE, else live)',
    )
    parser.add_argument(
        "--to-revision", metavar="R", help="move to this revision instead of the newest (mirror)"
    )
    parser.add_argument("--dry-run", action="store_true", help="only print the report")
    parser.add_argument(
        "--sync-readme",
        action="store_true",
        help="only rewrite README.md's pinned-revisions table from the locks",
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    layout = layout or Layout.at(ROOT)
    try:
        if args.sync_readme:
            if args.version or args.to_revision or args.dry_run:
                parser.error("--sync-readme takes no other option")
            print(sync_readme(layout))
            return 0
        if not args.version:
            parser.error("--version is required (e.g. --version v1beta)")
        update(
            args.version,
            args.source,
            to_revision=args.to_revision,
            dry_run=args.dry_run,
            layout=layout,
        )
    except (UpdateError, dist.DistError, fetching.FetchError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

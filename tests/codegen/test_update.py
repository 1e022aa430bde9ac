"""Tests for codegen.update: moving one API version's lock, on a copy of the repository."""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from codegen import fetch, update
from codegen.diff import Change, Report
from codegen.update import Layout, UpdateError

ROOT = Path(__file__).resolve().parents[2]
MIRROR = Path(os.environ.get("DISCOVERY_MIRROR") or ROOT.parent / "shared" / "discovery")
if not MIRROR.is_absolute():
    MIRROR = (ROOT / MIRROR).resolve()
OLD, NEW = "20260816", "20260821"  # v1beta: NEW removes AudioTranscriptionConfig.mode

needs_mirror = pytest.mark.skipif(
    not all((MIRROR / f"generativelanguage.v1beta.{r}.json").is_file() for r in (OLD, NEW)),
    reason=f"Discovery mirror with v1beta {OLD} and {NEW} not found at {MIRROR} "
    "(set DISCOVERY_MIRROR)",
)


def mirror_doc(revision: str, version: str = "v1beta") -> bytes:
    return (MIRROR / f"generativelanguage.{version}.{revision}.json").read_bytes()


def lock_for(data: bytes, version: str = "v1beta") -> fetch.Lock:
    return fetch.Lock(
        version,
        str(json.loads(data)["revision"]),
        hashlib.sha256(data).hexdigest(),
        fetch.LIVE_URL.format(version=version),
    )


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (bytecode caches aside) by relative path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


README_WITH_BLOCK = (
    "# generativelanguage\n\nIntro.\n\n"
    f"{update.PINNED_START}\nstale table\n{update.PINNED_END}\n\nAfter the table.\n"
)


@pytest.fixture
def repo(tmp_path: Path) -> Layout:
    """A copy of the repository layout with v1beta locked at OLD and an empty cache."""
    root = tmp_path / "repo"
    shutil.copytree(
        ROOT / "generated", root / "generated", ignore=shutil.ignore_patterns("__pycache__")
    )
    (root / "discovery").mkdir()
    for lock in (ROOT / "discovery").glob("*.lock.json"):
        shutil.copy2(lock, root / "discovery" / lock.name)
    shutil.copy2(ROOT / "pyproject.toml", root / "pyproject.toml")
    (root / "README.md").write_text(README_WITH_BLOCK)
    layout = Layout.at(root)
    if (MIRROR / f"generativelanguage.v1beta.{OLD}.json").is_file():
        fetch.write_lock(lock_for(mirror_doc(OLD)), layout.discovery)
    return layout


# -- the whole update on a copy ----------------------------------------------------------


@needs_mirror
def test_update_moves_one_version_and_leaves_the_others_byte_identical(repo: Layout) -> None:
    before = snapshot(repo.root)
    out = io.StringIO()

    outcome = update.update("v1beta", str(MIRROR), layout=repo, out=out)

    after = snapshot(repo.root)
    assert outcome.status == "updated"
    assert (outcome.old.revision, outcome.new.revision) == (OLD, NEW)
    # Nothing of v1 changed: its generated files and its lock are byte-identical.
    v1 = {p: b for p, b in before.items() if p.startswith("generated/generativelanguage/v1/")}
    assert v1 and {p: after.get(p) for p in v1} == v1
    assert {p for p in after if p.startswith("generated/generativelanguage/v1/")} == set(v1)
    assert after["discovery/v1.lock.json"] == before["discovery/v1.lock.json"]
    # The v1beta lock moved to the new document, and the generated package follows it.
    new_lock = fetch.read_lock("v1beta", repo.discovery)
    assert new_lock == lock_for(mirror_doc(NEW))
    manifest = json.loads(after["generated/generativelanguage/v1beta/MANIFEST.json"])
    assert (manifest["revision"], manifest["sha256"]) == (NEW, new_lock.sha256)
    init = after["generated/generativelanguage/v1beta/__init__.py"].decode()
    assert f'REVISION = "{NEW}"' in init and new_lock.sha256 in init
    assert after[f"discovery/cache/generativelanguage.v1beta.{NEW}.json"] == mirror_doc(NEW)
    # Only the expected files changed.
    changed = {p for p in after if before.get(p) != after[p]}
    assert all(
        p.startswith(("generated/generativelanguage/v1beta/", "discovery/"))
        or p in ("CHANGELOG.md", "README.md", "docs/reference/v1beta.md")
        for p in changed
    ), changed
    # The API reference follows the code.
    assert f"Revision {NEW} of" in after["docs/reference/v1beta.md"].decode()
    # Report, CHANGELOG entry, README table.
    text = out.getvalue()
    assert f"# Discovery changes: v1beta@{OLD} → v1beta@{NEW}" in text
    assert text.rstrip().endswith(
        f"v1beta: {OLD} → {NEW}: 1 breaking, 0 compatible, 2 cosmetic change(s)"
    )
    changelog = (repo.changelog).read_text()
    assert changelog.startswith(update.CHANGELOG_HEADER)
    assert f"## v1beta: revision {OLD} → {NEW}" in changelog
    assert "removed field `schemas.AudioTranscriptionConfig.properties.mode`" in changelog
    assert "Changes: 1 breaking, 0 compatible, 2 cosmetic." in changelog
    readme = repo.readme.read_text()
    table = update.render_pinned_revisions(repo.discovery)
    assert update.pinned_block(readme) == "\n" + table
    assert f"| v1beta | {NEW} | `{new_lock.sha256}` |" in readme
    assert readme.endswith("After the table.\n") and readme.startswith("# generativelanguage\n")


@needs_mirror
def test_older_target_is_refused_and_nothing_is_written(repo: Layout) -> None:
    before = snapshot(repo.root)
    with pytest.raises(UpdateError, match=f"offers revision 20260714, older than revision {OLD}"):
        update.update("v1beta", str(MIRROR), to_revision="20260714", layout=repo, out=io.StringIO())
    assert snapshot(repo.root) == before


@needs_mirror
def test_cli_reports_an_older_target_as_an_error(repo: Layout, capsys) -> None:
    argv = ["--version", "v1beta", "--source", str(MIRROR), "--to-revision", "20260714"]
    assert update.main(argv, layout=repo) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: v1beta: mirror ") and "refusing to move the lock backwards" in err


@needs_mirror
def test_same_revision_and_bytes_is_already_up_to_date(repo: Layout) -> None:
    before = snapshot(repo.root)
    out = io.StringIO()
    outcome = update.update("v1beta", str(MIRROR), to_revision=OLD, layout=repo, out=out)
    assert outcome.status == "up-to-date" and outcome.report is None
    assert out.getvalue() == (
        f"v1beta: already at revision {OLD} (discovery/v1beta.lock.json); nothing to do\n"
    )
    assert snapshot(repo.root) == before


@needs_mirror
def test_dry_run_prints_the_report_and_writes_nothing(repo: Layout) -> None:
    before = snapshot(repo.root)
    out = io.StringIO()
    outcome = update.update(
        "v1beta", str(MIRROR), to_revision=NEW, dry_run=True, layout=repo, out=out
    )
    assert outcome.status == "dry-run"
    assert [c.path for c in outcome.report.by_impact("breaking")] == [
        "schemas.AudioTranscriptionConfig.properties.mode"
    ]
    text = out.getvalue()
    assert "## Breaking (1)" in text and "dry run: nothing written" in text
    assert snapshot(repo.root) == before  # not even the cache


@needs_mirror
def test_generator_failure_leaves_the_tree_untouched(repo: Layout, monkeypatch) -> None:
    from codegen import pipeline

    def broken(*args, **kwargs):
        raise pipeline.GenerateError("template exploded")

    monkeypatch.setattr(pipeline, "generate_document", broken)
    fetch.fetch("v1beta", str(MIRROR), cache_dir=repo.cache, discovery_dir=repo.discovery)
    before = snapshot(repo.root)
    with pytest.raises(UpdateError, match="generating v1beta from .* failed: template exploded"):
        update.update("v1beta", str(MIRROR), layout=repo, out=io.StringIO())
    assert snapshot(repo.root) == before


@needs_mirror
def test_live_source_downloads_and_locks_the_canonical_url(repo: Layout, monkeypatch) -> None:
    asked = []

    def fake_download(version: str, timeout: float = 60.0) -> bytes:
        asked.append(version)
        return mirror_doc(NEW)

    monkeypatch.setattr(fetch, "download", fake_download)
    fetch.fetch("v1beta", str(MIRROR), cache_dir=repo.cache, discovery_dir=repo.discovery)
    outcome = update.update("v1beta", "live", dry_run=True, layout=repo, out=io.StringIO())
    assert asked == ["v1beta"]
    assert outcome.new == lock_for(mirror_doc(NEW))
    assert outcome.new.source_url.endswith("$discovery/rest?version=v1beta")


def test_to_revision_needs_a_mirror(repo: Layout) -> None:
    with pytest.raises(UpdateError, match="--to-revision needs a mirror folder"):
        update.update("v1beta", "live", to_revision=NEW, layout=repo, out=io.StringIO())


def test_missing_mirror_folder_is_named(repo: Layout, tmp_path: Path) -> None:
    with pytest.raises(UpdateError, match="mirror folder .*nowhere does not exist"):
        update.update("v1beta", str(tmp_path / "nowhere"), layout=repo, out=io.StringIO())


def test_version_without_lock_is_refused(repo: Layout) -> None:
    with pytest.raises(UpdateError, match="no lock for v9"):
        update.update("v9", str(MIRROR), layout=repo, out=io.StringIO())


@needs_mirror
def test_document_of_another_version_is_refused(repo: Layout, tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "generativelanguage.v1beta.29990101.json").write_bytes(
        (MIRROR / "generativelanguage.v1.20240410.json").read_bytes()
    )
    with pytest.raises(UpdateError, match="is for API version 'v1', not 'v1beta'"):
        update.update("v1beta", str(mirror), layout=repo, out=io.StringIO())


@needs_mirror
def test_unavailable_locked_document_explains_how_to_fill_the_cache(
    repo: Layout, tmp_path: Path
) -> None:
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / f"generativelanguage.v1beta.{NEW}.json").write_bytes(mirror_doc(NEW))
    with pytest.raises(UpdateError, match=f"cannot diff against the locked document .*{OLD}"):
        update.update("v1beta", str(mirror), layout=repo, out=io.StringIO())


@needs_mirror
def test_same_revision_with_different_bytes_is_an_update(repo: Layout, tmp_path: Path) -> None:
    fetch.fetch("v1beta", str(MIRROR), cache_dir=repo.cache, discovery_dir=repo.discovery)
    doc = json.loads(mirror_doc(OLD))
    doc["etag"] = '"changed"'
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / f"generativelanguage.v1beta.{OLD}.json").write_text(json.dumps(doc))
    out = io.StringIO()
    outcome = update.update("v1beta", str(mirror), dry_run=True, layout=repo, out=out)
    assert outcome.status == "dry-run"
    assert [(c.path, c.impact) for c in outcome.report.changes] == [("etag", "cosmetic")]
    assert f"v1beta@{OLD} (sha256 {outcome.old.sha256[:12]})" in out.getvalue()


def test_cli_requires_a_version(repo: Layout, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        update.main(["--source", str(MIRROR)], layout=repo)
    assert exc.value.code == 2
    assert "--version is required" in capsys.readouterr().err


def test_cli_sync_readme_rewrites_the_table_from_the_locks(repo: Layout, capsys) -> None:
    assert update.main(["--sync-readme"], layout=repo) == 0
    assert capsys.readouterr().out == "wrote README.md (pinned-revisions table)\n"
    assert "stale table" not in repo.readme.read_text()
    assert update.main(["--sync-readme"], layout=repo) == 0
    assert "already up to date" in capsys.readouterr().out


# -- the committed tree follows the locks ------------------------------------------------


@pytest.mark.parametrize("version", fetch.locked_versions())
def test_generated_package_constants_equal_the_lock(version: str) -> None:
    lock = fetch.read_lock(version)
    module = importlib.import_module(f"generativelanguage.{version}")
    assert (module.REVISION, module.DOCUMENT_SHA256) == (lock.revision, lock.sha256), (
        f"generated/generativelanguage/{version} does not match discovery/{version}.lock.json; "
        "run `make generate`"
    )
    manifest = json.loads(
        (ROOT / "generated" / "generativelanguage" / version / "MANIFEST.json").read_text()
    )
    assert (manifest["revision"], manifest["sha256"], manifest["source"]) == (
        lock.revision,
        lock.sha256,
        lock.file_name,
    )


def test_readme_pinned_revisions_table_follows_the_locks() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = update.pinned_block(readme)
    if block is None:
        pytest.skip(f"README.md has no {update.PINNED_START} … {update.PINNED_END} block yet")
    expected = update.render_pinned_revisions(ROOT / "discovery")
    assert block.strip() == expected.strip(), (
        "README.md's pinned-revisions table is stale; run `python -m codegen update-api "
        "--sync-readme`"
    )


# -- pure helpers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [("20260816", "20260821", 1), ("20260821", "20260821", 0), ("20260821", "20240410", -1)],
)
def test_compare_revisions(old: str, new: str, expected: int) -> None:
    assert update.compare_revisions(old, new) == expected


def test_render_pinned_revisions_has_one_row_per_lock(tmp_path: Path) -> None:
    for version, revision in (("v1beta", "20260821"), ("v1", "20240410")):
        fetch.write_lock(fetch.Lock(version, revision, "0" * 64, "u"), tmp_path)
    assert update.render_pinned_revisions(tmp_path) == (
        "| API version | revision | sha256 of the document |\n"
        "|---|---|---|\n"
        f"| v1 | 20240410 | `{'0' * 64}` |\n"
        f"| v1beta | 20260821 | `{'0' * 64}` |\n"
    )


def test_replace_pinned_block_keeps_the_rest_and_needs_both_markers() -> None:
    new = update.replace_pinned_block(README_WITH_BLOCK, "| t |\n")
    assert new == README_WITH_BLOCK.replace("\nstale table\n", "\n| t |\n")
    assert update.replace_pinned_block(new, "| t |\n") == new
    assert update.replace_pinned_block("# no markers\n", "| t |\n") is None
    assert update.pinned_block(f"{update.PINNED_END} {update.PINNED_START}") is None


def test_add_changelog_entry_goes_above_earlier_entries() -> None:
    first = update.add_changelog_entry(None, "## v1: revision 1 → 2\n\nOne.\n")
    assert first == update.CHANGELOG_HEADER + "\n## v1: revision 1 → 2\n\nOne.\n"
    second = update.add_changelog_entry(first, "## v1: revision 2 → 3\n\nTwo.\n")
    assert second.index("revision 2 → 3") < second.index("revision 1 → 2")
    assert second.startswith(update.CHANGELOG_HEADER)


def _added(element: str, path: str, new: str | None = None, note: str = "") -> Change:
    return Change("added", element, path, "compatible", new=new, note=note)


def test_compatible_summary_names_new_elements_and_counts_the_rest() -> None:
    changes = [
        _added("resource", "resources.environments"),
        _added("method", "resources.environments.methods.create", "POST x"),
        _added(
            "method", "resources.models.methods.embedText.deprecated", "true", "marked deprecated"
        ),
        _added("field", "schemas.Part.properties.thought", "boolean"),
        _added("enum_value", "schemas.Part.properties.kind.enum.NEW_KIND", "NEW_KIND"),
        _added("parameter", "resources.models.methods.list.parameters.filter", "string"),
        *(_added("schema", f"schemas.S{i:02}", "object") for i in range(12)),
    ]
    lines = update.compatible_summary(changes)
    assert lines == [
        "- 1 resource added: `environments`",
        "- 1 method added: `environments.create`",
        "- 12 schemas added: " + ", ".join(f"`S{i:02}`" for i in range(10)) + " and 2 more",
        "- 1 field added: `Part.thought`",
        "- 1 parameter added: `models.list(filter)`",
        "- 1 enum value added: `Part.kind = NEW_KIND`",
        "- 1 other compatible change: marked deprecated ×1",
    ]


def test_changelog_entry_without_breaking_changes() -> None:
    old = fetch.Lock("v1beta", "20260101", "a" * 64, "u")
    new = fetch.Lock("v1beta", "20260102", "b" * 64, "u")
    report = Report(
        (
            _added("method", "resources.models.methods.x", "POST x"),
            Change("changed", "documentation", "revision", "cosmetic", "20260101", "20260102"),
        )
    )
    entry = update.changelog_entry(old, new, report, "0.1.0")
    assert entry.startswith("## v1beta: revision 20260101 → 20260102\n")
    assert "`generativelanguage-v1beta==20260102.0.1.0`" in entry
    assert "Changes: 0 breaking, 1 compatible, 1 cosmetic." in entry
    assert "No breaking changes." in entry and "- 1 method added: `models.x`" in entry

"""Rewrite tests/golden/expected/ from tests/golden/fixtures/ (`make update-goldens`).

Run as ``python -m tests.golden.update`` from the repository root. Each fixture
``fixtures/<case>.json`` is generated exactly as ``make generate`` would (ruff included),
and its files are written under ``expected/<case>/``, replacing what was there.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from codegen.pipeline import check_ruff_version, generate_document

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
EXPECTED = HERE / "expected"
#: Extension documents for the fixtures (only these, never the repository's own).
EXTENSIONS = FIXTURES / "extensions"


def cases() -> list[str]:
    """The golden case names, one per fixture, sorted."""
    return sorted(path.stem for path in FIXTURES.glob("*.json"))


def generate(case: str) -> dict[str, str]:
    """``{relative path: text}`` the generator produces for one fixture."""
    data = (FIXTURES / f"{case}.json").read_bytes()
    files, _version = generate_document(
        data, f"{case}.json", format=True, extensions_dir=EXTENSIONS
    )
    return files


def expected_files(case: str) -> dict[str, str]:
    """``{relative path: text}`` stored under ``expected/<case>/``."""
    root = EXPECTED / case
    return {
        path.relative_to(root).as_posix(): path.read_text()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def write(case: str, files: dict[str, str]) -> None:
    root = EXPECTED / case
    if root.exists():
        shutil.rmtree(root)
    for rel, text in sorted(files.items()):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def main() -> int:
    check_ruff_version()
    names = cases()
    for case in names:
        write(case, generate(case))
        print(f"wrote tests/golden/expected/{case}/")
    for stale in sorted(p for p in EXPECTED.iterdir() if p.is_dir() and p.name not in names):
        shutil.rmtree(stale)
        print(f"removed tests/golden/expected/{stale.name}/ (no fixture)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

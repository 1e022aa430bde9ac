"""The corpus: every Discovery document in google-api-python-client's wheel, pinned.

The wheel is third-party data: it is downloaded with pip into ``.tmp/corpus/`` (git-
ignored; ``make clean`` removes it), checked against its pinned sha256, and its
``googleapiclient/discovery_cache/documents/*.json`` are unpacked beside it. Nothing of
it is committed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "google-api-python-client"
VERSION = "2.202.0"
WHEEL = "google_api_python_client-2.202.0-py3-none-any.whl"
SHA256 = "aaa90064c9bb642ff1d065b22ca8958a2cb6e345909cefe70d0e5452fc50e08b"
CACHE = Path(os.environ.get("CORPUS_CACHE") or ROOT / ".tmp" / "corpus")
#: The wheel's directory list of APIs, not a document of one.
NOT_DOCUMENTS = frozenset({"index.json"})
_PREFIX = "googleapiclient/discovery_cache/documents/"


class CorpusError(RuntimeError):
    pass


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def wheel() -> Path:
    """The pinned wheel, downloaded by pip on first use and verified."""
    path = CACHE / WHEEL
    if not path.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary=:all:",
                "--disable-pip-version-check",
                "--dest",
                str(CACHE),
                f"{PROJECT}=={VERSION}",
            ],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0 or not path.is_file():
            raise CorpusError(
                f"pip could not download {PROJECT}=={VERSION} into {CACHE}:\n{proc.stderr[-2000:]}"
            )
    digest = _sha256(path)
    if digest != SHA256:
        raise CorpusError(f"{path}: sha256 {digest}, pinned {SHA256}; delete it and retry")
    return path


def documents() -> list[Path]:
    """Every Discovery document of the wheel (unpacked on first use), sorted by name."""
    folder = CACHE / f"documents-{VERSION}"
    done = folder / ".complete"
    if not done.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(wheel()) as z:
            for name in z.namelist():
                if name.startswith(_PREFIX) and name.endswith(".json"):
                    (folder / name[len(_PREFIX) :]).write_bytes(z.read(name))
        done.write_text(SHA256)
    return sorted(p for p in folder.glob("*.json") if p.name not in NOT_DOCUMENTS)

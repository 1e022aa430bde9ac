"""Fill the git-ignored Discovery cache from the live service or a mirror folder.

The only code that may touch the network. Each version has a lock in
``discovery/<version>.lock.json`` (revision, sha256, source URL); a fetched document
must match it byte for byte, or the fetch fails naming what differs.
"""

from __future__ import annotations

import hashlib
import json
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DISCOVERY = ROOT / "discovery"
CACHE = DISCOVERY / "cache"
LIVE_URL = "https://generativelanguage.googleapis.com/$discovery/rest?version={version}"


class FetchError(RuntimeError):
    pass


@dataclass(frozen=True)
class Lock:
    version: str
    revision: str
    sha256: str
    source_url: str

    @property
    def file_name(self) -> str:
        return f"generativelanguage.{self.version}.{self.revision}.json"


def lock_path(version: str, discovery_dir: Path = DISCOVERY) -> Path:
    return discovery_dir / f"{version}.lock.json"


def read_lock(version: str, discovery_dir: Path = DISCOVERY) -> Lock:
    path = lock_path(version, discovery_dir)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise FetchError(f"no lock for {version}: {path} is missing") from None
    return Lock(data["version"], data["revision"], data["sha256"], data["source_url"])


def write_lock(lock: Lock, discovery_dir: Path = DISCOVERY) -> None:
    data = {
        "version": lock.version,
        "revision": lock.revision,
        "sha256": lock.sha256,
        "source_url": lock.source_url,
    }
    lock_path(lock.version, discovery_dir).write_text(json.dumps(data, indent=2) + "\n")


def locked_versions(discovery_dir: Path = DISCOVERY) -> list[str]:
    return sorted(p.name.removesuffix(".lock.json") for p in discovery_dir.glob("*.lock.json"))


def cached_path(lock: Lock, cache_dir: Path = CACHE) -> Path:
    return cache_dir / lock.file_name


def download(version: str, timeout: float = 60.0) -> bytes:
    url = LIVE_URL.format(version=version)
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (fixed host)
        return response.read()


def from_mirror(mirror: Path, version: str, revision: str | None = None) -> bytes:
    """The document for ``version`` (at ``revision``, else the newest) in a mirror folder."""
    if revision is not None:
        path = mirror / f"generativelanguage.{version}.{revision}.json"
        if not path.is_file():
            raise FetchError(f"{path} not found in mirror {mirror}")
        return path.read_bytes()
    candidates = sorted(mirror.glob(f"generativelanguage.{version}.*.json"))
    if not candidates:
        raise FetchError(f"no generativelanguage.{version}.*.json in mirror {mirror}")
    return candidates[-1].read_bytes()


def revision_of(data: bytes) -> str:
    return str(json.loads(data)["revision"])


def verify(lock: Lock, data: bytes) -> None:
    revision = revision_of(data)
    if revision != lock.revision:
        raise FetchError(
            f"{lock.version}: source has revision {revision}, the lock pins {lock.revision}"
            + (
                "; run `make update-api VERSION=" + lock.version + "` to move the lock"
                if revision > lock.revision
                else "; refusing a document older than the lock"
            )
        )
    digest = hashlib.sha256(data).hexdigest()
    if digest != lock.sha256:
        raise FetchError(
            f"{lock.version}@{revision}: sha256 {digest} does not match the lock's {lock.sha256}"
        )


def fetch(version: str, source: str, *, cache_dir: Path = CACHE, discovery_dir: Path = DISCOVERY):
    """Fetch ``version`` as locked from ``source`` ("live" or a mirror folder) into the cache."""
    lock = read_lock(version, discovery_dir)
    target = cached_path(lock, cache_dir)
    if target.is_file():
        try:
            verify(lock, target.read_bytes())
            return target
        except FetchError:
            target.unlink()
    if source == "live":
        data = download(version)
    else:
        data = from_mirror(Path(source), version, lock.revision)
    verify(lock, data)
    cache_dir.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target

"""Build the split wheels: one for the runtime and one per generated API version.

``generativelanguage`` is a PEP 420 namespace package, so it can be shipped in pieces
that install side by side into the same ``generativelanguage/`` folder:

* ``generativelanguage-runtime`` -- ``src/generativelanguage/runtime/**`` only; depends
  on the project's dependencies (httpx, msgspec) and offers its optional extras.
* ``generativelanguage-<api version>`` (``generativelanguage-v1``,
  ``generativelanguage-v1beta``) -- ``generated/generativelanguage/<api version>/**``
  only; depends on ``generativelanguage-runtime==<runtime version>``.

No wheel ships ``generativelanguage/__init__.py`` (that file would turn the namespace
package into a regular one and hide every other portion).

Versioning (see README.md, "Pinning and updating API versions"): the runtime's version is
the project version in ``pyproject.toml``; an API version's distribution is versioned
``<Discovery revision>.<runtime version>`` (``generativelanguage-v1beta==20260821.0.1.0``),
so the revision pinned in ``discovery/<version>.lock.json`` orders releases first and a
rebuild against a new runtime still gets a new, higher version.

Wheels are written by hand with :mod:`zipfile` (standard library only; the format is
https://packaging.python.org/en/latest/specifications/binary-distribution-format/):
``METADATA`` (core metadata 2.1), ``WHEEL`` and ``RECORD`` (urlsafe-base64 sha256 without
padding, and the size of every file). Output is deterministic: entries are sorted,
every timestamp is 1980-01-01 00:00:00 and permissions are fixed, so the same tree
always gives the same bytes.

CLI: ``python -m codegen build-dist [--version V ...] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import json
import os
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import fetch as fetching

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "generativelanguage"
RUNTIME_DIST = "generativelanguage-runtime"
MANIFEST = "MANIFEST.json"
WHEEL_TAG = "py3-none-any"
#: Zip timestamps: the earliest a zip file can hold; fixed so builds are reproducible.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

# A public PEP 440 version without epoch, in canonical form; enough to derive the API
# distributions' versions by prefixing the revision (an epoch could not be prefixed).
_RUNTIME_VERSION = re.compile(r"\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?(\+[a-z0-9.]+)?")
_REVISION = re.compile(r"[0-9]+")
# Optional dependency groups that are for developing this repository, not for users.
_DEV_EXTRAS = frozenset({"dev"})


class DistError(RuntimeError):
    """The tree cannot be packaged as asked; the message names the file and the fix."""


@dataclass(frozen=True)
class Project:
    """What the wheels take from ``pyproject.toml``.

    Attributes:
        version: The project version, which is the runtime's version.
        requires_python: The ``requires-python`` specifier.
        dependencies: The runtime dependencies (PEP 508 strings).
        extras: Optional dependency groups offered to users, by name.
        license: The SPDX license expression.
    """

    version: str
    requires_python: str
    dependencies: tuple[str, ...]
    extras: tuple[tuple[str, tuple[str, ...]], ...]
    license: str


@dataclass(frozen=True)
class Wheel:
    """Everything one wheel holds before it is zipped.

    Attributes:
        name: Distribution name, e.g. ``generativelanguage-v1beta``.
        version: PEP 440 version.
        summary: One-line summary for the metadata.
        description: Markdown long description.
        requires_python: ``Requires-Python`` value.
        requires_dist: ``Requires-Dist`` values, in order.
        extras: ``Provides-Extra`` names.
        license: ``License`` value.
        files: File contents by archive path (``generativelanguage/...``).
    """

    name: str
    version: str
    summary: str
    description: str
    requires_python: str
    requires_dist: tuple[str, ...]
    extras: tuple[str, ...]
    license: str
    files: dict[str, bytes]

    @property
    def normalized_name(self) -> str:
        """The name as it appears in file names (``generativelanguage_v1beta``)."""
        return re.sub(r"[-_.]+", "_", self.name).lower()

    @property
    def dist_info(self) -> str:
        """The ``.dist-info`` folder inside the archive."""
        return f"{self.normalized_name}-{self.version}.dist-info"

    @property
    def filename(self) -> str:
        """The wheel's file name, e.g. ``generativelanguage_v1beta-20260821.0.1.0-py3-none-any.whl``."""
        return f"{self.normalized_name}-{self.version}-{WHEEL_TAG}.whl"


# -- versions ----------------------------------------------------------------------------


def read_project(pyproject: Path) -> Project:
    """Read the packaging facts the wheels need from ``pyproject.toml``.

    Args:
        pyproject: Path to ``pyproject.toml``.

    Returns:
        The project's version, Python requirement, dependencies, extras and license.

    Raises:
        DistError: The file is missing, or ``[project]`` lacks ``version`` or holds a
            version that cannot be turned into API distribution versions.
    """
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: the same parser, from PyPI (dev extra)
        try:
            import tomli as tomllib
        except ModuleNotFoundError:
            raise DistError(
                "reading pyproject.toml on Python 3.10 needs tomli (pip install '.[dev]')"
            ) from None
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DistError(f"{pyproject} is missing") from None
    project = data.get("project") or {}
    version = project.get("version")
    if not isinstance(version, str):
        raise DistError(f"{pyproject}: [project] has no static 'version'")
    runtime_version(version)  # validate early
    extras = project.get("optional-dependencies") or {}
    return Project(
        version=version,
        requires_python=str(project.get("requires-python", "")),
        dependencies=tuple(project.get("dependencies") or ()),
        extras=tuple(
            (name, tuple(reqs)) for name, reqs in sorted(extras.items()) if name not in _DEV_EXTRAS
        ),
        license=str(project.get("license", "")),
    )


def runtime_version(project_version: str) -> str:
    """The runtime distribution's version: the project version, checked.

    Args:
        project_version: ``[project] version`` from ``pyproject.toml``.

    Returns:
        The same string.

    Raises:
        DistError: It is not a canonical PEP 440 version without an epoch.
    """
    if not _RUNTIME_VERSION.fullmatch(project_version):
        raise DistError(
            f"project version {project_version!r} is not a canonical PEP 440 version without "
            "an epoch (e.g. 0.1.0, 1.2.0rc1); the API distributions' versions are built on it"
        )
    return project_version


def api_distribution_version(revision: str, project_version: str) -> str:
    """The version of an API version's distribution: ``<revision>.<runtime version>``.

    The Discovery revision (``YYYYMMDD``) comes first, so a newer API document always
    sorts higher (``pip install "generativelanguage-v1beta>=20260821"`` means "at least
    the API as of that revision"); the runtime version follows, so rebuilding the same
    revision against a new runtime gives a new, higher version, and
    ``==20260821.*`` pins one revision whatever the runtime.

    Args:
        revision: The Discovery revision pinned in the version's lock.
        project_version: The runtime version (``[project] version``).

    Returns:
        A PEP 440 version, e.g. ``20260821.0.1.0``.

    Raises:
        DistError: The revision is not all digits, or the runtime version is unusable.
    """
    if not _REVISION.fullmatch(revision):
        raise DistError(f"Discovery revision {revision!r} is not all digits (YYYYMMDD)")
    return f"{int(revision)}.{runtime_version(project_version)}"


def api_distribution_name(api_version: str) -> str:
    """The distribution name of one API version: ``generativelanguage-<api version>``."""
    return f"{PACKAGE}-{api_version}"


# -- collecting files --------------------------------------------------------------------


def _package_files(base: Path, arc_prefix: str) -> dict[str, bytes]:
    """Every shippable file under ``base`` by archive path; caches and dotfiles skipped."""
    files: dict[str, bytes] = {}
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(base)
        if not path.is_file() or "__pycache__" in rel.parts:
            continue
        if path.suffix in (".pyc", ".pyo") or any(p.startswith(".") for p in rel.parts):
            continue
        files[f"{arc_prefix}/{rel.as_posix()}"] = path.read_bytes()
    return files


#: Handwritten packages the runtime wheel ships: the API-neutral runtime, the Gemini
#: conveniences that the generated classes name as mixins (discovery/extensions/), and
#: the Live API's sessions (``client.live``; its WebSocket library is the ``live`` extra).
RUNTIME_PACKAGES = ("runtime", "gemini", "live")


def runtime_wheel(project: Project, src_dir: Path) -> Wheel:
    """The runtime wheel: ``generativelanguage/runtime/**`` and the conveniences the
    generated code imports (``generativelanguage/gemini/**``) from ``src_dir``.

    Args:
        project: Facts from ``pyproject.toml``.
        src_dir: The folder holding ``generativelanguage/runtime/`` (``src/``).

    Returns:
        The wheel's contents and metadata.

    Raises:
        DistError: The runtime package is missing.
    """
    base = src_dir / PACKAGE / "runtime"
    if not (base / "__init__.py").is_file():
        raise DistError(f"{base}/__init__.py is missing: no runtime package to ship")
    extras = tuple(name for name, _ in project.extras)
    requires = list(project.dependencies)
    for name, reqs in project.extras:
        requires += [f'{req}; extra == "{name}"' for req in reqs]
    return Wheel(
        name=RUNTIME_DIST,
        version=runtime_version(project.version),
        summary="Runtime shared by the generated Gemini API (Generative Language API) clients",
        description=(
            f"# {RUNTIME_DIST}\n\n"
            "The handwritten runtime (`generativelanguage.runtime`: transport, errors, SSE, "
            "pagination, long-running operations, uploads, the shared Struct base) and the "
            "Gemini conveniences (`generativelanguage.gemini`) and Live API sessions "
            "(`generativelanguage.live`, extra `live`) used by the generated clients "
            "`generativelanguage-v1` and `generativelanguage-v1beta`. "
            "Install one of those; it pulls in this package.\n"
        ),
        requires_python=project.requires_python,
        requires_dist=tuple(requires),
        extras=extras,
        license=project.license,
        files={
            arc: data
            for sub in RUNTIME_PACKAGES
            if (src_dir / PACKAGE / sub).is_dir()
            for arc, data in _package_files(src_dir / PACKAGE / sub, f"{PACKAGE}/{sub}").items()
        },
    )


def api_wheel(
    api_version: str, project: Project, generated_dir: Path, discovery_dir: Path
) -> Wheel:
    """The wheel of one API version: ``generativelanguage/<api_version>/**``.

    The generated package must have been generated from the locked document: its
    ``MANIFEST.json`` must name the lock's revision and sha256, otherwise the wheel's
    version (taken from the lock) would not describe its contents.

    Args:
        api_version: E.g. ``v1beta``.
        project: Facts from ``pyproject.toml``.
        generated_dir: The folder holding ``generativelanguage/<api_version>/``.
        discovery_dir: The folder holding ``<api_version>.lock.json``.

    Returns:
        The wheel's contents and metadata.

    Raises:
        DistError: The package or its manifest is missing, or it was generated from a
            different document than the lock pins.
    """
    lock = fetching.read_lock(api_version, discovery_dir)
    base = generated_dir / PACKAGE / api_version
    manifest_path = base / MANIFEST
    if not manifest_path.is_file():
        raise DistError(f"{manifest_path} is missing; run `make generate`")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    generated_from = (manifest.get("revision"), manifest.get("sha256"))
    if generated_from != (lock.revision, lock.sha256):
        raise DistError(
            f"{base} was generated from {api_version}@{manifest.get('revision')} "
            f"(sha256 {manifest.get('sha256')}) but {fetching.lock_path(api_version, discovery_dir)}"
            f" pins {api_version}@{lock.revision} (sha256 {lock.sha256}); run `make generate`"
        )
    files = _package_files(base, f"{PACKAGE}/{api_version}")
    missing = sorted(set(manifest.get("files", ())) - {p.rsplit("/", 1)[1] for p in files})
    if missing:
        raise DistError(f"{base} lacks files its {MANIFEST} lists: {', '.join(missing)}")
    name = api_distribution_name(api_version)
    runtime = runtime_version(project.version)
    return Wheel(
        name=name,
        version=api_distribution_version(lock.revision, project.version),
        summary=(
            f"Typed Gemini API client, API version {api_version} "
            f"(Discovery revision {lock.revision})"
        ),
        description=(
            f"# {name}\n\n"
            f"`generativelanguage.{api_version}`: the typed msgspec client for the Gemini API "
            f"(Generative Language API) version `{api_version}`, generated from Discovery "
            f"revision {lock.revision} (`{lock.file_name}`, sha256 `{lock.sha256}`).\n\n"
            "```python\n"
            f"from generativelanguage.{api_version} import Client\n"
            "```\n\n"
            f"Depends on `{RUNTIME_DIST}=={runtime}`. Other API versions are separate "
            "distributions; they install side by side.\n"
        ),
        requires_python=project.requires_python,
        requires_dist=(f"{RUNTIME_DIST}=={runtime}",),
        extras=(),
        license=project.license,
        files=files,
    )


# -- writing -----------------------------------------------------------------------------


def metadata_text(wheel: Wheel) -> str:
    """The ``METADATA`` file (core metadata 2.1, long description in the body)."""
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {wheel.name}",
        f"Version: {wheel.version}",
        f"Summary: {wheel.summary}",
    ]
    if wheel.license:
        lines.append(f"License: {wheel.license}")
    if wheel.requires_python:
        lines.append(f"Requires-Python: {wheel.requires_python}")
    lines += [f"Requires-Dist: {req}" for req in wheel.requires_dist]
    lines += [f"Provides-Extra: {extra}" for extra in wheel.extras]
    lines.append("Description-Content-Type: text/markdown")
    return "\n".join(lines) + "\n\n" + wheel.description


def wheel_text(project_version: str) -> str:
    """The ``WHEEL`` file: pure Python, one tag."""
    return (
        "Wheel-Version: 1.0\n"
        f"Generator: codegen.dist ({PACKAGE} {project_version})\n"
        "Root-Is-Purelib: true\n"
        f"Tag: {WHEEL_TAG}\n"
    )


def record_hash(data: bytes) -> str:
    """``sha256=<urlsafe base64, no padding>`` as RECORD wants it."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode("ascii")


def wheel_entries(wheel: Wheel, generator_version: str) -> list[tuple[str, bytes]]:
    """Every archive entry in write order: package files sorted, then the ``.dist-info``.

    ``RECORD`` comes last, listing every other entry with its hash and size, and itself
    with neither.

    Raises:
        DistError: A file lies outside the ``generativelanguage/`` portion it belongs to,
            or is ``generativelanguage/__init__.py``.
    """
    namespace_init = f"{PACKAGE}/__init__.py"
    for arcname in wheel.files:
        if arcname == namespace_init:
            raise DistError(
                f"{wheel.name}: refusing to ship {namespace_init}; {PACKAGE} is a PEP 420 "
                "namespace package shared by several distributions"
            )
        if not arcname.startswith(f"{PACKAGE}/"):
            raise DistError(f"{wheel.name}: {arcname} is outside the {PACKAGE}/ package")
    entries = [(name, wheel.files[name]) for name in sorted(wheel.files)]
    entries.append((f"{wheel.dist_info}/METADATA", metadata_text(wheel).encode("utf-8")))
    entries.append((f"{wheel.dist_info}/WHEEL", wheel_text(generator_version).encode("utf-8")))
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for name, data in entries:
        writer.writerow([name, record_hash(data), len(data)])
    record_name = f"{wheel.dist_info}/RECORD"
    writer.writerow([record_name, "", ""])
    entries.append((record_name, record.getvalue().encode("utf-8")))
    return entries


def write_wheel(wheel: Wheel, out_dir: Path, generator_version: str) -> Path:
    """Zip ``wheel`` into ``out_dir`` deterministically; replace a wheel of the same name.

    Args:
        wheel: What to pack.
        out_dir: Destination folder (created if needed).
        generator_version: Recorded in ``WHEEL`` as the generator's version.

    Returns:
        The path of the written ``.whl``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / wheel.filename
    tmp = target.with_name(target.name + ".tmp")
    with zipfile.ZipFile(tmp, "w") as archive:
        for name, data in wheel_entries(wheel, generator_version):
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the permission bits below mean the same everywhere
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data, compresslevel=9)
    os.replace(tmp, target)
    return target


def build(
    versions: list[str] | None = None,
    out_dir: Path | None = None,
    *,
    root: Path = ROOT,
    src_dir: Path | None = None,
    generated_dir: Path | None = None,
    discovery_dir: Path | None = None,
) -> list[Path]:
    """Build the runtime wheel and one wheel per API version.

    Args:
        versions: API versions to build (default: every version with a lock).
        out_dir: Where to write the wheels (default: ``<root>/dist``).
        root: Repository root holding ``pyproject.toml``.
        src_dir: Folder with the runtime (default: ``<root>/src``).
        generated_dir: Folder with the generated packages (default: ``<root>/generated``).
        discovery_dir: Folder with the locks (default: ``<root>/discovery``).

    Returns:
        The written wheels: the runtime first, then the API versions in sorted order.

    Raises:
        DistError: Something cannot be packaged (see :func:`api_wheel`).
        codegen.fetch.FetchError: A requested version has no lock.
    """
    src_dir = src_dir or root / "src"
    generated_dir = generated_dir or root / "generated"
    discovery_dir = discovery_dir or root / "discovery"
    out_dir = out_dir or root / "dist"
    project = read_project(root / "pyproject.toml")
    chosen = sorted(set(versions)) if versions else fetching.locked_versions(discovery_dir)
    if not chosen:
        raise DistError(f"no API version to package: no *.lock.json in {discovery_dir}")
    wheels = [runtime_wheel(project, src_dir)]
    wheels += [api_wheel(v, project, generated_dir, discovery_dir) for v in chosen]
    return [write_wheel(w, out_dir, project.version) for w in wheels]


def main(argv: list[str] | None = None) -> int:
    """``build-dist [--version V ...] [--out DIR]``; returns the exit status.

    Exit status: 0 when every wheel was written, 2 when the tree cannot be packaged.
    """
    parser = argparse.ArgumentParser(
        prog="python -m codegen build-dist",
        description="Build the runtime wheel and one wheel per API version.",
    )
    parser.add_argument(
        "--version",
        action="append",
        metavar="V",
        help="only this API version (repeatable; default: every locked version); "
        "the runtime wheel is always built",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="default: %(default)s")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        paths = build(args.version, args.out)
    except (DistError, fetching.FetchError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in paths:
        print(f"built {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

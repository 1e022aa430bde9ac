"""The ``load`` fixture: import a golden case's expected package in this process."""

from __future__ import annotations

import importlib
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

import generativelanguage

from .update import EXPECTED


@pytest.fixture
def load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable]:
    """Import a case's expected package from a copy in ``tmp_path``.

    ``generativelanguage`` is a PEP 420 namespace package whose ``__path__`` follows
    ``sys.path``, so prepending the copy adds it as one more portion next to src/
    (the runtime) and generated/.
    """
    loaded: list[str] = []

    def _load(case: str) -> SimpleNamespace:
        (folder,) = (EXPECTED / case / "generativelanguage").iterdir()
        version = folder.name
        root = tmp_path / case
        shutil.copytree(EXPECTED / case, root)
        monkeypatch.syspath_prepend(str(root))
        importlib.invalidate_caches()
        portion = str(root / "generativelanguage")
        assert portion in list(generativelanguage.__path__)
        package = f"generativelanguage.{version}"
        assert package not in sys.modules
        loaded.append(version)
        modules = {
            name: importlib.import_module(f"{package}.{name}")
            for name in ("types", "enums", "resources", "client")
        }
        assert all(Path(m.__file__).is_relative_to(root) for m in modules.values())
        return SimpleNamespace(package=importlib.import_module(package), **modules)

    yield _load
    for version in loaded:
        package = f"generativelanguage.{version}"
        for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
            del sys.modules[name]
        if hasattr(generativelanguage, version):
            delattr(generativelanguage, version)

"""Imports stay lazy: the package imports no version, a version never imports another,
and a version's types load only when a client or the types are used."""

from __future__ import annotations

import subprocess
import sys


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {m for m in out if m.startswith("generativelanguage")}


def test_importing_the_package_imports_no_version():
    assert _modules_after("import generativelanguage") == {"generativelanguage"}


def test_importing_a_version_is_cheap_and_touches_no_other_version():
    loaded = _modules_after("import generativelanguage.v1beta as v; v.REVISION")
    assert loaded == {"generativelanguage", "generativelanguage.v1beta"}


def test_a_client_loads_its_own_version_only():
    loaded = _modules_after(
        "import generativelanguage.v1beta as v; v.Client(api_key='k'); v.types.Part"
    )
    assert "generativelanguage.v1beta.types" in loaded
    assert not any(
        m.startswith("generativelanguage.v1.") or m == "generativelanguage.v1" for m in loaded
    )
    assert "generativelanguage.v1beta.enums" not in loaded  # only when asked for

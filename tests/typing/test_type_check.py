"""mypy (strict, as configured in pyproject.toml) and pyright report 0 errors on
examples/, on the README's code blocks, on the assert_type checks in this folder and on
the handwritten packages users import (generativelanguage.runtime, .gemini and .live).

The client is checked the way users get it: installed, found through its py.typed
markers (mypy skips a package without one and treats it as Any).
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.typing import readme_blocks

ROOT = readme_blocks.ROOT
#: Where the README blocks are written for checking (git-ignored, kept between runs so
#: mypy's cache in .mypy_cache/ stays valid).
BLOCKS = ROOT / ".tmp" / "readme_blocks"


def test_the_readme_has_code_blocks_formatted_and_linted_like_the_code():
    paths = readme_blocks.write(BLOCKS)
    assert len(paths) >= 5
    ruff = [sys.executable, "-m", "ruff"]
    for command in (["format", "--diff"], ["check"]):
        result = subprocess.run(
            [*ruff, *command, *(str(p) for p in paths)], cwd=ROOT, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


def _mypy(*args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_mypy_reports_no_error():
    paths = readme_blocks.write(BLOCKS)
    targets = ["examples", "tests/typing/check_client.py", "tests/typing/check_errors.py"]
    _mypy(*targets, *(str(p) for p in paths))


def test_the_runtime_and_conveniences_pass_mypy_strict_as_installed():
    packages = ("runtime", "gemini", "live")
    _mypy(*(arg for name in packages for arg in ("-p", f"generativelanguage.{name}")))


def test_pyright_reports_no_error():
    paths = readme_blocks.write(BLOCKS)
    targets = [f"src/generativelanguage/{name}" for name in ("runtime", "gemini", "live")]
    targets += ["examples"]
    targets += ["tests/typing/check_client.py"]
    targets += ["tests/typing/check_errors.py", *(str(p) for p in paths)]
    pyright = os.path.join(os.path.dirname(sys.executable), "pyright")
    result = subprocess.run(
        [pyright, *targets], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stdout, result.stdout

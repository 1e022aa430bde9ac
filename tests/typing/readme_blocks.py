"""The README's Python code blocks as modules, for type checkers.

``python -m tests.typing.readme_blocks DIR`` writes each ```` ```python ```` block of
README.md to ``DIR/readme_block_<n>.py`` (numbered from 1 in order of appearance). Each
block must stand on its own: imports included, no names from an earlier block.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks(readme: Path = ROOT / "README.md") -> list[str]:
    """The code of every Python block, in order."""
    return [m.group(1) for m in _BLOCK.finditer(readme.read_text(encoding="utf-8"))]


def write(directory: Path) -> list[Path]:
    """Write the blocks as modules into ``directory`` (stale ones removed)."""
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("readme_block_*.py"):
        old.unlink()
    paths = []
    for number, code in enumerate(blocks(), 1):
        path = directory / f"readme_block_{number}.py"
        path.write_text(f"# README.md, Python block {number}\n{code}", encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    for p in write(Path(sys.argv[1])):
        print(p)

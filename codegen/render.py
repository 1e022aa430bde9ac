"""Render the IR of one API version into ``{relative path: text}``; no disk access.

The Jinja environment, its filters and the template-to-path mapping live here. Filters
are pure and few; document text is untrusted input and reaches code only through them.
"""

from __future__ import annotations

import math
import re
import textwrap
from pathlib import Path

import jinja2

from . import ir

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

#: template -> output file name inside the version package.
OUTPUTS = {
    "package_init.py.j2": "__init__.py",
    "types.py.j2": "types.py",
    "enums.py.j2": "enums.py",
    "resources.py.j2": "resources.py",
    "client.py.j2": "client.py",
}

#: Files every version package holds verbatim. ``py.typed`` (PEP 561) tells type
#: checkers that the package is typed; it stays empty (a checker reads "partial" in it
#: as a stub-only package), and MANIFEST.json records it as generated.
MARKERS = {"py.typed": ""}

DOC_WIDTH = ir.DOC_WIDTH
_QUOTE_RUN = re.compile(r'"(?="|\Z)')
# NUL, other control characters and lone surrogates cannot stand in UTF-8 source.
_UNSAFE_CHAR = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def docstring(text: str, indent: int = 4, wrap_last: bool = True) -> str:
    """A triple-quoted docstring literal for untrusted ``text``.

    Backslashes and triple quotes are escaped so no text can end the literal early or
    form escape sequences; long lines are wrapped (markdown lists and code keep their
    own line breaks, since only lines over the width are wrapped). ``wrap_last=False``
    keeps the final line whole: method docstrings end with the Discovery reference
    (``Discovery: <id> (VERB path)``), which should stay greppable on one line.
    """
    text = (text or "").strip().replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\\", "\\\\")
    # A quote followed by another quote, or ending the text, is escaped: then no run of
    # unescaped quotes can close the literal, whatever the text holds.
    text = _QUOTE_RUN.sub('\\\\"', text)
    text = _UNSAFE_CHAR.sub(_escape_char, text)
    lines: list[str] = []
    source = text.split("\n")
    for number, line in enumerate(source, 1):
        line = line.rstrip()
        if len(line) <= DOC_WIDTH or (not wrap_last and number == len(source)):
            lines.append(line)
            continue
        lead = line[: len(line) - len(line.lstrip())]
        lines += textwrap.wrap(
            line,
            DOC_WIDTH,
            subsequent_indent=lead,
            break_long_words=False,
            break_on_hyphens=False,
        )
    pad = " " * indent
    body = "\n".join((pad + ln) if ln else "" for ln in lines).lstrip()
    if "\n" in body:
        return f'"""{body}\n{pad}"""'
    return f'"""{body}"""'


def pyrepr(value: object) -> str:
    """A Python literal for a string, number, bool, None or tuple thereof."""
    if isinstance(value, float) and not math.isfinite(value):
        raise TypeError(f"pyrepr: {value!r} has no literal")
    if isinstance(value, (str, int, float, bool, type(None))):
        return repr(value)
    if isinstance(value, tuple):
        # No trailing comma after the last of several items: ruff would take it as a
        # request to put each item on its own line.
        return "(" + ", ".join(pyrepr(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    raise TypeError(f"pyrepr: unsupported {type(value).__name__}")


FILTERS = {"docstring": docstring, "pyrepr": pyrepr}


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters.update(FILTERS)
    return env


def render_reference(version: ir.Version) -> str:
    """``docs/reference/<version>.md``: the version's API reference, from the same IR."""
    text = environment().get_template("reference.md.j2").render(version=version)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"


def render_version(version: ir.Version) -> dict[str, str]:
    """Every file of one version package, keyed by path relative to the package dir."""
    env = environment()
    files = {
        out: env.get_template(template).render(version=version)
        for template, out in sorted(OUTPUTS.items())
    }
    return {**files, **MARKERS}

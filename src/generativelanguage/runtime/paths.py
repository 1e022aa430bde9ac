"""Expanding a method's path template with checked, percent-encoded parameter values.

Discovery templates use RFC 6570 level-2 placeholders: ``{+name}`` (reserved expansion,
slashes in the value are kept) and ``{name}`` (everything is encoded). A value is first
checked against the parameter's ``pattern`` from the document, then each segment is
percent-encoded so that no value can change which URL is requested: ``?``, ``#``, ``%``
and spaces are escaped, and ``.``/``..`` segments (which clients and proxies collapse,
RFC 3986 section 5.2.4) are refused.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from .errors import RequestValidationError

_PLACEHOLDER = re.compile(r"\{(\+?)([^}]+)\}")
_SEGMENT_WILDCARD = re.compile(r"\[\^/\]\+|\[\^/\]\*|\.\*|\.\+")


class PathParam:
    """One path parameter of a method: its wire name, pattern and expansion style."""

    __slots__ = ("name", "py_name", "pattern", "reserved", "prefix", "_regex", "_cache")

    def __init__(
        self,
        name: str,
        pattern: str | None = None,
        *,
        py_name: str | None = None,
        reserved: bool = True,
        prefix: str | None = None,
    ) -> None:
        self.name = name
        self.py_name = py_name or name
        self.pattern = pattern
        self.reserved = reserved
        self.prefix = prefix
        self._regex: re.Pattern[str] | None = None
        # value -> checked, encoded text: the same few names (a model, a cache) recur.
        self._cache: dict[str, str] = {}

    def expected_form(self) -> str:
        if not self.pattern:
            return "a single path segment" if not self.reserved else "a resource name"
        form = self.pattern.removeprefix("^").removesuffix("$")
        return _SEGMENT_WILDCARD.sub("*", form)

    def _fail(self, value: object, why: str) -> RequestValidationError:
        return RequestValidationError(
            f"{self.py_name}={value!r} {why}; expected the form {self.expected_form()!r}"
            + (f" (pattern {self.pattern})" if self.pattern else ""),
            path=self.py_name,
        )

    def complete(self, value: object) -> object:
        """``value`` with the collection prefix added when it was left out."""
        if self.prefix and isinstance(value, str) and value and "/" not in value:
            # "gemini-2.5-flash" means "models/gemini-2.5-flash": the pattern allows
            # exactly one collection, so the short form is unambiguous.
            return self.prefix + value
        return value

    def encode(self, value: object) -> str:
        """The checked, percent-encoded text to put in the URL for ``value``."""
        if type(value) is not str:
            return self._encode(value)  # refused, with the type named
        cached = self._cache.get(value)
        if cached is not None:
            return cached
        encoded = self._encode(value)
        if len(self._cache) < 256:
            self._cache[value] = encoded
        return encoded

    def _encode(self, value: object) -> str:
        if not isinstance(value, str):
            raise self._fail(value, f"is a {type(value).__name__}, not a str")
        value = str(self.complete(value))
        if self.pattern:
            regex = self._regex
            if regex is None:
                regex = self._regex = re.compile(self.pattern)
            if not regex.search(value):
                raise self._fail(value, "does not match")
        segments = value.split("/") if self.reserved else [value]
        for segment in segments:
            if segment in ("", ".", ".."):
                raise self._fail(value, f"has an empty, '.' or '..' segment ({segment!r})")
        return "/".join(quote(s, safe="-._~") for s in segments)


class PathTemplate:
    """A parsed path template such as ``v1beta/{+model}:generateContent``."""

    __slots__ = ("template", "literals", "params")

    def __init__(self, template: str, params: tuple[PathParam, ...]) -> None:
        self.template = template
        by_name = {p.name: p for p in params}
        literals: list[str] = []
        ordered: list[PathParam] = []
        pos = 0
        for m in _PLACEHOLDER.finditer(template):
            literals.append(template[pos : m.start()])
            param = by_name[m.group(2)]
            param.reserved = m.group(1) == "+"
            ordered.append(param)
            pos = m.end()
        literals.append(template[pos:])
        self.literals = tuple(literals)
        self.params = tuple(ordered)

    def expand(self, values: dict[str, object]) -> str:
        lits = self.literals
        if not self.params:
            return lits[0]
        out = [lits[0]]
        for i, param in enumerate(self.params):
            out.append(param.encode(values[param.name]))
            out.append(lits[i + 1])
        return "".join(out)

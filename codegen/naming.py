"""Python names for Discovery names: casing, escaping and per-scope name pools.

Pure functions only; nothing here reads a Discovery document or the IR.
"""

from __future__ import annotations

import builtins
import keyword
import re

_ACRONYM_BOUNDARY = re.compile(r"([A-Z]+)([A-Z][a-z])")
_WORD_BOUNDARY = re.compile(r"([a-z0-9])([A-Z])")
_NON_IDENT = re.compile(r"[^0-9a-zA-Z_]+")

#: Names a generated scope must never bind, because the same scope also uses them:
#: builtins that appear in annotations (a field called ``str`` would shadow ``str`` in
#: the class namespace and break decoding of every later ``str`` annotation), the names
#: generated modules import (a schema called ``Struct`` would replace the base class of
#: every class after it; one called ``Any`` would turn every ``dict[str, Any]`` into a
#: map of that Struct), ``self``, and the keyword arguments every generated method
#: reserves for the runtime. ``tests/codegen/test_naming.py`` checks that every name
#: the generated modules import is listed here.
RESERVED = frozenset(
    {
        "str",
        "int",
        "float",
        "bool",
        "bytes",
        "list",
        "dict",
        "object",
        "Any",
        "Struct",
        "datetime",
        "msgspec",
        "types",
        "self",
        "body",
        "options",
    }
)


def snake_case(name: str) -> str:
    """``mimeType`` -> ``mime_type``, ``int64Value`` -> ``int64_value``, ``$.xgafv`` -> ``xgafv``."""
    s = _ACRONYM_BOUNDARY.sub(r"\1_\2", name)
    s = _WORD_BOUNDARY.sub(r"\1_\2", s)
    s = _NON_IDENT.sub("_", s).strip("_").lower()
    s = re.sub(r"_+", "_", s)
    return s or "_"


def pascal_case(name: str) -> str:
    """``barBaz`` -> ``BarBaz``, ``upload_protocol`` -> ``UploadProtocol``, ``$.xgafv`` -> ``Xgafv``.

    Existing capitals are kept (``HTTPOptions`` stays ``HTTPOptions``), so a schema id
    that is already PascalCase maps to itself.
    """
    parts = [p for p in _NON_IDENT.sub("_", name).split("_") if p]
    out = "".join(p[0].upper() + p[1:] for p in parts)
    if not out:
        return "_"
    return "_" + out if out[0].isdigit() else out


def constant_case(value: str) -> str:
    """An enum value as a Python constant name: ``HARM_CATEGORY_X`` stays, ``1`` -> ``V_1``."""
    s = _NON_IDENT.sub("_", value).strip("_").upper() or "EMPTY"
    return "V_" + s if s[0].isdigit() else s


def safe_identifier(name: str, reserved: frozenset[str] = RESERVED) -> str:
    """Append ``_`` to keywords and to names the generated scope reserves; prefix ``_``
    to a name that cannot start an identifier (``3dModel`` -> ``_3d_model``)."""
    if not name.isidentifier():
        # A Discovery id is any string (``foo.bar``, ``3d-model``): characters a name
        # cannot hold become "_", and a leading digit gets one in front.
        name = _NON_IDENT.sub("_", name)
        if not name.isidentifier():
            name = "_" + name
    if keyword.iskeyword(name) or name in reserved:
        return name + "_"
    return name


def module_name(name: str) -> str:
    """A Discovery API name or version as an importable module name: ``v1.2`` -> ``v1_2``,
    ``directory_v1`` stays, ``2.0`` -> ``_2_0``, a keyword gets ``_``."""
    s = _NON_IDENT.sub("_", name).strip("_") or "_"
    return safe_identifier(s, frozenset())


def safe_attribute(name: str) -> str:
    """A method or resource attribute name: only keywords need escaping there, since
    attribute names live in the instance namespace, not in the scope annotations use
    (``client.models.list`` stays ``list``)."""
    return safe_identifier(name, frozenset({"_t"}))


def is_builtin(name: str) -> bool:
    return hasattr(builtins, name)


class NamePool:
    """Hands out unique names within one scope (module, class or signature).

    The first claimant of a name keeps it; a later one gets a numeric suffix. Every
    rename is recorded so the build step can report it.
    """

    def __init__(self, taken: set[str] | frozenset[str] = frozenset()) -> None:
        self._taken: set[str] = set(taken)
        self.renames: list[tuple[str, str]] = []

    def claim(self, name: str, *, suffix: str | None = None) -> str:
        if name not in self._taken:
            self._taken.add(name)
            return name
        candidates = [f"{name.rstrip('_')}_{suffix}"] if suffix else []
        candidates += [f"{name}_{i}" for i in range(2, 1000)]
        for cand in candidates:
            if cand not in self._taken:
                self._taken.add(cand)
                self.renames.append((name, cand))
                return cand
        raise RuntimeError(f"cannot find a free name for {name!r}")  # pragma: no cover

    def __contains__(self, name: str) -> bool:
        return name in self._taken

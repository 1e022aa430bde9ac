"""The routing table, built from the generated ``MethodSpec`` constants at start-up.

Nothing here names a resource: every method of every API version module becomes a
route (verb + path template, each ``{+name}`` matched against the parameter's pattern
from the Discovery document), so a regenerated API is routed without a code change.
Media upload paths come from the same specs (``MethodSpec.upload``).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import ModuleType
from urllib.parse import unquote

from generativelanguage.runtime.transport import MethodSpec

#: The API versions served, and the modules their methods are read from.
VERSIONS = ("v1beta", "v1")


@dataclass(frozen=True)
class Route:
    """One Discovery method as the emulator serves it."""

    spec: MethodSpec
    version: str
    regex: re.Pattern[str]
    #: The method's own name, e.g. ``"generateContent"`` or ``"list"``.
    method: str
    #: The resource chain, e.g. ``("tunedModels", "permissions")``.
    resource: tuple[str, ...]
    #: Literal characters in the template: more literal text = more specific.
    specificity: int
    #: ``":generateContent"`` for custom methods, else "".
    suffix: str = ""
    #: Regex group -> path parameter name.
    groups: dict[str, str] = field(default_factory=dict)


def _param_regex(pattern: str | None, reserved: bool) -> str:
    if pattern:
        return pattern.removeprefix("^").removesuffix("$")
    return ".+" if reserved else "[^/:]+"


def compile_template(
    literals: tuple[str, ...], params: Iterable, prefix: str = "/"
) -> tuple[str, dict[str, str]]:
    """Regex source for a parsed template (``PathTemplate``'s literals and params), and
    its regex group -> parameter name map."""
    out = ["^", re.escape(prefix)]
    groups = {}
    for i, param in enumerate(params):
        out.append(re.escape(literals[i]))
        group = f"p{i}"
        groups[group] = param.name
        out.append(f"(?P<{group}>{_param_regex(param.pattern, param.reserved)})")
    out.append(re.escape(literals[-1]))
    out.append("$")
    return "".join(out), groups


def specs_of(module: ModuleType) -> list[MethodSpec]:
    """Every ``MethodSpec`` constant of a generated ``resources`` module, sorted by id."""
    found = [v for v in vars(module).values() if isinstance(v, MethodSpec)]
    return sorted(found, key=lambda s: s.id)


def route_for(spec: MethodSpec, version: str) -> Route:
    tpl = spec.template
    source, groups = compile_template(tpl.literals, tpl.params)
    last = tpl.literals[-1]
    suffix = last[last.rindex(":") :] if ":" in last else ""
    parts = spec.id.split(".")
    return Route(
        spec=spec,
        version=version,
        regex=re.compile(source),
        method=parts[-1],
        resource=tuple(parts[1:-1]),
        specificity=sum(len(lit) for lit in tpl.literals),
        suffix=suffix,
        groups=groups,
    )


class Router:
    """Match ``(verb, path)`` to a route and its unquoted path parameters."""

    def __init__(self, modules: dict[str, ModuleType] | None = None) -> None:
        if modules is None:
            modules = {
                v: importlib.import_module(f"generativelanguage.{v}.resources") for v in VERSIONS
            }
        self.routes: list[Route] = []
        for version, module in modules.items():
            for spec in specs_of(module):
                self.routes.append(route_for(spec, version))
        self.routes.sort(key=lambda r: -r.specificity)
        self._by_verb: dict[str, list[Route]] = {}
        for route in self.routes:
            self._by_verb.setdefault(route.spec.http_method, []).append(route)
        self.uploads: list[tuple[re.Pattern[str], Route]] = []
        for route in self.routes:
            if route.spec.upload:
                for key in ("simple", "resumable"):
                    path = route.spec.upload.get(key)
                    if path:
                        self.uploads.append((self._upload_regex(path, route), route))

    @staticmethod
    def _upload_regex(path: str, route: Route) -> re.Pattern[str]:
        # The upload path repeats the method's template under /upload/ (or
        # /resumable/upload/): match it with the same parameter patterns.
        tpl = route.spec.template
        prefix = path[: path.index(tpl.template)] if tpl.template in path else "/upload/"
        source, _ = compile_template(tpl.literals, tpl.params, prefix)
        return re.compile(source)

    def match(self, verb: str, path: str) -> tuple[Route, dict[str, str]] | None:
        """The route serving ``verb path`` (raw, still percent-encoded), or None."""
        for route in self._by_verb.get(verb, ()):
            m = route.regex.match(path)
            if m:
                return route, {route.groups[g]: unquote(v) for g, v in m.groupdict().items()}
        return None

    def match_upload(self, path: str) -> tuple[Route, dict[str, str]] | None:
        """The upload method whose media path is ``path``, or None."""
        for regex, route in self.uploads:
            m = regex.match(path)
            if m:
                return route, {route.groups[g]: unquote(v) for g, v in m.groupdict().items()}
        return None

    def verbs_for(self, path: str) -> list[str]:
        """The verbs some route accepts on ``path`` (for 405 answers)."""
        return sorted({r.spec.http_method for r in self.routes if r.regex.match(path)})

    def resource_path(self, route: Route, params: dict[str, str]) -> str:
        """The resource a call addresses: the expanded path without the version prefix
        and without a ``:customMethod`` suffix (``tunedModels/x/permissions``)."""
        tpl = route.spec.template
        out = [tpl.literals[0]]
        for i, param in enumerate(tpl.params):
            out.append(params[param.name])
            out.append(tpl.literals[i + 1])
        path = "".join(out)
        path = path.removeprefix(route.version + "/")
        if route.suffix and path.endswith(route.suffix):
            path = path[: -len(route.suffix)]
        return path

"""One Discovery document through every stage, checked against the document itself.

Stages, each counted per document:

* generate: load, build and render (``codegen.pipeline.render_document``);
* ruff: the pinned ruff lint-fixes and formats every file, leaving no problem;
* import: the package and its modules import;
* samples: a JSON sample of every schema decodes into its type and encodes back to the
  same JSON;
* methods: every method (and every media variant and media upload) is called once
  against a loopback server that checks the verb, the path and the query against the
  document (and the body against what was passed), and its answer decodes.

What the server expects is computed from the document, never from the generated code;
the generated code's intermediate model is used only to find the Python callable of a
Discovery method and the keyword name of each parameter.
"""

from __future__ import annotations

import functools
import gc
import importlib
import json
import os
import re
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import msgspec

from codegen import pipeline
from codegen.naming import module_name
from generativelanguage.runtime import structs
from generativelanguage.runtime.options import RetryPolicy
from tests.support import discovery as d
from tests.support.server import LocalServer, Reply

STAGES = ("generate", "ruff", "import", "samples", "methods")
#: Parent package of the generated corpus packages.
PARENT = "corpus_pkgs"
KEY = "corpus-key"
MEDIA = b"\x00media bytes\xff"


@dataclass
class Result:
    document: str
    #: stage -> list of failure causes (empty: passed); a stage not reached is absent.
    stages: dict[str, list[str]] = field(default_factory=dict)
    schemas: int = 0
    calls: int = 0
    seconds: float = 0.0
    #: stage -> seconds it took
    timings: dict[str, float] = field(default_factory=dict)

    def passed(self, stage: str) -> bool:
        return stage in self.stages and not self.stages[stage]


def package_of(path: Path) -> str:
    """The package a document goes in: one per file, so two files of one API (admin's
    ``directory_v1`` and ``directoryv1``) never share a folder."""
    return f"{PARENT}.{module_name(path.stem)}"


def cause(exc: BaseException) -> str:
    """An exception's type and first line, with names and numbers masked so that one
    problem in many places groups together."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "…", text)
    text = re.sub(r"\b[\w.]*\d[\w.]*\b", "#", text)
    return f"{type(exc).__name__}: {text[:160]}"


# -- the loopback server side ---------------------------------------------------------


class Expectation:
    """What one call must send, from the document; the reply to give."""

    def __init__(self, verb: str, path: str, query: list[tuple[str, str]], body, reply: Reply):
        self.verb, self.path, self.query, self.body, self.reply = verb, path, query, body, reply
        self.problems: list[str] = []
        self.seen = 0

    def __call__(self, rec) -> Reply:
        self.seen += 1
        if rec.method != self.verb:
            self.problems.append(f"verb {rec.method}, document says {self.verb}")
        if rec.path != self.path:
            self.problems.append(f"path {rec.path}, document says {self.path}")
        if sorted(rec.query) != sorted(self.query):
            self.problems.append(f"query {sorted(rec.query)}, expected {sorted(self.query)}")
        if rec.headers.get("x-goog-api-key") != KEY:
            self.problems.append("no x-goog-api-key header")
        if self.body is not None:
            try:
                got = d.normalize(json.loads(rec.body))
            except ValueError:
                got = rec.body[:80]
            if got != d.normalize(self.body):
                self.problems.append("body differs from the one passed")
        return self.reply


# -- the document side ----------------------------------------------------------------


def doc_methods(doc: dict) -> dict[str, dict]:
    """Discovery method id -> method node."""
    return {m["id"]: m for _, _, m in d.methods(doc)}


def path_value(name: str, param: dict) -> str:
    """A value the parameter's pattern accepts (a path segment when it has none)."""
    if param.get("type") in ("integer", "number"):
        return "7"
    return _patterned(name, param.get("pattern"))


@functools.cache
def _patterned(name: str, pattern: str | None) -> str:
    if not pattern:
        return f"{name}-1"
    for value in (d.sample_path_value({"pattern": pattern}, name), regex_sample(pattern)):
        if re.search(pattern, value):
            return value
    raise ValueError(f"no sample value for pattern {pattern!r}")


def regex_sample(pattern: str) -> str:
    """The first string the regular expression matches, by a walk of its parse tree
    that takes the first choice everywhere (repeats at least once, so no path segment
    comes out empty)."""
    try:
        from re import _constants as c  # type: ignore[attr-defined]
        from re import _parser as parser  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_constants as c
        import sre_parse as parser

    categories = {c.CATEGORY_DIGIT: "1", c.CATEGORY_WORD: "a", c.CATEGORY_SPACE: " "}

    def first_of(items) -> str:
        for op, arg in items:
            if op is c.LITERAL:
                return chr(arg)
            if op is c.RANGE:
                return chr(arg[0])
            if op is c.CATEGORY and arg in categories:
                return categories[arg]
            if op is c.NEGATE:
                excluded = {chr(a) for o, a in items if o is c.LITERAL}
                return next(ch for ch in "a1-" if ch not in excluded)
        return "a"

    def walk(items) -> str:
        out = []
        for op, arg in items:
            if op is c.LITERAL:
                out.append(chr(arg))
            elif op is c.NOT_LITERAL:
                out.append("a" if chr(arg) != "a" else "b")
            elif op is c.ANY:
                out.append("a")
            elif op is c.IN:
                out.append(first_of(arg))
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
                low, high, sub = arg
                out.append(walk(sub) * (max(low, 1) if high else 0))
            elif op is c.SUBPATTERN:
                out.append(walk(arg[-1]))
            elif op is c.BRANCH:
                out.append(walk(arg[1][0]))
        return "".join(out)

    return walk(parser.parse(pattern))


def query_value(param: dict) -> tuple[Any, list[str]]:
    """(the Python argument, its wire forms) for a query parameter."""
    t, fmt = param.get("type"), param.get("format")
    if param.get("enum"):
        values = [v for v in param["enum"] if "UNSPECIFIED" not in v] or param["enum"]
        value: Any = values[0]
    elif t == "boolean":
        value = True
    elif t == "integer" or fmt in ("int64", "uint64", "int32", "uint32"):
        value = 7
    elif t == "number":
        value = 0.5
    else:
        value = "q-1"
    wire = "true" if value is True else str(value)
    if param.get("repeated"):
        return [value], [wire]
    return value, [wire]


def expand(template: str, values: dict[str, str]) -> str:
    """RFC 6570 level 2, as the Discovery format defines paths: ``{+x}`` keeps slashes,
    ``{x}`` encodes them."""

    def one(match: re.Match[str]) -> str:
        plus, name = match.group(1), match.group(2)
        value = values[name]
        if plus:
            return "/".join(quote(s, safe="-._~") for s in value.split("/"))
        return quote(value, safe="-._~")

    return re.sub(r"\{(\+?)([^}]+)\}", one, template)


def holds_message_lists(doc: dict, ref: str) -> bool:
    """Whether the schema has a list of messages or a map of them (its items, then)."""
    schemas = doc.get("schemas") or {}

    def message(node: dict) -> bool:
        node = schemas.get(node.get("$ref"), node) if "$ref" in node else node
        return node.get("type") == "object"

    for prop in (schemas.get(ref) or {}).get("properties", {}).values():
        if prop.get("type") == "array" and message(prop.get("items") or {}):
            return True
        extra = prop.get("additionalProperties")
        if prop.get("type") == "object" and isinstance(extra, dict) and message(extra):
            return True
    return False


def document_path(doc: dict, node: dict, values: dict[str, str], *, media: bool) -> str:
    """The path the document says the method is at: rootUrl-relative, after the
    service path (the download service's for useMediaDownloadService media)."""
    path = node["path"]
    path = path[1:] if path.startswith("/") else (doc.get("servicePath") or "") + path
    if media and node.get("useMediaDownloadService"):
        path = "download/" + path
    return "/" + expand(path, values)


# -- the generated side ---------------------------------------------------------------


def callables(version) -> list[tuple[tuple[str, ...], Any]]:
    """(attribute path from the client, IR method) for every generated method."""
    out = [((m.py_name,), m) for m in version.client_methods]

    def walk(resource, attrs: tuple[str, ...]) -> None:
        for m in resource.methods:
            out.append((attrs if m.py_name == "__call__" else (*attrs, m.py_name), m))
        for child in resource.children:
            walk(child, (*attrs, child.attr_name))

    for r in version.resources:
        walk(r, (r.attr_name,))
    return out


def schema_classes(version) -> dict[str, str]:
    """Schema id -> name in the types module."""
    names = {s.discovery_path[len("schemas.") :]: s.name for s in version.structs}
    names.update({a.wire_name: a.name for a in version.aliases})
    return {sid: name for sid, name in names.items() if "." not in sid}


def roundtrip(value: Any) -> Any:
    return d.normalize(msgspec.to_builtins(value))


# -- stages ---------------------------------------------------------------------------


def check(path: Path, workdir: Path, server: LocalServer) -> Result:
    """Every stage for the document at ``path``; generated files go under ``workdir``."""
    result = Result(path.name)
    started = time.monotonic()
    try:
        _stages(path, workdir, server, result)
    finally:
        result.seconds = time.monotonic() - started
        for name in [m for m in sys.modules if m == PARENT or m.startswith(PARENT + ".")]:
            del sys.modules[name]
        gc.collect()
    return result


def _stage(result: Result, name: str, fn, *args, **kwargs) -> Any:
    started = time.monotonic()
    try:
        value = fn(*args, **kwargs)
    except Exception as exc:  # every failure is reported, none stops the run
        result.stages[name] = [cause(exc)]
        if "CORPUS_TRACEBACKS" in os.environ:
            traceback.print_exc()
        return None
    finally:
        result.timings[name] = time.monotonic() - started
    result.stages[name] = []
    return value


def _stages(path: Path, workdir: Path, server: LocalServer, result: Result) -> None:
    data = path.read_bytes()
    doc = json.loads(data)
    out = _stage(
        result, "generate", pipeline.render_document, data, path.name, package=package_of(path)
    )
    if out is None:
        return
    rendered, version = out
    formatted = _stage(result, "ruff", pipeline.format_files, rendered)
    files = pipeline.with_manifest(formatted or rendered, version)
    pipeline.write_version(files, workdir)
    if str(workdir) not in sys.path:
        sys.path.insert(0, str(workdir))
    importlib.invalidate_caches()
    modules = _stage(result, "import", _import, version.package)
    if modules is None:
        return
    for name, check_stage, module in (
        ("samples", _samples, modules["types"]),
        ("methods", _methods, modules["client"]),
    ):
        started = time.monotonic()
        result.stages[name] = check_stage(doc, version, module, result, server)
        result.timings[name] = time.monotonic() - started


def _import(package: str) -> dict[str, Any]:
    pkg = importlib.import_module(package)
    modules = {
        n: importlib.import_module(f"{package}.{n}")
        for n in ("types", "enums", "resources", "client")
    }
    if pkg.Client is not modules["client"].Client:
        raise ImportError(f"{package}.Client is not its client module's")
    return modules


def _samples(doc: dict, version, types: Any, result: Result, server: LocalServer) -> list[str]:
    problems = []
    classes = schema_classes(version)
    for sid in sorted(doc.get("schemas") or {}):
        result.schemas += 1
        try:
            sample = d.sample_value(doc, {"$ref": sid}, wire_side="response")
            tp = getattr(types, classes[sid])
            value = structs.decode(tp, json.dumps(sample).encode())
            if roundtrip(value) != d.normalize(sample):
                raise AssertionError("decodes and encodes to different JSON")
        except Exception as exc:
            problems.append(cause(exc))
    return sorted(set(problems))


def _methods(doc: dict, version, client_module: Any, result: Result, server: LocalServer):
    problems: list[str] = []
    nodes = doc_methods(doc)
    media_ids = {m.id for m in version.methods if m.media_download}
    for method_id, node in nodes.items():
        if node.get("supportsMediaDownload") and method_id not in media_ids:
            problems.append("supportsMediaDownload method without a media method")
    client = client_module.Client(
        api_key=KEY, base_url=server.url, timeout=20, retry=RetryPolicy(max_attempts=1)
    )
    try:
        for attrs, m in callables(version):
            calls = [False]
            if m.media_upload is not None and nodes[m.id].get("mediaUpload", {}).get(
                "protocols", {}
            ).get("simple"):
                calls.append(True)
            for upload in calls:
                result.calls += 1
                try:
                    _call(doc, nodes[m.id], attrs, m, client, server, upload)
                except Exception as exc:
                    problems.append(cause(exc))
    finally:
        client.close()
    return sorted(set(problems))


def _call(doc, node, attrs, m, client, server, upload: bool) -> None:
    params = node.get("parameters") or {}
    path_values = {p.wire_name: path_value(p.wire_name, params[p.wire_name]) for p in m.path_params}
    kwargs: dict[str, Any] = {}
    query: list[tuple[str, str]] = []
    for q in m.query_params:
        value, wire = query_value(params[q.wire_name])
        kwargs[q.py_name] = value
        query += [(q.wire_name, w) for w in wire]
    body = None
    if m.request_type is not None and "request" in node:
        body = d.sample_value(doc, node["request"])
        kwargs["body"] = body
    response_ref = (node.get("response") or {}).get("$ref")
    sample = (
        d.sample_value(doc, {"$ref": response_ref}, wire_side="response")
        if response_ref in (doc.get("schemas") or {})
        else None
    )
    if m.pagination is not None and isinstance(sample, dict):
        sample.pop("nextPageToken", None)
    path = document_path(doc, node, path_values, media=m.media_download)
    verb = node["httpMethod"]
    if m.media_download:
        query = [(k, v) for k, v in query if k != "alt"] + [("alt", "media")]
        reply = Reply(200, MEDIA, {"content-type": "application/octet-stream"})
    elif m.streaming:
        query.append(("alt", "sse"))
        chunk = json.dumps(sample if sample is not None else {}).encode()
        reply = Reply(200, b"data: " + chunk + b"\n\n", {"content-type": "text/event-stream"})
    else:
        reply = Reply(200, json.dumps(sample if sample is not None else {}).encode())
    expected_body = body
    if upload:
        simple = node["mediaUpload"]["protocols"]["simple"]["path"]
        path = "/" + expand(simple.lstrip("/"), path_values)
        query.append(("uploadType", "multipart"))
        kwargs.update(file=b"corpus upload", mime_type=_mime(node))
        expected_body = None  # multipart: the metadata part is checked by the runtime tests
    expectation = Expectation(verb, path, query, expected_body, reply)
    server.handler = expectation
    target = client
    for attr in attrs:
        target = getattr(target, attr)
    args = [path_values[p.wire_name] for p in m.path_params]
    answer = target(*args, **kwargs)
    if m.media_download:
        got = answer.read()
        if got != MEDIA:
            raise AssertionError("media bytes differ")
    elif m.streaming:
        chunks = list(answer)
        if sample is not None and [roundtrip(c) for c in chunks] != [d.normalize(sample)]:
            raise AssertionError("stream chunk decodes differently")
    else:
        page = getattr(answer, "first_page", answer)
        if m.pagination is not None:
            items = list(answer)
            scalars = [i for i in items if isinstance(i, (str, int, float, bool))]
            if scalars and holds_message_lists(doc, response_ref):
                raise AssertionError("the pager yields scalars beside lists of messages")
        if sample is not None and roundtrip(page) != d.normalize(sample):
            raise AssertionError("response decodes and encodes to different JSON")
    if expectation.seen != 1:
        raise AssertionError(f"{expectation.seen} requests for one call")
    if expectation.problems:
        raise AssertionError("; ".join(expectation.problems))


def _mime(node: dict) -> str:
    """A MIME type the method accepts."""
    first = (node.get("mediaUpload", {}).get("accept") or ["*/*"])[0]
    if first == "*/*":
        return "application/octet-stream"
    return first.replace("*", "x-corpus")

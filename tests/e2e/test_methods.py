"""Every Discovery method of both pinned versions, sync and async, called once over real
HTTP against a local server that checks verb, path, query, headers and body against the
Discovery document itself (not against the generated code)."""

from __future__ import annotations

import asyncio
import importlib
import json

import msgspec
import pytest

from codegen import extend
from codegen.naming import snake_case
from tests.support import discovery as d
from tests.support.server import Reply

KEY = "test-key-not-secret"
VERSIONS = ("v1", "v1beta")


def _cases():
    for version in VERSIONS:
        doc = d.pinned(version)
        for chain, name, method in d.methods(doc):
            yield pytest.param(version, chain, name, id=f"{version}:{method['id']}")


def _plan(version: str, chain: tuple[str, ...], name: str):
    doc = d.pinned(version)
    method = doc["resources"]
    for part in chain[:-1]:
        method = method[part]["resources"]
    method = method[chain[-1]]["methods"][name]
    params = method.get("parameters") or {}
    path_names = [p for p in method.get("parameterOrder", []) if params[p]["location"] == "path"]
    path_args = [d.sample_path_value(params[p], p) for p in path_names]
    path = method["path"]
    for p, value in zip(path_names, path_args, strict=True):
        path = path.replace("{+" + p + "}", value).replace("{" + p + "}", value)
    query = {}
    kwargs = {}
    for p in sorted(params):
        if params[p]["location"] != "query":
            continue
        t = params[p].get("type")
        value = {"integer": 7, "boolean": True}.get(t, f"q-{p}")
        kwargs[snake_case(p)] = value
        query[p] = {True: "true"}.get(value, str(value))
    if name.startswith("stream"):
        query["alt"] = "sse"
    body = None
    if "request" in method:
        body = d.sample_value(doc, {"$ref": method["request"]["$ref"]})
    response_ref = method.get("response", {}).get("$ref")
    response = d.sample_value(doc, {"$ref": response_ref}, wire_side="response")
    paginated = "pageToken" in params and "nextPageToken" in (
        doc["schemas"][response_ref].get("properties") or {}
    )
    if paginated:
        response.pop("nextPageToken", None)
    return method, path_args, kwargs, body, "/" + path, query, response_ref, response, paginated


def _reply(method, expected_path, query, body, response):
    def handler(rec):
        problems = []
        if rec.method != method["httpMethod"]:
            problems.append(f"verb {rec.method} != {method['httpMethod']}")
        if rec.path != expected_path:
            problems.append(f"path {rec.path} != {expected_path}")
        if dict(rec.query) != query or len(rec.query) != len(query):
            problems.append(f"query {rec.query} != {query}")
        if rec.headers.get("x-goog-api-key") != KEY:
            problems.append("x-goog-api-key header missing")
        if body is not None:
            if rec.headers.get("content-type") != "application/json":
                problems.append(f"content-type {rec.headers.get('content-type')}")
            got = d.normalize(json.loads(rec.body))
            if got != d.normalize(body):
                problems.append(f"body {got} != {d.normalize(body)}")
        elif rec.body:
            problems.append(f"unexpected body {rec.body!r}")
        if problems:
            return Reply(
                400,
                json.dumps(
                    {
                        "error": {
                            "code": 400,
                            "message": "; ".join(problems),
                            "status": "INVALID_ARGUMENT",
                        }
                    }
                ).encode(),
            )
        payload = json.dumps(response).encode()
        if method["id"].split(".")[-1].startswith("stream"):
            return Reply(
                200,
                headers={"content-type": "text/event-stream"},
                chunks=[b"data: " + payload + b"\r\n\r\n", b"data: " + payload + b"\r\n\r\n"],
            )
        return Reply(200, payload)

    return handler


def _target(client, chain, name):
    obj = client
    for part in chain:
        obj = getattr(obj, snake_case(part))
    return getattr(obj, snake_case(name))


def _check_result(version, response_ref, response, result, streaming, paginated):
    types = importlib.import_module(f"generativelanguage.{version}.types")
    cls = getattr(types, response_ref)
    if streaming:
        assert len(result) == 2
    elif paginated:
        result = [result.first_page]
    else:
        result = [result]
    for item in result:
        assert type(item) is cls
        assert d.normalize(msgspec.to_builtins(item)) == d.normalize(response)


@pytest.mark.parametrize(("version", "chain", "name"), list(_cases()))
def test_sync_method(server, version, chain, name):
    method, args, kwargs, body, path, query, ref, response, paginated = _plan(version, chain, name)
    server.handler = _reply(method, path, query, body, response)
    pkg = importlib.import_module(f"generativelanguage.{version}")
    with pkg.Client(api_key=KEY, base_url=server.url) as client:
        fn = _target(client, chain, name)
        if body is not None:
            kwargs["body"] = body
        result = fn(*args, **kwargs)
        streaming = name.startswith("stream")
        if streaming:
            result = list(result)
    _check_result(version, ref, response, result, streaming, paginated)
    assert len(server.requests) == 1


@pytest.mark.parametrize(("version", "chain", "name"), list(_cases()))
def test_async_method(server, version, chain, name):
    method, args, kwargs, body, path, query, ref, response, paginated = _plan(version, chain, name)
    server.handler = _reply(method, path, query, body, response)
    pkg = importlib.import_module(f"generativelanguage.{version}")
    streaming = name.startswith("stream")

    async def run():
        async with pkg.AsyncClient(api_key=KEY, base_url=server.url) as client:
            fn = _target(client, chain, name)
            if body is not None:
                kwargs["body"] = body
            result = await fn(*args, **kwargs)
            if streaming:
                result = [chunk async for chunk in result]
            return result

    result = asyncio.run(run())
    _check_result(version, ref, response, result, streaming, paginated)
    assert len(server.requests) == 1


def test_every_method_is_covered():
    """84 v1beta and 13 v1 methods, as the pinned documents define."""
    assert len(d.methods(d.pinned("v1beta"))) == 84
    assert len(d.methods(d.pinned("v1"))) == 13


@pytest.mark.parametrize("version", VERSIONS)
def test_one_struct_per_schema(version):
    types = importlib.import_module(f"generativelanguage.{version}.types")
    doc = d.pinned(version)
    # Google's schemas plus those of the repository's extension documents.
    schemas, _, _ = extend.merge(doc, extend.find(doc["name"], doc["version"]))
    schemas = schemas["schemas"]
    structs = {
        n
        for n, v in vars(types).items()
        if isinstance(v, type) and issubclass(v, msgspec.Struct) and v.__module__ == types.__name__
    }
    assert structs == set(schemas)
    assert len(structs) == {"v1": 28, "v1beta": 217 + 13 + 15}[version]

"""List methods over real HTTP: lazy iteration across pages, ``.pages``, ``.first_page``,
and the page size and token on the wire."""

from __future__ import annotations

import json

import pytest

from generativelanguage.runtime import errors
from generativelanguage.runtime.options import CallOptions
from generativelanguage.v1beta import types
from tests.runtime.conftest import Harness, each, ready
from tests.support.server import Reply, Script, google_error

#: page token in -> (items, next token)
MODEL_PAGES = {
    "": (["models/a", "models/b"], "tok-2"),
    "tok-2": (["models/c", "models/d"], "tok 3/=&"),  # needs query encoding
    "tok 3/=&": (["models/e"], None),
}
ALL_MODELS = ["models/a", "models/b", "models/c", "models/d", "models/e"]


def paged(pages: dict, items_key: str):
    def handler(rec):
        token = dict(rec.query).get("pageToken", "")
        if token not in pages:
            return Reply(400, google_error(400, "INVALID_ARGUMENT", f"bad token {token!r}"))
        names, next_token = pages[token]
        body = {items_key: [{"name": n} for n in names]}
        if next_token:
            body["nextPageToken"] = next_token
        return Reply(200, json.dumps(body).encode())

    return handler


def tokens_seen(server) -> list[str | None]:
    return [dict(r.query).get("pageToken") for r in server.requests]


def test_items_across_pages_are_fetched_lazily(h: Harness, server):
    server.handler = paged(MODEL_PAGES, "models")

    async def scenario(client):
        pager = await ready(client.models.list(page_size=2))
        counts = [len(server.requests)]
        names = []
        async for model in each(pager):
            names.append(model.name)
            counts.append(len(server.requests))
        return names, counts

    names, counts = h.run(scenario)
    assert names == ALL_MODELS
    # One request when the call returns; the next page only once its first item is due.
    assert counts == [1, 1, 1, 2, 2, 3]
    assert tokens_seen(server) == [None, "tok-2", "tok 3/=&"]
    assert all(dict(r.query)["pageSize"] == "2" for r in server.requests)
    assert all(r.path == "/v1beta/models" for r in server.requests)


def test_breaking_after_the_first_page_fetches_no_more(h: Harness, server):
    server.handler = paged(MODEL_PAGES, "models")

    async def scenario(client):
        pager = await ready(client.models.list(page_size=2))
        names = []
        async for model in each(pager):
            names.append(model.name)
            if len(names) == 2:
                break
        return names

    assert h.run(scenario) == ["models/a", "models/b"]
    assert len(server.requests) == 1


def test_pages_are_typed_responses(h: Harness, server):
    server.handler = paged(MODEL_PAGES, "models")

    async def scenario(client):
        pager = await ready(client.models.list(page_size=2))
        return [page async for page in each(pager.pages)]

    pages = h.run(scenario)
    assert all(isinstance(p, types.ListModelsResponse) for p in pages)
    assert [[m.name for m in p.models] for p in pages] == [
        ["models/a", "models/b"],
        ["models/c", "models/d"],
        ["models/e"],
    ]
    assert [p.next_page_token for p in pages] == ["tok-2", "tok 3/=&", None]
    assert len(server.requests) == 3


def test_first_page_without_extra_requests(h: Harness, server):
    server.handler = paged(MODEL_PAGES, "models")

    async def scenario(client):
        pager = await ready(client.models.list(page_size=2))
        first = pager.first_page
        return first, pager.next_page_token, len(server.requests)

    first, token, requests = h.run(scenario)
    assert isinstance(first, types.ListModelsResponse)
    assert [m.name for m in first.models] == ["models/a", "models/b"]
    assert token == "tok-2"
    assert requests == 1


def test_starting_page_token_and_cached_contents(h: Harness, server):
    pages = {
        "start": (["cachedContents/1", "cachedContents/2"], "next"),
        "next": (["cachedContents/3"], ""),
    }
    server.handler = paged(pages, "cachedContents")

    async def scenario(client):
        pager = await ready(client.cached_contents.list(page_size=2, page_token="start"))
        return [c.name async for c in each(pager)]

    assert h.run(scenario) == ["cachedContents/1", "cachedContents/2", "cachedContents/3"]
    assert tokens_seen(server) == ["start", "next"]
    assert [r.path for r in server.requests] == ["/v1beta/cachedContents"] * 2
    assert all(dict(r.query)["pageSize"] == "2" for r in server.requests)


def test_no_page_size_sends_none(h: Harness, server):
    server.handler = paged({"": (["models/a"], None)}, "models")

    async def scenario(client):
        return [m.name async for m in each(await ready(client.models.list()))]

    assert h.run(scenario) == ["models/a"]
    [rec] = server.requests
    assert rec.query == []


def test_empty_pages_and_missing_items_field(h: Harness, server):
    def handler(rec):
        token = dict(rec.query).get("pageToken")
        if token is None:
            return Reply(200, b'{"nextPageToken": "p2"}')  # no "models" at all
        if token == "p2":
            return Reply(200, b'{"models": [], "nextPageToken": "p3"}')
        return Reply(200, b'{"models": [{"name": "models/z"}]}')

    server.handler = handler

    async def scenario(client):
        return [m.name async for m in each(await ready(client.models.list()))]

    assert h.run(scenario) == ["models/z"]
    assert len(server.requests) == 3


def test_later_pages_use_the_call_options_and_retries(h: Harness, server):
    inner = paged(MODEL_PAGES, "models")
    flaky = Script(inner, Reply(503, google_error(503, "UNAVAILABLE", "busy")), inner)
    server.handler = flaky

    async def scenario(client):
        opts = CallOptions(extra_headers={"x-trace": "t1"})
        pager = await ready(client.models.list(page_size=2, options=opts))
        return [m.name async for m in each(pager)]

    assert h.run(scenario) == ALL_MODELS
    assert len(server.requests) == 4
    assert all(r.headers.get("x-trace") == "t1" for r in server.requests)


def test_error_on_a_later_page_surfaces_while_iterating(h: Harness, server):
    inner = paged(MODEL_PAGES, "models")
    server.handler = Script(inner, Reply(404, google_error(404, "NOT_FOUND", "gone")))

    async def scenario(client):
        pager = await ready(client.models.list(page_size=2))
        names = []
        with pytest.raises(errors.NotFound):
            async for model in each(pager):
                names.append(model.name)
        return names

    assert h.run(scenario) == ["models/a", "models/b"]

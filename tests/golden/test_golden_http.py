"""The golden packages whose fixtures fix wrong requests, exercised over real HTTP.

Each test imports a case's expected package and calls it against the loopback server,
checking the requests on the wire: the URLs a service path, the download service and
the media upload paths give, a map of item lists paged through, top-level methods, a
method called through its sub-resource, the client settings an extension declares.
"""

from __future__ import annotations

import asyncio
import io
import json

import pytest

from tests.support.server import LocalServer, Reply, Script

KEY = "golden-key"


def _json(value: object) -> Reply:
    return Reply(200, json.dumps(value).encode())


def test_service_path_media_upload_goes_to_the_root_relative_upload_path(load, server) -> None:
    g = load("service_path_media")
    server.handler = lambda rec: _json({"id": "f1", "name": "n"})
    with g.client.Client(api_key=KEY, base_url=server.url) as client:
        created = client.files.create(body={"name": "n"}, file=b"abc", mime_type="text/plain")
        client.files.create(body={"name": "n"})  # metadata only: the method's own path
        client.files.update("f1", body={}, file=b"new", mime_type="text/plain")
    assert created == g.types.File(id="f1", name="n")
    upload, metadata, update = server.requests
    # Not /drive/v3golden/upload/drive/v3golden/files (servicePath applied twice).
    assert (upload.method, upload.path) == ("POST", "/upload/drive/v3golden/files")
    assert dict(upload.query) == {"uploadType": "multipart"}
    assert (metadata.method, metadata.path) == ("POST", "/drive/v3golden/files")
    # An update uploads with its own verb (drive.files.update is a PATCH).
    assert (update.method, update.path) == ("PATCH", "/upload/drive/v3golden/files/f1")


def test_media_of_a_download_service_method_and_of_a_plain_one(load, server) -> None:
    g = load("service_path_media")
    server.handler = lambda rec: Reply(200, b"%PDF bytes", {"content-type": "application/pdf"})
    with g.client.Client(api_key=KEY, base_url=server.url) as client:
        with client.files.get_media("a b", acknowledge_abuse=True) as media:
            assert media.content_type == "application/pdf"
            assert media.read() == b"%PDF bytes"
        assert client.files.export("f1", mime_type="text/csv").read() == b"%PDF bytes"
    got, export = server.requests
    assert (got.path, sorted(got.query)) == (
        "/download/drive/v3golden/files/a%20b",
        [("acknowledgeAbuse", "true"), ("alt", "media")],
    )
    assert (export.path, sorted(export.query)) == (
        "/drive/v3golden/files/f1/export",
        [("alt", "media"), ("mimeType", "text/csv")],
    )
    assert got.headers["x-goog-api-key"] == KEY


def test_media_download_sibling_and_plain_method_over_http(load, server, tmp_path) -> None:
    g = load("media_download")
    server.handler = lambda rec: (
        Reply(200, b"0123456789" * 1000, {"content-type": "text/plain"})
        if ("alt", "media") in rec.query
        else _json({"name": "reports/r", "size": "10000"})
    )
    with g.client.Client(api_key=KEY, base_url=server.url) as client:
        assert client.reports.get("r") == g.types.Report(name="reports/r", size=10000)
        streamed = b"".join(client.reports.get_media("r").iter_bytes())
        saved = client.reports.download("reports/r").save(tmp_path / "report.txt")
    assert streamed == b"0123456789" * 1000
    assert saved == 10000 and (tmp_path / "report.txt").read_bytes() == streamed
    assert [(r.path, r.query) for r in server.requests] == [
        ("/v1golden/reports/r", []),
        ("/v1golden/reports/r", [("alt", "media")]),
        ("/v1golden/reports/r:download", [("alt", "media")]),
    ]


def test_async_media_download(load, server) -> None:
    g = load("media_download")
    server.handler = lambda rec: Reply(200, chunks=[b"ab", b"cd"])

    async def run() -> tuple[bytes, bytes]:
        async with g.client.AsyncClient(api_key=KEY, base_url=server.url) as client:
            whole = await (await client.reports.get_media("r")).read()
            media = await client.reports.download("r")
            parts = [chunk async for chunk in media.aiter_bytes()]
            return whole, b"".join(parts)

    assert asyncio.run(run()) == (b"abcd", b"abcd")


def test_map_of_item_lists_pages_as_key_value_pairs(load, server) -> None:
    g = load("map_pagination")
    pages = [
        {"items": {"zones/a": {"instances": [{"name": "i1"}]}}, "nextPageToken": "p2"},
        {"items": {"zones/b": {"warning": {"code": "NO_RESULTS"}}}, "unreachables": ["zones/c"]},
    ]
    server.handler = Script(_json(pages[0]), _json(pages[1]))
    with g.client.Client(api_key=KEY, base_url=server.url) as client:
        items = list(client.instances.aggregated_list("proj", max_results=2))
    Scoped = g.types.InstancesScopedList
    assert items == [
        ("zones/a", Scoped(instances=[g.types.Instance(name="i1")])),
        ("zones/b", Scoped(warning=g.types.InstancesScopedListWarning(code="NO_RESULTS"))),
    ]
    first, second = server.requests
    assert first.path == "/compute/v1golden/projects/proj/aggregated/instances"
    assert dict(second.query) == {"maxResults": "2", "pageToken": "p2"}


def test_top_level_methods_are_client_methods(load, server) -> None:
    g = load("top_level_methods")
    server.handler = lambda rec: _json({"audience": "a", "expiresIn": 5, "email": "e@x"})
    with g.client.Client(api_key=KEY, base_url=server.url) as client:
        info = client.tokeninfo(access_token="t")
        client.close_()
        user = client.userinfo("u1")  # the method named like the resource
        me = client.userinfo.get()  # the resource's own method
    assert info == g.types.Tokeninfo(audience="a", expires_in=5)
    assert user == me == g.types.Userinfo(email="e@x")
    assert [(r.method, r.path, r.query) for r in server.requests] == [
        ("POST", "/oauth2/v2/tokeninfo", [("access_token", "t")]),
        ("POST", "/oauth2/v2/close", []),
        ("GET", "/oauth2/v2/userinfo/u1", []),
        ("GET", "/oauth2/v2/userinfo", []),
    ]


def test_async_top_level_method(load, server) -> None:
    g = load("top_level_methods")
    server.handler = lambda rec: _json({"audience": "a"})

    async def run():
        async with g.client.AsyncClient(api_key=KEY, base_url=server.url) as client:
            return await client.tokeninfo(id_token="i")

    assert asyncio.run(run()) == g.types.Tokeninfo(audience="a")
    assert server.requests[0].query == [("id_token", "i")]


def test_method_named_like_its_sub_resource_is_sent_by_calling_it(load, server) -> None:
    g = load("method_named_like_subresource")
    server.handler = lambda rec: _json({"consumerKey": "k"})
    with g.client.Client(api_key=KEY, base_url=server.url) as client:
        assert client.apps.keys("apps/a", body={"consumerKey": "in"}).consumer_key == "k"
        assert client.apps.keys.create("apps/a", body={}).consumer_key == "k"
    assert [r.path for r in server.requests] == [
        "/v1golden/apps/a/keys",
        "/v1golden/apps/a/keys/create",
    ]
    assert json.loads(server.requests[0].body) == {"consumerKey": "in"}


def test_client_settings_key_variables_download_and_operations(load, server, monkeypatch) -> None:
    g = load("client_settings")
    monkeypatch.delenv("GOLDEN_API_KEY", raising=False)
    monkeypatch.setenv("GOOGLE_API_KEY", "from-google")
    server.handler = lambda rec: (
        _json({"name": "operations/o", "done": True})
        if rec.path.startswith("/v1golden/operations/")
        else Reply(200, b"blob", {"content-type": "application/octet-stream"})
    )
    with g.client.Client(base_url=server.url) as client:
        sink = io.BytesIO()
        assert client.download("b1", sink) == 4  # a short name gets blobs/
        blob = g.types.Blob(name="blobs/b2", download_uri=server.url + "direct/b2")
        assert client.download(blob, io.BytesIO()) == 4  # the URI field wins
        assert client.wait_operation("operations/o").done is True
    download, direct, poll = server.requests
    assert (download.path, download.query) == ("/v1golden/blobs/b1:download", [("alt", "media")])
    assert (direct.path, direct.query) == ("/direct/b2", [])
    assert poll.path == "/v1golden/operations/o"
    assert {r.headers["x-goog-api-key"] for r in server.requests} == {"from-google"}


def test_without_a_download_method_download_takes_urls_only(load, server) -> None:
    g = load("media_download")
    server.handler = lambda rec: Reply(200, b"x")
    with g.client.Client(api_key=KEY, base_url=server.url) as client:
        assert client.download(server.url + "any/url", io.BytesIO()) == 1
        with pytest.raises(Exception, match="declares no download method"):
            client.download("reports/r", io.BytesIO())
        with pytest.raises(NotImplementedError, match="no operations.get"):
            client.wait_operation("operations/x")


def test_media_redirect_to_another_origin_carries_no_credentials(load, server) -> None:
    g = load("media_download")
    other = LocalServer().start()
    try:
        other.handler = lambda rec: Reply(200, b"payload")
        server.handler = lambda rec: Reply(302, b"", {"location": other.url + "signed?sig=1"})
        with g.client.Client(api_key=KEY, base_url=server.url) as client:
            assert client.reports.get_media("r").read() == b"payload"
        assert server.requests[0].headers["x-goog-api-key"] == KEY
        assert "x-goog-api-key" not in other.requests[0].headers
        assert other.requests[0].query == [("sig", "1")]
    finally:
        other.stop()

"""Recorded real uploads and downloads, replayed through the media methods.

The recorder stored each upload as two interactions: the start (metadata body) and the
upload_id request that finished it (final JSON). Replaying pairs them: the start body
must be accepted as ``body=`` and the final answer must decode into the method's type.
"""

from __future__ import annotations

import io
import json

import msgspec
import pytest

from generativelanguage.v1beta import Client, types
from tests.support import discovery as d
from tests.support import recorded
from tests.support.server import Reply
from tests.support.upload_server import UploadServer

ROWS = recorded.rows()
PAIRS = [
    (i, i + 1)
    for i, row in enumerate(ROWS[:-1])
    if row["rpc"] in ("files.upload", "fileSearchStores.uploadToFileSearchStore")
    and (ROWS[i + 1]["rpc"] or "").startswith(row["rpc"] + "[upload_id]")
]
# Finishing requests whose start was not recorded.
ALONE = [
    i
    for i, row in enumerate(ROWS)
    if (row["rpc"] or "").endswith("[upload_id]") and not any(i == b for _, b in PAIRS)
]


@pytest.mark.skipif(not ROWS, reason="recorded fixtures not found next to the repo")
@pytest.mark.parametrize(("start", "finish"), PAIRS + [(None, i) for i in ALONE])
def test_recorded_upload(server, start, finish):
    final = json.loads(ROWS[finish]["response_body_text"])
    handler = server.handler = UploadServer(server.url, final_body=final)
    body = ROWS[start]["request_body"] if start is not None else None
    with Client(api_key="k", base_url=server.url) as client:
        if ROWS[finish]["rpc"].startswith("files."):
            result = client.media.upload(
                file=b"%PDF-1.4 recorded", body=body, mime_type="application/pdf"
            )
            expected_type = types.CreateFileResponse
        else:
            store = ROWS[finish]["url_path"].split("/upload/v1beta/")[1].split(":")[0]
            result = client.media.upload_to_file_search_store(
                store, file=b"Paris", body=body, mime_type="text/plain"
            )
            expected_type = types.CustomLongRunningOperation
    assert type(result) is expected_type
    assert d.normalize(msgspec.to_builtins(result)) == d.normalize(final)
    if body is not None:
        sent = handler.multipart.split(b"\r\n\r\n", 1)[1].split(b"\r\n--", 1)[0]
        assert msgspec.json.decode(sent) == msgspec.to_builtins(_as_struct(expected_type, body))


def _as_struct(response_type, body):
    from generativelanguage.runtime import structs

    request = (
        types.CreateFileRequest
        if response_type is types.CreateFileResponse
        else types.UploadToFileSearchStoreRequest
    )
    return structs.to_struct(request, body)


@pytest.mark.skipif(not ROWS, reason="recorded fixtures not found next to the repo")
def test_recorded_download_redirect(server):
    redirect = next(r for r in ROWS if r["rpc"] == "files.download")
    target = next(r for r in ROWS if r["rpc"] == "files.download[download]")
    payload = b"\x00\x00\x00\x18ftypmp42 video bytes"

    def handler(rec):
        if rec.raw_target == redirect["url_path"]:
            # As recorded: a 302 whose body is a JSON error document.
            return Reply(
                302,
                redirect["response_body_text"].encode(),
                {"location": server.url.rstrip("/") + target["url_path"]},
            )
        if rec.raw_target == target["url_path"]:
            return Reply(200, payload, {"content-type": "video/mp4"})
        return Reply(404, b"{}")

    server.handler = handler
    name = redirect["url_path"].split("/v1beta/")[1].split(":")[0]
    sink = io.BytesIO()
    with Client(api_key="k", base_url=server.url) as client:
        assert client.download(name, sink) == len(payload)
    assert sink.getvalue() == payload
    assert [r.raw_target for r in server.requests] == [redirect["url_path"], target["url_path"]]

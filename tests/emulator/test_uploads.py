"""The media upload protocol on the wire (raw httpx), and the client's use of it."""

from __future__ import annotations

import base64
import hashlib
import io

import httpx
import pytest

from generativelanguage.runtime import errors

GRANULARITY = 262144


def _start(emu, size, mime="text/plain", metadata=None, path="/upload/v1beta/files", **headers):
    return httpx.post(
        emu.url + path,
        headers={
            "X-Goog-Upload-Protocol": "resumable",
            "X-Goog-Upload-Command": "start",
            "X-Goog-Upload-Header-Content-Length": str(size),
            "X-Goog-Upload-Header-Content-Type": mime,
            **headers,
        },
        json=metadata if metadata is not None else {"file": {"displayName": "x"}},
    )


def _chunk(url, data, offset, command="upload"):
    return httpx.post(
        url,
        content=data,
        headers={"X-Goog-Upload-Command": command, "X-Goog-Upload-Offset": str(offset)},
    )


@pytest.mark.parametrize("path", ["/upload/v1beta/files", "/resumable/upload/v1beta/files"])
def test_resumable_upload_in_chunks(emu, path):
    data = bytes(range(256)) * 2048 + b"tail"  # two granules and a bit
    start = _start(emu, len(data), "application/pdf", {"file": {"displayName": "doc.pdf"}}, path)
    assert start.status_code == 200
    assert start.headers["x-goog-upload-status"] == "active"
    assert start.headers["x-goog-upload-chunk-granularity"] == str(GRANULARITY)
    url = start.headers["x-goog-upload-url"]
    assert url.startswith(f"{emu.url}{path}?upload_id=")

    first = _chunk(url, data[:GRANULARITY], 0)
    assert first.status_code == 200 and first.headers["x-goog-upload-status"] == "active"
    query = httpx.post(url, headers={"X-Goog-Upload-Command": "query"})
    assert query.headers["x-goog-upload-status"] == "active"
    assert query.headers["x-goog-upload-size-received"] == str(GRANULARITY)

    wrong = _chunk(url, data[GRANULARITY:], 5)
    assert wrong.status_code == 400 and wrong.json()["error"]["status"] == "INVALID_ARGUMENT"
    assert wrong.headers["x-goog-upload-size-received"] == str(GRANULARITY)
    odd = _chunk(url, data[GRANULARITY : GRANULARITY + 1000], GRANULARITY)
    assert odd.status_code == 400  # non-final chunks are whole granules

    assert _chunk(url, data[GRANULARITY : 2 * GRANULARITY], GRANULARITY).status_code == 200
    final = _chunk(url, data[2 * GRANULARITY :], 2 * GRANULARITY, "upload, finalize")
    assert final.status_code == 200
    assert final.headers["x-goog-upload-status"] == "final"
    file = final.json()["file"]
    assert file["displayName"] == "doc.pdf" and file["mimeType"] == "application/pdf"
    assert file["sizeBytes"] == str(len(data))  # int64 as a JSON string, like Google
    assert (
        file["sha256Hash"] == base64.b64encode(hashlib.sha256(data).hexdigest().encode()).decode()
    )
    assert file["state"] == "ACTIVE" and file["source"] == "UPLOADED"
    assert file["uri"] == f"{emu.url}/v1beta/{file['name']}"
    again = _chunk(url, b"more", len(data))
    assert again.status_code == 400 and again.headers["x-goog-upload-status"] == "final"

    redirect = httpx.get(f"{emu.url}/v1beta/{file['name']}:download", params={"alt": "media"})
    assert redirect.status_code == 302
    assert redirect.headers["location"] == (
        f"{emu.url}/download/v1beta/{file['name']}:download?alt=media"
    )
    assert redirect.json()["error"]["code"] == 302  # the service's odd body, kept
    served = httpx.get(redirect.headers["location"])
    assert served.content == data and served.headers["content-type"] == "application/pdf"


def test_declared_size_must_match(emu):
    url = _start(emu, 10).headers["x-goog-upload-url"]
    response = _chunk(url, b"12345", 0, "upload, finalize")
    assert response.status_code == 400 and "size mismatch" in response.json()["error"]["message"]


def test_cancel_and_unknown_session(emu):
    url = _start(emu, 3).headers["x-goog-upload-url"]
    cancelled = httpx.post(url, headers={"X-Goog-Upload-Command": "cancel"})
    assert cancelled.headers["x-goog-upload-status"] == "cancelled"
    assert _chunk(url, b"abc", 0, "upload, finalize").status_code == 404


def test_multipart_and_raw_media_uploads(emu):
    boundary = "xyzzy"
    body = (
        f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
        '{"file": {"displayName": "hello.txt"}}\r\n'
        f"--{boundary}\r\nContent-Type: text/plain\r\n\r\nhello world\r\n--{boundary}--\r\n"
    ).encode()
    multipart = httpx.post(
        f"{emu.url}/upload/v1beta/files",
        params={"uploadType": "multipart"},
        content=body,
        headers={"Content-Type": f"multipart/related; boundary={boundary}"},
    )
    assert multipart.status_code == 200, multipart.text
    file = multipart.json()["file"]
    assert (file["displayName"], file["mimeType"], file["sizeBytes"]) == (
        "hello.txt",
        "text/plain",
        "11",
    )
    raw = httpx.post(
        f"{emu.url}/upload/v1beta/files",
        params={"uploadType": "media"},
        content=b"\x89PNG....",
        headers={"Content-Type": "image/png"},
    )
    assert raw.json()["file"]["mimeType"] == "image/png"


def test_bad_metadata_is_refused_at_start(emu):
    response = _start(emu, 3, metadata={"file": {"displayName": "x", "colour": "red"}})
    assert response.status_code == 400
    assert "Unknown name \"colour\" at 'file'" in response.json()["error"]["message"]


def test_json_path_of_an_upload_method_asks_for_media(emu):
    response = httpx.post(f"{emu.url}/v1beta/files", json={"file": {"displayName": "x"}})
    assert response.status_code == 400 and "/upload/v1beta/files" in response.text


def test_upload_to_file_search_store_protocol(emu):
    store = httpx.post(f"{emu.url}/v1beta/fileSearchStores", json={"displayName": "s"}).json()
    missing = _start(
        emu, 3, metadata={}, path="/upload/v1beta/fileSearchStores/nope:uploadToFileSearchStore"
    )
    assert missing.status_code == 404
    start = _start(
        emu,
        5,
        metadata={"displayName": "d", "mimeType": "text/plain"},
        path=f"/upload/v1beta/{store['name']}:uploadToFileSearchStore",
    )
    final = _chunk(start.headers["x-goog-upload-url"], b"hello", 0, "upload, finalize")
    op = final.json()
    assert op["name"].startswith(store["name"] + "/upload/operations/")
    done = httpx.get(f"{emu.url}/v1beta/{op['name']}").json()
    assert done["done"] is True and done["response"]["sizeBytes"] == "5"


def test_client_uses_the_resumable_protocol_for_large_files(client):
    data = hashlib.sha256(b"seed").digest() * (6 * 1024 * 1024 // 32 + 7)  # > 5 MiB
    seen = []
    created = client.media.upload(
        file=io.BytesIO(data),
        mime_type="application/octet-stream",
        chunk_size=4 * GRANULARITY,
        progress=lambda sent, total: seen.append((sent, total)),
    )
    assert created.file.size_bytes == len(data)
    assert seen[-1] == (len(data), len(data)) and len(seen) > 2
    out = io.BytesIO()
    assert client.download(created.file, destination=out) == len(data)
    assert out.getvalue() == data


def test_client_download_to_a_path(client, tmp_path):
    file = client.media.upload(file=b"some bytes", mime_type="text/plain").file
    target = tmp_path / "copy.txt"
    client.download(file.name, destination=target)
    assert target.read_bytes() == b"some bytes"
    with pytest.raises(errors.NotFound):
        client.download("files/missing", destination=tmp_path / "missing.txt")


def test_download_serves_byte_ranges_with_an_etag(client, emu):
    data = bytes(range(256)) * 10
    name = client.media.upload(file=data, mime_type="application/octet-stream").file.name
    url = f"{emu.url}/download/v1beta/{name}:download?alt=media"
    whole = httpx.get(url)
    assert whole.status_code == 200 and whole.content == data
    assert whole.headers["accept-ranges"] == "bytes" and whole.headers["etag"]
    tail = httpx.get(url, headers={"Range": "bytes=2000-"})
    assert tail.status_code == 206 and tail.content == data[2000:]
    assert tail.headers["content-range"] == f"bytes 2000-{len(data) - 1}/{len(data)}"
    assert tail.headers["etag"] == whole.headers["etag"]
    middle = httpx.get(url, headers={"Range": "bytes=10-19"})
    assert middle.status_code == 206 and middle.content == data[10:20]
    past = httpx.get(url, headers={"Range": f"bytes={len(data)}-"})
    assert past.status_code == 416 and past.headers["content-range"] == f"bytes */{len(data)}"

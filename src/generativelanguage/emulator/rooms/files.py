"""Files and media: upload sessions, downloads, and what a ``fileData`` URI names.

Files are only made by upload (:mod:`..uploads` speaks the protocols) or by the
service itself (generated videos, batch results); ``GET .../files/x:download`` answers
the service's redirect to the media path that serves the bytes, whole or a byte range.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from typing import Any
from urllib.parse import urlsplit

from .. import errors, model, uploads
from ..errors import ApiError
from ..store import now, timestamp
from ..wire import Request, Response, json_response
from .base import RESOURCE_ID, Kind, Room

_DOWNLOAD = re.compile(r"^/(v1beta|v1)/files/([^/:]+):download$")
_DOWNLOAD_MEDIA = re.compile(r"^/download/(v1beta|v1)/files/([^/:]+):download$")
_RANGE = re.compile(r"^\s*bytes=(\d+)-(\d*)\s*$")
_FILE_URI = re.compile(r"(?:^|/)(?:v1beta|v1)/files/([a-z0-9-]+)$|^files/([a-z0-9-]+)$")


class Files(Kind):
    """Uploaded media; a video is PROCESSING until it is first read, like the service."""

    def on_read(self, svc, name, item):
        if item.get("state") == "PROCESSING":
            item["state"] = "ACTIVE"
            item["updateTime"] = timestamp()
        return item


FILES = Files()


class FilesRoom(Room):
    """Uploaded and generated files, the upload protocols, downloads."""

    kinds = {"files": FILES}

    def __init__(self, svc) -> None:
        super().__init__(svc)
        self.uploads = uploads.Uploads(svc)

    def reset(self) -> None:
        self.uploads.reset()

    def intercept(self, req: Request) -> Response | None:
        path = req.path
        if path.startswith(("/upload/", "/resumable/upload/")):
            return self.uploads.handle(req)
        if req.method == "GET":
            m = _DOWNLOAD.match(path)
            if m:
                return self._download_redirect(req, m.group(1), m.group(2))
            m = _DOWNLOAD_MEDIA.match(path)
            if m:
                return self._download(req, m.group(2))
        return None

    def lookup(self, uri: str) -> model.FileInfo | None:
        m = _FILE_URI.search(urlsplit(uri).path.lstrip("/") if "://" in uri else uri)
        if not m:
            return None
        file_id = m.group(1) or m.group(2)
        name = f"files/{file_id}"
        with self.store.lock:
            item = self.store.get(name)
            if item is not None:
                item = FILES.on_read(self.svc, name, item)
        if item is None:
            raise ApiError(
                "PERMISSION_DENIED",
                f"You do not have permission to access the File {file_id} or it may not exist.",
            )
        if item.get("state") != "ACTIVE":
            raise errors.failed_precondition(
                f"The File {file_id} is not in an ACTIVE state and usage is not allowed."
            )
        data = self.store.side.get(name, {}).get("bytes", b"")
        preview = None
        if str(item.get("mimeType", "")).startswith("text/"):
            text = data.decode("utf-8", "replace")
            first = model.words(text)[:8]
            preview = " ".join(first) + ("..." if len(model.words(text)) > 8 else "")
        return model.FileInfo(
            name=name,
            display_name=item.get("displayName") or "",
            mime_type=item.get("mimeType") or "application/octet-stream",
            size=int(item.get("sizeBytes") or 0),
            preview=preview,
        )

    # -- files ------------------------------------------------------------------------

    def create_file(
        self,
        req: Request,
        metadata: dict[str, Any],
        data: bytes,
        mime_type: str,
        *,
        source: str = "UPLOADED",
    ) -> dict[str, Any]:
        """Store an uploaded (or generated) file and return its ``File``."""
        requested = metadata.get("name")
        with self.store.lock:
            if requested:
                file_id = requested.removeprefix("files/")
                if not RESOURCE_ID.match(file_id):
                    raise errors.invalid_argument(
                        f"Invalid file name {requested!r}: expected files/<id> with lowercase "
                        "letters, digits and hyphens.",
                        "file.name",
                    )
                if f"files/{file_id}" in self.store:
                    raise ApiError("ALREADY_EXISTS", f"File files/{file_id} already exists.")
            else:
                file_id = self.store.new_id(12)
            name = f"files/{file_id}"
            start = now()
            digest = hashlib.sha256(data).hexdigest().encode()
            item: dict[str, Any] = {"name": name}
            if metadata.get("displayName"):
                item["displayName"] = metadata["displayName"]
            item.update(
                {
                    "mimeType": mime_type,
                    "sizeBytes": str(len(data)),
                    "createTime": timestamp(start),
                    "updateTime": timestamp(start),
                    "expirationTime": timestamp(start + dt.timedelta(hours=48)),
                    "sha256Hash": base64.b64encode(digest).decode(),
                    "uri": f"{req.base_url}/v1beta/{name}",
                    "state": "PROCESSING" if mime_type.startswith("video/") else "ACTIVE",
                    "source": source,
                }
            )
            if source == "GENERATED":
                item["downloadUri"] = f"{req.base_url}/v1beta/{name}:download?alt=media"
            self.store.put(name, item)
            self.store.side.setdefault(name, {})["bytes"] = data
            return dict(item)

    def _download_redirect(self, req: Request, version: str, file_id: str) -> Response:
        self.svc.get_or_404(f"files/{file_id}")
        location = f"{req.base_url}/download/{version}/files/{file_id}:download?alt=media"
        # The service answers 302 with a JSON body in the error shape (recorded).
        err = {"error": {"code": 302, "message": "Unknown Error.", "status": "UNKNOWN"}}
        return json_response(err, 302, {"Location": location})

    def _download(self, req: Request, file_id: str) -> Response:
        """The file's bytes; ``Range: bytes=N-`` or ``bytes=N-M`` (RFC 9110 section 14)
        answers 206 with ``Content-Range``, a range past the end 416. ``ETag`` is the
        content's SHA-256, so a resumed read can tell the file is the same."""
        name = f"files/{file_id}"
        item = self.svc.get_or_404(name)
        data = self.store.side.get(name, {}).get("bytes", b"")
        headers = {
            "Content-Type": item.get("mimeType") or "application/octet-stream",
            "Accept-Ranges": "bytes",
            "ETag": '"' + hashlib.sha256(data).hexdigest()[:32] + '"',
        }
        m = _RANGE.match(req.header("range") or "")
        if not m:
            return Response(200, data, headers)
        first = int(m.group(1))
        last = min(int(m.group(2)), len(data) - 1) if m.group(2) else len(data) - 1
        if first >= len(data) or last < first:
            return Response(416, b"", {**headers, "Content-Range": f"bytes */{len(data)}"})
        headers["Content-Range"] = f"bytes {first}-{last}/{len(data)}"
        return Response(206, data[first : last + 1], headers)

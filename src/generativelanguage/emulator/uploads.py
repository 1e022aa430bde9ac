"""Media upload, as the service speaks it: the resumable protocol, multipart and raw.

Resumable (what Google's SDKs use): ``POST /upload/v1beta/files`` with
``X-Goog-Upload-Protocol: resumable`` and ``X-Goog-Upload-Command: start`` (the JSON
metadata as body, the media's size and type in ``X-Goog-Upload-Header-Content-Length``
/ ``-Content-Type``) opens a session and answers its URL in ``X-Goog-Upload-URL``.
Chunks are then POSTed to that URL with ``X-Goog-Upload-Command: upload`` (or
``upload, finalize`` for the last one) and ``X-Goog-Upload-Offset`` equal to the bytes
received so far; every chunk but the last is a multiple of
``X-Goog-Upload-Chunk-Granularity`` (256 KiB). ``query`` reports the bytes received,
``cancel`` drops the session. Multipart (``uploadType=multipart``, a
``multipart/related`` body of JSON metadata then media) and raw media
(``uploadType=media``) upload small files in one request.

The upload paths and the request type of the metadata come from the generated
``MethodSpec.upload`` of each media method.
"""

from __future__ import annotations

import mimetypes
import re
import secrets
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import errors
from .errors import ApiError
from .routing import Route
from .validation import parse_json, to_json, validate
from .wire import Request, Response, json_response

if TYPE_CHECKING:
    from .service import Service

GRANULARITY = 262144
TYPE_PREFIX = "type.googleapis.com/google.ai.generativelanguage."


@dataclass
class Session:
    id: str
    route: Route
    params: dict[str, str]
    metadata: dict[str, Any]
    mime_type: str | None
    declared: int | None
    base_url: str
    path: str
    data: bytearray = field(default_factory=bytearray)
    result: Any = None


def _commands(req: Request) -> set[str]:
    raw = req.header("X-Goog-Upload-Command") or ""
    return {c.strip().lower() for c in raw.split(",") if c.strip()}


def _status_headers(status: str, received: int | None = None) -> dict[str, str]:
    headers = {"X-Goog-Upload-Status": status}
    if received is not None:
        headers["X-Goog-Upload-Size-Received"] = str(received)
    return headers


class Uploads:
    """Upload sessions of one service."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.lock = threading.Lock()
        self.sessions: dict[str, Session] = {}

    def reset(self) -> None:
        with self.lock:
            self.sessions.clear()

    @staticmethod
    def is_session_request(req: Request) -> bool:
        return "upload_id" in req.query and req.path.startswith(("/upload/", "/resumable/upload/"))

    def handle(self, req: Request) -> Response:
        if req.method not in ("POST", "PUT"):
            raise ApiError("NOT_FOUND", f"Method {req.method} is not allowed on {req.path}.")
        if "upload_id" in req.query:
            return self._continue(req)
        found = self.service.router.match_upload(req.path)
        if found is None:
            raise ApiError(
                "NOT_FOUND", f"The requested URL {req.path} was not found on this server."
            )
        route, params = found
        protocol = (
            req.header("X-Goog-Upload-Protocol")
            or req.query.get("uploadType")
            or req.query.get("upload_protocol")
            or ""
        ).lower()
        content_type = (req.header("Content-Type") or "").lower()
        if protocol == "resumable" or (not protocol and "start" in _commands(req)):
            return self._start(req, route, params)
        if protocol == "multipart" or content_type.startswith("multipart/"):
            meta, data, mime = self._multipart(req)
            return self._finish_now(req, route, params, meta, data, mime)
        if protocol in ("raw", "media", ""):
            mime = req.header("Content-Type") or None
            return self._finish_now(req, route, params, b"", req.body, mime)
        raise errors.invalid_argument(f"Unknown upload protocol {protocol!r}.", "")

    # -- the resumable protocol ----------------------------------------------------------

    def _metadata(self, route: Route, body: bytes) -> dict[str, Any]:
        data = parse_json(body)
        return to_json(validate(route.spec.request, data)) if data else {}

    def _limit(self, route: Route, size: int) -> None:
        limit = (route.spec.upload or {}).get("max_size")
        if limit and size > limit:
            raise errors.invalid_argument(
                f"Request payload size exceeds the limit: {limit} bytes.", ""
            )

    def _start(self, req: Request, route: Route, params: dict[str, str]) -> Response:
        if "start" not in _commands(req):
            raise errors.invalid_argument(
                "A resumable upload starts with X-Goog-Upload-Command: start.", ""
            )
        metadata = self._metadata(route, req.body)
        self._check_target(route, params)
        declared = req.header("X-Goog-Upload-Header-Content-Length")
        size = None
        if declared:
            try:
                size = int(declared)
            except ValueError:
                raise errors.invalid_argument(
                    f"Invalid X-Goog-Upload-Header-Content-Length: {declared!r}.", ""
                ) from None
            self._limit(route, size)
        upload_id = secrets.token_urlsafe(48)  # the session's credential: unguessable
        session = Session(
            id=upload_id,
            route=route,
            params=params,
            metadata=metadata,
            mime_type=req.header("X-Goog-Upload-Header-Content-Type") or None,
            declared=size,
            base_url=req.base_url,
            path=req.path,
        )
        with self.lock:
            self.sessions[upload_id] = session
        url = f"{req.base_url}{req.path}?upload_id={upload_id}&upload_protocol=resumable"
        return Response(
            200,
            b"",
            {
                "Content-Type": "text/plain; charset=utf-8",
                "X-Goog-Upload-Status": "active",
                "X-Goog-Upload-URL": url,
                "X-Goog-Upload-Control-URL": url,
                "X-Goog-Upload-Chunk-Granularity": str(GRANULARITY),
                "X-GUploader-UploadID": upload_id,
            },
        )

    def _continue(self, req: Request) -> Response:
        with self.lock:
            session = self.sessions.get(req.query["upload_id"])
        if session is None:
            raise ApiError("NOT_FOUND", "No upload session with this upload_id.")
        commands = _commands(req)
        with self.lock:
            received = len(session.data)
            if "query" in commands:
                if session.result is not None:
                    return json_response(session.result, headers=_status_headers("final", received))
                return Response(200, b"", _status_headers("active", received))
            if "cancel" in commands:
                self.sessions.pop(session.id, None)
                return Response(200, b"", _status_headers("cancelled"))
            if session.result is not None:
                err = errors.invalid_argument("The upload is already finalized.", "")
                err.headers.update(_status_headers("final", received))
                raise err
            if not commands & {"upload", "finalize"}:
                raise errors.invalid_argument(
                    "X-Goog-Upload-Command must be upload, finalize, query or cancel.", ""
                )
            if "upload" in commands:
                offset_text = req.header("X-Goog-Upload-Offset")
                try:
                    offset = int(offset_text or "")
                except ValueError:
                    offset = -1
                if offset != received:
                    err = errors.invalid_argument(
                        f"Invalid X-Goog-Upload-Offset {offset_text!r}: the server has "
                        f"received {received} bytes.",
                        "",
                    )
                    err.headers.update(_status_headers("active", received))
                    raise err
                if "finalize" not in commands and len(req.body) % GRANULARITY:
                    err = errors.invalid_argument(
                        f"Chunk of {len(req.body)} bytes: every chunk but the last must be a "
                        f"multiple of {GRANULARITY} bytes.",
                        "",
                    )
                    err.headers.update(_status_headers("active", received))
                    raise err
                session.data += req.body
                self._limit(session.route, len(session.data))
            if "finalize" not in commands:
                return Response(200, b"", _status_headers("active", len(session.data)))
            if session.declared is not None and session.declared != len(session.data):
                err = errors.invalid_argument(
                    f"Upload size mismatch: X-Goog-Upload-Header-Content-Length said "
                    f"{session.declared} bytes, {len(session.data)} were received.",
                    "",
                )
                err.headers.update(_status_headers("active", len(session.data)))
                raise err
            session.result = self._finish(
                session.route,
                session.params,
                session.metadata,
                bytes(session.data),
                session.mime_type,
                session.base_url,
            )
            return json_response(
                session.result, headers=_status_headers("final", len(session.data))
            )

    # -- one-request uploads ---------------------------------------------------------

    def _multipart(self, req: Request) -> tuple[bytes, bytes, str | None]:
        """(metadata JSON, media, media type) of a ``multipart/related`` body."""
        content_type = req.header("Content-Type") or ""
        m = re.search(r'boundary="?([^";]+)"?', content_type)
        if not m:
            raise errors.invalid_argument("multipart upload without a boundary.", "")
        boundary = b"--" + m.group(1).encode()
        pieces = req.body.split(boundary)[1:]
        parts: list[tuple[dict[str, str], bytes]] = []
        for piece in pieces:
            if piece.startswith(b"--"):
                break
            piece = piece.removeprefix(b"\r\n")
            head, sep, content = piece.partition(b"\r\n\r\n")
            if not sep:
                continue
            headers = {}
            for line in head.decode("latin-1").split("\r\n"):
                key, _, value = line.partition(":")
                headers[key.strip().lower()] = value.strip()
            parts.append((headers, content.removesuffix(b"\r\n")))
        if not parts:
            raise errors.invalid_argument("multipart upload without parts.", "")
        if len(parts) >= 2:
            meta = parts[0][1]
            media_headers, data = parts[1]
        else:
            meta = b""
            media_headers, data = parts[0]
        return meta, data, media_headers.get("content-type")

    def _finish_now(
        self,
        req: Request,
        route: Route,
        params: dict[str, str],
        meta: bytes,
        data: bytes,
        mime: str | None,
    ) -> Response:
        metadata = self._metadata(route, meta)
        self._check_target(route, params)
        self._limit(route, len(data))
        result = self._finish(route, params, metadata, data, mime, req.base_url)
        return json_response(result, headers=_status_headers("final"))

    # -- what an upload creates --------------------------------------------------------

    def _check_target(self, route: Route, params: dict[str, str]) -> None:
        for value in params.values():
            if value not in self.service.store:
                raise errors.not_found(f"{value} not found.")

    def _finish(
        self,
        route: Route,
        params: dict[str, str],
        metadata: dict[str, Any],
        data: bytes,
        mime: str | None,
        base_url: str,
    ) -> dict[str, Any]:
        svc = self.service
        req = Request("POST", "", {}, {}, b"", base_url)
        if route.method == "uploadToFileSearchStore":
            store_name = params["fileSearchStoreName"]
            mime = metadata.get("mimeType") or mime or "application/octet-stream"
            display = metadata.get("displayName") or ""
            doc_id = f"{svc.store.new_id(12)}-{svc.store.new_id(12)}"
            doc_name = f"{store_name}/documents/{doc_id}"

            def finish(op: dict[str, Any]) -> dict[str, Any]:
                svc.resources.add_document(
                    doc_name,
                    display_name=display or doc_id,
                    mime_type=mime,
                    data=data,
                    custom_metadata=metadata.get("customMetadata"),
                )
                return {
                    "@type": f"{TYPE_PREFIX}v1main.UploadToFileSearchStoreResponse",
                    "parent": store_name,
                    "documentName": doc_name,
                    "mimeType": mime,
                    "sizeBytes": str(len(data)),
                }

            return svc.operations.start(f"{store_name}/upload/operations/{doc_id}", finish)
        file_meta = metadata.get("file") or {}
        mime = (
            mime
            or file_meta.get("mimeType")
            or mimetypes.guess_type(file_meta.get("displayName") or "")[0]
            or "application/octet-stream"
        )
        return {"file": svc.files.create_file(req, file_meta, data, mime)}

"""Google's resumable upload protocol, as a scripted handler for ``LocalServer``.

Implements what the Gemini service does: ``start`` answers an ``X-Goog-Upload-URL``;
``upload`` / ``upload, finalize`` chunks must arrive at the offset received so far;
``query`` reports ``X-Goog-Upload-Size-Received``. Faults can be injected per chunk.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from tests.support.server import Recorded, Reply


@dataclass
class UploadServer:
    base_url: str
    granularity: int = 256 * 1024
    final_body: dict = field(default_factory=lambda: {"file": {"name": "files/abc"}})
    #: chunk index -> fault: "503", "cut", or ("partial", n) (keep n bytes, then 503)
    faults: dict = field(default_factory=dict)
    received: bytearray = field(default_factory=bytearray)
    metadata: dict | None = None
    start_headers: dict = field(default_factory=dict)
    chunks_seen: int = 0
    commands: list = field(default_factory=list)
    multipart: bytes | None = None
    multipart_type: str = ""
    finalized: bool = False

    def __call__(self, rec: Recorded) -> Reply:
        command = rec.headers.get("x-goog-upload-command", "")
        self.commands.append(command or rec.headers.get("x-goog-upload-protocol", ""))
        if rec.headers.get("x-goog-upload-protocol") == "multipart":
            self.multipart = rec.body
            self.multipart_type = rec.headers.get("content-type", "")
            self.finalized = True
            return Reply(200, json.dumps(self.final_body).encode())
        if command == "start":
            self.metadata = json.loads(rec.body or b"{}")
            self.start_headers = rec.headers
            return Reply(
                200,
                b"",
                {
                    "x-goog-upload-url": self.base_url + "upload/session?upload_id=u1",
                    "x-goog-upload-status": "active",
                    "x-goog-upload-chunk-granularity": str(self.granularity),
                },
            )
        if command == "query":
            status = "final" if self.finalized else "active"
            body = json.dumps(self.final_body).encode() if self.finalized else b""
            return Reply(
                200,
                body,
                {
                    "x-goog-upload-status": status,
                    "x-goog-upload-size-received": str(len(self.received)),
                },
            )
        if command.startswith("upload"):
            index = self.chunks_seen
            self.chunks_seen += 1
            offset = int(rec.headers["x-goog-upload-offset"])
            if offset != len(self.received):
                return Reply(400, b'{"error": {"code": 400, "message": "bad offset"}}')
            fault = self.faults.pop(index, None)
            if fault == "503":
                return Reply(503, b'{"error": {"code": 503, "status": "UNAVAILABLE"}}')
            if fault == "cut":
                return Reply(200, chunks=[b"partial"], cut=True)
            if isinstance(fault, tuple):
                self.received += rec.body[: fault[1]]
                return Reply(503, b'{"error": {"code": 503, "status": "UNAVAILABLE"}}')
            self.received += rec.body
            if "finalize" in command:
                self.finalized = True
                return Reply(
                    200, json.dumps(self.final_body).encode(), {"x-goog-upload-status": "final"}
                )
            return Reply(200, b"", {"x-goog-upload-status": "active"})
        return Reply(404, b'{"error": {"code": 404, "message": "no such route"}}')

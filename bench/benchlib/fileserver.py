"""A batch's results served from disk, for the batch benchmarks (stdlib only).

Run as its own process so that it never competes with the client under test for the
GIL: ``python fileserver.py --file ID=PATH [--file ...]``. It prints ``PORT <n>`` once
listening on 127.0.0.1 and exits when its standard input closes.

* ``GET /v1beta/batches/ID``: a done batch Operation (``GenerateContentBatch``
  metadata, ``BATCH_STATE_SUCCEEDED``) whose ``output.responsesFile`` is ``files/ID``;
* ``GET [/download]/v1beta/files/ID:download``: the file's bytes straight from disk
  (``sendfile``), honouring ``Range: bytes=N-`` with a 206, as the service does.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_BATCH = re.compile(r"^/v1beta/batches/([^/?]+)")
_FILE = re.compile(r"^(?:/download)?/v1beta/files/([^/:?]+):download")
_RANGE = re.compile(r"^bytes=(\d+)-$")
TYPE = "type.googleapis.com/google.ai.generativelanguage.v1main."


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    files: dict[str, str] = {}

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        m = _BATCH.match(self.path)
        if m and m.group(1) in self.files:
            return self._batch(m.group(1))
        m = _FILE.match(self.path)
        if m and m.group(1) in self.files:
            return self._file(self.files[m.group(1)])
        self._json(404, {"error": {"code": 404, "status": "NOT_FOUND", "message": self.path}})

    def _json(self, status: int, doc: dict) -> None:
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json; charset=UTF-8")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _batch(self, file_id: str) -> None:
        name = f"batches/{file_id}"
        output = {"responsesFile": f"files/{file_id}"}
        meta = {
            "@type": TYPE + "GenerateContentBatch",
            "model": "models/gemini-2.5-flash",
            "displayName": "bench",
            "output": output,
            "state": "BATCH_STATE_SUCCEEDED",
            "name": name,
        }
        response = {"@type": TYPE + "GenerateContentBatchOutput", **output}
        self._json(200, {"name": name, "metadata": meta, "done": True, "response": response})

    def _file(self, path: str) -> None:
        size = os.path.getsize(path)
        start = 0
        m = _RANGE.match(self.headers.get("range", ""))
        if m:
            start = int(m.group(1))
            self.send_response(206)
            self.send_header("content-range", f"bytes {start}-{size - 1}/{size}")
        else:
            self.send_response(200)
        self.send_header("content-type", "application/jsonl")
        self.send_header("content-length", str(size - start))
        self.end_headers()
        self.wfile.flush()
        with open(path, "rb") as f:
            self.connection.sendfile(f, start, size - start)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", action="append", default=[], help="ID=PATH")
    args = ap.parse_args()
    Handler.files = dict(item.split("=", 1) for item in args.file)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"PORT {server.server_address[1]}", flush=True)
    sys.stdin.read()  # until the parent closes our stdin (or goes away)
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())

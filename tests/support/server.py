"""A real HTTP server on 127.0.0.1 for tests: each test scripts its answers.

``LocalServer`` runs a stdlib ``ThreadingHTTPServer`` (HTTP/1.1, keep-alive) in a
thread. A test installs ``server.handler``: a function from the ``Recorded`` request to
a ``Reply`` (status, headers, body bytes, or an iterable of chunks sent with chunked
transfer encoding, optionally cut short to simulate a dropped connection).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Recorded:
    method: str
    path: str  # raw path as sent, percent-encoding intact, without the query
    query: list[tuple[str, str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    raw_target: str


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=lambda: {"content-type": "application/json"})
    chunks: Iterable[bytes] | None = None  # sent chunked when given
    cut: bool = False  # drop the connection after the chunks, without the final chunk
    delay: float = 0.0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: with Nagle's algorithm the body would
    # wait for the client's delayed ACK of the headers (tens of milliseconds per reply).
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        rec = Recorded(
            method=self.command,
            path=parts.path,
            query=parse_qsl(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            raw_target=self.path,
        )
        self.server.owner.requests.append(rec)
        try:
            reply = self.server.owner.handler(rec)
        except Exception as exc:  # a failing handler answers 599 so tests see why
            reply = Reply(599, f"test handler failed: {exc!r}".encode())
        if reply.delay:
            time.sleep(reply.delay)
        self.send_response(reply.status)
        for k, v in reply.headers.items():
            self.send_header(k, v)
        if reply.chunks is None:
            self.send_header("content-length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
            return
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        for chunk in reply.chunks:
            if chunk:
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.flush()
        if reply.cut:
            self.close_connection = True
            return
        self.wfile.write(b"0\r\n\r\n")

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: LocalServer


class LocalServer:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.handler: Callable[[Recorded], Reply] = lambda rec: Reply()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> LocalServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def reset(self) -> None:
        self.requests.clear()
        self.handler = lambda rec: Reply()


# -- helpers for scripted exchanges (appended; the classes above are unchanged) --------


class Script:
    """A handler answering successive requests with successive replies.

    Each item is a ``Reply`` or a function from the ``Recorded`` request to one; the
    last item answers every request after the script runs out. ``calls`` counts the
    requests this script answered.
    """

    def __init__(self, *replies: Reply | Callable[[Recorded], Reply]) -> None:
        if not replies:
            raise ValueError("Script needs at least one reply")
        self.replies = replies
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self, rec: Recorded) -> Reply:
        with self._lock:
            index = min(self.calls, len(self.replies) - 1)
            self.calls += 1
        reply = self.replies[index]
        return reply if isinstance(reply, Reply) else reply(rec)


class Trickle:
    """Chunks for ``Reply(chunks=...)`` that notice the client going away.

    Sends ``chunks``, then a keep-alive ``filler`` every ``interval`` seconds for at most
    ``limit`` seconds. A write to a client that has closed the connection fails and the
    server abandons this generator mid-way: ``disconnected`` is then set. ``finished``
    is set when every chunk and filler was written.
    """

    def __init__(
        self,
        chunks: Iterable[bytes],
        *,
        filler: bytes = b": keep-alive\n\n",
        interval: float = 0.02,
        limit: float = 3.0,
    ) -> None:
        self.chunks = list(chunks)
        self.filler = filler
        self.interval = interval
        self.limit = limit
        self.disconnected = threading.Event()
        self.finished = threading.Event()

    def __iter__(self):
        done = False
        try:
            yield from self.chunks
            end = time.monotonic() + self.limit
            while time.monotonic() < end:
                time.sleep(self.interval)
                yield self.filler
            done = True
        finally:
            (self.finished if done else self.disconnected).set()


def google_error(code: int, status: str, message: str, details: list | None = None) -> bytes:
    """An error body in Google's shape (AIP-193)."""
    import json

    error: dict = {"code": code, "message": message, "status": status}
    if details is not None:
        error["details"] = details
    return json.dumps({"error": error}).encode()

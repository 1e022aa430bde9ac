"""A scriptable raw HTTP/1.1 server for fault tests, run in a process of its own.

``tests/support/server.py`` answers with whole, well-formed responses. This server
writes exactly the bytes a test scripts, when the test says: it can refuse nothing but
it can hang, trickle a status line one byte at a time, cut a body, reset the connection
(TCP RST), or stream thousands of events. It runs in a child process so that the test
process's open descriptors, threads and sockets are the client's alone, and a leak is
visible by counting them.

Each test scripts a *session*: a token that is the first segment of the base URL the
client is given (``http://127.0.0.1:PORT/<token>/``). Request ``i`` of a session is
answered by step ``min(i, len(steps) - 1)``. A step is a list of operations (``send``
bytes, ``pause``, ``trickle`` bytes one at a time, ``repeat`` a block) and an ending:
``keep`` (read the next request on the connection), ``close``, ``reset`` or ``hang``
(never answer; wait until the client goes away). The server notices a client hanging up
during pauses, so ``open`` counts connections the client still holds.

The parent talks to the child over its stdin/stdout, one JSON object per line.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import socket
import struct
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# -- steps, built in the test process ----------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def send(data: bytes) -> list:
    return ["send", _b64(data)]


def pause(seconds: float) -> list:
    return ["pause", seconds]


def trickle(data: bytes, interval: float) -> list:
    """Write ``data`` one byte at a time, ``interval`` seconds apart."""
    return ["trickle", _b64(data), interval]


def repeat(data: bytes, times: int) -> list:
    return ["repeat", _b64(data), times]


def step(*ops: list, end: str = "keep") -> dict:
    if end not in ("keep", "close", "reset", "hang"):
        raise ValueError(end)
    return {"ops": list(ops), "end": end}


def head(status: int = 200, headers: dict[str, str] | None = None, length: int | None = None):
    """A status line and headers; ``length`` adds ``content-length``."""
    reason = {200: "OK", 302: "Found", 429: "Too Many Requests", 500: "Internal Server Error"}
    lines = [f"HTTP/1.1 {status} {reason.get(status, 'Status')}"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if length is not None:
        lines.append(f"content-length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def respond(
    status: int = 200,
    body: bytes = b"{}",
    headers: dict[str, str] | None = None,
    end: str = "keep",
) -> dict:
    """A whole response with a ``content-length``."""
    headers = {"content-type": "application/json", **(headers or {})}
    return step(send(head(status, headers, len(body)) + body), end=end)


def chunk(data: bytes) -> bytes:
    """One chunk of ``transfer-encoding: chunked``."""
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


LAST_CHUNK = b"0\r\n\r\n"

# -- the parent's handle -----------------------------------------------------------------


@dataclass
class Session:
    server: FaultServer
    token: str

    @property
    def url(self) -> str:
        return f"{self.server.url}{self.token}/"

    def status(self) -> dict[str, Any]:
        return self.server.call({"op": "status", "token": self.token})

    @property
    def requests(self) -> list[dict[str, Any]]:
        return self.status()["requests"]

    def rescript(self, *steps: dict, cycle: bool = False) -> None:
        """Answer this session's next requests with ``steps`` instead."""
        self.server.call(
            {"op": "script", "token": self.token, "steps": list(steps), "cycle": cycle}
        )

    def wait_open(self, count: int = 0, timeout: float = 2.0) -> int:
        """Connections the client still holds, once they dropped to ``count`` or after
        ``timeout`` seconds."""
        end = time.monotonic() + timeout
        while True:
            now_open = self.status()["open"]
            if now_open <= count or time.monotonic() > end:
                return now_open
            time.sleep(0.01)


@dataclass
class FaultServer:
    process: subprocess.Popen | None = None
    port: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> FaultServer:
        root = Path(__file__).resolve().parents[2]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.faultserver"],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.port = int(self.process.stdout.readline())
        return self

    def call(self, message: dict[str, Any]) -> Any:
        with self._lock:
            self.process.stdin.write(json.dumps(message) + "\n")
            self.process.stdin.flush()
            return json.loads(self.process.stdout.readline())

    def script(self, *steps: dict, cycle: bool = False) -> Session:
        """A new session answered by ``steps``; with ``cycle``, request ``i`` gets step
        ``i % len(steps)`` instead of the last step repeating."""
        token = uuid.uuid4().hex[:12]
        self.call({"op": "script", "token": token, "steps": list(steps), "cycle": cycle})
        return Session(self, token)

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(BrokenPipeError, ValueError):
            self.call({"op": "stop"})
        self.process.stdin.close()
        self.process.stdout.close()
        self.process.wait(timeout=10)
        self.process = None


# -- the child process -------------------------------------------------------------------


class _Gone(Exception):
    """The client closed its end of the connection."""


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.scripts: dict[str, list[dict]] = {}
        self.cycling: set[str] = set()
        self.counts: dict[str, int] = {}
        self.requests: dict[str, list[dict]] = {}
        self.open: dict[str, int] = {}
        self.connections: dict[str, int] = {}

    def next_step(self, token: str, request: dict) -> dict:
        with self.lock:
            n = self.counts[token] = self.counts.get(token, 0) + 1
            steps = self.scripts.get(token) or [respond(404, b'{"error": "unknown session"}')]
            if token in self.cycling:
                # Long-running sessions (the soak) keep no per-request record.
                return steps[(n - 1) % len(steps)]
            self.requests.setdefault(token, []).append(request)
            return steps[min(n - 1, len(steps) - 1)]

    def opened(self, token: str) -> None:
        with self.lock:
            self.open[token] = self.open.get(token, 0) + 1
            self.connections[token] = self.connections.get(token, 0) + 1

    def closed(self, token: str) -> None:
        with self.lock:
            self.open[token] -= 1


def _wait_readable(conn: socket.socket, seconds: float) -> None:
    """Sleep ``seconds``, but raise ``_Gone`` as soon as the client hangs up."""
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return
        readable, _, _ = select.select([conn], [], [], left)
        if readable:
            try:
                data = conn.recv(65536)
            except OSError:
                raise _Gone from None
            if not data:
                raise _Gone
            # Anything else (a pipelined request) is ignored while we are busy.


def _write(conn: socket.socket, data: bytes) -> None:
    try:
        conn.sendall(data)
    except OSError:
        raise _Gone from None


def _read_request(conn: socket.socket, buffer: bytearray) -> dict | None:
    while b"\r\n\r\n" not in buffer:
        data = conn.recv(65536)
        if not data:
            return None
        buffer += data
    head_end = buffer.index(b"\r\n\r\n") + 4
    lines = bytes(buffer[:head_end]).decode("latin-1").split("\r\n")
    del buffer[:head_end]
    method, target, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(buffer) < length:
        data = conn.recv(65536)
        if not data:
            return None
        buffer += data
    body = bytes(buffer[:length])
    del buffer[:length]
    return {"method": method, "target": target, "headers": headers, "body_length": len(body)}


def _run_step(conn: socket.socket, plan: dict) -> str:
    for op in plan["ops"]:
        kind = op[0]
        if kind == "send":
            _write(conn, base64.b64decode(op[1]))
        elif kind == "pause":
            _wait_readable(conn, op[1])
        elif kind == "trickle":
            for byte in base64.b64decode(op[1]):
                _write(conn, bytes([byte]))
                _wait_readable(conn, op[2])
        elif kind == "repeat":
            block = base64.b64decode(op[1])
            for _ in range(op[2]):
                _write(conn, block)
        else:  # pragma: no cover - a bad script is a test bug
            raise ValueError(kind)
    return plan["end"]


def _serve_connection(state: _State, conn: socket.socket) -> None:
    token = None
    buffer = bytearray()
    try:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            request = _read_request(conn, buffer)
            if request is None:
                return
            this = request["target"].lstrip("/").split("/", 1)[0]
            if token is None:
                token = this
                state.opened(token)
            end = _run_step(conn, state.next_step(this, request))
            if end == "keep":
                continue
            if end == "reset":
                # SO_LINGER with a zero timeout: close() sends RST instead of FIN.
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            elif end == "hang":
                while True:
                    _wait_readable(conn, 3600)
            return
    except (_Gone, OSError):
        return
    finally:
        conn.close()
        if token is not None:
            state.closed(token)


def _accept_loop(state: _State, listener: socket.socket) -> None:
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=_serve_connection, args=(state, conn), daemon=True).start()


def main() -> None:
    state = _State()
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(256)
    print(listener.getsockname()[1], flush=True)
    threading.Thread(target=_accept_loop, args=(state, listener), daemon=True).start()
    for line in sys.stdin:
        message = json.loads(line)
        op = message["op"]
        if op == "script":
            with state.lock:
                state.scripts[message["token"]] = message["steps"]
                state.counts[message["token"]] = 0
                if message.get("cycle"):
                    state.cycling.add(message["token"])
                else:
                    state.cycling.discard(message["token"])
            reply: Any = {"ok": True}
        elif op == "status":
            token = message["token"]
            with state.lock:
                reply = {
                    "requests": list(state.requests.get(token, [])),
                    "count": state.counts.get(token, 0),
                    "open": state.open.get(token, 0),
                    "connections": state.connections.get(token, 0),
                }
        elif op == "stop":
            print(json.dumps({"ok": True}), flush=True)
            break
        else:  # pragma: no cover
            reply = {"error": f"unknown op {op!r}"}
        print(json.dumps(reply), flush=True)
    listener.close()
    os._exit(0)  # daemon threads may be blocked in I/O; nothing left to flush


if __name__ == "__main__":
    main()

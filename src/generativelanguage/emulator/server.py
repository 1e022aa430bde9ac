"""The HTTP side of the emulator: a threaded HTTP/1.1 server, faults on demand, and the
handles tests use (in-process ``Emulator``, ``RemoteEmulator`` for a subprocess).

Each connection is served by its own thread (``ThreadingHTTPServer``), keep-alive
included. Streams go out with chunked transfer encoding, one chunk per SSE event, so a
fault can drop the connection between events without finishing the body. ``stop()``
stops accepting, shuts down every open connection (waking threads that wait on idle
keep-alive sockets) and joins the handler threads.

Control endpoints, exempt from the API key and from faults, make a subprocess
controllable over HTTP: ``GET /_emulator/health``, ``POST /_emulator/faults`` (JSON
``{"fail_next": {...}}``, ``{"cut_stream_after": {...}}``, ``{"cut_body_after": {...}}``
or ``{"delay": {...}}`` with the keyword arguments of the methods of the same names),
``DELETE /_emulator/faults``, ``POST /_emulator/reset`` and ``GET /_emulator/requests``.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import socket
import subprocess
import sys
import threading
import traceback
import urllib.request
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import errors, websocket
from .errors import ApiError
from .service import Service
from .wire import Request, Response, error_response, json_response

API_KEY_ENV = "GEMINI_EMULATOR_API_KEY"
_BANNER = "Gemini API emulator listening on "


@dataclass
class Fault:
    """One planned fault; ``remaining`` counts the requests it still applies to."""

    kind: str  # "fail", "cut" (a stream), "cut_body" (any other response) or "delay"
    remaining: int
    status: int = 429
    retry_after: float | None = None
    path_contains: str | None = None
    message: str | None = None
    seconds: float = 0.0
    after: int = 0


class Faults:
    """Faults waiting for the requests they apply to, first planned first used."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[Fault] = []

    def add(self, fault: Fault) -> None:
        if fault.remaining < 1:
            return
        with self._lock:
            self._items.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(f) for f in self._items]

    def take(self, kind: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._items:
                if fault.kind != kind:
                    continue
                if fault.path_contains and fault.path_contains not in path:
                    continue
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._items.remove(fault)
                return fault
        return None


def _read_chunked(rfile: Any) -> bytes:
    out = bytearray()
    while True:
        line = rfile.readline(65537)
        size = int(line.split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            while rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                pass
            return bytes(out)
        out += rfile.read(size)
        rfile.readline(65537)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "GeminiEmulator/1.0"
    sys_version = ""
    timeout = 300
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body are separate writes: without TCP_NODELAY, Nagle's algorithm
        # holds the second until the client's delayed ACK (~40 ms per response).
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, threading.current_thread())

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.emulator.verbose:
            sys.stderr.write(f"emulator: {self.address_string()} {format % args}\n")

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _serve(self) -> None:
        emu = self.server.emulator
        if websocket.is_upgrade(self.headers):  # the Live API (rooms/live.py)
            emu.live.serve(self)
            return
        try:
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                body = _read_chunked(self.rfile)
            else:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length > 0 else b""
        except (ValueError, OSError):
            self.close_connection = True
            self._write(error_response(errors.invalid_argument("Malformed request body.")), None)
            return
        split = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        host = self.headers.get("Host") or f"{emu.host}:{emu.port}"
        req = Request(self.command, split.path, query, self.headers, body, f"http://{host}")
        response, cut = emu.respond(req)
        self._write(response, cut)

    def _write(self, resp: Response, cut: int | None) -> None:
        self.send_response(resp.status)
        for key, value in resp.headers.items():
            self.send_header(key, value)
        if resp.stream is None:
            self.send_header("Content-Length", str(len(resp.body)))
            # One write for headers and body (end_headers would flush them apart).
            self._headers_buffer.append(b"\r\n")
            self._headers_buffer.append(resp.body if cut is None else resp.body[:cut])
            self.flush_headers()
            if cut is not None:
                self._drop()  # fewer bytes than Content-Length promised
            return
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        emu = self.server.emulator
        for i, frame in enumerate(resp.stream):
            if cut is not None and i >= cut:
                self._drop()
                return
            if i and emu.stream_delay:
                emu.stopping.wait(emu.stream_delay)
            self.wfile.write(b"%X\r\n%s\r\n" % (len(frame), frame))
            self.wfile.flush()
        if cut is not None and cut >= len(resp.stream):
            self._drop()  # cut after the last event: the body still never ends
            return
        self.wfile.write(b"0\r\n\r\n")

    def _drop(self) -> None:
        """Close the connection mid-body: the client sees an unfinished chunked body."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], emulator: Emulator) -> None:
        self.emulator = emulator
        self._conn_lock = threading.Lock()
        self.connections: dict[socket.socket, threading.Thread] = {}
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that goes away mid-response is normal (a stream abandoned early).
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def track(self, conn: socket.socket, thread: threading.Thread) -> None:
        with self._conn_lock:
            self.connections[conn] = thread

    def untrack(self, conn: socket.socket) -> None:
        with self._conn_lock:
            self.connections.pop(conn, None)

    def close_all(self, timeout: float = 5.0) -> None:
        with self._conn_lock:
            items = list(self.connections.items())
        for conn, _ in items:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for _, thread in items:
            if thread is not threading.current_thread():
                thread.join(timeout)


class Emulator:
    """An emulated Gemini API server running in this process.

    Args:
        host: Interface to listen on.
        port: Port to listen on; 0 picks a free one.
        api_key: When set, requests must carry this key; else any request is served.
        operation_polls: Reads of a long-running operation before it is done.
        stream_delay: Seconds between the events of a stream.
        seed: Seed of the generated resource ids.
        verbose: Log each request to stderr.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str | None = None,
        operation_polls: int = 2,
        stream_delay: float = 0.0,
        seed: int = 0,
        verbose: bool = False,
    ) -> None:
        self.host = host
        self.port = port
        self.api_key = api_key
        self.stream_delay = stream_delay
        self.verbose = verbose
        self.service = Service(api_key=api_key, operation_polls=operation_polls, seed=seed)
        self.faults = Faults()
        #: The Live API's room (WebSocket sessions): its faults and connection log.
        self.live = self.service.live
        self.stopping = threading.Event()
        self._log: deque[dict[str, Any]] = deque(maxlen=2000)
        self._log_lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle ---------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The base URL to give a client, e.g. ``http://127.0.0.1:54321``."""
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> Emulator:
        """Listen and serve in a background thread; returns once it accepts requests."""
        if self._server is not None:
            return self
        self.stopping.clear()
        self._server = _Server((self.host, self.port), self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"gemini-emulator:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, close open connections, wait for handler threads."""
        server, self._server = self._server, None
        if server is None:
            return
        self.stopping.set()
        server.shutdown()
        server.close_all()
        server.server_close()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- faults and state ------------------------------------------------------------

    def fail_next(
        self,
        n: int = 1,
        status: int = 429,
        retry_after: float | None = 1.5,
        path_contains: str | None = None,
        message: str | None = None,
    ) -> None:
        """Fail the next ``n`` API requests (whose path contains ``path_contains``) with
        ``status`` in Google's error shape. ``retry_after`` sets the ``Retry-After``
        header (whole seconds, rounded up) and, for 429, a ``RetryInfo`` detail."""
        self.faults.add(Fault("fail", n, status, retry_after, path_contains, message=message))

    def cut_stream_after(self, k: int, n: int = 1, path_contains: str | None = None) -> None:
        """Drop the connection of the next ``n`` streams after ``k`` events."""
        self.faults.add(Fault("cut", n, path_contains=path_contains, after=k))

    def cut_body_after(self, nbytes: int, n: int = 1, path_contains: str | None = None) -> None:
        """Drop the connection of the next ``n`` (non-stream) responses after ``nbytes``
        bytes of their body, short of their ``Content-Length``."""
        self.faults.add(Fault("cut_body", n, path_contains=path_contains, after=nbytes))

    def delay(self, seconds: float, n: int = 1, path_contains: str | None = None) -> None:
        """Hold the next ``n`` API requests for ``seconds`` before answering."""
        self.faults.add(Fault("delay", n, path_contains=path_contains, seconds=seconds))

    def clear_faults(self) -> None:
        self.faults.clear()

    def reset(self) -> None:
        """Forget resources, upload sessions, faults and the request log."""
        self.service.reset()
        self.faults.clear()
        with self._log_lock:
            self._log.clear()

    @property
    def requests(self) -> list[dict[str, Any]]:
        """API requests received so far: method, path, query (without ``key``) and
        whether an API key came with it."""
        with self._log_lock:
            return list(self._log)

    # -- serving -------------------------------------------------------------------------

    def respond(self, req: Request) -> tuple[Response, int | None]:
        """The response to ``req`` and, for a stream to cut, after how many events."""
        if req.path.startswith("/_emulator/"):
            try:
                return self._control(req), None
            except ApiError as exc:
                return error_response(exc), None
        with self._log_lock:
            self._log.append(
                {
                    "method": req.method,
                    "path": req.path,
                    "query": {k: v for k, v in req.query.items() if k != "key"},
                    "api_key": bool(req.header("x-goog-api-key") or req.query.get("key")),
                }
            )
        try:
            self.service.authorize(req)
            delay = self.faults.take("delay", req.path)
            if delay is not None:
                self.stopping.wait(delay.seconds)
            fail = self.faults.take("fail", req.path)
            if fail is not None:
                raise errors.injected(fail.status, fail.retry_after, fail.message)
            response = self.service.handle(req)
        except ApiError as exc:
            response = error_response(exc)
        except Exception as exc:  # a bug: answer like the service's INTERNAL
            traceback.print_exc()
            response = error_response(ApiError("INTERNAL", f"Emulator error: {exc!r}"))
        fault = self.faults.take("cut" if response.stream is not None else "cut_body", req.path)
        return response, fault.after if fault is not None else None

    def _control(self, req: Request) -> Response:
        action = req.path.removeprefix("/_emulator/").strip("/")
        if action == "health" and req.method == "GET":
            return json_response(
                {"status": "ok", "routes": len(self.service.router.routes), "url": self.url}
            )
        if action == "reset" and req.method == "POST":
            self.reset()
            return json_response({})
        if action == "live":
            return self.live.control(req)
        if action == "requests" and req.method == "GET":
            return json_response({"requests": self.requests})
        if action == "faults":
            if req.method == "GET":
                return json_response({"faults": self.faults.pending()})
            if req.method == "DELETE":
                self.clear_faults()
                return json_response({})
            if req.method == "POST":
                try:
                    plan = json.loads(req.body or b"{}")
                    for name, kwargs in plan.items():
                        if name not in ("fail_next", "cut_stream_after", "cut_body_after", "delay"):
                            raise TypeError(f"unknown fault {name!r}")
                        getattr(self, name)(**(kwargs or {}))
                except (TypeError, ValueError, AttributeError) as exc:
                    raise errors.invalid_argument(f"Bad fault plan: {exc}") from None
                return json_response({"faults": self.faults.pending()})
        raise errors.not_found(f"No emulator control endpoint {req.method} {req.path}.")


class RemoteEmulator:
    """The same handle for an emulator in another process, driven by its control
    endpoints; ``stop()`` terminates the process when this handle started it."""

    def __init__(self, url: str, process: subprocess.Popen | None = None) -> None:
        self.url = url.rstrip("/")
        self.process = process

    def _call(self, method: str, action: str, payload: Any = None) -> Any:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(
            f"{self.url}/_emulator/{action}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"{}")

    def fail_next(
        self,
        n: int = 1,
        status: int = 429,
        retry_after: float | None = 1.5,
        path_contains: str | None = None,
        message: str | None = None,
    ) -> None:
        self._call(
            "POST",
            "faults",
            {
                "fail_next": {
                    "n": n,
                    "status": status,
                    "retry_after": retry_after,
                    "path_contains": path_contains,
                    "message": message,
                }
            },
        )

    def cut_stream_after(self, k: int, n: int = 1, path_contains: str | None = None) -> None:
        self._call(
            "POST", "faults", {"cut_stream_after": {"k": k, "n": n, "path_contains": path_contains}}
        )

    def cut_body_after(self, nbytes: int, n: int = 1, path_contains: str | None = None) -> None:
        self._call(
            "POST",
            "faults",
            {"cut_body_after": {"nbytes": nbytes, "n": n, "path_contains": path_contains}},
        )

    def delay(self, seconds: float, n: int = 1, path_contains: str | None = None) -> None:
        self._call(
            "POST",
            "faults",
            {"delay": {"seconds": seconds, "n": n, "path_contains": path_contains}},
        )

    def clear_faults(self) -> None:
        self._call("DELETE", "faults")

    def live_fault(self, kind: str, after: int = 1, n: int = 1, **options: Any) -> None:
        """Plan a Live API fault (``Emulator.live.fault``) in the child process."""
        self._call("POST", "live", {"fault": {"kind": kind, "after": after, "n": n, **options}})

    def reset(self) -> None:
        self._call("POST", "reset", {})

    @property
    def requests(self) -> list[dict[str, Any]]:
        return self._call("GET", "requests")["requests"]

    def health(self) -> dict[str, Any]:
        return self._call("GET", "health")

    def stop(self, timeout: float = 10.0) -> int | None:
        """Terminate the process (SIGTERM, then SIGKILL) and return its exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode

    def __enter__(self) -> RemoteEmulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def spawn(
    api_key: str | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    extra_args: list[str] | None = None,
    timeout: float = 30.0,
) -> RemoteEmulator:
    """Start ``python -m generativelanguage.emulator`` and wait until it listens."""
    env = dict(os.environ)
    env.pop(API_KEY_ENV, None)
    if api_key is not None:
        env[API_KEY_ENV] = api_key  # not on the command line, where `ps` would show it
    cmd = [
        sys.executable,
        "-m",
        "generativelanguage.emulator",
        "--host",
        host,
        "--port",
        str(port),
        *(extra_args or []),
    ]
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env, text=True)
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    try:
        if not selector.select(timeout):
            process.kill()
            raise RuntimeError(f"the emulator did not start within {timeout} s")
        line = process.stdout.readline()
    finally:
        selector.close()
    if not line.startswith(_BANNER):
        process.kill()
        raise RuntimeError(f"the emulator did not start: {line!r}")
    return RemoteEmulator(line[len(_BANNER) :].strip(), process)


@contextlib.contextmanager
def running(
    api_key: str | None = None, *, subprocess: bool = False, **options: Any
) -> Iterator[Any]:
    """Run an emulator on a free loopback port for the duration of a ``with`` block.

    Args:
        api_key: Require this API key (None: serve any request).
        subprocess: Run it as ``python -m generativelanguage.emulator`` in a child
            process (a ``RemoteEmulator`` handle) instead of a thread of this process.
        **options: ``Emulator`` options (``operation_polls``, ``stream_delay``, ``seed``).

    Yields:
        The handle: ``.url``, ``.fail_next()``, ``.cut_stream_after()``,
        ``.cut_body_after()``, ``.delay()``, ``.reset()``, ``.requests``.
    """
    if subprocess:
        args = []
        for key, value in options.items():
            args += [f"--{key.replace('_', '-')}", str(value)]
        handle = spawn(api_key, extra_args=args)
        try:
            yield handle
        finally:
            handle.stop()
        return
    emulator = Emulator(api_key=api_key, **options).start()
    try:
        yield emulator
    finally:
        emulator.stop()

"""The server side of RFC 6455 WebSockets over a socket the HTTP server accepted: the
opening handshake's answer, reading (masked) client frames and writing server frames.

Only the standard library: the emulator stays dependency-free. Fragmented messages,
pings and the closing handshake are handled; extensions (compression) are not
negotiated, which RFC 6455 section 9.1 allows.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import socket
import struct
import threading
from typing import Any

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 section 1.3

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


def accept_key(key: str) -> str:
    """``Sec-WebSocket-Accept`` for a client's ``Sec-WebSocket-Key``."""
    return base64.b64encode(hashlib.sha1(key.encode("ascii") + _GUID).digest()).decode("ascii")


def is_upgrade(headers: Any) -> bool:
    """Whether an HTTP request asks to open a WebSocket."""
    return (headers.get("Upgrade") or "").lower() == "websocket" and "upgrade" in (
        headers.get("Connection") or ""
    ).lower()


class Closed(Exception):
    """The peer closed (``code`` and ``reason`` of its close frame, 1005 for none) or
    the connection dropped (``code`` 1006)."""

    def __init__(self, code: int, reason: str = "") -> None:
        super().__init__(f"closed with {code} {reason}".strip())
        self.code = code
        self.reason = reason


class Connection:
    """One accepted WebSocket: ``receive()`` returns each text or binary message,
    ``send_text()`` and ``close()`` write; ``drop()`` cuts the TCP connection without a
    close frame (a fault the emulator plays on demand)."""

    def __init__(self, sock: socket.socket, rfile: Any) -> None:
        self.sock = sock
        self.rfile = rfile
        self._write_lock = threading.Lock()
        self.closed = False

    @classmethod
    def accept(cls, handler: Any) -> Connection:
        """Answer the opening handshake on a ``BaseHTTPRequestHandler``; 101 then frames."""
        key = handler.headers.get("Sec-WebSocket-Key") or ""
        handler.send_response(101, "Switching Protocols")
        handler.send_header("Upgrade", "websocket")
        handler.send_header("Connection", "Upgrade")
        handler.send_header("Sec-WebSocket-Accept", accept_key(key))
        handler.end_headers()
        handler.wfile.flush()
        handler.close_connection = True
        return cls(handler.connection, handler.rfile)

    def _read(self, n: int) -> bytes:
        data = self.rfile.read(n)
        if len(data) < n:
            raise Closed(1006, "connection dropped")
        return data

    def _frame(self) -> tuple[bool, int, bytes]:
        head = self._read(2)
        fin, opcode = bool(head[0] & 0x80), head[0] & 0x0F
        masked, length = bool(head[1] & 0x80), head[1] & 0x7F
        if length == 126:
            length = struct.unpack("!H", self._read(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", self._read(8))[0]
        mask = self._read(4) if masked else b""
        payload = self._read(length)
        if masked:
            # XOR with the repeated 4-byte mask, as one big-integer operation.
            repeated = (mask * (length // 4 + 1))[:length]
            value = int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")
            payload = value.to_bytes(length, "big")
        return fin, opcode, payload

    def receive(self) -> bytes:
        """The next data message (text or binary payload); answers pings on the way.

        Raises:
            Closed: The client closed (its close frame is answered) or dropped.
        """
        parts: list[bytes] = []
        try:
            while True:
                fin, opcode, payload = self._frame()
                if opcode == OP_PING:
                    self._write(OP_PONG, payload)
                    continue
                if opcode == OP_PONG:
                    continue
                if opcode == OP_CLOSE:
                    code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                    reason = payload[2:].decode("utf-8", "replace")
                    self.close(code if code != 1005 else 1000, wait=0)
                    raise Closed(code, reason)
                parts.append(payload)
                if fin:
                    return b"".join(parts)
        except OSError:
            raise Closed(1006, "connection dropped") from None

    def _write(self, opcode: int, payload: bytes) -> None:
        n = len(payload)
        if n < 126:
            head = struct.pack("!BB", 0x80 | opcode, n)
        elif n < 1 << 16:
            head = struct.pack("!BBH", 0x80 | opcode, 126, n)
        else:
            head = struct.pack("!BBQ", 0x80 | opcode, 127, n)
        with self._write_lock:
            self.sock.sendall(head + payload)

    def send_text(self, data: bytes) -> None:
        """One text message (``data`` is UTF-8 JSON)."""
        try:
            self._write(OP_TEXT, data)
        except OSError:
            raise Closed(1006, "connection dropped") from None

    def close(self, code: int = 1000, reason: str = "", wait: float = 2.0) -> None:
        """Send a close frame (once), then read until the client's close frame (at most
        ``wait`` seconds) before the TCP connection may be closed: closing it while the
        client still sends would answer with a reset, which makes the client's kernel
        discard what it had received but not yet read (RFC 6455 section 7.1.1)."""
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(OSError):
            self._write(OP_CLOSE, struct.pack("!H", code) + reason.encode("utf-8")[:120])
        if wait <= 0:
            return
        previous = self.sock.gettimeout()
        try:
            self.sock.settimeout(wait)
            while True:
                _, opcode, _ = self._frame()
                if opcode == OP_CLOSE:
                    return
        except (Closed, OSError):
            return
        finally:
            with contextlib.suppress(OSError):
                self.sock.settimeout(previous)

    def drop(self) -> None:
        """Cut the connection with no close frame (the client sees code 1006)."""
        self.closed = True
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)

"""A minimal keep-alive HTTP/1.1 server for the benchmarks (stdlib only).

Run as its own process so that it never competes with the client under test for the
GIL: ``python server.py --config FILE``. It prints ``PORT <n>`` once listening on
127.0.0.1, and exits when its standard input closes (the parent went away) or after
``--max-seconds``, whichever comes first.

Routes (method and headers are ignored, the request body is read and dropped):

* ``...:generateContent``                     fixed JSON body (``generate`` in the config)
* ``...:streamGenerateContent?alt=sse``       ``N`` SSE events, one HTTP chunk per event
* ``...:streamGenerateContent`` (no alt=sse)  the same ``N`` chunks as one JSON array,
  streamed element by element (the wire format of the GAPIC REST transport)
* ``.../interactions``                          an Interactions API stream: the recorded
  stream's events before its first delta, its deltas repeated to ``interaction_events``
  events in all, the events after its last delta, then ``data: [DONE]``; one HTTP chunk
  per event
* anything else                               ``{}``

``N`` comes from the model name: ``models/bench-ev2000`` streams 2000 events; the
events cycle through the ``events`` list of the config.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import threading

_EVENTS_IN_PATH = re.compile(rb"-ev(\d+)")


def _head(status: str, headers: list[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _chunk(payload: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(payload), payload)


class Responses:
    def __init__(self, config: dict) -> None:
        body = config["generate"].encode()
        self.generate = (
            _head(
                "200 OK",
                [
                    ("content-type", "application/json; charset=UTF-8"),
                    ("content-length", str(len(body))),
                ],
            )
            + body
        )
        empty = b"{}"
        self.empty = (
            _head("200 OK", [("content-type", "application/json"), ("content-length", "2")]) + empty
        )
        self.events = [e.encode() for e in config["events"]]
        self._sse: dict[int, bytes] = {}
        self._array: dict[int, bytes] = {}
        self.interactions = self._interactions(
            [f.encode() for f in config.get("interactions") or []],
            int(config.get("interaction_events") or 0),
        )

    @staticmethod
    def _interactions(frames: list[bytes], n: int) -> bytes:
        if not frames:
            return b""
        deltas = [i for i, f in enumerate(frames) if b".delta" in f.split(b"\n", 1)[0]]
        head, tail = frames[: deltas[0]], frames[deltas[-1] + 1 :]
        middle = [frames[i] for i in deltas]
        body = head + [middle[i % len(middle)] for i in range(max(0, n - len(head) - len(tail)))]
        body += tail + [b"event: done\ndata: [DONE]\n\n"]
        parts = [
            _head(
                "200 OK", [("content-type", "text/event-stream"), ("transfer-encoding", "chunked")]
            )
        ]
        parts += [_chunk(f) for f in body]
        parts.append(b"0\r\n\r\n")
        return b"".join(parts)

    def sse(self, n: int) -> bytes:
        out = self._sse.get(n)
        if out is None:
            parts = [
                _head(
                    "200 OK",
                    [
                        ("content-type", "text/event-stream"),
                        ("transfer-encoding", "chunked"),
                    ],
                )
            ]
            # The recorded stream's events over and over, ending with its own last one
            # (the chunk with finishReason): a stream without it was cut short, and
            # clients that check (ours does) would raise.
            ev = self.events
            for i in range(n):
                event = ev[-1] if i == n - 1 else ev[i % len(ev)]
                parts.append(_chunk(b"data: " + event + b"\r\n\r\n"))
            parts.append(b"0\r\n\r\n")
            out = self._sse[n] = b"".join(parts)
        return out

    def array(self, n: int) -> bytes:
        out = self._array.get(n)
        if out is None:
            parts = [
                _head(
                    "200 OK",
                    [
                        ("content-type", "application/json; charset=UTF-8"),
                        ("transfer-encoding", "chunked"),
                    ],
                )
            ]
            ev = self.events
            for i in range(n):
                event = ev[-1] if i == n - 1 else ev[i % len(ev)]  # ends as the SSE form does
                parts.append(_chunk((b"[" if i == 0 else b",\r\n") + event))
            parts.append(_chunk(b"]"))
            parts.append(b"0\r\n\r\n")
            out = self._array[n] = b"".join(parts)
        return out

    def route(self, target: bytes) -> bytes:
        path, _, query = target.partition(b"?")
        if path.endswith(b":generateContent"):
            return self.generate
        if path.endswith(b"/interactions"):
            return self.interactions or self.empty
        if path.endswith(b":streamGenerateContent"):
            m = _EVENTS_IN_PATH.search(path)
            n = int(m.group(1)) if m else 2000
            return self.sse(n) if b"alt=sse" in query else self.array(n)
        return self.empty


class HTTPProtocol(asyncio.Protocol):
    """Parses pipelined/keep-alive requests with Content-Length or chunked bodies."""

    def __init__(self, responses: Responses) -> None:
        self.responses = responses
        self.buf = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        buf = self.buf
        buf += data
        while True:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buf[:end])
            lines = head.split(b"\r\n")
            try:
                _method, target, _version = lines[0].split(b" ", 2)
            except ValueError:
                self.transport.close()
                return
            length = 0
            chunked = False
            close = False
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"transfer-encoding" and b"chunked" in value.lower():
                    chunked = True
                elif name == b"connection" and b"close" in value.lower():
                    close = True
            pos = end + 4
            if chunked:
                consumed = self._chunked_length(buf, pos)
                if consumed is None:
                    return
                pos = consumed
            else:
                if len(buf) < pos + length:
                    return
                pos += length
            del buf[:pos]
            self.transport.write(self.responses.route(target))
            if close:
                self.transport.close()
                return

    @staticmethod
    def _chunked_length(buf: bytearray, pos: int) -> int | None:
        """Offset just past a complete chunked body starting at ``pos``, or None."""
        while True:
            eol = buf.find(b"\r\n", pos)
            if eol < 0:
                return None
            size = int(bytes(buf[pos:eol]).split(b";")[0], 16)
            pos = eol + 2
            if size == 0:
                # trailers end with an empty line
                end = buf.find(b"\r\n", pos)
                while end >= 0 and end != pos:
                    pos = end + 2
                    end = buf.find(b"\r\n", pos)
                if end < 0:
                    return None
                return end + 2
            if len(buf) < pos + size + 2:
                return None
            pos += size + 2


async def _main(config: dict, host: str, port: int, max_seconds: float) -> None:
    responses = Responses(config)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: HTTPProtocol(responses), host, port, reuse_address=True, backlog=256
    )
    bound = server.sockets[0].getsockname()[1]
    print(f"PORT {bound}", flush=True)
    stop = asyncio.Event()

    def watch_stdin() -> None:
        try:
            sys.stdin.buffer.read()
        finally:
            loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=watch_stdin, daemon=True).start()
    try:
        await asyncio.wait_for(stop.wait(), timeout=max_seconds)
    except asyncio.TimeoutError:
        pass
    server.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--max-seconds", type=float, default=1800.0)
    args = parser.parse_args()
    with open(args.config, encoding="utf-8") as f:
        config = json.load(f)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("the benchmark server listens on loopback only")
    asyncio.run(_main(config, args.host, args.port, args.max_seconds))
    os._exit(0)


if __name__ == "__main__":
    main()

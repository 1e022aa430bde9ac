"""Soak (``make soak``, opt-in): 10,000 requests and 1,000 streams on one client of each
kind (sync and async, httpx and httpx2) against the fault server on 127.0.0.1, with 1 in
100 requests answered 503 (retried) and 1 in 50 streams cut (StreamInterruptedError).
Resident memory, open descriptors and threads are measured after a warm-up and at the
end; they must be flat. ``--write`` puts the figures into docs/RELIABILITY.md.

    python -m tests.soak [--requests N] [--streams N] [--write]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import sys
import threading
import time
from pathlib import Path
from typing import Any

from generativelanguage.runtime import errors
from generativelanguage.runtime.options import RetryPolicy
from generativelanguage.v1beta import AsyncClient, Client
from tests.faults.report import DOC, replace_section
from tests.support import faultserver as fs

KEY = "AIzaSySOAK-not-a-real-key-000000"
BODY = {"contents": [{"parts": [{"text": "hello"}]}]}
OK = json.dumps(
    {"candidates": [{"content": {"parts": [{"text": "hi"}]}, "finishReason": "STOP"}]}
).encode()
BUSY = json.dumps({"error": {"code": 503, "status": "UNAVAILABLE", "message": "busy"}}).encode()
POLICY = RetryPolicy(initial_backoff=0.001, max_backoff=0.002, deadline=30)
CONCURRENCY = 8
START, END = "<!-- soak:start -->", "<!-- soak:end -->"
#: Growth of resident memory from the warm-up to the end that still counts as flat.
RSS_SLACK = 16 * 2**20


def event(i: int, final: bool) -> bytes:
    candidate: dict[str, Any] = {"content": {"parts": [{"text": f"part {i} "}]}}
    if final:
        candidate["finishReason"] = "STOP"
    return f"data: {json.dumps({'candidates': [candidate]})}\r\n\r\n".encode()


def stream_reply(n: int, cut: bool = False) -> dict:
    body = b"".join(event(i, final=not cut and i == n - 1) for i in range(n))
    headers = {"content-type": "text/event-stream", "transfer-encoding": "chunked"}
    return fs.step(fs.send(fs.head(200, headers) + fs.chunk(body) + fs.LAST_CHUNK))


UNARY = [fs.respond(200, OK)] * 99 + [fs.respond(503, BUSY)]
STREAMS = [stream_reply(5)] * 49 + [stream_reply(3, cut=True)]


def measure() -> dict[str, int]:
    gc.collect()
    rss = 0
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) * 1024
    return {
        "rss": rss,
        "fds": len(os.listdir("/proc/self/fd")),
        "threads": threading.active_count(),
    }


class Counts:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.ok = 0
        self.streams = 0
        self.chunks = 0
        self.interrupted = 0
        self.failed: list[str] = []


def soak_sync(backend: str, session: fs.Session, requests: int, streams: int) -> dict:
    counts = Counts()
    client = Client(api_key=KEY, base_url=session.url, http_backend=backend, retry=POLICY)

    def unary(n: int) -> None:
        for _ in range(n):
            try:
                client.models.generate_content("gemini-x", body=BODY)
                counts.ok += 1
            except errors.GenerativeLanguageError as exc:
                counts.failed.append(repr(exc))

    def stream(n: int) -> None:
        for _ in range(n):
            try:
                with client.models.stream_generate_content("gemini-x", body=BODY) as s:
                    counts.chunks += sum(1 for _ in s)
                counts.streams += 1
            except errors.StreamInterruptedError as exc:
                counts.interrupted += 1
                counts.chunks += len(exc.chunks)
            except errors.GenerativeLanguageError as exc:
                counts.failed.append(repr(exc))

    return run_phases(session, counts, unary, stream, requests, streams, client.close)


def soak_async(backend: str, session: fs.Session, requests: int, streams: int) -> dict:
    async def main() -> dict:
        counts = Counts()
        client = AsyncClient(api_key=KEY, base_url=session.url, http_backend=backend, retry=POLICY)

        async def unary_worker(n: int) -> None:
            for _ in range(n):
                try:
                    await client.models.generate_content("gemini-x", body=BODY)
                    counts.ok += 1
                except errors.GenerativeLanguageError as exc:
                    counts.failed.append(repr(exc))

        async def stream_worker(n: int) -> None:
            for _ in range(n):
                try:
                    stream = await client.models.stream_generate_content("gemini-x", body=BODY)
                    async with stream as s:
                        n = len([c async for c in s])  # (not `+=` across awaits: racy)
                    counts.chunks += n
                    counts.streams += 1
                except errors.StreamInterruptedError as exc:
                    counts.interrupted += 1
                    counts.chunks += len(exc.chunks)
                except errors.GenerativeLanguageError as exc:
                    counts.failed.append(repr(exc))

        async def fan_out(worker: Any, n: int) -> None:
            share = [n // CONCURRENCY + (i < n % CONCURRENCY) for i in range(CONCURRENCY)]
            await asyncio.gather(*(worker(k) for k in share if k))

        phases: dict[str, Any] = {}
        await fan_out(unary_worker, 200)
        session.rescript(*STREAMS, cycle=True)
        await fan_out(stream_worker, 20)
        session.rescript(*UNARY, cycle=True)
        counts.reset()
        phases["start"] = measure()
        started = time.monotonic()
        await fan_out(unary_worker, requests)
        unary_s = time.monotonic() - started
        session.rescript(*STREAMS, cycle=True)
        started = time.monotonic()
        await fan_out(stream_worker, streams)
        stream_s = time.monotonic() - started
        phases["end"] = measure()
        await client.close()
        return summary(counts, phases, unary_s, stream_s, requests, streams)

    return asyncio.run(main())


def run_phases(session, counts, unary, stream, requests, streams, close) -> dict:
    phases: dict[str, Any] = {}
    unary(200)  # warm-up: pools, caches, lazy imports
    session.rescript(*STREAMS, cycle=True)
    stream(20)
    session.rescript(*UNARY, cycle=True)
    counts.reset()
    phases["start"] = measure()
    started = time.monotonic()
    unary(requests)
    unary_s = time.monotonic() - started
    session.rescript(*STREAMS, cycle=True)
    started = time.monotonic()
    stream(streams)
    stream_s = time.monotonic() - started
    phases["end"] = measure()
    close()
    return summary(counts, phases, unary_s, stream_s, requests, streams)


def summary(counts, phases, unary_s, stream_s, requests, streams) -> dict:
    return {
        "requests_ok": counts.ok,
        "requests": requests,
        "streams_ok": counts.streams,
        "streams_interrupted": counts.interrupted,
        "streams": streams,
        "chunks": counts.chunks,
        "failed": counts.failed[:5],
        "failures": len(counts.failed),
        "unary_s": round(unary_s, 1),
        "stream_s": round(stream_s, 1),
        **{f"{k}_{when}": v for when, m in phases.items() for k, v in m.items()},
    }


def render(results: dict[str, dict], total: float, requests: int, streams: int) -> str:
    lines = [
        f"{requests:,} requests (1 in 100 answered 503 and retried) and {streams:,} streams "
        f"(5 events each; 1 in 50 cut and raising StreamInterruptedError) per client, "
        f"sequential for sync clients, {CONCURRENCY} tasks for async ones; "
        f"{total:.0f} s in all (`make soak`, {platform.python_implementation()} "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}). Measured after a "
        "warm-up of 200 requests and 20 streams, and at the end.",
        "",
        "| client | requests ok | streams ok / interrupted | chunks | other errors | time "
        "(requests, streams) | RSS start -> end | descriptors start -> end | threads start "
        "-> end |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for kind, r in results.items():
        lines.append(
            f"| {kind} | {r['requests_ok']:,} / {r['requests']:,} | {r['streams_ok']:,} / "
            f"{r['streams_interrupted']:,} | {r['chunks']:,} | {r['failures']} | {r['unary_s']} s, "
            f"{r['stream_s']} s | {r['rss_start'] / 2**20:.1f} -> {r['rss_end'] / 2**20:.1f} MiB "
            f"| {r['fds_start']} -> {r['fds_end']} | {r['threads_start']} -> "
            f"{r['threads_end']} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--streams", type=int, default=1_000)
    parser.add_argument("--write", action="store_true", help="update docs/RELIABILITY.md")
    args = parser.parse_args()
    server = fs.FaultServer().start()
    results: dict[str, dict] = {}
    started = time.monotonic()
    try:
        for mode, runner in (("sync", soak_sync), ("async", soak_async)):
            for backend in ("httpx", "httpx2"):
                session = server.script(*UNARY, cycle=True)
                kind = f"{backend} {mode}"
                results[kind] = runner(backend, session, args.requests, args.streams)
                print(kind, json.dumps(results[kind]), flush=True)
    finally:
        server.stop()
    total = time.monotonic() - started
    text = render(results, total, args.requests, args.streams)
    print(text)
    out = Path(".tmp")
    out.mkdir(exist_ok=True)
    (out / "soak.json").write_text(json.dumps(results, indent=1))
    if args.write:
        DOC.write_text(replace_section(DOC.read_text(), START, END, text))
        print(f"wrote {DOC}")
    bad = [
        kind
        for kind, r in results.items()
        if r["failures"]
        or r["fds_end"] != r["fds_start"]
        or r["threads_end"] != r["threads_start"]
        or r["rss_end"] - r["rss_start"] > RSS_SLACK
        or r["requests_ok"] != r["requests"]
        or r["streams_ok"] + r["streams_interrupted"] != r["streams"]
    ]
    if bad:
        print(f"not flat or not clean: {', '.join(bad)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Per-request overhead and SSE throughput against the local server (server.py), which
runs as a separate process so it never shares the GIL with the client under test."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec

from . import peers
from .common import Results, Series, log, perf, round_robin

SERVER = Path(__file__).with_name("server.py")
API_KEY = "bench-key"


class LocalServer:
    def __init__(
        self,
        generate_body: str,
        events: list[str],
        interactions: list[str] | None = None,
        interaction_events: int = 0,
    ) -> None:
        self._cfg = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        config = {
            "generate": generate_body,
            "events": events,
            "interactions": interactions or [],
            "interaction_events": interaction_events,
        }
        json.dump(config, self._cfg)
        self._cfg.close()
        self.proc = subprocess.Popen(
            [sys.executable, str(SERVER), "--config", self._cfg.name, "--max-seconds", "1800"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.proc.stdout.readline()
        if not line.startswith("PORT "):
            self.close()
            raise RuntimeError(f"benchmark server did not start: {line!r}")
        self.port = int(line.split()[1])
        self.url = f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()  # the server exits when its stdin closes
                self.proc.wait(timeout=10)
            except Exception:
                self.proc.kill()
                self.proc.wait()
        os.unlink(self._cfg.name)

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Contenders:
    """Builds every client once, on one persistent event loop for the async ones."""

    def __init__(self, base_url: str, wire: dict) -> None:
        import httpx
        import httpx2

        import generativelanguage.v1beta as v1beta
        from generativelanguage.runtime import structs

        self.loop = asyncio.new_event_loop()
        self.base = base_url
        self.wire = wire
        self.struct = structs.to_struct(v1beta.types.GenerateContentRequest, wire)
        self.GCR = v1beta.types.GenerateContentResponse
        self.headers = {"x-goog-api-key": API_KEY}
        self.closers: list[Callable[[], Any]] = []
        self.ours = {
            "httpx": v1beta.Client(api_key=API_KEY, base_url=base_url, http_backend="httpx"),
            "httpx2": v1beta.Client(api_key=API_KEY, base_url=base_url, http_backend="httpx2"),
        }
        self.raw = {"httpx": httpx.Client(), "httpx2": httpx2.Client()}

        async def make_async():
            return (
                {
                    "httpx": v1beta.AsyncClient(
                        api_key=API_KEY, base_url=base_url, http_backend="httpx"
                    ),
                    "httpx2": v1beta.AsyncClient(
                        api_key=API_KEY, base_url=base_url, http_backend="httpx2"
                    ),
                },
                {"httpx": httpx.AsyncClient(), "httpx2": httpx2.AsyncClient()},
            )

        self.ours_async, self.raw_async = self.loop.run_until_complete(make_async())
        self.genai = {b: peers.genai_client(base_url, backend=b) for b in ("httpx2", "httpx")}
        self.genai_contents, self.genai_config = peers.genai_params(wire)
        self.gapic = peers.gapic_client(base_url)
        self.gapic_request = peers.gapic_request(wire) if self.gapic else None

    def url(self, model: str, method: str) -> str:
        return f"{self.base}/v1beta/{model}:{method}"

    # -- one generateContent call per contender ------------------------------------

    def sequential(self) -> dict[str, tuple[Callable[[int], float], str]]:
        wire, struct, GCR, h = self.wire, self.struct, self.GCR, self.headers
        url = self.url("models/bench", "generateContent")
        out: dict[str, tuple[Callable[[int], float], str]] = {}

        def sync(fn):
            def run(n: int) -> float:
                t0 = perf()
                for _ in range(n):
                    fn()
                return perf() - t0

            return run

        def aio(make):
            async def go(n):
                t0 = perf()
                for _ in range(n):
                    await make()
                return perf() - t0

            return lambda n: self.loop.run_until_complete(go(n))

        for b, c in self.ours.items():
            m = c.models
            out[f"ours sync · {b} · dict body"] = (
                sync(lambda m=m: m.generate_content("models/bench", body=wire)),
                "Client.models.generate_content(body=dict) -> GenerateContentResponse Struct",
            )
            out[f"ours sync · {b} · Struct body"] = (
                sync(lambda m=m: m.generate_content("models/bench", body=struct)),
                "body given as a GenerateContentRequest Struct",
            )
        for b, c in self.ours_async.items():
            m = c.models
            out[f"ours async · {b} · dict body"] = (
                aio(lambda m=m: m.generate_content("models/bench", body=wire)),
                "AsyncClient, one request at a time",
            )
        for b, c in self.raw.items():
            out[f"raw {b} sync + json"] = (
                sync(lambda c=c: c.post(url, json=wire, headers=h).json()),
                "client.post(url, json=dict).json()",
            )
        rc = self.raw["httpx"]
        enc, dec = msgspec.json.encode, msgspec.json.decode
        hj = {**h, "content-type": "application/json"}
        out["raw httpx sync + msgspec Structs"] = (
            sync(lambda: dec(rc.post(url, content=enc(struct), headers=hj).content, type=GCR)),
            "msgspec.json.encode(Struct) / msgspec.json.decode(type=GenerateContentResponse)",
        )
        for b, c in self.raw_async.items():

            async def call(c=c):
                r = await c.post(url, json=wire, headers=h)
                return r.json()

            out[f"raw {b} async + json"] = (aio(call), "AsyncClient.post(json=dict).json()")
        contents, config = self.genai_contents, self.genai_config
        for b, g in self.genai.items():
            if g is None:
                continue
            out[f"google-genai sync · {b}"] = (
                sync(
                    lambda g=g: g.models.generate_content(
                        model="bench", contents=contents, config=config
                    )
                ),
                "client.models.generate_content(contents=dicts, config=dict)",
            )
            out[f"google-genai aio · {b}"] = (
                aio(
                    lambda g=g: g.aio.models.generate_content(
                        model="bench", contents=contents, config=config
                    )
                ),
                "client.aio.models.generate_content, one request at a time",
            )
        if self.gapic is not None:
            gc, req = self.gapic, self.gapic_request
            out["GAPIC sync · REST (requests)"] = (
                sync(lambda: gc.generate_content(request=req)),
                "GenerativeServiceClient(transport='rest').generate_content(request=proto)",
            )
        return out

    # -- 16 requests in flight ----------------------------------------------------

    def concurrent(self, in_flight: int) -> dict[str, tuple[Callable[[int], float], str]]:
        wire, h = self.wire, self.headers
        url = self.url("models/bench", "generateContent")
        out = {}

        def fan(make):
            async def go(n):
                per = max(1, n // in_flight)

                async def worker():
                    for _ in range(per):
                        await make()

                t0 = perf()
                await asyncio.gather(*(worker() for _ in range(in_flight)))
                return (perf() - t0) * n / (per * in_flight)

            return lambda n: self.loop.run_until_complete(go(n))

        for b, c in self.ours_async.items():
            m = c.models
            out[f"ours async · {b}"] = (
                fan(lambda m=m: m.generate_content("models/bench", body=wire)),
                "AsyncClient.models.generate_content(body=dict)",
            )
        for b, c in self.raw_async.items():

            async def call(c=c):
                r = await c.post(url, json=wire, headers=h)
                return r.json()

            out[f"raw {b} async + json"] = (fan(call), "AsyncClient.post(json=dict).json()")
        contents, config = self.genai_contents, self.genai_config
        for b, g in self.genai.items():
            if g is None:
                continue
            out[f"google-genai aio · {b}"] = (
                fan(
                    lambda g=g: g.aio.models.generate_content(
                        model="bench", contents=contents, config=config
                    )
                ),
                "client.aio.models.generate_content",
            )
        return out

    # -- streams ------------------------------------------------------------------

    def streams(self, events: int) -> dict[str, tuple[Callable[[int], float], str]]:
        wire, GCR, h = self.wire, self.GCR, self.headers
        model = f"models/bench-ev{events}"
        url = self.url(model, "streamGenerateContent") + "?alt=sse"
        out = {}

        def sync(count):
            def run(n: int) -> float:
                t0 = perf()
                for _ in range(n):
                    got = count()
                    if got != events:
                        raise RuntimeError(f"expected {events} events, got {got}")
                return perf() - t0

            return run

        def aio(count):
            async def go(n):
                t0 = perf()
                for _ in range(n):
                    got = await count()
                    if got != events:
                        raise RuntimeError(f"expected {events} events, got {got}")
                return perf() - t0

            return lambda n: self.loop.run_until_complete(go(n))

        for b, c in self.ours.items():

            def ours(m=c.models):
                k = 0
                for _ in m.stream_generate_content(model, body=wire):
                    k += 1
                return k

            out[f"ours sync · {b}"] = (sync(ours), "Client.models.stream_generate_content")
        for b, c in self.ours_async.items():

            async def ours_a(m=c.models):
                k = 0
                async for _ in await m.stream_generate_content(model, body=wire):
                    k += 1
                return k

            out[f"ours async · {b}"] = (aio(ours_a), "AsyncClient.models.stream_generate_content")
        loads = json.loads
        for b, c in self.raw.items():

            def raw(c=c):
                k = 0
                with c.stream("POST", url, json=wire, headers=h) as r:
                    for line in r.iter_lines():
                        if line.startswith("data: "):
                            loads(line[6:])
                            k += 1
                return k

            out[f"raw {b} sync iter_lines + json"] = (
                sync(raw),
                "client.stream(); iter_lines(); json.loads(line[6:])",
            )
        dec = msgspec.json.Decoder(GCR).decode
        rc = self.raw["httpx"]

        def raw_msgspec():
            k = 0
            with rc.stream("POST", url, json=wire, headers=h) as r:
                for line in r.iter_lines():
                    if line.startswith("data: "):
                        dec(line[6:])
                        k += 1
            return k

        out["raw httpx sync iter_lines + msgspec Struct"] = (
            sync(raw_msgspec),
            "iter_lines(); msgspec Decoder(GenerateContentResponse)",
        )
        for b, c in self.raw_async.items():

            async def raw_a(c=c):
                k = 0
                async with c.stream("POST", url, json=wire, headers=h) as r:
                    async for line in r.aiter_lines():
                        if line.startswith("data: "):
                            loads(line[6:])
                            k += 1
                return k

            out[f"raw {b} async aiter_lines + json"] = (aio(raw_a), "aiter_lines(); json.loads")
        contents, config = self.genai_contents, self.genai_config
        for b, g in self.genai.items():
            if g is None:
                continue

            def gen(g=g):
                k = 0
                for _ in g.models.generate_content_stream(
                    model=model.split("/", 1)[1], contents=contents, config=config
                ):
                    k += 1
                return k

            out[f"google-genai sync · {b}"] = (sync(gen), "client.models.generate_content_stream")
            if b == "httpx2":

                async def gen_a(g=g):
                    k = 0
                    async for _ in await g.aio.models.generate_content_stream(
                        model=model.split("/", 1)[1], contents=contents, config=config
                    ):
                        k += 1
                    return k

                out[f"google-genai aio · {b}"] = (
                    aio(gen_a),
                    "client.aio.models.generate_content_stream",
                )
        if self.gapic is not None:
            gc = self.gapic
            req = peers.gapic_request(wire, model=model)

            def gap():
                k = 0
                for _ in gc.stream_generate_content(request=req):
                    k += 1
                return k

            out["GAPIC sync · REST stream (JSON array)"] = (
                sync(gap),
                "stream_generate_content over REST: the GAPIC asks for a streamed JSON "
                "array (no SSE support), which the server sends chunk by chunk",
            )
        return out

    # -- Interactions API streams -----------------------------------------------------

    def interaction_streams(self, events: int) -> dict[str, tuple[Callable[[int], float], str]]:
        """One ``interactions.create`` stream of ``events`` events per contender call."""
        body = {"model": "gemini-2.5-flash", "input": "Tell me a short joke about programming."}
        url = f"{self.base}/v1beta/interactions"
        h = self.headers
        out = {}

        def sync(count):
            def run(n: int) -> float:
                t0 = perf()
                for _ in range(n):
                    got = count()
                    if got != events:
                        raise RuntimeError(f"expected {events} events, got {got}")
                return perf() - t0

            return run

        def aio(count):
            async def go(n):
                t0 = perf()
                for _ in range(n):
                    got = await count()
                    if got != events:
                        raise RuntimeError(f"expected {events} events, got {got}")
                return perf() - t0

            return lambda n: self.loop.run_until_complete(go(n))

        for b, c in self.ours.items():

            def ours(i=c.interactions):
                k = 0
                for _ in i.create_stream(body=body):
                    k += 1
                return k

            out[f"ours sync · {b}"] = (sync(ours), "Client.interactions.create_stream")
        for b, c in self.ours_async.items():

            async def ours_a(i=c.interactions):
                k = 0
                async for _ in await i.create_stream(body=body):
                    k += 1
                return k

            out[f"ours async · {b}"] = (aio(ours_a), "AsyncClient.interactions.create_stream")
        loads = json.loads
        wire = {**body, "stream": True}
        for b, c in self.raw.items():

            def raw(c=c):
                k = 0
                with c.stream("POST", url, json=wire, headers=h) as r:
                    for line in r.iter_lines():
                        if line.startswith("data: "):
                            if line == "data: [DONE]":
                                break
                            loads(line[6:])
                            k += 1
                return k

            out[f"raw {b} sync iter_lines + json"] = (
                sync(raw),
                "client.stream(); iter_lines(); json.loads(line[6:]) until data: [DONE]",
            )
        for b, c in self.raw_async.items():

            async def raw_a(c=c):
                k = 0
                async with c.stream("POST", url, json=wire, headers=h) as r:
                    async for line in r.aiter_lines():
                        if line.startswith("data: "):
                            if line == "data: [DONE]":
                                break
                            loads(line[6:])
                            k += 1
                return k

            out[f"raw {b} async aiter_lines + json"] = (aio(raw_a), "aiter_lines(); json.loads")
        for b, g in self.genai.items():
            if g is None or not hasattr(g, "interactions"):
                continue

            def gen(g=g):
                k = 0
                for _ in g.interactions.create(stream=True, **body):
                    k += 1
                return k

            out[f"google-genai sync · {b}"] = (sync(gen), "client.interactions.create(stream=True)")
            if b == "httpx2":

                async def gen_a(g=g):
                    k = 0
                    async for _ in await g.aio.interactions.create(stream=True, **body):
                        k += 1
                    return k

                out[f"google-genai aio · {b}"] = (
                    aio(gen_a),
                    "client.aio.interactions.create(stream=True)",
                )
        return out

    def close(self) -> None:
        for c in self.ours.values():
            c.close()
        for c in self.raw.values():
            c.close()

        async def aclose():
            for c in self.ours_async.values():
                await c.close()
            for c in self.raw_async.values():
                await c.aclose()

        self.loop.run_until_complete(aclose())
        self.loop.close()


def _split(specs):
    return {k: v[0] for k, v in specs.items()}, {k: v[1] for k, v in specs.items()}


def http_suite(
    generate_body: str,
    events: list[str],
    wire: dict,
    results: Results,
    *,
    reps: int,
    batch: float,
    n_events: int,
    sse_reps: int,
    in_flight: int = 16,
    interactions: tuple[list[str], str] | None = None,
) -> None:
    frames, source = interactions or ([], "")
    with LocalServer(generate_body, events, frames, n_events) as server:
        log(f"  server on {server.url} (pid {server.proc.pid})")
        cs = Contenders(server.url, wire)
        try:
            runs, notes = _split(cs.sequential())
            g = "request/sequential"
            results.group_notes[g] = (
                f"generateContent against 127.0.0.1, {len(generate_body.encode()):,}-byte "
                f"recorded response, keep-alive; one request at a time"
            )
            round_robin(g, runs, reps=reps, batch_seconds=batch, results=results, notes=notes)

            runs, notes = _split(cs.concurrent(in_flight))
            g = f"request/{in_flight} in flight"
            results.group_notes[g] = (
                f"{in_flight} asyncio tasks sharing one client; time per request = "
                "elapsed / requests"
            )
            round_robin(g, runs, reps=reps, batch_seconds=batch * 2, results=results, notes=notes)

            runs, notes = _split(cs.streams(n_events))
            g = "sse/events"
            results.group_notes[g] = (
                f"one streamGenerateContent of {n_events} events per sample (real recorded "
                "events, one HTTP chunk each); time per event"
            )
            series = round_robin(
                g, runs, reps=sse_reps, batch_seconds=0, fixed_n=1, results=results, notes=notes
            )
            for s in series.values():
                s.samples = [x / n_events for x in s.samples]
                s.ops_per_sample = n_events

            if frames:
                runs, notes = _split(cs.interaction_streams(n_events))
                g = "sse/interactions events"
                results.group_notes[g] = (
                    f"one interactions.create stream of {n_events} events per sample (event:-"
                    f"named events of a real recorded stream, {source}, its deltas repeated; "
                    "one HTTP chunk each, ending with data: [DONE]); time per event"
                )
                series = round_robin(
                    g, runs, reps=sse_reps, batch_seconds=0, fixed_n=1, results=results, notes=notes
                )
                for s in series.values():
                    s.samples = [x / n_events for x in s.samples]
                    s.ops_per_sample = n_events
        finally:
            cs.close()


__all__ = ["http_suite", "LocalServer", "Series"]

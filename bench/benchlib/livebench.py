"""The Live API over WebSocket against the emulator (a separate process): per-turn round
trip and audio chunks per second, ours (sync and async) vs raw ``websockets`` sending the
same JSON (the floor) vs google-genai's live client, in one interleaved run."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from typing import Any

import msgspec

from .common import Results, log, perf, round_robin

MODEL = "gemini-live-2.5-flash"
API_KEY = "bench-key"
#: 20 ms of 16 kHz 16-bit mono PCM, a typical microphone chunk.
CHUNK = bytes(range(256)) * 2 + bytes(128)
AUDIO_MIME = "audio/pcm;rate=16000"
TURN = {
    "clientContent": {
        "turns": [{"role": "user", "parts": [{"text": "ping"}]}],
        "turnComplete": True,
    }
}
LIMITATIONS = [
    "google-genai's live client always connects with wss:// (it rewrites the base URL's "
    "scheme); for the loopback emulator, which speaks plain ws://, the benchmark replaces "
    "its _websocket_base_url to keep the scheme ws:// and empties its TLS arguments. "
    "Nothing per message changes.",
    "google-genai has no blocking live client; its row is in the async groups only.",
    "Audio throughput includes the emulator's own work per message (a separate process); "
    "when the emulator is the slower side, every contender converges to its rate.",
]


def _path(url: str) -> str:
    return url.replace("http://", "ws://") + (
        "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
    )


class Contenders:
    """One open session per contender, built once; async ones on one event loop."""

    def __init__(self, url: str) -> None:
        from websockets.sync.client import connect as sync_connect

        from generativelanguage.v1beta import AsyncClient, Client

        self.loop = asyncio.new_event_loop()
        self.url = url
        self.closers: list[Callable[[], Any]] = []
        self.client = Client(api_key=API_KEY, base_url=url)
        self.ours = self.client.live.connect(MODEL)
        self.closers.append(self.ours.close)
        setup = msgspec.json.encode({"setup": {"model": f"models/{MODEL}"}}).decode()
        self.raw = sync_connect(_path(url), additional_headers={"x-goog-api-key": API_KEY})
        self.raw.send(setup)
        self.raw.recv()
        self.closers.append(self.raw.close)

        async def make() -> tuple[Any, Any, Any, Any]:
            from websockets.asyncio.client import connect

            aclient = AsyncClient(api_key=API_KEY, base_url=url)
            ours = await aclient.live.connect(MODEL).__aenter__()
            raw = await connect(_path(url), additional_headers={"x-goog-api-key": API_KEY})
            await raw.send(setup)
            await raw.recv()
            return aclient, ours, raw, await self._genai()

        self.aclient, self.aours, self.araw, self.genai = self.loop.run_until_complete(make())

    async def _genai(self) -> Any:
        try:
            from google import genai
            from google.genai import _api_client
        except ImportError as exc:
            log(f"  live: google-genai unavailable: {exc}")
            return None
        # Plain ws:// for the loopback emulator (see LIMITATIONS).
        _api_client.BaseApiClient._websocket_base_url = lambda self, *a, **k: (  # type: ignore[method-assign]
            self._http_options.base_url.rstrip("/").replace("http://", "ws://")
        )
        client = genai.Client(
            api_key=API_KEY, http_options={"base_url": self.url, "api_version": "v1beta"}
        )
        # ...and no TLS context for it (its handshake would refuse one with ws://).
        client._api_client._websocket_ssl_ctx = {}
        manager = client.aio.live.connect(model=MODEL, config={"response_modalities": ["TEXT"]})
        try:
            session = await manager.__aenter__()
        except Exception as exc:  # reported, the other contenders still run
            log(f"  live: google-genai could not connect: {type(exc).__name__}: {exc}")
            return None
        self._genai_manager = manager
        return session

    # Each sample starts on a fresh session (untimed): the emulator keeps a session's
    # history, and answering takes longer as it grows, so every contender must measure
    # the same turns of a conversation.

    def fresh_ours(self) -> Any:
        self.ours.close()
        self.ours = self.client.live.connect(MODEL)
        return self.ours

    def fresh_raw(self) -> Any:
        from websockets.sync.client import connect as sync_connect

        self.raw.close()
        self.raw = sync_connect(_path(self.url), additional_headers={"x-goog-api-key": API_KEY})
        self.raw.send(msgspec.json.encode({"setup": {"model": f"models/{MODEL}"}}).decode())
        self.raw.recv()
        return self.raw

    async def afresh_ours(self) -> Any:
        await self.aours.close()
        self.aours = await self.aclient.live.connect(MODEL).__aenter__()
        return self.aours

    async def afresh_raw(self) -> Any:
        from websockets.asyncio.client import connect

        await self.araw.close()
        self.araw = await connect(_path(self.url), additional_headers={"x-goog-api-key": API_KEY})
        await self.araw.send(msgspec.json.encode({"setup": {"model": f"models/{MODEL}"}}).decode())
        await self.araw.recv()
        return self.araw

    async def afresh_genai(self) -> Any:
        await self._genai_manager.__aexit__(None, None, None)
        self.genai = await self._genai()
        return self.genai

    def close(self) -> None:
        self.closers = [lambda: self.ours.close(), lambda: self.raw.close()]
        for close in self.closers:
            try:
                close()
            except Exception:
                pass

        async def aclose() -> None:
            for closer in (self.aours.close(), self.araw.close()):
                try:
                    await closer
                except Exception:
                    pass
            if self.genai is not None:
                try:
                    await self._genai_manager.__aexit__(None, None, None)
                except Exception:
                    pass

        self.loop.run_until_complete(aclose())
        self.loop.close()
        self.client.close()

    # -- contenders --------------------------------------------------------------------

    def aio(self, go: Callable[[int], Any]) -> Callable[[int], float]:
        def run(n: int) -> float:
            return self.loop.run_until_complete(go(n))

        return run

    def round_trip(self) -> tuple[dict[str, Callable[[int], float]], dict[str, str]]:
        decode = msgspec.json.decode
        turn = msgspec.json.encode(TURN)

        def ours(n: int) -> float:
            s = self.fresh_ours()
            t0 = perf()
            for _ in range(n):
                s.send_client_content("ping")
                for _message in s.receive():
                    pass
            return perf() - t0

        async def ours_a(n: int) -> float:
            s = await self.afresh_ours()
            t0 = perf()
            for _ in range(n):
                await s.send_client_content("ping")
                async for _message in s.receive():
                    pass
            return perf() - t0

        def raw(n: int) -> float:
            ws = self.fresh_raw()
            t0 = perf()
            for _ in range(n):
                ws.send(turn, text=True)
                while not (decode(ws.recv(decode=False)).get("serverContent") or {}).get(
                    "turnComplete"
                ):
                    pass
            return perf() - t0

        async def raw_a(n: int) -> float:
            ws = await self.afresh_raw()
            t0 = perf()
            for _ in range(n):
                await ws.send(turn, text=True)
                while not (decode(await ws.recv(decode=False)).get("serverContent") or {}).get(
                    "turnComplete"
                ):
                    pass
            return perf() - t0

        runs = {
            "ours sync": ours,
            "ours async": self.aio(ours_a),
            "raw websockets sync + msgspec": raw,
            "raw websockets asyncio + msgspec": self.aio(raw_a),
        }
        if self.genai is not None:
            from google.genai import types

            content = types.Content(role="user", parts=[types.Part(text="ping")])

            async def genai_a(n: int) -> float:
                s = await self.afresh_genai()
                t0 = perf()
                for _ in range(n):
                    await s.send_client_content(turns=content, turn_complete=True)
                    async for _message in s.receive():
                        pass
                return perf() - t0

            runs["google-genai async"] = self.aio(genai_a)
        return runs, {}

    def audio(self) -> tuple[dict[str, Callable[[int], float]], dict[str, str]]:
        """n chunks of audio, then the end of the stream and the answer (so that every
        chunk was received and read by the server); time per chunk."""
        decode = msgspec.json.decode
        encode = msgspec.json.encode
        end = encode({"realtimeInput": {"audioStreamEnd": True}})

        def chunk_message() -> bytes:
            data = base64.b64encode(CHUNK).decode("ascii")
            return encode({"realtimeInput": {"audio": {"data": data, "mimeType": AUDIO_MIME}}})

        def ours(n: int) -> float:
            s = self.fresh_ours()
            t0 = perf()
            for _ in range(n):
                s.send_realtime_input(audio=CHUNK)
            s.send_realtime_input(audio_stream_end=True)
            for _message in s.receive():
                pass
            return perf() - t0

        async def ours_a(n: int) -> float:
            s = await self.afresh_ours()
            t0 = perf()
            for _ in range(n):
                await s.send_realtime_input(audio=CHUNK)
            await s.send_realtime_input(audio_stream_end=True)
            async for _message in s.receive():
                pass
            return perf() - t0

        def raw(n: int) -> float:
            ws = self.fresh_raw()
            t0 = perf()
            for _ in range(n):
                ws.send(chunk_message(), text=True)
            ws.send(end, text=True)
            while not (decode(ws.recv(decode=False)).get("serverContent") or {}).get(
                "turnComplete"
            ):
                pass
            return perf() - t0

        async def raw_a(n: int) -> float:
            ws = await self.afresh_raw()
            t0 = perf()
            for _ in range(n):
                await ws.send(chunk_message(), text=True)
            await ws.send(end, text=True)
            while not (decode(await ws.recv(decode=False)).get("serverContent") or {}).get(
                "turnComplete"
            ):
                pass
            return perf() - t0

        runs = {
            "ours sync": ours,
            "ours async": self.aio(ours_a),
            "raw websockets sync + msgspec": raw,
            "raw websockets asyncio + msgspec": self.aio(raw_a),
        }
        if self.genai is not None:
            from google.genai import types

            async def genai_a(n: int) -> float:
                s = await self.afresh_genai()
                t0 = perf()
                for _ in range(n):
                    await s.send_realtime_input(audio=types.Blob(data=CHUNK, mime_type=AUDIO_MIME))
                await s.send_realtime_input(audio_stream_end=True)
                async for _message in s.receive():
                    pass
                return perf() - t0

            runs["google-genai async"] = self.aio(genai_a)
        return runs, {}


#: The emulator's answer to "ping": two text chunks, generationComplete, turnComplete.
PING_ANSWER = [
    b'{"serverContent":{"modelTurn":{"role":"model","parts":[{"text":"Echo:"}]}}}',
    b'{"serverContent":{"modelTurn":{"role":"model","parts":[{"text":" ping"}]}}}',
    b'{"serverContent":{"generationComplete":true}}',
    b'{"serverContent":{"turnComplete":true},"usageMetadata":{"promptTokenCount":1,'
    b'"responseTokenCount":2,"totalTokenCount":3,"responseTokensDetails":'
    b'[{"modality":"TEXT","tokenCount":2}]}}',
]


def client_work(results: Results, *, reps: int, batch: float) -> None:
    """The client's own CPU work, in process (no network, no server): what a session does
    per turn (build and encode the turn; decode and account each server message) and
    per audio chunk (build and encode it), vs the same with plain dicts and msgspec."""
    from generativelanguage.live.protocol import Codec, SessionState
    from generativelanguage.v1beta import resources, types

    codec = Codec(resources.WEBSOCKETS["bidiGenerateContent"], types)
    state = SessionState(codec, codec.setup(MODEL), resumption=False)
    decode, encode = msgspec.json.decode, msgspec.json.encode

    def ours_turn() -> None:
        codec.client_content("ping", True)
        for raw in PING_ANSWER:
            message = codec.decode(raw)
            state.on_message(message)
            if message.turn_complete:
                break

    def floor_turn() -> None:
        encode(TURN)
        for raw in PING_ANSWER:
            if (decode(raw).get("serverContent") or {}).get("turnComplete"):
                break

    def ours_chunk() -> None:
        codec.audio(CHUNK)

    def floor_chunk() -> None:
        data = base64.b64encode(CHUNK).decode("ascii")
        encode({"realtimeInput": {"audio": {"data": data, "mimeType": AUDIO_MIME}}})

    from .common import loop

    g = "live/client work per turn"
    results.group_notes[g] = (
        "in process: encode a text turn, decode the 4 server messages of its answer and "
        "account for them (what a session does besides the socket)"
    )
    round_robin(
        g,
        {"ours (Codec + SessionState)": loop(ours_turn), "floor: msgspec dicts": loop(floor_turn)},
        reps=reps,
        batch_seconds=batch,
        results=results,
    )
    g = "live/encode audio chunk"
    results.group_notes[g] = f"in process: one realtimeInput message of {len(CHUNK)} bytes of PCM"
    round_robin(
        g,
        {"ours (Codec.audio)": loop(ours_chunk), "floor: msgspec dict + base64": loop(floor_chunk)},
        reps=reps,
        batch_seconds=batch,
        results=results,
    )


#: Turns per round-trip sample: the same conversation length for every contender.
TURNS = 30


def live_suite(results: Results, *, reps: int, batch: float, chunks: int) -> None:
    from generativelanguage.emulator import spawn

    client_work(results, reps=reps * 2, batch=batch / 4)

    emulator = spawn()
    log(f"  emulator on {emulator.url} (pid {emulator.process.pid})")
    try:
        cs = Contenders(emulator.url)
        try:
            g = "live/round trip"
            results.group_notes[g] = (
                "one text turn per operation: send clientContent, receive until turnComplete "
                f"(4 server messages from the emulator, a separate process); {TURNS} turns "
                "per sample on a fresh session; time per turn"
            )
            runs, notes = cs.round_trip()
            round_robin(
                g, runs, reps=reps, batch_seconds=0, fixed_n=TURNS, results=results, notes=notes
            )
            g = "live/audio chunks"
            results.group_notes[g] = (
                f"{chunks} realtimeInput audio chunks of {len(CHUNK)} bytes (20 ms of 16 kHz "
                "PCM) per sample on a fresh session, then audioStreamEnd and the answer; time "
                "per chunk"
            )
            runs, notes = cs.audio()
            series = round_robin(
                g, runs, reps=reps, batch_seconds=0, fixed_n=chunks, results=results, notes=notes
            )
            for s in series.values():
                s.ops_per_sample = chunks
        finally:
            cs.close()
    finally:
        emulator.stop()

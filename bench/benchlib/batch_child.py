"""One batch-mode measurement in a fresh interpreter: ``python batch_child.py CASE JSON``.

Prints one JSON object: ``seconds`` (the timed work), ``idle`` (peak RSS, VmHWM, once the
contender's client exists, before the work) and ``peak`` (VmHWM after the work), plus
what the case counted. Each case imports only what its contender needs.
"""

from __future__ import annotations

import json
import sys
import time


def hwm() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def requests(n: int, texts: list[str]):
    """``n`` (key, request) pairs of about 1 KB, made one at a time."""
    system = {"parts": [{"text": "Answer in one short paragraph, citing no sources."}]}
    config = {"temperature": 0.2, "maxOutputTokens": 256, "topP": 0.95}
    for i in range(n):
        text = texts[i % len(texts)]
        yield (
            f"req-{i:07d}",
            {
                "systemInstruction": system,
                "contents": [{"role": "user", "parts": [{"text": text}]}],
                "generationConfig": config,
            },
        )


def _texts(args: dict) -> list[str]:
    with open(args["texts"]) as f:
        return json.load(f)


def _ours_client(url: str | None):
    from generativelanguage.v1beta import Client

    return Client(api_key="bench-key", base_url=url)


def _genai_client(url: str | None):
    from google import genai
    from google.genai import types

    opts = types.HttpOptions(base_url=url, api_version="v1beta") if url else None
    return genai.Client(api_key="bench-key", http_options=opts)


def write_ours(args: dict) -> dict:
    from generativelanguage.gemini.batches import write_jsonl

    texts = _texts(args)
    _ours_client(None)
    idle = hwm()
    t0 = time.perf_counter()
    count = write_jsonl(requests(args["n"], texts), args["path"])
    return {"seconds": time.perf_counter() - t0, "idle": idle, "peak": hwm(), "count": count}


def write_genai(args: dict) -> dict:
    """The official docs' way: json.dumps of each {"key", "request"} line (streamed
    from the same generator, which is kinder than the docs' list)."""
    texts = _texts(args)
    _genai_client(None)
    idle = hwm()
    t0 = time.perf_counter()
    count = 0
    with open(args["path"], "w") as f:
        for key, request in requests(args["n"], texts):
            f.write(json.dumps({"key": key, "request": request}) + "\n")
            count += 1
    return {"seconds": time.perf_counter() - t0, "idle": idle, "peak": hwm(), "count": count}


def submit_ours(args: dict) -> dict:
    texts = _texts(args)
    client = _ours_client(args["url"])
    idle = hwm()
    t0 = time.perf_counter()
    batch = client.batches.submit(
        "gemini-2.5-flash", requests(args["n"], texts), display_name="bench", inline=False
    )
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "idle": idle,
        "peak": hwm(),
        "count": batch.batch_stats.request_count,
    }


def submit_genai(args: dict) -> dict:
    """Write the JSONL as the docs do, upload it, create the batch from it."""
    from google.genai import types

    texts = _texts(args)
    client = _genai_client(args["url"])
    idle = hwm()
    t0 = time.perf_counter()
    with open(args["path"], "w") as f:
        for key, request in requests(args["n"], texts):
            f.write(json.dumps({"key": key, "request": request}) + "\n")
    uploaded = client.files.upload(
        file=args["path"], config=types.UploadFileConfig(mime_type="application/jsonl")
    )
    job = client.batches.create(
        model="gemini-2.5-flash", src=uploaded.name, config={"display_name": "bench"}
    )
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "idle": idle, "peak": hwm(), "count": args["n"], "job": job.name}


def results_ours(args: dict) -> dict:
    client = _ours_client(args["url"])
    client.batches.get(args["batch"])  # the HTTP client exists (genai makes its own up front)
    idle = hwm()
    t0 = time.perf_counter()
    count = errors = 0
    for _key, item in client.batches.results(args["batch"]):
        count += 1
        errors += item.__class__.__name__ == "Status"
    return {
        "seconds": time.perf_counter() - t0,
        "idle": idle,
        "peak": hwm(),
        "count": count,
        "errors": errors,
    }


def results_ours_async(args: dict) -> dict:
    import asyncio

    from generativelanguage.v1beta import AsyncClient

    async def main() -> dict:
        async with AsyncClient(api_key="bench-key", base_url=args["url"]) as client:
            await client.batches.get(args["batch"])
            idle = hwm()
            t0 = time.perf_counter()
            count = 0
            async for _ in client.batches.results(args["batch"]):
                count += 1
            return {
                "seconds": time.perf_counter() - t0,
                "idle": idle,
                "peak": hwm(),
                "count": count,
            }

    return asyncio.run(main())


def results_floor(args: dict) -> dict:
    """Raw msgspec.json.decode (to dicts and lists) of each line of the file on disk."""
    import msgspec

    decode = msgspec.json.decode
    idle = hwm()
    t0 = time.perf_counter()
    count = 0
    with open(args["path"], "rb") as f:
        for line in f:
            decode(line)
            count += 1
    return {"seconds": time.perf_counter() - t0, "idle": idle, "peak": hwm(), "count": count}


def results_floor_http(args: dict) -> dict:
    """Raw httpx: stream the download, split lines, msgspec.json.decode (to dicts) each."""
    import httpx
    import msgspec

    decode = msgspec.json.decode
    client = httpx.Client()
    client.get(args["url"] + "/v1beta/" + args["batch"])  # connection and SSL context made
    idle = hwm()
    t0 = time.perf_counter()
    count = 0
    url = args["url"] + "/v1beta/" + args["file"] + ":download"
    with client.stream("GET", url, params={"alt": "media"}) as response:
        response.raise_for_status()
        tail = b""
        for chunk in response.iter_bytes():
            lines = (tail + chunk).split(b"\n")
            tail = lines.pop()
            for line in lines:
                if line:
                    decode(line)
                    count += 1
        if tail.strip():
            decode(tail)
            count += 1
    return {"seconds": time.perf_counter() - t0, "idle": idle, "peak": hwm(), "count": count}


def results_ours_disk(args: dict) -> dict:
    """Our line decoder alone, fed the file on disk in 64 KiB reads (no HTTP)."""
    from generativelanguage.gemini.batch_jsonl import ResultLines
    from generativelanguage.v1beta import types

    lines = ResultLines(types.GenerateContentResponse, types.Status)
    idle = hwm()
    t0 = time.perf_counter()
    count = 0
    with open(args["path"], "rb") as f:
        while chunk := f.read(65536):
            count += len(lines.feed(chunk))
    count += len(lines.close())
    return {"seconds": time.perf_counter() - t0, "idle": idle, "peak": hwm(), "count": count}


def results_floor_typed(args: dict) -> dict:
    """msgspec.json.decode of each line of the file on disk into the generated Structs."""
    import msgspec

    from generativelanguage.v1beta import types

    line_type = msgspec.defstruct(
        "Line",
        [
            ("key", str | None, None),
            ("response", types.GenerateContentResponse | None, None),
            ("error", types.Status | None, None),
        ],
    )
    decode = msgspec.json.Decoder(line_type, strict=False).decode
    idle = hwm()
    t0 = time.perf_counter()
    count = 0
    with open(args["path"], "rb") as f:
        for line in f:
            decode(line)
            count += 1
    return {"seconds": time.perf_counter() - t0, "idle": idle, "peak": hwm(), "count": count}


def results_genai(args: dict) -> dict:
    """The official docs' way: files.download (the whole file as bytes), then each line
    with json.loads; with ``typed``, each response through the SDK's response path too."""
    client = _genai_client(args["url"])
    convert = None
    if args.get("typed"):
        from google.genai import models, types

        params = types._GenerateContentParameters(model="models/bench", contents="hi")
        from_mldev = models._GenerateContentResponse_from_mldev
        from_response = types.GenerateContentResponse._from_response

        def convert(obj: dict) -> object:
            return from_response(response=from_mldev(obj, None, params), kwargs={})

    idle = hwm()
    t0 = time.perf_counter()
    data = client.files.download(file=args["file"])
    count = 0
    for line in data.decode("utf-8").splitlines():
        obj = json.loads(line)
        if convert is not None and "response" in obj:
            convert(obj["response"])
        count += 1
    return {"seconds": time.perf_counter() - t0, "idle": idle, "peak": hwm(), "count": count}


CASES = {
    "write-ours": write_ours,
    "write-genai": write_genai,
    "submit-ours": submit_ours,
    "submit-genai": submit_genai,
    "results-ours": results_ours,
    "results-ours-async": results_ours_async,
    "results-floor": results_floor,
    "results-floor-http": results_floor_http,
    "results-ours-disk": results_ours_disk,
    "results-floor-typed": results_floor_typed,
    "results-genai": results_genai,
}

if __name__ == "__main__":
    out = CASES[sys.argv[1]](json.loads(sys.argv[2]))
    sys.stdout.write(json.dumps(out))

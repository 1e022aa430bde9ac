"""Batch mode: many prompts as one batch (half the price, for work that can wait), the
results read back as they download.

    python examples/batch.py                 # offline: starts a local emulator itself
    GEMINI_BASE_URL=http://127.0.0.1:8080 python examples/batch.py
    GEMINI_API_KEY=... python examples/batch.py --live [--count 10]
                                             # Google's service: a batch may take hours

The prompts come from a generator and go to disk as JSON Lines one at a time, so the
same code submits a million of them in flat memory.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from typing import Any

from generativelanguage.v1beta import Client, types

CITIES = ["Paris", "Lagos", "Lima", "Osaka", "Quebec", "Perth", "Tromso", "Cusco"]


def prompts(count: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(key, request)`` pairs, made one at a time."""
    for i in range(count):
        city = CITIES[i % len(CITIES)]
        text = f"In one sentence: what is {city} known for? (request {i})"
        yield f"city-{i:06d}", {"contents": [{"role": "user", "parts": [{"text": text}]}]}


def run(count: int, live: bool) -> None:
    model = os.environ.get("GEMINI_MODEL", "gemini-2.5-flash")
    with Client(base_url=os.environ.get("GEMINI_BASE_URL") or None) as client:
        started = time.monotonic()
        uploaded = [0]
        batch = client.batches.submit(
            model,
            prompts(count),
            display_name="examples/batch.py",
            inline=False,  # a JSON Lines file, uploaded (small batches may also go inline)
            progress=lambda sent, total: uploaded.__setitem__(0, sent),
        )
        stats = batch.batch_stats or types.BatchStats()
        print(f"submitted {batch.name}: {stats.request_count} requests, {batch.state}")
        print(
            f"   ({uploaded[0]:,} bytes written and uploaded in {time.monotonic() - started:.2f} s)"
        )

        def report(current: types.GenerateContentBatch | types.EmbedContentBatch) -> None:
            stats = current.batch_stats or types.BatchStats()
            done = (stats.successful_request_count or 0) + (stats.failed_request_count or 0)
            print(f"   {current.state}: {done} of {stats.request_count} done")

        finished = client.batches.wait(batch, progress=report)
        print(f"{finished.state} after {time.monotonic() - started:.1f} s")

        answers = errors = 0
        last_key = ""
        for key, result in client.batches.results(finished):
            assert key > last_key, "results come back in input order"
            last_key = key
            if isinstance(result, types.GenerateContentResponse):
                answers += 1
                if answers <= 3:
                    print(f"   {key}: {(result.text or '').strip()}")
            else:
                errors += 1
                print(f"   {key}: error {result.code}: {result.message}")
        print(f"{answers} answers, {errors} errors, keys in order")
        if live:
            print("(the input and the results file expire from the Files API after 48 hours)")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--live", action="store_true", help="use Google's service")
    parser.add_argument("--count", type=int, help="prompts to submit (default 2000; live 10)")
    args = parser.parse_args()
    live = args.live or os.environ.get("GENERATIVELANGUAGE_LIVE") == "1"
    if live:
        if not (os.environ.get("GEMINI_API_KEY") or os.environ.get("GOOGLE_API_KEY")):
            print("--live needs GEMINI_API_KEY (or GOOGLE_API_KEY) in the environment.")
            return 2
        os.environ.pop("GEMINI_BASE_URL", None)
        print("Running against Google's Gemini API (this uses your quota; batches can take hours).")
        run(args.count or 10, live=True)
        return 0
    if os.environ.get("GEMINI_BASE_URL"):
        run(args.count or 2000, live=False)
        return 0

    from generativelanguage.emulator import running

    # A local key, so that a real GEMINI_API_KEY in the environment is never sent.
    with running(api_key="demo-key") as emulator:
        os.environ["GEMINI_BASE_URL"] = emulator.url
        os.environ["GEMINI_API_KEY"] = "demo-key"
        print(f"Started a local Gemini API emulator at {emulator.url} (offline, deterministic).")
        run(args.count or 2000, live=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())

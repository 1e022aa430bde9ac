"""What the deadline machinery costs an async client at 16 requests in flight.

Two ``AsyncClient``s on httpx2 share the benchmark server (``benchlib/server.py``): one
with the default ``RetryPolicy`` (a deadline, so every attempt runs under a cancel
scope) and one with ``RetryPolicy(deadline=None)`` (no scope at all). Rounds alternate
between them, and the paired ratio of each round's throughput cancels the machine's
drift; its median is the cost (1.0: none).

    bench/.venv/bin/python bench/deadline_cost.py [--rounds 6] [--requests 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from benchlib.httpbench import LocalServer  # noqa: E402
from generativelanguage.runtime.options import RetryPolicy  # noqa: E402
from generativelanguage.v1beta import AsyncClient  # noqa: E402

ANSWER = {
    "candidates": [
        {"content": {"parts": [{"text": "hello " * 50}], "role": "model"}, "finishReason": "STOP"}
    ]
}
BODY = {"contents": [{"parts": [{"text": "hi"}]}]}
IN_FLIGHT = 16


async def throughput(client: AsyncClient, requests: int) -> float:
    """Requests per second with ``IN_FLIGHT`` tasks sharing ``client``."""
    per_task = requests // IN_FLIGHT

    async def task() -> None:
        for _ in range(per_task):
            await client.models.generate_content("models/bench", body=BODY)

    started = time.perf_counter()
    await asyncio.gather(*(task() for _ in range(IN_FLIGHT)))
    return per_task * IN_FLIGHT / (time.perf_counter() - started)


async def main(rounds: int, requests: int) -> None:
    with LocalServer(json.dumps(ANSWER), ["{}"]) as server:
        base = server.url + "/"
        with_deadline = AsyncClient(api_key="k", base_url=base, http_backend="httpx2")
        without = AsyncClient(
            api_key="k", base_url=base, http_backend="httpx2", retry=RetryPolicy(deadline=None)
        )
        await throughput(with_deadline, requests // 4)  # warm both connection pools
        await throughput(without, requests // 4)
        ratios = []
        for _ in range(rounds):
            a = await throughput(with_deadline, requests)
            b = await throughput(without, requests)
            ratios.append(a / b)
            print(f"with deadline {a:8.0f} req/s   without {b:8.0f} req/s   ratio {a / b:.2f}")
        print(f"paired median ratio: {statistics.median(ratios):.2f}")
        await with_deadline.close()
        await without.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.requests))

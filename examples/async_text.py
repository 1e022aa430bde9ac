"""The async client: the same methods, awaited; several requests in flight."""

from __future__ import annotations

import asyncio
import os

from generativelanguage.v1beta import AsyncClient

QUESTIONS = ["Name a colour.", "Name a planet.", "Name a river."]


async def main_async() -> None:
    model = os.environ.get("GEMINI_MODEL", "gemini-2.5-flash")
    async with AsyncClient(base_url=os.environ.get("GEMINI_BASE_URL") or None) as client:
        answers = await asyncio.gather(
            *(client.models.generate_content(model, body=q) for q in QUESTIONS)
        )
        for question, answer in zip(QUESTIONS, answers, strict=True):
            print(f"{question} -> {answer.text}")
        # Streams: the call is awaited (it sends the request), then iterated.
        stream = await client.models.stream_generate_content(model, body="Name an ocean.")
        print("".join([chunk.text or "" async for chunk in stream]))


def main() -> None:
    asyncio.run(main_async())


if __name__ == "__main__":
    main()

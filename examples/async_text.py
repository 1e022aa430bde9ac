"""The asynchronous client: several requests in flight at once."""

from __future__ import annotations

import asyncio
import os

from generativelanguage.v1beta import AsyncClient

QUESTIONS = ["Name a colour.", "Name a planet.", "Name a river."]


async def main_async() -> None:
    model = os.environ.get("GEMINI_MODEL", "gemini-2.5-flash")
    async with AsyncClient(base_url=os.environ.get("GEMINI_BASE_URL") or None) as client:
        responses = await asyncio.gather(
            *(
                client.models.generate_content(model, body={"contents": [{"parts": [{"text": q}]}]})
                for q in QUESTIONS
            )
        )
        for question, response in zip(QUESTIONS, responses, strict=True):
            print(f"{question} -> {response.candidates[0].content.parts[0].text}")


def main() -> None:
    asyncio.run(main_async())


if __name__ == "__main__":
    main()

"""Stream an answer: print each chunk as it arrives (server-sent events)."""

from __future__ import annotations

import os

from generativelanguage.v1beta import Client


def main() -> None:
    model = os.environ.get("GEMINI_MODEL", "gemini-2.5-flash")
    body = {"contents": [{"parts": [{"text": "Count from one to ten, slowly and in words."}]}]}
    with Client(base_url=os.environ.get("GEMINI_BASE_URL") or None) as client:
        chunks = 0
        with client.models.stream_generate_content(model, body=body) as stream:
            for chunk in stream:
                chunks += 1
                for part in chunk.candidates[0].content.parts or ():
                    if part.text and not part.thought:
                        print(part.text, end="", flush=True)
        print(f"\n[{chunks} chunks]")


if __name__ == "__main__":
    main()

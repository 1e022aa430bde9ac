"""Stream an answer: typed chunks, printed as they arrive (Server-Sent Events)."""

from __future__ import annotations

import os

from generativelanguage.v1beta import Client


def main() -> None:
    model = os.environ.get("GEMINI_MODEL", "gemini-2.5-flash")
    prompt = "Count from one to ten, slowly and in words."
    with Client(base_url=os.environ.get("GEMINI_BASE_URL") or None) as client:
        chunks = 0
        # `with` closes the connection even when the loop stops early.
        with client.models.stream_generate_content(model, body=prompt) as stream:
            for chunk in stream:
                chunks += 1
                print(chunk.text or "", end="", flush=True)
        print(f"\n[{chunks} chunks]")


if __name__ == "__main__":
    main()

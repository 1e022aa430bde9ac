"""Generate text: one request, one answer.

GEMINI_BASE_URL=http://127.0.0.1:8080 .venv/bin/python examples/text.py   # the emulator
GEMINI_API_KEY=... .venv/bin/python examples/text.py                      # Google's service
"""

from __future__ import annotations

import os

from generativelanguage.v1beta import Client


def main() -> None:
    model = os.environ.get("GEMINI_MODEL", "gemini-2.5-flash")
    with Client(base_url=os.environ.get("GEMINI_BASE_URL") or None) as client:
        response = client.models.generate_content(model, body="Write a haiku about fast JSON.")
        print(response.text)
        finish = response.candidates[0].finish_reason if response.candidates else None
        if usage := response.usage_metadata:
            print(
                f"[{usage.prompt_token_count} prompt + {usage.candidates_token_count} answer "
                f"tokens, finish reason {finish}]"
            )


if __name__ == "__main__":
    main()

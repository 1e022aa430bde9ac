"""Count tokens: countTokens agrees with the usage a generation reports."""

from __future__ import annotations

import os

from generativelanguage.v1beta import Client


def main() -> None:
    model = os.environ.get("GEMINI_MODEL", "gemini-2.5-flash")
    prompt = "The quick brown fox jumps over the lazy dog."
    with Client(base_url=os.environ.get("GEMINI_BASE_URL") or None) as client:
        counted = client.models.count_tokens(model, body=prompt)
        print(f"countTokens: {counted.total_tokens} tokens")
        usage = client.models.generate_content(model, body=prompt).usage_metadata
        print(f"generateContent used {usage and usage.prompt_token_count} prompt tokens")


if __name__ == "__main__":
    main()

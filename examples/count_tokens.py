"""Count tokens before sending a prompt, and compare with what generation reports."""

from __future__ import annotations

import os

from generativelanguage.v1beta import Client


def main() -> None:
    model = os.environ.get("GEMINI_MODEL", "gemini-2.5-flash")
    contents = [
        {"role": "user", "parts": [{"text": "The quick brown fox jumps over the lazy dog."}]}
    ]
    with Client(base_url=os.environ.get("GEMINI_BASE_URL") or None) as client:
        counted = client.models.count_tokens(model, body={"contents": contents})
        print(f"countTokens: {counted.total_tokens} tokens")
        response = client.models.generate_content(model, body={"contents": contents})
        print(f"generateContent used {response.usage_metadata.prompt_token_count} prompt tokens")


if __name__ == "__main__":
    main()

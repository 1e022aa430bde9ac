"""Upload a file, use it in a prompt, delete it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from generativelanguage.v1beta import Client


def main() -> None:
    model = os.environ.get("GEMINI_MODEL", "gemini-2.5-flash")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "notes.txt"
        path.write_text("Meeting notes: ship the emulator on Friday, then write the docs.\n")
        with Client(base_url=os.environ.get("GEMINI_BASE_URL") or None) as client:
            file = client.files.upload(path, display_name="notes.txt")
            print(f"uploaded {file.name} ({file.mime_type}, {file.size_bytes} bytes)")
            answer = client.models.generate_content(
                model, body=["Summarise this file in one sentence.", file]
            )
            print(answer.text)
            client.files.delete(file.name or "")
            print(f"deleted {file.name}")


if __name__ == "__main__":
    main()

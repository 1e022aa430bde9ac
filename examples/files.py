"""Upload a file (resumable upload), use it in a prompt, then delete it."""

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
            uploaded = client.media.upload(file=path, body={"file": {"displayName": "notes.txt"}})
            file = uploaded.file
            print(f"uploaded {file.name} ({file.mime_type}, {file.size_bytes} bytes)")
            response = client.models.generate_content(
                model,
                body={
                    "contents": [
                        {
                            "parts": [
                                {"text": "Summarise this file in one sentence."},
                                {"fileData": {"fileUri": file.uri, "mimeType": file.mime_type}},
                            ]
                        }
                    ]
                },
            )
            print(response.candidates[0].content.parts[0].text)
            client.files.delete(file.name)
            print(f"deleted {file.name}")


if __name__ == "__main__":
    main()

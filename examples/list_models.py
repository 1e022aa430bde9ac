"""List models: the pager fetches further pages while you iterate."""

from __future__ import annotations

import os

from generativelanguage.v1beta import Client


def main() -> None:
    with Client(base_url=os.environ.get("GEMINI_BASE_URL") or None) as client:
        pager = client.models.list(page_size=5)
        pages = 0
        for page in pager.pages:
            pages += 1
            names = ", ".join(m.name.removeprefix("models/") for m in page.models or ())
            print(f"page {pages}: {names}")
        generating = [
            m.name
            for m in client.models.list()
            if "generateContent" in (m.supported_generation_methods or ())
        ]
        print(f"{pages} pages; {len(generating)} models support generateContent")


if __name__ == "__main__":
    main()

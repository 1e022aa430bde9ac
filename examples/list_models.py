"""List models: iterate items across pages, or the typed pages themselves."""

from __future__ import annotations

import os

from generativelanguage.v1beta import Client


def main() -> None:
    with Client(base_url=os.environ.get("GEMINI_BASE_URL") or None) as client:
        pages = 0
        for page in client.models.list(page_size=5).pages:  # types.ListModelsResponse
            pages += 1
            names = ", ".join((m.name or "").removeprefix("models/") for m in page.models or ())
            print(f"page {pages}: {names}")
        generating = [
            model.name  # each item a types.Model; later pages are fetched as needed
            for model in client.models.list()
            if "generateContent" in (model.supported_generation_methods or ())
        ]
        print(f"{pages} pages; {len(generating)} models support generateContent")


if __name__ == "__main__":
    main()

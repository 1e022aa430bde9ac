"""A short tour of the client, run by `make demo`.

    python examples/quickstart.py            # against a local emulator it starts itself
    GEMINI_BASE_URL=http://127.0.0.1:8080 python examples/quickstart.py
                                             # against an emulator already running there
    GEMINI_API_KEY=... python examples/quickstart.py --live
                                             # against Google's service (or GENERATIVELANGUAGE_LIVE=1)

Each step is one of the example scripts next to this file; each can also be run alone.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time

STEPS = [
    ("text", "A text answer"),
    ("streaming", "A streamed answer, printed as it arrives"),
    ("chat", "A chat with history"),
    ("function_calling", "A function call round trip"),
    ("structured_output", "Structured output parsed into a Python type"),
    ("files", "A file upload used in a prompt"),
    ("count_tokens", "Token counting"),
    ("embeddings", "Embeddings"),
    ("tuning", "A tuned-model operation followed to completion"),
    ("list_models", "Paging through models"),
    ("async_text", "The async client"),
    ("interactions", "The Interactions API: streamed, a conversation, background work"),
    ("live", "A Live API session over WebSocket"),
]


def tour() -> int:
    """Run every step; returns how many failed."""
    failed = 0
    for number, (module, title) in enumerate(STEPS, 1):
        print(f"\n== {number}. {title} (examples/{module}.py)")
        started = time.monotonic()
        try:
            importlib.import_module(module).main()
        except Exception as exc:  # keep touring: show what failed and go on
            failed += 1
            print(f"!! {type(exc).__name__}: {exc}")
        else:
            print(f"   ({time.monotonic() - started:.2f} s)")
    print(f"\nDone: {len(STEPS) - failed} of {len(STEPS)} steps succeeded.")
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--live", action="store_true", help="use Google's service")
    args = parser.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    live = args.live or os.environ.get("GENERATIVELANGUAGE_LIVE") == "1"
    if live:
        if not (os.environ.get("GEMINI_API_KEY") or os.environ.get("GOOGLE_API_KEY")):
            print("--live needs GEMINI_API_KEY (or GOOGLE_API_KEY) in the environment.")
            return 2
        os.environ.pop("GEMINI_BASE_URL", None)
        print("Running against Google's Gemini API (this uses your quota).")
        return 1 if tour() else 0
    if os.environ.get("GEMINI_BASE_URL"):
        print(f"Running against the emulator at {os.environ['GEMINI_BASE_URL']}.")
        return 1 if tour() else 0

    from generativelanguage.emulator import running

    # A local key, so that a real GEMINI_API_KEY in the environment is never sent.
    with running(api_key="demo-key", stream_delay=0.05) as emulator:
        os.environ["GEMINI_BASE_URL"] = emulator.url
        os.environ["GEMINI_API_KEY"] = "demo-key"
        print(f"Started a local Gemini API emulator at {emulator.url} (offline, deterministic).")
        failed = tour()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

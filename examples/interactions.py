"""The Interactions API: one-shot, streamed, a conversation kept by the server, a
background interaction waited for, a stream replayed from an event, cancel and delete.

    python examples/interactions.py          # against a local emulator it starts itself
    GEMINI_BASE_URL=http://127.0.0.1:8080 python examples/interactions.py
    GEMINI_API_KEY=... python examples/interactions.py --live     # Google's service
"""

from __future__ import annotations

import argparse
import os
import sys

from generativelanguage.runtime.errors import APIError
from generativelanguage.v1beta import Client, types


def main() -> None:
    model = os.environ.get("GEMINI_MODEL", "gemini-2.5-flash")
    with Client(base_url=os.environ.get("GEMINI_BASE_URL") or None) as client:
        interactions = client.interactions

        # One turn: the interaction comes back whole.
        first = interactions.create(body={"model": model, "input": "Name three rivers."})
        print(f"create: {first.status}: {first.output_text}")
        if usage := first.usage:
            print(f"  usage: {usage.total_input_tokens} in, {usage.total_output_tokens} out")

        # Streamed: typed events as they happen; `text` is what each adds to the answer.
        events = 0
        with interactions.create_stream(
            body={"model": model, "input": "Count from one to ten, in words."}
        ) as stream:
            print("stream: ", end="")
            for event in stream:
                events += 1
                if isinstance(event, types.InteractionEvent):  # else a type added later
                    print(event.text, end="", flush=True)
        print(f"\n  [{events} events; the stream resumes itself if it drops]")

        # A conversation the server keeps: each turn sends only the new input.
        talk = interactions.conversation(model=model)
        talk.send("My name is Ada.")
        answer = talk.send("Which name did I give you?")
        print(f"conversation: {answer.output_text}")

        # Background work: create returns at once; wait polls until it is done.
        started = interactions.create(
            body={"model": model, "input": "Summarise the history of the TPU.", "background": True}
        )
        print(f"background: created {started.status}")
        done = interactions.wait(started, timeout=600)
        print(f"  waited: {done.status}: {done.output_text[:60]}")

        # Replay a stored interaction's events from a given event on (what a stream
        # that drops does by itself).
        first_id = first.id or ""
        replay = list(interactions.get_stream(first_id))
        third = replay[2].event_id if len(replay) > 2 else None
        if third is None:
            print(f"replay: {len(replay)} events, without event ids to resume from")
        else:
            after = list(interactions.get_stream(first_id, last_event_id=third))
            print(f"replay: {len(replay)} events; {len(after)} after the third")

        # Cancel a background interaction that is still running.
        running = interactions.create(
            body={"model": model, "input": "Write a long essay.", "background": True}
        )
        try:
            print(f"cancel: {interactions.cancel(running.id or '').status}")
        except APIError as exc:  # it may have finished already
            print(f"cancel: refused ({exc.status}: {exc.message})")

        for interaction in (first, started, running):
            interactions.delete(interaction.id or "")
        print("deleted 3 interactions")


def _run() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--live", action="store_true", help="use Google's service")
    if parser.parse_args().live:
        if not (os.environ.get("GEMINI_API_KEY") or os.environ.get("GOOGLE_API_KEY")):
            print("--live needs GEMINI_API_KEY (or GOOGLE_API_KEY) in the environment.")
            return 2
        os.environ.pop("GEMINI_BASE_URL", None)
        main()
        return 0
    if os.environ.get("GEMINI_BASE_URL"):
        main()
        return 0
    from generativelanguage.emulator import running

    with running(api_key="demo-key") as emulator:
        os.environ["GEMINI_BASE_URL"] = emulator.url
        os.environ["GEMINI_API_KEY"] = "demo-key"
        print(f"(a local Gemini API emulator at {emulator.url})")
        main()
    return 0


if __name__ == "__main__":
    sys.exit(_run())

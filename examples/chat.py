"""A chat: the history goes with every message."""

from __future__ import annotations

import os

from generativelanguage.v1beta import Client


def main() -> None:
    model = os.environ.get("GEMINI_MODEL", "gemini-2.5-flash")
    with Client(base_url=os.environ.get("GEMINI_BASE_URL") or None) as client:
        chat = client.chats.create(model)
        for message in ("Hi! My name is Ada.", "Which name did I give you?"):
            print(f"user:  {message}")
            print(f"model: {chat.send_message(message).text}")
        print(f"[{len(chat.history)} turns in the history]")


if __name__ == "__main__":
    main()

"""A chat: the conversation so far is sent with every new message."""

from __future__ import annotations

import os

from generativelanguage.v1beta import Client, types


def main() -> None:
    model = os.environ.get("GEMINI_MODEL", "gemini-2.5-flash")
    history: list[types.Content] = []
    with Client(base_url=os.environ.get("GEMINI_BASE_URL") or None) as client:
        for message in ("Hi! My name is Ada.", "Which name did I give you?"):
            history.append(types.Content(role="user", parts=[types.Part(text=message)]))
            response = client.models.generate_content(model, body={"contents": history})
            reply = response.candidates[0].content
            history.append(reply)  # the model's turn goes back into the history
            print(f"user:  {message}")
            print(f"model: {''.join(p.text or '' for p in reply.parts if not p.thought)}")


if __name__ == "__main__":
    main()

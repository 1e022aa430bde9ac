"""The Live API: a real-time session over WebSocket (needs `pip install '.[live]'`).

    python examples/live.py            # offline: starts a local emulator by itself
    GEMINI_BASE_URL=http://127.0.0.1:8080 python examples/live.py
    GEMINI_API_KEY=... python examples/live.py --live     # Google's service

A spoken answer to a text turn (PCM audio plus its transcription), a function call
answered automatically, and, offline, audio input and a `goAway` the session survives.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from generativelanguage.v1beta import Client

if TYPE_CHECKING:
    from generativelanguage.emulator import Emulator
    from generativelanguage.live import Turn

CONFIG = {
    "generationConfig": {"responseModalities": ["AUDIO"]},
    "systemInstruction": "Answer in one short sentence.",
    "inputAudioTranscription": {},
    "outputAudioTranscription": {},
    "sessionResumption": {},  # survive goAway and dropped connections
    "tools": [
        {
            "functionDeclarations": [
                {
                    "name": "get_weather",
                    "description": "Look up the weather for a city.",
                    "parameters": {
                        "type": "OBJECT",
                        "properties": {"city": {"type": "STRING"}},
                        "required": ["city"],
                    },
                }
            ]
        }
    ],
}


def get_weather(city: str) -> dict[str, Any]:
    return {"city": city, "forecast": "sunny", "celsius": 21}


def describe(turn: Turn) -> str:
    seconds = len(turn.audio) / 2 / (turn.sample_rate or 24000)
    return f"{turn.output_transcription!r} ({seconds:.2f} s of {turn.mime_type})"


def main(emulator: Emulator | None = None) -> None:
    model = os.environ.get("GEMINI_LIVE_MODEL", "gemini-2.5-flash-native-audio-latest")
    base_url = os.environ.get("GEMINI_BASE_URL") or None
    with Client(base_url=base_url) as client:
        with client.live.connect(model, config=CONFIG) as session:
            session.send_client_content("Say hello to the Live API.")
            print("model says:", describe(session.receive_turn()))

            session.send_client_content("Please call get_weather for Paris.")
            turn = session.receive_turn(tools={"get_weather": get_weather})
            calls = ", ".join(f"{c.name}({c.args})" for c in turn.tool_calls)
            print(f"model called {calls} and says:", describe(turn))

            if base_url is None:
                return  # Google's service: the rest needs a microphone and the emulator
            # Audio in: 0.5 s of 16 kHz PCM (silence here; a microphone's chunks in an app).
            for _ in range(10):
                session.send_realtime_input(audio=b"\x00\x00" * 800)
            session.send_realtime_input(audio_stream_end=True)
            turn = session.receive_turn()
            print(f"heard {turn.input_transcription!r}; model says:", describe(turn))

            if emulator is not None:
                emulator.live.fault("goaway", after=2)  # the server will close soon
                session.send_client_content("Tell me more.")
                turn = session.receive_turn()
                session.send_client_content("And after the goAway?")
                turn = session.receive_turn()
                print(f"after {session.resumptions} resumption(s) the model says:", describe(turn))


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--live", action="store_true", help="use Google's service")
    args = parser.parse_args(argv)
    if args.live or os.environ.get("GENERATIVELANGUAGE_LIVE") == "1":
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
        os.environ["GEMINI_API_KEY"] = "demo-key"  # never a real key to the emulator
        print(f"Started a local Gemini API emulator at {emulator.url} (offline).")
        main(emulator)
    return 0


if __name__ == "__main__":
    sys.exit(run())

"""Function calling: the model asks for a function call, we run it and send the result."""

from __future__ import annotations

import os

from generativelanguage.v1beta import Client

GET_WEATHER = {
    "name": "get_weather",
    "description": "Current weather of a city.",
    "parameters": {
        "type": "OBJECT",
        "properties": {
            "city": {"type": "STRING", "description": "City name, e.g. Paris"},
            "unit": {"type": "STRING", "enum": ["celsius", "fahrenheit"]},
        },
        "required": ["city"],
    },
}


def get_weather(city: str, unit: str = "celsius") -> dict:
    """Our local implementation (a real one would call a weather service)."""
    return {"city": city, "temperature": 21 if unit == "celsius" else 70, "unit": unit}


def main() -> None:
    model = os.environ.get("GEMINI_MODEL", "gemini-2.5-flash")
    tools = [{"functionDeclarations": [GET_WEATHER]}]
    contents = [
        {"role": "user", "parts": [{"text": "What is the weather like in Paris? Use get_weather."}]}
    ]
    with Client(base_url=os.environ.get("GEMINI_BASE_URL") or None) as client:
        response = client.models.generate_content(
            model, body={"contents": contents, "tools": tools}
        )
        turn = response.candidates[0].content
        calls = [p.function_call for p in turn.parts if p.function_call]
        if not calls:
            print("no function call:", turn.parts[0].text)
            return
        contents.append(turn)  # keep the model's turn (and its thought signature)
        results = []
        for call in calls:
            print(f"model calls {call.name}({call.args})")
            result = get_weather(**(call.args or {}))
            results.append({"functionResponse": {"name": call.name, "response": result}})
        contents.append({"role": "user", "parts": results})
        final = client.models.generate_content(model, body={"contents": contents, "tools": tools})
        print("model:", final.candidates[0].content.parts[0].text)


if __name__ == "__main__":
    main()

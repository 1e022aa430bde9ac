"""Function calling: Python functions as tools.

In a chat the functions run by themselves: the model asks for a call, the chat runs it,
sends the result back and returns the model's final answer. With
`automatic_function_calling=False` the calls come back to you to run.
"""

from __future__ import annotations

import os
from typing import Literal

from generativelanguage.v1beta import Client, types


def get_weather(city: str, unit: Literal["celsius", "fahrenheit"] = "celsius") -> dict[str, object]:
    """Current weather of a city.

    Args:
        city: City name, e.g. Paris.
        unit: The temperature unit.
    """
    return {"city": city, "temperature": 21 if unit == "celsius" else 70, "unit": unit}


def main() -> None:
    model = os.environ.get("GEMINI_MODEL", "gemini-2.5-flash")
    question = "What is the weather like in Paris? Use get_weather."
    with Client(base_url=os.environ.get("GEMINI_BASE_URL") or None) as client:
        # Automatic: declared from the signature and docstring, called when asked for.
        chat = client.chats.create(model, tools=[get_weather])
        print("model:", chat.send_message(question).text)

        # By hand: the calls come back typed; answer them with Part.from_function_response.
        manual = client.chats.create(model, tools=[get_weather], automatic_function_calling=False)
        response = manual.send_message(question)
        answers = []
        for call in response.function_calls:
            print(f"model calls {call.name}({call.args})")
            result = get_weather(**(call.args or {}))
            answers.append(types.Part.from_function_response(call.name or "", result, id=call.id))
        print("model:", manual.send_message(answers).text)


if __name__ == "__main__":
    main()

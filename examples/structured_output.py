"""Structured output: a Python type as the answer's JSON schema, and the answer parsed
back into it."""

from __future__ import annotations

import os

import msgspec

from generativelanguage.v1beta import Client


class City(msgspec.Struct):
    name: str
    population: int


def main() -> None:
    model = os.environ.get("GEMINI_MODEL", "gemini-2.5-flash")
    with Client(base_url=os.environ.get("GEMINI_BASE_URL") or None) as client:
        response = client.models.generate_content(
            model,
            body={
                "contents": "Describe the city Paris, home to 2100000 people.",
                "generationConfig": {"responseJsonSchema": City},  # sent as its JSON schema
            },
        )
        city = response.parse(City)  # typed: a City
        print(f"{city.name}: {city.population:,} people")


if __name__ == "__main__":
    main()

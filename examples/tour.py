# Eleven tasks on one page. Against the emulator: GEMINI_BASE_URL=<its url> python tour.py
import asyncio
import os

from generativelanguage.v1beta import AsyncClient, Client

M, V, URL = "gemini-2.5-flash", "veo-3.0-generate-001", os.environ.get("GEMINI_BASE_URL")


def get_weather(city: str) -> str:
    """The current weather in a city."""
    return f"Sunny in {city}"


async def main() -> None:  # 10. the async client: the same methods, awaited
    async with AsyncClient(base_url=URL) as client:
        print((await client.models.generate_content(M, body="Hello from asyncio.")).text)


with Client(base_url=URL) as client:
    print(client.models.generate_content(M, body="Write a haiku about msgspec.").text)  # 1. text
    for chunk in client.models.stream_generate_content(M, body="Count to five."):  # 2. stream
        print(chunk.text or "", end="", flush=True)
    print()
    chat = client.chats.create(M)  # 3. a chat remembers
    chat.send_message("My name is Ada.")
    print(chat.send_message("What is my name?").text)
    weather = client.chats.create(M, tools=[get_weather])  # 4. function call round trip
    print(weather.send_message("What does get_weather say for Paris?").text)
    notes = client.files.upload(b"Ship on Friday.", mime_type="text/plain")  # 5. upload, use
    print(client.models.generate_content(M, body=[notes, "Summarise the file."]).text)
    print(client.models.count_tokens(M, body="How many tokens?").total_tokens)  # 6. count
    if embedding := client.models.embed_content("gemini-embedding-001", body="Hi").embedding:
        print(len(embedding.values or []), "dimensions")  # 7. embed
    print([model.name for model in client.models.list()])  # 8. list models, every page
    video = client.models.predict_long_running(V, body={"instances": [{"prompt": "A cat"}]})
    print(client.wait_operation(video).done)  # 9. wait for an operation
    old = client.models.generate_text("text-bison-001", body={"prompt": {"text": "Hi"}})
    print(old.candidates and old.candidates[0].output)  # 11. legacy PaLM generate_text
asyncio.run(main())

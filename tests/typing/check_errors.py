"""Mistakes type checkers must catch (each line carries the error code mypy reports;
`warn_unused_ignores` fails the check if one of them stops being an error)."""

from __future__ import annotations

from generativelanguage.v1beta import AsyncClient, Client, types


def misspelt(client: Client) -> None:
    client.modles.list()  # type: ignore[attr-defined]
    client.models.generate_contnet("m", body="x")  # type: ignore[attr-defined]
    _ = client.models.list().next_page_tokn  # type: ignore[attr-defined]
    client.models.generate_content("m", body=3)  # type: ignore[arg-type]
    client.models.batch_embed_contents("m", body="x")  # type: ignore[arg-type]
    response = client.models.generate_content("m", body="x")
    response.candidates[0]  # type: ignore[index]
    _ = response.txt  # type: ignore[attr-defined]
    types.Part.from_bytes(b"x")  # type: ignore[call-arg]


async def misspelt_async(client: AsyncClient) -> None:
    await client.modles.list()  # type: ignore[attr-defined]
    response = await client.models.generate_content("m", body="x")
    response.candidates[0]  # type: ignore[index]

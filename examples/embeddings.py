"""Embeddings: one text, a batch, and how similar they are."""

from __future__ import annotations

import math
import os

from generativelanguage.v1beta import Client

TEXTS = [
    "The cat sat on the mat.",
    "A cat was sitting on the mat.",
    "Stock markets fell sharply today.",
]


def cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


def main() -> None:
    model = os.environ.get("GEMINI_EMBEDDING_MODEL", "models/gemini-embedding-001")
    with Client(base_url=os.environ.get("GEMINI_BASE_URL") or None) as client:
        one = client.models.embed_content(
            model, body={"content": TEXTS[0], "outputDimensionality": 256}
        )
        print(
            f"one embedding: {len(one.embedding.values or []) if one.embedding else 0} dimensions"
        )
        batch = client.models.batch_embed_contents(
            model,
            body={
                "requests": [{"model": model, "content": {"parts": [{"text": t}]}} for t in TEXTS]
            },
        )
        vectors = [e.values or [] for e in batch.embeddings or []]
        print(f"batch: {len(vectors)} embeddings of {len(vectors[0])} dimensions")
        print(f"similarity(0, 1) = {cosine(vectors[0], vectors[1]):.3f}")
        print(f"similarity(0, 2) = {cosine(vectors[0], vectors[2]):.3f}")


if __name__ == "__main__":
    main()

"""The emulator's built-in model catalogue, shaped like the service's ``models.list``.

A small, fixed selection: current Gemini models, embedding models, the attributed
question answering model, image and video generation, a tunable base model, and the
legacy PaLM models that still answer ``generateText``/``generateMessage``/``embedText``.
Besides these, any name starting with one of ``FAMILY_PREFIXES`` is accepted for
generation (so a new model name works without a catalogue change) but is not listed.
"""

from __future__ import annotations

from typing import Any

_GEMINI_METHODS = ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"]
_EMBED_METHODS = ["embedContent", "countTextTokens", "countTokens", "asyncBatchEmbedContent"]


def _gemini(
    short: str, display: str, description: str, *, thinking: bool, out_limit: int = 65536
) -> dict[str, Any]:
    model: dict[str, Any] = {
        "name": f"models/{short}",
        "version": "001",
        "displayName": display,
        "description": description,
        "inputTokenLimit": 1048576,
        "outputTokenLimit": out_limit,
        "supportedGenerationMethods": list(_GEMINI_METHODS),
        "temperature": 1,
        "topP": 0.95,
        "topK": 64,
        "maxTemperature": 2,
    }
    if thinking:
        model["thinking"] = True
    return model


MODELS: list[dict[str, Any]] = [
    {
        "name": "models/chat-bison-001",
        "version": "001",
        "displayName": "PaLM 2 Chat (Legacy)",
        "description": "Legacy PaLM chat model (emulated).",
        "inputTokenLimit": 4096,
        "outputTokenLimit": 1024,
        "supportedGenerationMethods": ["generateMessage", "countMessageTokens"],
        "temperature": 0.25,
        "topP": 0.95,
        "topK": 40,
    },
    {
        "name": "models/text-bison-001",
        "version": "001",
        "displayName": "PaLM 2 (Legacy)",
        "description": "Legacy PaLM text model (emulated).",
        "inputTokenLimit": 8196,
        "outputTokenLimit": 1024,
        "supportedGenerationMethods": ["generateText", "countTextTokens", "createTunedTextModel"],
        "temperature": 0.7,
        "topP": 0.95,
        "topK": 40,
    },
    {
        "name": "models/embedding-gecko-001",
        "version": "001",
        "displayName": "Embedding Gecko",
        "description": "Legacy PaLM embedding model (emulated).",
        "inputTokenLimit": 1024,
        "outputTokenLimit": 1,
        "supportedGenerationMethods": ["embedText", "countTextTokens"],
    },
    _gemini(
        "gemini-2.0-flash",
        "Gemini 2.0 Flash",
        "Gemini 2.0 Flash (emulated).",
        thinking=False,
        out_limit=8192,
    ),
    _gemini(
        "gemini-2.0-flash-lite",
        "Gemini 2.0 Flash-Lite",
        "Gemini 2.0 Flash-Lite (emulated).",
        thinking=False,
        out_limit=8192,
    ),
    _gemini("gemini-2.5-flash", "Gemini 2.5 Flash", "Gemini 2.5 Flash (emulated).", thinking=True),
    _gemini(
        "gemini-2.5-flash-lite",
        "Gemini 2.5 Flash-Lite",
        "Gemini 2.5 Flash-Lite (emulated).",
        thinking=True,
    ),
    _gemini("gemini-2.5-pro", "Gemini 2.5 Pro", "Gemini 2.5 Pro (emulated).", thinking=True),
    _gemini(
        "gemini-3-flash-preview",
        "Gemini 3 Flash Preview",
        "Gemini 3 Flash Preview (emulated).",
        thinking=True,
    ),
    {
        "name": "models/gemini-1.5-flash-001-tuning",
        "version": "001",
        "displayName": "Gemini 1.5 Flash 001 Tuning",
        "description": "Base model for tuning (emulated).",
        "inputTokenLimit": 16384,
        "outputTokenLimit": 8192,
        "supportedGenerationMethods": ["generateContent", "countTokens", "createTunedModel"],
        "temperature": 1,
        "topP": 0.95,
        "topK": 64,
        "maxTemperature": 2,
    },
    {
        "name": "models/gemma-3-27b-it",
        "version": "001",
        "displayName": "Gemma 3 27B",
        "description": "Gemma 3 27B instruction tuned (emulated).",
        "inputTokenLimit": 131072,
        "outputTokenLimit": 8192,
        "supportedGenerationMethods": ["generateContent", "countTokens"],
        "temperature": 1,
        "topP": 0.95,
        "topK": 64,
    },
    {
        "name": "models/embedding-001",
        "version": "001",
        "displayName": "Embedding 001",
        "description": "Text embedding model (emulated).",
        "inputTokenLimit": 2048,
        "outputTokenLimit": 1,
        "supportedGenerationMethods": ["embedContent"],
    },
    {
        "name": "models/text-embedding-004",
        "version": "004",
        "displayName": "Text Embedding 004",
        "description": "Text embedding model (emulated).",
        "inputTokenLimit": 2048,
        "outputTokenLimit": 1,
        "supportedGenerationMethods": ["embedContent"],
    },
    {
        "name": "models/gemini-embedding-001",
        "version": "001",
        "displayName": "Gemini Embedding 001",
        "description": "Gemini embedding model (emulated).",
        "inputTokenLimit": 2048,
        "outputTokenLimit": 1,
        "supportedGenerationMethods": list(_EMBED_METHODS),
    },
    {
        "name": "models/aqa",
        "version": "001",
        "displayName": "Model that performs Attributed Question Answering.",
        "description": "Answers questions grounded in the given passages (emulated).",
        "inputTokenLimit": 7168,
        "outputTokenLimit": 1024,
        "supportedGenerationMethods": ["generateAnswer"],
        "temperature": 0.2,
        "topP": 1,
        "topK": 40,
    },
    {
        "name": "models/imagen-4.0-generate-001",
        "version": "001",
        "displayName": "Imagen 4",
        "description": "Image generation (emulated: a 1x1 PNG per sample).",
        "inputTokenLimit": 480,
        "outputTokenLimit": 8192,
        "supportedGenerationMethods": ["predict"],
    },
    {
        "name": "models/veo-3.1-generate-preview",
        "version": "3.1",
        "displayName": "Veo 3.1",
        "description": "Video generation (emulated: a few bytes per video).",
        "inputTokenLimit": 1024,
        "outputTokenLimit": 8192,
        "supportedGenerationMethods": ["predictLongRunning"],
    },
]

#: Model names outside the catalogue that are still served: (prefix, methods).
FAMILY_PREFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("gemini-embedding", tuple(_EMBED_METHODS)),
    ("text-embedding", ("embedContent",)),
    ("embedding-", ("embedContent",)),
    ("gemini-", (*_GEMINI_METHODS, "createTunedModel")),
    ("gemma-", ("generateContent", "countTokens")),
    ("learnlm-", ("generateContent", "countTokens")),
    ("imagen-", ("predict",)),
    ("veo-", ("predictLongRunning",)),
)

#: Methods implied by one a model lists (the service lists only the first of each).
IMPLIED = {
    "streamGenerateContent": "generateContent",
    "batchEmbedContents": "embedContent",
    "batchEmbedText": "embedText",
    "generateContent": "generateContent",
}


def family_methods(short_name: str) -> tuple[str, ...] | None:
    for prefix, methods in FAMILY_PREFIXES:
        if short_name.startswith(prefix):
            return methods
    return None

"""The emulated model: deterministic answers computed from the request alone.

Pure functions over request dicts (JSON names, as decoded and re-encoded through the
generated types); no I/O, no state. The rules, also listed in README.md:

Tokens
    A token is a whitespace-separated word. Each ``inlineData``/``fileData`` part counts
    258 tokens (what the service counts for an image), in the modality of its MIME type
    (IMAGE, AUDIO, VIDEO, else DOCUMENT). ``functionCall``/``functionResponse`` parts
    count the words of their name and compact JSON. A system instruction counts its
    words; each declared function counts the words of its name and description plus one
    per parameter. ``countTokens`` and ``usageMetadata.promptTokenCount`` use the same
    count, so they always agree.

Text answers
    The answer to the last turn is ``Echo: <its text>``, followed by one note per
    file or inline part (``[file "notes.txt" (text/plain, 27 bytes): "first words..."]``)
    and, when earlier user turns exist, ``(turn N; earlier you said: "<previous user
    text>")``. Whitespace is collapsed to single spaces. With ``candidateCount`` n, the
    answer of candidate i > 0 ends with ``(candidate i+1)``.

Generation config
    ``maxOutputTokens`` keeps the first N words and finishes with ``MAX_TOKENS`` (else
    ``STOP``); a ``stopSequences`` entry cuts the answer before it. ``responseMimeType:
    application/json`` answers JSON built from ``responseSchema`` /
    ``responseJsonSchema`` (values filled as function arguments are, below) or
    ``{"echo": <text>}``; ``text/x.enum`` answers the first enum value the prompt
    mentions, else the first one.

Thinking
    Models named ``gemini-2.5*`` and ``gemini-3*`` think unless
    ``thinkingConfig.thinkingBudget`` is 0: ``usageMetadata.thoughtsTokenCount`` is the
    word count of ``**Thinking** The prompt has N words; I will echo it.``, which is
    also returned as a ``thought: true`` part when ``includeThoughts`` is set, and
    their ``functionCall`` parts carry a ``thoughtSignature``.

Function calling
    With ``tools[].functionDeclarations`` and a calling mode other than ``NONE``, every
    declared function (restricted to ``allowedFunctionNames``) whose name appears in the
    last user turn is called, in declaration order; when none appears but the turn
    contains the word "call", or the mode is ``ANY``, the first one is called. Argument
    values: numbers of the prompt in order for NUMBER/INTEGER, capitalised words that do
    not start a sentence (else the prompt's last word) for STRING, the enum value the
    prompt mentions (else the first) for enums, ``true`` for BOOLEAN, one element for
    ARRAY, every property for OBJECT. A last turn made of ``functionResponse`` parts is
    answered ``Result of <name>: <compact JSON of response>.``

Streaming
    The same answer, cut into chunks of up to four words (at least three chunks when it
    has three words or more); chunk texts concatenate to the non-streamed text. Every
    chunk carries ``usageMetadata`` with the running candidate count; the last one
    carries ``finishReason``.

Embeddings
    The normalised sum of one pseudo-random vector per lower-cased word (from
    SHAKE-256 of the word), 768 dimensions unless ``outputDimensionality`` says
    otherwise: identical texts embed identically, texts sharing words have a positive
    cosine similarity, and every vector has unit length.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import struct
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

#: Tokens counted for one inline or file part (the service's count for an image).
MEDIA_TOKENS = 258
DEFAULT_DIMENSIONS = 768
MAX_CHUNK_WORDS = 4


@dataclass
class FileInfo:
    """What the model may say about a file referenced by ``fileData``."""

    name: str
    display_name: str
    mime_type: str
    size: int
    preview: str | None = None


#: Resolves a ``fileData.fileUri`` to a file; None for URIs it does not know.
FileLookup = Callable[[str], "FileInfo | None"]


def words(text: str | None) -> list[str]:
    return text.split() if text else []


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(", ", ": "), ensure_ascii=False)


def modality_of(mime_type: str | None) -> str:
    top = (mime_type or "").split("/", 1)[0]
    return {"image": "IMAGE", "audio": "AUDIO", "video": "VIDEO", "text": "TEXT"}.get(
        top, "DOCUMENT"
    )


# -- token counting -------------------------------------------------------------------


def count_part(part: dict, counts: Counter) -> None:
    if "text" in part:
        counts["TEXT"] += len(words(part.get("text")))
    elif "inlineData" in part:
        counts[modality_of((part["inlineData"] or {}).get("mimeType"))] += MEDIA_TOKENS
    elif "fileData" in part:
        counts[modality_of((part["fileData"] or {}).get("mimeType"))] += MEDIA_TOKENS
    elif "functionCall" in part:
        call = part["functionCall"] or {}
        counts["TEXT"] += len(words(call.get("name"))) + len(words(_compact(call.get("args"))))
    elif "functionResponse" in part:
        resp = part["functionResponse"] or {}
        counts["TEXT"] += len(words(resp.get("name"))) + len(words(_compact(resp.get("response"))))
    else:
        for value in part.values():
            if isinstance(value, dict):
                counts["TEXT"] += len(words(_compact(value)))


def count_contents(contents: list | None, counts: Counter | None = None) -> Counter:
    counts = Counter() if counts is None else counts
    for content in contents or ():
        for part in (content or {}).get("parts") or ():
            count_part(part or {}, counts)
    return counts


def count_request(request: dict, counts: Counter | None = None) -> Counter:
    """Prompt tokens of a GenerateContentRequest (or CachedContent) by modality."""
    counts = count_contents(request.get("contents"), counts)
    system = request.get("systemInstruction")
    if system:
        count_contents([system], counts)
    for tool in request.get("tools") or ():
        for decl in tool.get("functionDeclarations") or ():
            schema = decl.get("parameters") or decl.get("parametersJsonSchema") or {}
            params = schema.get("properties") if isinstance(schema, dict) else None
            counts["TEXT"] += (
                len(words(decl.get("name")))
                + len(words(decl.get("description")))
                + len(params or {})
            )
    return counts


def token_details(counts: Counter) -> list[dict[str, Any]]:
    order = ("TEXT", "IMAGE", "AUDIO", "VIDEO", "DOCUMENT")
    return [{"modality": m, "tokenCount": counts[m]} for m in order if counts.get(m)]


# -- prompts ----------------------------------------------------------------------------


def _text_of(content: dict | None) -> str:
    return " ".join(
        p["text"] for p in (content or {}).get("parts") or () if isinstance(p.get("text"), str)
    ).strip()


def _is_user(content: dict) -> bool:
    return content.get("role", "user") in ("user", "", None)


def _file_note(part: dict, lookup: FileLookup | None) -> str | None:
    if "inlineData" in part:
        blob = part["inlineData"] or {}
        data = blob.get("data") or ""
        size = len(base64.b64decode(data)) if isinstance(data, str) else len(data)
        return f"[inline {blob.get('mimeType') or 'data'}, {size} bytes]"
    if "fileData" in part:
        data = part["fileData"] or {}
        uri = data.get("fileUri") or ""
        info = lookup(uri) if lookup else None
        if info is None:
            mime = data.get("mimeType")
            return f"[file {uri}" + (f" ({mime})" if mime else "") + "]"
        note = f'[file "{info.display_name or info.name}" ({info.mime_type}, {info.size} bytes)'
        if info.preview:
            note += f': "{info.preview}"'
        return note + "]"
    return None


# -- schema filling ---------------------------------------------------------------------

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_WORD = re.compile(r"[A-Za-z][\w'-]*")


class _Values:
    """The values a prompt offers for arguments, handed out in order."""

    def __init__(self, prompt: str, exclude: set[str]) -> None:
        self.prompt = prompt
        self.numbers = [float(n) for n in _NUMBER.findall(prompt)]
        names = []
        for m in _WORD.finditer(prompt):
            word = m.group(0)
            before = prompt[: m.start()].rstrip()
            starts_sentence = not before or before[-1] in ".?!:"
            if word[0].isupper() and not starts_sentence and word.lower() not in exclude:
                names.append(word)
        self.names = names
        tail = [w.strip(".,;:!?\"'()") for w in prompt.split()]
        tail = [w for w in tail if w and w.lower() not in exclude]
        self.last = tail[-1] if tail else ""

    def number(self) -> float:
        return self.numbers.pop(0) if self.numbers else 0

    def string(self) -> str:
        return self.names.pop(0) if self.names else self.last

    def choice(self, options: list[str]) -> str:
        lowered = self.prompt.lower()
        for option in options:
            if str(option).lower() in lowered:
                return option
        return options[0]


def _schema_type(schema: dict) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):  # JSON Schema ["string", "null"]
        kind = next((k for k in kind if k != "null"), "string")
    if kind is None:
        if "properties" in schema:
            kind = "object"
        elif "items" in schema:
            kind = "array"
        elif schema.get("anyOf"):
            return _schema_type(schema["anyOf"][0])
        else:
            kind = "string"
    return str(kind).upper()


def fill(schema: Any, values: _Values, depth: int = 0) -> Any:
    """A value for ``schema`` (a Gemini ``Schema`` or a JSON Schema) from the prompt."""
    if not isinstance(schema, dict) or depth > 8:
        return values.string()
    if schema.get("anyOf") and "type" not in schema:
        return fill(schema["anyOf"][0], values, depth + 1)
    kind = _schema_type(schema)
    if schema.get("enum"):
        return values.choice(list(schema["enum"]))
    if kind == "OBJECT":
        props = schema.get("properties") or {}
        order = schema.get("propertyOrdering") or list(props)
        return {name: fill(props[name], values, depth + 1) for name in order if name in props}
    if kind == "ARRAY":
        return [fill(schema.get("items") or {}, values, depth + 1)]
    if kind in ("NUMBER", "INTEGER"):
        number = values.number()
        return int(number) if kind == "INTEGER" else number
    if kind == "BOOLEAN":
        return True
    if kind == "NULL":
        return None
    return values.string()


# -- generation ---------------------------------------------------------------------------


@dataclass
class Candidate:
    parts: list[dict]
    finish_reason: str
    tokens: int


@dataclass
class Generation:
    """The whole answer to one GenerateContentRequest."""

    candidates: list[Candidate]
    prompt: Counter
    cached_tokens: int = 0
    thought: str | None = None
    thoughts_tokens: int = 0
    include_thoughts: bool = False
    extra: dict = field(default_factory=dict)

    def usage(self, candidates_tokens: int | None = None) -> dict[str, Any]:
        prompt_tokens = sum(self.prompt.values())
        cand = (
            sum(c.tokens for c in self.candidates)
            if candidates_tokens is None
            else (candidates_tokens)
        )
        usage: dict[str, Any] = {"promptTokenCount": prompt_tokens}
        if cand:
            usage["candidatesTokenCount"] = cand
        usage["totalTokenCount"] = prompt_tokens + cand + self.thoughts_tokens
        details = token_details(self.prompt)
        if details:
            usage["promptTokensDetails"] = details
        if self.cached_tokens:
            usage["cachedContentTokenCount"] = self.cached_tokens
            usage["cacheTokensDetails"] = [{"modality": "TEXT", "tokenCount": self.cached_tokens}]
        if self.thoughts_tokens:
            usage["thoughtsTokenCount"] = self.thoughts_tokens
        return usage


def _thinks(model: str, config: dict) -> bool:
    short = model.rsplit("/", 1)[-1]
    if not (short.startswith("gemini-2.5") or short.startswith("gemini-3")):
        return False
    budget = (config.get("thinkingConfig") or {}).get("thinkingBudget")
    return budget != 0


def _function_calls(request: dict, prompt: str) -> list[dict]:
    config = ((request.get("toolConfig") or {}).get("functionCallingConfig")) or {}
    mode = str(config.get("mode") or "AUTO").upper()
    if mode in ("NONE", "3"):
        return []
    decls = [
        d
        for tool in request.get("tools") or ()
        for d in tool.get("functionDeclarations") or ()
        if d.get("name")
    ]
    allowed = config.get("allowedFunctionNames")
    if allowed:
        decls = [d for d in decls if d["name"] in allowed]
    if not decls:
        return []
    chosen = [
        d
        for d in decls
        if re.search(r"(?<![\w])" + re.escape(d["name"]) + r"(?![\w])", prompt, re.IGNORECASE)
    ]
    if not chosen and (mode in ("ANY", "2") or re.search(r"\bcall\b", prompt, re.IGNORECASE)):
        chosen = decls[:1]
    exclude = {d["name"].lower() for d in decls} | {"call"}
    values = _Values(prompt, exclude)
    calls = []
    for decl in chosen:
        schema = decl.get("parameters") or decl.get("parametersJsonSchema")
        args = fill(schema, values) if schema else {}
        calls.append({"name": decl["name"], "args": args if isinstance(args, dict) else {}})
    return calls


def _truncate(text: str, config: dict) -> tuple[str, str]:
    finish = "STOP"
    for stop in config.get("stopSequences") or ():
        if stop and stop in text:
            text = text[: text.index(stop)]
    tokens = words(text)
    limit = config.get("maxOutputTokens")
    if limit and limit > 0 and len(tokens) > limit:
        tokens = tokens[:limit]
        finish = "MAX_TOKENS"
    return " ".join(tokens), finish


def answer_text(request: dict, lookup: FileLookup | None = None) -> str:
    """The plain-text answer (before generation config is applied)."""
    contents = request.get("contents") or []
    last = contents[-1] if contents else {}
    responses = [p["functionResponse"] for p in last.get("parts") or () if "functionResponse" in p]
    if responses:
        return " ".join(
            f"Result of {r.get('name')}: {_compact(r.get('response'))}." for r in responses
        )
    prompt = _text_of(last)
    notes = [n for p in last.get("parts") or () if (n := _file_note(p, lookup))]
    text = f"Echo: {prompt}" if prompt else "Echo: (no text)"
    if notes:
        text += " " + " ".join(notes)
    earlier = [_text_of(c) for c in contents[:-1] if _is_user(c) and _text_of(c)]
    if earlier:
        text += f' (turn {len(earlier) + 1}; earlier you said: "{earlier[-1]}")'
    return " ".join(text.split())


def _structured(request: dict, prompt: str, text: str) -> str | None:
    config = request.get("generationConfig") or {}
    mime = config.get("responseMimeType")
    schema = config.get("responseSchema") or config.get("responseJsonSchema")
    if schema is None:
        schema = config.get("_responseJsonSchema")
    if mime == "text/x.enum" and isinstance(schema, dict) and schema.get("enum"):
        return _Values(prompt, set()).choice(list(schema["enum"]))
    if mime == "application/json":
        if schema is None:
            return json.dumps({"echo": text}, ensure_ascii=False)
        return json.dumps(fill(schema, _Values(prompt, set())), ensure_ascii=False)
    return None


def generate(
    request: dict,
    model: str,
    *,
    lookup: FileLookup | None = None,
    cached: dict | None = None,
    examples: dict[str, str] | None = None,
) -> Generation:
    """Answer a GenerateContentRequest.

    Args:
        request: The request (JSON names).
        model: The model's resource name.
        lookup: Resolves ``fileData`` URIs.
        cached: The CachedContent named by ``cachedContent`` (its private contents).
        examples: Training examples of a tuned model (input -> output); a prompt equal
            to an input (ignoring case and surrounding space) is answered its output.
    """
    config = request.get("generationConfig") or {}
    prompt_counts = count_request(request)
    cached_tokens = 0
    if cached:
        cached_tokens = sum(count_request(cached).values())
        prompt_counts["TEXT"] += cached_tokens
    contents = request.get("contents") or []
    last = contents[-1] if contents else {}
    prompt = _text_of(last)
    thinks = _thinks(model, config)
    calls = (
        []
        if any("functionResponse" in p for p in last.get("parts") or ())
        else (_function_calls(request, prompt))
    )
    n = max(1, int(config.get("candidateCount") or 1))
    candidates = []
    if calls:
        parts = []
        for i, call in enumerate(calls):
            part: dict[str, Any] = {"functionCall": call}
            if thinks and i == 0:
                digest = hashlib.sha256(_compact(call).encode()).digest()
                part["thoughtSignature"] = base64.b64encode(digest).decode()
            parts.append(part)
        tokens = sum(len(words(c["name"])) + len(words(_compact(c["args"]))) for c in calls)
        candidates = [Candidate(parts, "STOP", tokens) for _ in range(n)]
    else:
        text = answer_text(request, lookup)
        if examples:
            trained = examples.get(prompt.strip().lower())
            if trained is not None:
                text = trained
        text = _structured(request, prompt, text) or text
        for i in range(n):
            variant = text if i == 0 else f"{text} (candidate {i + 1})"
            out, finish = _truncate(variant, config)
            candidates.append(Candidate([{"text": out}], finish, len(words(out))))
    thought = None
    thoughts_tokens = 0
    if thinks:
        thought = f"**Thinking** The prompt has {len(words(prompt))} words; I will echo it."
        thoughts_tokens = len(words(thought))
    include = bool((config.get("thinkingConfig") or {}).get("includeThoughts")) and thinks
    return Generation(
        candidates=candidates,
        prompt=prompt_counts,
        cached_tokens=cached_tokens,
        thought=thought,
        thoughts_tokens=thoughts_tokens,
        include_thoughts=include,
    )


def response_id(request_bytes: bytes, model: str) -> str:
    digest = hashlib.sha256(model.encode() + b"\0" + request_bytes).digest()
    return base64.urlsafe_b64encode(digest).decode()[:23]


def _candidate_json(index: int, parts: list[dict], finish: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"content": {"parts": parts, "role": "model"}}
    if finish:
        out["finishReason"] = finish
    out["index"] = index
    return out


def to_response(gen: Generation, model_version: str, rid: str) -> dict[str, Any]:
    """The GenerateContentResponse of a whole generation."""
    candidates = []
    for i, cand in enumerate(gen.candidates):
        parts = list(cand.parts)
        if gen.include_thoughts and gen.thought:
            parts.insert(0, {"text": gen.thought, "thought": True})
        candidates.append(_candidate_json(i, parts, cand.finish_reason))
    return {
        "candidates": candidates,
        "usageMetadata": gen.usage(),
        "modelVersion": model_version,
        "responseId": rid,
    }


def chunk_sizes(n_words: int) -> list[int]:
    """Words per stream chunk: up to four, at least three chunks when possible."""
    if n_words == 0:
        return [0]
    count = max(min(3, n_words), math.ceil(n_words / MAX_CHUNK_WORDS))
    base, extra = divmod(n_words, count)
    return [base + 1] * extra + [base] * (count - extra)


def _pieces(cand: Candidate) -> list[tuple[list[dict], int]]:
    """(parts, tokens) per chunk of one candidate."""
    if len(cand.parts) != 1 or "text" not in cand.parts[0]:
        return [(cand.parts, cand.tokens)]
    tokens = words(cand.parts[0]["text"])
    out = []
    pos = 0
    sizes = chunk_sizes(len(tokens))
    for i, size in enumerate(sizes):
        chunk = tokens[pos : pos + size]
        pos += size
        text = " ".join(chunk) + (" " if i < len(sizes) - 1 else "")
        out.append(([{"text": text}], len(chunk)))
    return out


def to_chunks(gen: Generation, model_version: str, rid: str) -> list[dict[str, Any]]:
    """The GenerateContentResponse chunks of a streamed generation."""
    per_candidate = [_pieces(c) for c in gen.candidates]
    steps = max(len(p) for p in per_candidate)
    chunks = []
    running = 0
    if gen.include_thoughts and gen.thought:
        chunks.append(
            {
                "candidates": [_candidate_json(0, [{"text": gen.thought, "thought": True}], None)],
                "usageMetadata": gen.usage(0),
                "modelVersion": model_version,
                "responseId": rid,
            }
        )
    for step in range(steps):
        candidates = []
        for i, pieces in enumerate(per_candidate):
            if step < len(pieces):
                parts, tokens = pieces[step]
                running += tokens
                finish = gen.candidates[i].finish_reason if step == len(pieces) - 1 else None
                candidates.append(_candidate_json(i, parts, finish))
        chunks.append(
            {
                "candidates": candidates,
                "usageMetadata": gen.usage(running),
                "modelVersion": model_version,
                "responseId": rid,
            }
        )
    return chunks


# -- embeddings -------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _word_vector(word: str, dims: int) -> tuple[float, ...]:
    raw = hashlib.shake_256(word.encode("utf-8")).digest(dims * 2)
    return tuple(v / 32767.5 - 1.0 for v in struct.unpack(f">{dims}H", raw))


def embed(text: str, dims: int = DEFAULT_DIMENSIONS) -> list[float]:
    """A unit vector of ``dims`` values for ``text`` (see the module docstring)."""
    tokens = [w.lower() for w in words(text)] or [""]
    total = [0.0] * dims
    for token in tokens:
        vec = _word_vector(token, dims)
        total = [a + b for a, b in zip(total, vec, strict=True)]
    norm = math.sqrt(sum(v * v for v in total)) or 1.0
    return [v / norm for v in total]


def content_text(content: dict | None) -> str:
    """The text an embedding is computed from: text parts, then media descriptors."""
    pieces = []
    for part in (content or {}).get("parts") or ():
        if "text" in part:
            pieces.append(part["text"] or "")
        elif "inlineData" in part:
            pieces.append(str((part["inlineData"] or {}).get("data") or "")[:64])
        elif "fileData" in part:
            pieces.append(str((part["fileData"] or {}).get("fileUri") or ""))
    return " ".join(pieces)


# -- legacy PaLM ----------------------------------------------------------------------------

LEGACY_SAFETY = [
    {"category": c, "probability": "NEGLIGIBLE"}
    for c in (
        "HARM_CATEGORY_DEROGATORY",
        "HARM_CATEGORY_TOXICITY",
        "HARM_CATEGORY_VIOLENCE",
        "HARM_CATEGORY_SEXUAL",
        "HARM_CATEGORY_MEDICAL",
        "HARM_CATEGORY_DANGEROUS",
    )
]


def generate_text(request: dict) -> dict[str, Any]:
    prompt = ((request.get("prompt") or {}).get("text")) or ""
    config = {
        "maxOutputTokens": request.get("maxOutputTokens"),
        "stopSequences": request.get("stopSequences"),
    }
    n = max(1, int(request.get("candidateCount") or 1))
    candidates = []
    for i in range(n):
        text = " ".join(f"Echo: {prompt}".split()) + (f" (candidate {i + 1})" if i else "")
        out, _ = _truncate(text, config)
        candidates.append({"output": out, "safetyRatings": LEGACY_SAFETY})
    return {"candidates": candidates}


def generate_message(request: dict) -> dict[str, Any]:
    prompt = request.get("prompt") or {}
    messages = []
    for i, message in enumerate(prompt.get("messages") or ()):
        message = dict(message)
        message.setdefault("author", str(i % 2))
        messages.append(message)
    last = messages[-1] if messages else {"author": "0", "content": ""}
    text = f"Echo: {last.get('content') or ''}"
    earlier = [m.get("content") for m in messages[:-1] if m.get("author") == last["author"]]
    if earlier:
        text += f' (turn {len(earlier) + 1}; earlier you said: "{earlier[-1]}")'
    text = " ".join(text.split())
    n = max(1, int(request.get("candidateCount") or 1))
    candidates = [
        {"author": "1", "content": text + (f" (candidate {i + 1})" if i else "")} for i in range(n)
    ]
    return {"candidates": candidates, "messages": messages}


def count_message_tokens(request: dict) -> int:
    prompt = request.get("prompt") or {}
    total = len(words(prompt.get("context")))
    for example in prompt.get("examples") or ():
        for key in ("input", "output"):
            total += len(words((example.get(key) or {}).get("content")))
    for message in prompt.get("messages") or ():
        total += len(words(message.get("content")))
    return total


def generate_answer(request: dict) -> dict[str, Any]:
    """Attributed question answering: the passage sharing most words with the question."""
    question = _text_of((request.get("contents") or [{}])[-1])
    q_words = {w.lower().strip(".,;:!?") for w in words(question)}
    passages = ((request.get("inlinePassages") or {}).get("passages")) or []
    best = None
    best_score = -1.0
    for passage in passages:
        text = _text_of(passage.get("content"))
        p_words = {w.lower().strip(".,;:!?") for w in words(text)}
        score = len(q_words & p_words) / (len(q_words) or 1)
        if score > best_score:
            best, best_score = passage, score
    if best is None:
        text, attribution, score = f"Echo: {question}", [], 0.0
    else:
        text = _text_of(best.get("content"))
        score = best_score
        attribution = [
            {
                "sourceId": {"groundingPassage": {"passageId": best.get("id", ""), "partIndex": 0}},
                "content": best.get("content") or {},
            }
        ]
    answer: dict[str, Any] = {
        "content": {"parts": [{"text": text}], "role": "model"},
        "finishReason": "STOP",
        "index": 0,
    }
    if attribution:
        answer["groundingAttributions"] = attribution
    return {"answer": answer, "answerableProbability": round(min(1.0, score), 4)}

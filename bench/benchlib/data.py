"""Benchmark inputs: real recorded bodies picked by size, plus generated large ones.

The recorded interactions are read in place (``--fixtures``, default
``../shared/fixtures/recorded/interactions.jsonl`` next to the repository) and never
copied into the repository. Generated bodies are deterministic (fixed seed) and built
from the texts of real responses, in the shape the service sends (camelCase keys,
thought parts, grounding metadata, usage metadata).
"""

from __future__ import annotations

import base64
import json
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_FIXTURES = REPO.parent / "shared" / "fixtures" / "recorded" / "interactions.jsonl"

KB = 1024
MB = 1024 * 1024


@dataclass
class Body:
    """One JSON body used as benchmark input."""

    label: str  # e.g. "1 KB"
    text: str
    origin: str  # "recorded" or "generated"
    source: str  # where it comes from, for the report
    data: bytes = field(init=False)

    def __post_init__(self) -> None:
        self.data = self.text.encode()

    @property
    def size(self) -> int:
        return len(self.data)


def fixtures_path(cli_value: str | None = None) -> Path:
    return Path(cli_value or os.environ.get("BENCH_FIXTURES") or DEFAULT_FIXTURES)


def load_interactions(path: Path) -> list[dict]:
    if not path.is_file():
        raise SystemExit(
            f"recorded fixtures not found at {path}; pass --fixtures or set BENCH_FIXTURES"
        )
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _describe(rec: dict, index: int) -> str:
    return f"interactions.jsonl line {index + 1} ({rec.get('source_repo')}, {rec.get('url_path')})"


def _ok_generate(rec: dict) -> bool:
    return (
        rec.get("rpc") == "models.generateContent"
        and rec.get("response_status") == 200
        and not rec.get("is_sse")
        and bool(rec.get("response_body_text"))
        and rec.get("response_body_exact") is True
        and (rec.get("url_path") or "").startswith("/v1beta/")
    )


def recorded_responses(records: list[dict]) -> list[tuple[int, dict]]:
    return [(i, r) for i, r in enumerate(records) if _ok_generate(r)]


def pick_recorded(records: list[dict], target: int, tolerance: float) -> Body | None:
    """The exact recorded generateContent response closest in size to ``target`` bytes,
    if one is within ``tolerance`` (a fraction of target)."""
    best = None
    for i, rec in recorded_responses(records):
        size = len(rec["response_body_text"].encode())
        dist = abs(size - target)
        if best is None or dist < best[0]:
            best = (dist, i, rec)
    if best is None or best[0] > tolerance * target:
        return None
    _, i, rec = best
    return Body("", rec["response_body_text"], "recorded", _describe(rec, i))


def _real_texts(records: list[dict]) -> list[str]:
    """Texts of real response parts, to build generated bodies from."""
    texts = []
    for _, rec in recorded_responses(records):
        try:
            doc = json.loads(rec["response_body_text"])
        except ValueError:
            continue
        for cand in doc.get("candidates") or []:
            for part in (cand.get("content") or {}).get("parts") or []:
                t = part.get("text")
                if isinstance(t, str) and len(t) > 40:
                    texts.append(t)
    texts.sort()
    return texts


def generate_response(records: list[dict], target: int, seed: int = 5) -> str:
    """A GenerateContentResponse of about ``target`` bytes in the service's shape:
    a thought part, answer parts with thought signatures, citation and grounding
    metadata, safety ratings and usage metadata; all texts come from real responses."""
    rng = random.Random(seed)
    texts = _real_texts(records)

    def text(n: int) -> str:
        out = []
        size = 0
        while size < n:
            t = rng.choice(texts)
            out.append(t)
            size += len(t)
        return "\n\n".join(out)[:n]

    def signature() -> str:
        return base64.b64encode(rng.randbytes(rng.randint(64, 400))).decode()

    def grounding(n_chunks: int, n_supports: int) -> dict:
        return {
            "webSearchQueries": [text(40) for _ in range(3)],
            "searchEntryPoint": {"renderedContent": "<style>.container{}</style>" + text(600)},
            "groundingChunks": [
                {
                    "web": {
                        "uri": "https://vertexaisearch.cloud.google.com/grounding-api-redirect/"
                        + base64.urlsafe_b64encode(rng.randbytes(90)).decode(),
                        "title": f"example{k}.com",
                    }
                }
                for k in range(n_chunks)
            ],
            "groundingSupports": [
                {
                    "segment": {
                        "startIndex": 40 * k,
                        "endIndex": 40 * k + 120,
                        "text": text(120),
                    },
                    "groundingChunkIndices": [k % max(n_chunks, 1), (k + 1) % max(n_chunks, 1)],
                    "confidenceScores": [round(rng.random(), 6), round(rng.random(), 6)],
                }
                for k in range(n_supports)
            ],
        }

    def build(scale: int) -> dict:
        parts = [{"text": text(300 * scale), "thought": True}]
        for _ in range(max(1, scale)):
            parts.append({"text": text(600), "thoughtSignature": signature()})
        candidate = {
            "content": {"parts": parts, "role": "model"},
            "finishReason": "STOP",
            "index": 0,
            "safetyRatings": [
                {"category": c, "probability": "NEGLIGIBLE"}
                for c in (
                    "HARM_CATEGORY_SEXUALLY_EXPLICIT",
                    "HARM_CATEGORY_HATE_SPEECH",
                    "HARM_CATEGORY_HARASSMENT",
                    "HARM_CATEGORY_DANGEROUS_CONTENT",
                )
            ],
            "citationMetadata": {
                "citationSources": [
                    {"startIndex": 10 * k, "endIndex": 10 * k + 200, "uri": f"https://e.org/{k}"}
                    for k in range(max(1, scale // 2))
                ]
            },
            "groundingMetadata": grounding(max(2, scale), max(2, 2 * scale)),
            "avgLogprobs": -0.4123,
        }
        return {
            "candidates": [candidate],
            "usageMetadata": {
                "promptTokenCount": 812,
                "candidatesTokenCount": 150 * scale,
                "totalTokenCount": 812 + 400 * scale,
                "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 812}],
                "thoughtsTokenCount": 250 * scale,
            },
            "modelVersion": "gemini-2.5-flash",
            "responseId": "bench" + base64.urlsafe_b64encode(rng.randbytes(12)).decode(),
        }

    # grow the scale until the body reaches the target size
    def size(scale: int) -> int:
        rng.seed(seed)
        return len(serialize(build(scale)))

    def serialize(doc: dict) -> str:
        return json.dumps(doc, indent=2)  # the service pretty-prints with 2 spaces

    lo, hi = 1, 2
    while size(hi) < target:
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if size(mid) < target:
            lo = mid
        else:
            hi = mid
    rng.seed(seed)
    return serialize(build(hi))


def response_bodies(records: list[dict], quick: bool = False) -> list[Body]:
    """The decode inputs: ~1 KB, ~30 KB and ~1 MB, recorded where a recorded response
    of about that size exists, plus generated text-heavy ones at 30 KB and 1 MB."""
    out = []
    for label, target, tol in (("1 KB", KB, 0.25), ("30 KB", 30 * KB, 0.25), ("1 MB", MB, 0.25)):
        rec = pick_recorded(records, target, tol)
        if rec is not None:
            rec.label = f"{label} recorded"
            out.append(rec)
    for label, target in (("30 KB", 30 * KB), ("1 MB", MB)):
        if quick and label == "1 MB" and any(b.label.startswith("1 MB") for b in out):
            continue
        out.append(
            Body(
                f"{label} generated",
                generate_response(records, target),
                "generated",
                "generated from recorded response texts (seed 5)",
            )
        )
    if not any(b.label == "30 KB recorded" for b in out):
        # no recorded response near 30 KB: add the largest exact one below it as well
        below = [
            (len(r["response_body_text"].encode()), i, r)
            for i, r in recorded_responses(records)
            if len(r["response_body_text"].encode()) < 30 * KB
        ]
        if below:
            size, i, rec = max(below, key=lambda t: (t[0], -t[1]))
            out.append(
                Body(
                    f"{round(size / KB)} KB recorded",
                    rec["response_body_text"],
                    "recorded",
                    _describe(rec, i) + " (largest recorded response under 30 KB)",
                )
            )
    out.sort(key=lambda b: (b.size > 100 * KB, b.origin != "recorded", b.size))
    return out


def body_30k(bodies: list[Body]) -> Body:
    """The 30 KB body used by the memory and google-genai ratio targets: the recorded
    one if there is one, else the generated one."""
    for pref in ("30 KB recorded", "30 KB generated"):
        for b in bodies:
            if b.label == pref:
                return b
    raise LookupError("no 30 KB body")


def sse_events(records: list[dict]) -> tuple[list[str], str]:
    """Event payloads of one real recorded stream (exact bytes, small events): the
    stream with the most events among those whose events are all under 1 KB."""
    best = None
    for i, rec in enumerate(records):
        if not (
            rec.get("rpc") == "models.streamGenerateContent"
            and rec.get("is_sse")
            and rec.get("response_status") == 200
            and rec.get("response_body_exact") is True
        ):
            continue
        text = rec.get("response_body_text") or ""
        events = [
            line[6:] for line in text.replace("\r\n", "\n").split("\n") if line.startswith("data: ")
        ]
        if not events or max(len(e) for e in events) > KB:
            continue
        try:
            for e in events:
                json.loads(e)
        except ValueError:
            continue
        key = (len(events), -i)
        if best is None or key > best[0]:
            best = (key, events, _describe(rec, i))
    if best is None:
        raise SystemExit("no recorded SSE stream with small events in the fixtures")
    return best[1], best[2]


def interaction_events(records: list[dict]) -> tuple[list[str], str]:
    """SSE frames (``event:`` and ``data:`` lines, exact bytes) of the real recorded
    ``interactions.create`` stream with the most events, without its ``[DONE]``."""
    best = None
    for i, rec in enumerate(records):
        if not (rec.get("rpc") == "interactions.create" and rec.get("is_sse")):
            continue
        text = (rec.get("response_body_text") or "").replace("\r\n", "\n")
        if "data: " not in text:
            continue  # a response-only fixture whose framing the recorder stripped
        frames = [f + "\n\n" for f in text.split("\n\n") if "data: " in f]
        frames = [f for f in frames if "[DONE]" not in f]
        if not frames or max(len(f) for f in frames) > 4 * KB:
            continue
        key = (len(frames), -i)
        if best is None or key > best[0]:
            best = (key, frames, _describe(rec, i))
    if best is None:
        raise SystemExit("no recorded interactions stream in the fixtures")
    return best[1], best[2]


def request_bodies(records: list[dict], validate) -> list[tuple[str, dict, str]]:
    """Encode inputs: the recorded generateContent request closest to 1 KB that
    ``validate`` accepts, and a ~30 KB multi-turn chat built from it with real texts."""
    best = None
    for i, rec in enumerate(records):
        body = rec.get("request_body")
        if rec.get("rpc") != "models.generateContent" or not isinstance(body, dict):
            continue
        if not (rec.get("url_path") or "").startswith("/v1beta/"):
            continue
        if not body.get("contents") or not body.get("generationConfig"):
            continue
        size = len(json.dumps(body, separators=(",", ":")))
        if not validate(body):
            continue
        dist = abs(size - KB)
        if best is None or dist < best[0]:
            best = (dist, i, body)
    if best is None:
        raise SystemExit("no usable recorded generateContent request in the fixtures")
    _, i, small = best
    texts = _real_texts(records)
    rng = random.Random(7)
    chat = json.loads(json.dumps(small))
    history = []
    while len(json.dumps(history)) < 30 * KB:
        history.append({"role": "user", "parts": [{"text": rng.choice(texts)[:400]}]})
        history.append({"role": "model", "parts": [{"text": rng.choice(texts)[:1500]}]})
    chat["contents"] = history + list(chat["contents"])
    return [
        ("1 KB recorded", small, _describe(records[i], i)),
        ("30 KB generated chat", chat, "recorded request + 30 KB of real texts as history"),
    ]

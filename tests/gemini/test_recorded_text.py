"""``.text`` and ``.function_calls`` on every real response and chunk recorded from
Google's servers (``../shared/fixtures/recorded``): never an exception, and always what
the raw JSON says (the first candidate's non-thought text parts, joined; None when
there are none).

Every JSON object in a recorded body that carries ``candidates`` counts: whole
``generateContent`` answers, each streamed chunk (SSE events and JSON-array streams),
and answers nested in batch results.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest

from generativelanguage.runtime import structs
from generativelanguage.runtime.sse import SSEDecoder
from generativelanguage.v1 import types as v1
from generativelanguage.v1beta import types as v1beta
from tests.support import recorded

ROWS = recorded.rows()


def _bodies(row: dict[str, Any]) -> list[Any]:
    """The JSON documents of one recorded response (one per SSE event)."""
    text = row["response_body_text"] or ""
    if row["is_sse"]:
        decoder = SSEDecoder()
        texts = [e.data for e in decoder.feed(text.encode()) + decoder.flush()]
    else:
        texts = [text]
    out = []
    for data in texts:
        try:
            out.append(json.loads(data))
        except ValueError:
            pass  # not an answer (an empty or cut event, an HTML page)
    return out


def _answers(node: Any) -> list[dict[str, Any]]:
    """Every object under ``node`` shaped like a GenerateContentResponse."""
    found = []
    if isinstance(node, dict):
        if isinstance(node.get("candidates"), list):
            found.append(node)
        for value in node.values():
            found += _answers(value)
    elif isinstance(node, list):
        for value in node:
            found += _answers(value)
    return found


def _expected_text(raw: dict[str, Any]) -> str | None:
    candidates = raw.get("candidates") or []
    parts = ((candidates[0] or {}).get("content") or {}).get("parts") if candidates else None
    texts = [p["text"] for p in parts or () if "text" in p and not p.get("thought")]
    return "".join(texts) if texts else None


def _expected_calls(raw: dict[str, Any]) -> list[dict[str, Any]]:
    candidates = raw.get("candidates") or []
    parts = ((candidates[0] or {}).get("content") or {}).get("parts") if candidates else None
    return [p["functionCall"] for p in parts or () if "functionCall" in p]


def _all_answers() -> list[tuple[str, int, dict[str, Any]]]:
    out = []
    for index, row in enumerate(ROWS):
        if not str(row.get("response_status", "")).startswith("2"):
            continue
        rpc = row.get("rpc") or ""
        # generateContent answers and chunks, and batches holding them (legacy PaLM
        # methods also answer `candidates`, of another shape).
        if not (rpc.lower().endswith("generatecontent") or rpc.startswith("batches.")):
            continue
        for body in _bodies(row):
            out += [(row.get("api_version") or "v1beta", index, a) for a in _answers(body)]
    return out


ANSWERS = _all_answers()


@pytest.mark.skipif(not ROWS, reason="recorded fixtures not found next to the repo")
def test_every_recorded_answer_and_chunk_gives_its_text_and_calls():
    checked = {"answers": 0, "with text": 0, "without text": 0, "thought parts": 0}
    for api_version, index, raw in ANSWERS:
        data = json.dumps(raw).encode()
        response = structs.decode(v1beta.GenerateContentResponse, data)
        where = f"row {index}: {data[:200]!r}"
        text = response.text  # must not raise, whatever the shape
        assert text == _expected_text(raw), where
        assert [c.name for c in response.function_calls] == [
            c.get("name") for c in _expected_calls(raw)
        ], where
        if api_version == "v1":
            assert structs.decode(v1.GenerateContentResponse, data).text == text, where
        checked["answers"] += 1
        checked["with text" if text is not None else "without text"] += 1
        parts = ((raw["candidates"] or [{}])[0].get("content") or {}).get("parts") or []
        checked["thought parts"] += any(p.get("thought") for p in parts)
    # The fixtures hold more than a thousand answers and chunks, some of each kind.
    assert checked["answers"] >= 1000, checked
    assert checked["with text"] and checked["without text"] and checked["thought parts"]
    print(f"\n.text checked on recorded answers and chunks: {checked}")


def test_text_never_raises_on_odd_shapes():
    odd = [
        {},
        {"candidates": []},
        {"candidates": [{}]},
        {"candidates": [{"content": {}}]},
        {"candidates": [{"content": {"parts": []}}]},
        {"candidates": [{"content": {"parts": [{}]}}]},
        {"candidates": [{"content": {"parts": [{"thoughtSignature": "AAE="}]}}]},
        {"candidates": [{"content": {"parts": [{"text": "t", "thought": True}]}}]},
        {"promptFeedback": {"blockReason": "SAFETY"}},
    ]
    for raw in odd:
        response = msgspec.json.decode(json.dumps(raw), type=v1beta.GenerateContentResponse)
        assert response.text is None, raw
        assert response.function_calls == [], raw
    assert v1beta.GenerateContentResponse(candidates=[v1beta.Candidate()]).text is None

"""The Interactions API's answers, computed by the model rules of :mod:`.model`.

Pure functions over JSON (snake_case wire names), no I/O, no state: an interaction's
input becomes the contents of a ``generateContent`` request, the model's answer becomes
the interaction's steps, and the steps become the events of its stream. The rules, also
listed in README.md:

* ``input`` (a string, content items, one item, or steps) is the last user turn;
  ``user_input``/``model_output`` steps are turns of their own, a ``function_result``
  item answers a call (``Result of <name>: ...``); with ``previous_interaction_id`` the
  turns of the earlier interactions come first, so the echo says which turn it is;
* ``system_instruction``, ``tools`` of type ``function`` (called when their name
  appears in the input, or when it says "call"), ``tool_choice`` (``none``/``any``),
  ``generation_config.max_output_tokens`` / ``stop_sequences`` and a JSON
  ``response_format`` work as in ``generateContent``;
* ``gemini-2.5*``/``gemini-3*`` models think unless ``thinking_level`` is
  ``minimal``: a ``thought`` step with a signature (and, with ``thinking_summaries:
  auto``, the thought as its summary) comes first;
* the answer is a ``model_output`` step (status ``completed``, ``incomplete`` when
  ``max_output_tokens`` cut it) or ``function_call`` steps (status
  ``requires_action``); ``usage`` counts as ``usageMetadata`` does;
* the stream: ``interaction.created``, ``interaction.status_update``, per step
  ``step.start`` / ``step.delta`` (text in pieces of up to four words, as
  ``streamGenerateContent`` cuts it) / ``step.stop``, ``interaction.completed``, each
  with an ``event_id``, then ``data: [DONE]``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from . import model

MEDIA = ("image", "audio", "document", "video")
DONE_FRAME = b"event: done\ndata: [DONE]\n\n"


def _part(item: dict, calls: dict[str, str]) -> dict | None:
    """The ``generateContent`` part of one content item (None for items that have none)."""
    kind = item.get("type")
    if kind == "text":
        return {"text": item.get("text") or ""}
    if kind in MEDIA:
        mime = item.get("mime_type") or f"{kind}/*"
        if item.get("data") is not None:
            return {"inlineData": {"mimeType": mime, "data": item["data"]}}
        return {"fileData": {"fileUri": item.get("uri") or "", "mimeType": mime}}
    if kind == "function_call":
        return {
            "functionCall": {"name": item.get("name") or "", "args": item.get("arguments") or {}}
        }
    if kind == "function_result":
        name = item.get("name") or calls.get(item.get("call_id") or "", "function")
        result = item.get("result")
        return {"functionResponse": {"name": name, "response": {"result": result}}}
    return None


def _items(value: Any) -> list[dict]:
    if isinstance(value, str):
        return [{"type": "text", "text": value}]
    if isinstance(value, dict):
        return [value]
    return [v for v in value or () if isinstance(v, dict)]


def turns(input: Any, calls: dict[str, str] | None = None) -> list[dict]:
    """The contents (turns) an interaction's input stands for."""
    calls = {} if calls is None else calls
    out: list[dict] = []
    pending: list[dict] = []
    for item in _items(input):
        kind = item.get("type")
        if kind in ("user_input", "model_output"):
            if pending:
                out.append({"role": "user", "parts": pending})
                pending = []
            for inner in item.get("content") or ():
                if inner.get("type") == "function_call" and inner.get("id"):
                    calls[inner["id"]] = inner.get("name") or ""
            parts = [p for c in item.get("content") or () if (p := _part(c, calls))]
            out.append({"role": "user" if kind == "user_input" else "model", "parts": parts})
            continue
        if kind == "function_call" and item.get("id"):
            calls[item["id"]] = item.get("name") or ""
        part = _part(item, calls)
        if part is not None:
            pending.append(part)
    if pending:
        out.append({"role": "user", "parts": pending})
    return out


def request(interaction: dict, history: list[dict], calls: dict[str, str]) -> dict:
    """The ``generateContent`` request an interaction create stands for."""
    req: dict[str, Any] = {"contents": history + turns(interaction.get("input"), calls)}
    if interaction.get("system_instruction"):
        req["systemInstruction"] = {"parts": [{"text": interaction["system_instruction"]}]}
    decls = [
        {
            "name": t.get("name") or "",
            "description": t.get("description") or "",
            "parametersJsonSchema": t.get("parameters") or {"type": "object"},
        }
        for t in interaction.get("tools") or ()
        if t.get("type") == "function" and t.get("name")
    ]
    if decls:
        req["tools"] = [{"functionDeclarations": decls}]
    config = interaction.get("generation_config") or {}
    choice = config.get("tool_choice")
    if isinstance(choice, str) and choice.lower() in ("none", "any"):
        req["toolConfig"] = {"functionCallingConfig": {"mode": choice.upper()}}
    gen: dict[str, Any] = {}
    for wire, camel in (
        ("max_output_tokens", "maxOutputTokens"),
        ("stop_sequences", "stopSequences"),
    ):
        if config.get(wire) is not None:
            gen[camel] = config[wire]
    if config.get("thinking_level") == "minimal":
        gen["thinkingConfig"] = {"thinkingBudget": 0}
    fmt = interaction.get("response_format")
    fmt = fmt[0] if isinstance(fmt, list) and fmt else fmt
    mime = interaction.get("response_mime_type")
    if isinstance(fmt, dict):
        if "mime_type" in fmt or "schema" in fmt:
            mime = fmt.get("mime_type") or "application/json"
            if isinstance(fmt.get("schema"), dict):
                gen["responseJsonSchema"] = fmt["schema"]
        else:  # a JSON schema given directly
            mime = mime or "application/json"
            gen["responseJsonSchema"] = fmt
    if mime:
        gen["responseMimeType"] = mime
    if gen:
        req["generationConfig"] = gen
    return req


def _signature(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def steps(gen: model.Generation, interaction: dict, call_ids: list[str]) -> tuple[list[dict], str]:
    """The steps of the answer and the interaction's status."""
    out: list[dict] = []
    summaries = (interaction.get("generation_config") or {}).get("thinking_summaries") == "auto"
    if gen.thought:
        thought: dict[str, Any] = {"type": "thought", "signature": _signature(gen.thought)}
        if summaries:
            thought["summary"] = [{"type": "text", "text": gen.thought}]
        out.append(thought)
    cand = gen.candidates[0]
    calls = [p["functionCall"] for p in cand.parts if "functionCall" in p]
    if calls:
        for i, call in enumerate(calls):
            out.append(
                {
                    "type": "function_call",
                    "id": call_ids[i],
                    "name": call["name"],
                    "arguments": call.get("args") or {},
                }
            )
        return out, "requires_action"
    text = "".join(p.get("text") or "" for p in cand.parts)
    out.append({"type": "model_output", "content": [{"type": "text", "text": text}]})
    return out, "incomplete" if cand.finish_reason == "MAX_TOKENS" else "completed"


def usage(gen: model.Generation) -> dict[str, Any]:
    prompt = sum(gen.prompt.values())
    output = sum(c.tokens for c in gen.candidates[:1])
    by_modality = [{"modality": m.lower(), "tokens": n} for m, n in sorted(gen.prompt.items()) if n]
    return {
        "total_tokens": prompt + output + gen.thoughts_tokens,
        "total_input_tokens": prompt,
        "input_tokens_by_modality": by_modality,
        "total_cached_tokens": 0,
        "total_output_tokens": output,
        "total_tool_use_tokens": 0,
        "total_thought_tokens": gen.thoughts_tokens,
    }


def history_of(interaction: dict, answer: list[dict]) -> list[dict]:
    """The turns one interaction adds to its conversation: its input and its answer."""
    model_parts = []
    for step in answer:
        if step.get("type") == "model_output":
            model_parts += [{"text": c.get("text") or ""} for c in step.get("content") or ()]
        elif step.get("type") == "function_call":
            model_parts.append(
                {"functionCall": {"name": step["name"], "args": step.get("arguments") or {}}}
            )
    return turns(interaction.get("input")) + [{"role": "model", "parts": model_parts}]


def _deltas(step: dict) -> list[dict]:
    kind = step.get("type")
    if kind == "thought":
        out = [{"type": "thought_summary", "content": s} for s in step.get("summary") or ()]
        return out + [{"type": "thought_signature", "signature": step.get("signature") or ""}]
    if kind == "model_output":
        out = []
        for item in step.get("content") or ():
            tokens = model.words(item.get("text"))
            sizes = model.chunk_sizes(len(tokens))
            pos = 0
            for i, size in enumerate(sizes):
                piece = " ".join(tokens[pos : pos + size]) + (" " if i < len(sizes) - 1 else "")
                pos += size
                out.append({"type": "text", "text": piece})
        return out
    return []


def _start(step: dict) -> dict:
    """What ``step.start`` shows of a step: its type, and a call's fields."""
    if step.get("type") == "function_call":
        return dict(step)
    return {"type": step.get("type")}


def events(head: dict, answer: list[dict], final: dict) -> list[dict]:
    """The events of an interaction's stream (without ids), from creation to the end.

    Args:
        head: The interaction as first created (id, status, model or agent, object).
        answer: Its steps.
        final: The interaction as it ended (status, usage, timestamps; no steps).
    """
    out: list[dict] = [
        {"event_type": "interaction.created", "interaction": head},
        {
            "event_type": "interaction.status_update",
            "interaction_id": head["id"],
            "status": "in_progress",
        },
    ]
    for index, step in enumerate(answer):
        out.append({"event_type": "step.start", "index": index, "step": _start(step)})
        for delta in _deltas(step):
            out.append({"event_type": "step.delta", "index": index, "delta": delta})
        out.append({"event_type": "step.stop", "index": index})
    out.append({"event_type": "interaction.completed", "interaction": final})
    return out


def frame(event: dict) -> bytes:
    """One SSE frame: the event's type as the SSE event name, its JSON as data."""
    data = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    return f"event: {event['event_type']}\ndata: {data}\n\n".encode()

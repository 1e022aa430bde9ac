"""Decode of GenerateContentResponse bodies and encode of GenerateContentRequest bodies,
in process, every contender on the same bytes."""

from __future__ import annotations

import json

import msgspec

from . import peers
from .common import Results, loop, round_robin
from .data import Body

OURS = "ours (runtime.structs.decode)"
FLOOR = "floor: msgspec.json.decode(type=GenerateContentResponse)"


_SHORT = {
    OURS: "ours",
    FLOOR: "msgspec",
    "json.loads (untyped dicts)": "json",
    "google-genai response path": "google-genai",
    "GAPIC json_format.Parse": "GAPIC",
}


def _part_count(obj) -> int | None:
    """Parts of the first candidate, whatever the object model (sanity check)."""
    try:
        if isinstance(obj, dict):
            return len(obj["candidates"][0]["content"]["parts"])
        cand = obj.candidates[0]
        return len(cand.content.parts)
    except Exception:
        return None


def decode_suite(bodies: list[Body], results: Results, reps: int, batch: float) -> None:
    from generativelanguage.runtime import structs
    from generativelanguage.v1beta import types as T

    GCR = T.GenerateContentResponse
    cached = msgspec.json.Decoder(GCR)
    genai = peers.genai_decoder()
    gapic = peers.gapic_decoder()
    for body in bodies:
        group = f"decode/{body.label}"
        data = body.data
        contenders = {
            OURS: loop(structs.decode, GCR, data),
            FLOOR: loop(msgspec.json.decode, data, type=GCR),
            "msgspec Decoder(GenerateContentResponse), reused": loop(cached.decode, data),
            "json.loads (untyped dicts)": loop(json.loads, data),
        }
        notes = {}
        if genai is not None:
            contenders["google-genai response path"] = loop(genai, data)
            notes["google-genai response path"] = peers.GENAI_DECODE_DOC
        if gapic is not None:
            contenders["GAPIC json_format.Parse"] = loop(gapic, data)
            notes["GAPIC json_format.Parse"] = peers.GAPIC_DECODE_DOC
        # sanity: every contender sees the same number of parts
        once = {
            OURS: lambda d: structs.decode(GCR, d),
            FLOOR: lambda d: msgspec.json.decode(d, type=GCR),
            "json.loads (untyped dicts)": json.loads,
            "google-genai response path": genai,
            "GAPIC json_format.Parse": gapic,
        }
        counts = {}
        for name in contenders:
            fn = once.get(name)
            if fn is not None:
                try:
                    counts[name] = _part_count(fn(data))
                except Exception as exc:
                    counts[name] = f"error: {type(exc).__name__}: {exc}"[:200]
        results.group_notes[group] = (
            f"{body.size:,} bytes, {body.origin}: {body.source}; parts of candidate 0 "
            "per contender: " + ", ".join(f"{_SHORT.get(k, k)}={v}" for k, v in counts.items())
        )
        round_robin(group, contenders, reps=reps, batch_seconds=batch, results=results, notes=notes)


def encode_suite(requests: list[tuple[str, dict, str]], results: Results, reps: int, batch: float):
    from generativelanguage.runtime import structs
    from generativelanguage.v1beta import types as T

    GCQ = T.GenerateContentRequest
    enc = msgspec.json.Encoder()
    for label, wire, source in requests:
        struct = structs.to_struct(GCQ, wire)
        # plain JSON values from the struct: the dict a user would build, as msgspec
        # would send it (camelCase keys, the same content)
        plain = msgspec.json.decode(msgspec.json.encode(struct))
        size = len(msgspec.json.encode(struct))
        g = f"encode/{label}/from Structs"
        contenders = {
            "ours (structs.encode_body, Struct)": loop(structs.encode_body, GCQ, struct),
            "floor: msgspec.json.encode(Struct)": loop(msgspec.json.encode, struct),
            "msgspec Encoder().encode(Struct), reused": loop(enc.encode, struct),
        }
        notes = {}
        gen = peers.genai_encoder(wire, from_objects=True)
        if gen is not None:
            contenders["google-genai request path (pydantic objects)"] = loop(gen)
            notes["google-genai request path (pydantic objects)"] = peers.GENAI_ENCODE_DOC
        gap = peers.gapic_encoder(wire, from_objects=True)
        if gap is not None:
            contenders["GAPIC transcode_request (proto-plus message)"] = loop(gap)
            notes["GAPIC transcode_request (proto-plus message)"] = peers.GAPIC_ENCODE_DOC
        results.group_notes[g] = f"request of {size:,} bytes ({source})"
        round_robin(g, contenders, reps=reps, batch_seconds=batch, results=results, notes=notes)

        g = f"encode/{label}/from dicts"
        contenders = {
            "ours (structs.encode_body, dict)": loop(structs.encode_body, GCQ, plain),
            "floor: msgspec.json.encode(dict)": loop(msgspec.json.encode, plain),
            "json.dumps(dict).encode()": loop(lambda d: json.dumps(d).encode(), plain),
        }
        notes = {}
        gen = peers.genai_encoder(wire, from_objects=False)
        if gen is not None:
            contenders["google-genai request path (dicts)"] = loop(gen)
            notes["google-genai request path (dicts)"] = peers.GENAI_ENCODE_DOC
        gap = peers.gapic_encoder(wire, from_objects=False)
        if gap is not None:
            contenders["GAPIC GenerateContentRequest(dict) + transcode_request"] = loop(gap)
            notes["GAPIC GenerateContentRequest(dict) + transcode_request"] = peers.GAPIC_ENCODE_DOC
        results.group_notes[g] = f"request of {size:,} bytes ({source})"
        round_robin(g, contenders, reps=reps, batch_seconds=batch, results=results, notes=notes)

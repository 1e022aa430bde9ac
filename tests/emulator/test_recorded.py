"""The emulator against real traffic: requests recorded from Google's service are sent to
the emulator, and its answers must decode into the same response type and carry the same
kinds of fields as the recorded answers (key sets of the main objects).

Fields that depend on what only the real model knows (safety ratings, log probabilities,
grounding, a service tier...) are listed in OPTIONAL_* and not required; anything the
emulator sends must still be a field of the response type.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from functools import cache
from pathlib import Path

import httpx
import pytest

from generativelanguage.emulator.validation import wire_names
from generativelanguage.runtime import structs
from generativelanguage.v1beta import types

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(
    os.environ.get("RECORDED_FIXTURES")
    or ROOT.parent / "shared" / "fixtures" / "recorded" / "interactions.jsonl"
)

OPTIONAL_TOP = {"promptFeedback", "modelStatus"}
OPTIONAL_CANDIDATE = {
    "avgLogprobs",
    "finishMessage",
    "safetyRatings",
    "groundingMetadata",
    "citationMetadata",
    "logprobsResult",
    "urlContextMetadata",
    "groundingAttributions",
    "tokenCount",
}
USAGE_CORE = {"promptTokenCount", "candidatesTokenCount", "totalTokenCount", "promptTokensDetails"}


@cache
def rows() -> list[dict]:
    if not FIXTURES.is_file():
        return []
    return [json.loads(line) for line in FIXTURES.read_text().splitlines() if line.strip()]


pytestmark = pytest.mark.skipif(
    not FIXTURES.is_file(), reason=f"no recorded fixtures at {FIXTURES}"
)


def recorded(rpc: str, status: int = 200) -> list[dict]:
    out = []
    for row in rows():
        if row["rpc"] != rpc or row["response_status"] != status or not row["url_path"]:
            continue
        if row["api_version"] is None:
            continue
        out.append(row)
    return out


def path_of(row: dict) -> tuple[str, dict[str, str]]:
    """The recorded path moved to v1beta (legacy rows used v1beta2/3), and its query."""
    path, _, query = row["url_path"].partition("?")
    path = re.sub(r"^/v1beta\d+/", "/v1beta/", path)
    params = dict(httpx.QueryParams(query))
    params = {k: v for k, v in params.items() if not k.startswith("$") and k != "key"}
    return path, params


def body_of(row: dict) -> dict | None:
    return row["request_body"] if isinstance(row["request_body"], dict) else None


def recorded_json(row: dict):
    try:
        return json.loads(row["response_body_text"])
    except (TypeError, ValueError):
        return None


def sse_events(text: str) -> list[dict]:
    return [json.loads(e[5:]) for e in re.split(r"\r?\n\r?\n", text) if e.startswith("data:")]


def keys(obj) -> set[str]:
    return set(obj) if isinstance(obj, dict) else set()


def assert_shape(emulated: dict, real: dict, type_: type, optional: set[str] = frozenset()):
    """Every field the real answer has (bar ``optional``) is in the emulated one, and the
    emulated one only has fields of ``type_``."""
    fields = wire_names(type_) | {"@type"}
    assert keys(emulated) <= fields, keys(emulated) - fields
    missing = keys(real) - set(optional) - keys(emulated)
    assert not missing, f"emulator lacks {missing} (has {sorted(keys(emulated))})"


@pytest.fixture
def http(emu):
    with httpx.Client(base_url=emu.url, timeout=30) as h:
        yield h


def _part_kinds(response: dict) -> set[str]:
    out = set()
    for cand in response.get("candidates") or ():
        for part in (cand.get("content") or {}).get("parts") or ():
            out |= keys(part) & {"text", "functionCall"}
    return out


def _first(parts: list[dict], kind: str) -> dict:
    """The first answer (not thought) part of ``kind``."""
    return next((p for p in parts if kind in p and not p.get("thought")), None) or next(
        p for p in parts if kind in p
    )


def test_generate_content_matches_recorded_shapes(http):
    compared = Counter()
    for row in recorded("models.generateContent"):
        body, real = body_of(row), recorded_json(row)
        if body is None or not isinstance(real, dict) or not real.get("candidates"):
            continue
        path, params = path_of(row)
        response = http.post(path, params=params, json=body)
        if response.status_code in (403, 404):
            continue  # a file, cache or model that exists only in Google's project
        assert response.status_code == 200, (row["source_path"], response.text)
        structs.decode(types.GenerateContentResponse, response.content)
        emulated = response.json()
        assert_shape(emulated, real, types.GenerateContentResponse, OPTIONAL_TOP)
        cand, real_cand = emulated["candidates"][0], real["candidates"][0]
        assert_shape(cand, real_cand, types.Candidate, OPTIONAL_CANDIDATE)
        assert keys(cand["content"]) == {"parts", "role"}
        usage_real = keys(real.get("usageMetadata")) & USAGE_CORE
        assert usage_real <= keys(emulated["usageMetadata"])
        if _part_kinds(emulated) == _part_kinds(real):
            kind = "functionCall" if "functionCall" in _part_kinds(real) else "text"
            real_part = _first(real_cand["content"]["parts"], kind)
            part = _first(cand["content"]["parts"], kind)
            assert keys(part) - {"thoughtSignature"} == keys(real_part) - {"thoughtSignature"}
            if kind == "functionCall":
                assert keys(part["functionCall"]) >= {"name", "args"} & keys(
                    real_part["functionCall"]
                )
            compared[kind] += 1
        compared["rows"] += 1
    assert compared["rows"] > 500
    assert compared["text"] > 200 and compared["functionCall"] > 50, compared


def test_stream_generate_content_matches_recorded_shapes(http):
    compared = 0
    for row in recorded("models.streamGenerateContent"):
        body = body_of(row)
        if body is None or not row["is_sse"]:
            continue
        real = sse_events(row["response_body_text"])
        if not real:
            continue
        path, params = path_of(row)
        response = http.post(path, params={**params, "alt": "sse"}, json=body)
        if response.status_code in (403, 404):
            continue
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.text.endswith("\r\n\r\n")
        chunks = sse_events(response.text)
        assert len(chunks) >= 1
        for chunk in chunks:
            structs.decode(types.GenerateContentResponse, json.dumps(chunk))
        real_keys = set().union(*(keys(e) for e in real)) - OPTIONAL_TOP - {"error"}
        assert real_keys <= set().union(*(keys(c) for c in chunks))
        assert "finishReason" in chunks[-1]["candidates"][0]
        compared += 1
    assert compared > 50


def test_count_tokens_matches_recorded_shapes(http):
    for row in recorded("models.countTokens"):
        path, params = path_of(row)
        response = http.post(path, params=params, json=body_of(row))
        assert response.status_code == 200, response.text
        structs.decode(types.CountTokensResponse, response.content)
        assert_shape(response.json(), recorded_json(row), types.CountTokensResponse)
    missing = recorded("models.countTokens", 404)[0]
    path, params = path_of(missing)
    response = http.post(path, json=body_of(missing))
    assert response.status_code == 404
    assert response.json()["error"]["message"] == recorded_json(missing)["error"]["message"]


def test_embeddings_match_recorded_shapes(http):
    for rpc, type_ in (
        ("models.embedContent", types.EmbedContentResponse),
        ("models.batchEmbedContents", types.BatchEmbedContentsResponse),
    ):
        seen = 0
        for row in recorded(rpc):
            body, real = body_of(row), recorded_json(row)
            if body is None or real is None:
                continue
            path, params = path_of(row)
            response = http.post(path, params=params, json=body)
            if response.status_code == 404:
                continue
            assert response.status_code == 200, response.text
            structs.decode(type_, response.content)
            emulated = response.json()
            assert_shape(emulated, real, type_)
            if "embeddings" in real:
                assert len(emulated["embeddings"]) == len(real["embeddings"])
                pairs = zip(emulated["embeddings"], real["embeddings"], strict=True)
                requests = body["requests"]
            else:
                pairs = [(emulated["embedding"], real["embedding"])]
                requests = [body]
            for (mine, theirs), request in zip(pairs, requests, strict=True):
                assert keys(mine) == keys(theirs) == {"values"}
                if request.get("outputDimensionality"):
                    assert len(mine["values"]) == len(theirs["values"])
            seen += 1
        assert seen >= 5, rpc


def test_models_list_and_get_match_recorded_shapes(http):
    listed = http.get("/v1beta/models", params={"pageSize": 5}).json()
    assert "nextPageToken" in listed
    ours = {
        m["name"]: m for m in http.get("/v1beta/models", params={"pageSize": 100}).json()["models"]
    }
    for model in ours.values():
        assert keys(model) <= wire_names(types.Model)
    core = {"name", "version", "displayName", "inputTokenLimit", "outputTokenLimit",
            "supportedGenerationMethods"}  # fmt: skip
    for row in recorded("models.list"):
        for model in recorded_json(row)["models"]:
            twin = ours.get(model["name"])
            if twin is not None:
                assert core & keys(model) <= keys(twin), model["name"]
    for name in ("models/chat-bison-001", "models/text-bison-001", "models/embedding-gecko-001"):
        assert name in ours  # the legacy PaLM models are listed too
    for row in recorded("models.get"):
        real = recorded_json(row)
        response = http.get("/v1beta/models/gemini-2.5-flash")
        structs.decode(types.Model, response.content)
        assert core & keys(real) <= keys(response.json())


def test_cached_contents_match_recorded_shapes(http):
    create = [r for r in recorded("cachedContents.create") if body_of(r) is not None]
    assert len(create) >= 5
    for row in create:
        response = http.post("/v1beta/cachedContents", json=body_of(row))
        assert response.status_code == 200, response.text
        structs.decode(types.CachedContent, response.content)
        assert keys(response.json()) == keys(recorded_json(row))
    name = response.json()["name"]
    for rpc, call in (
        ("cachedContents.get", lambda row: http.get(f"/v1beta/{name}")),
        ("cachedContents.patch", lambda row: http.patch(f"/v1beta/{name}", json=body_of(row))),
        ("cachedContents.list", lambda row: http.get("/v1beta/cachedContents")),
        ("cachedContents.delete", lambda row: http.delete(f"/v1beta/{name}")),
    ):
        row = recorded(rpc)[0]
        response = call(row)
        assert response.status_code == 200, (rpc, response.text)
        assert keys(response.json()) == keys(recorded_json(row)), rpc
        if rpc == "cachedContents.list":
            assert keys(response.json()["cachedContents"][0]) == keys(
                recorded_json(row)["cachedContents"][0]
            )


def test_files_match_recorded_shapes(http):
    start_row = recorded("files.upload")[0]
    start = http.post(
        "/upload/v1beta/files",
        json=body_of(start_row),
        headers={
            "X-Goog-Upload-Protocol": "resumable",
            "X-Goog-Upload-Command": "start",
            "X-Goog-Upload-Header-Content-Length": "5",
            "X-Goog-Upload-Header-Content-Type": "application/pdf",
        },
    )
    assert start.status_code == 200 and start.content == b""
    final = http.post(
        start.headers["x-goog-upload-url"],
        content=b"%PDF-",
        headers={"X-Goog-Upload-Command": "upload, finalize", "X-Goog-Upload-Offset": "0"},
    )
    real = recorded_json(recorded("files.upload[upload_id]")[0])
    structs.decode(types.CreateFileResponse, final.content)
    assert keys(final.json()) == keys(real) == {"file"}
    assert keys(final.json()["file"]) == keys(real["file"])
    assert final.json()["file"]["displayName"] == "sample.pdf"  # snake_case metadata read
    listed = http.get("/v1beta/files").json()
    real_list = recorded_json(recorded("files.list")[0])
    assert keys(listed) == keys(real_list)
    assert keys(listed["files"][0]) == keys(real_list["files"][0])
    redirect = http.get(f"/v1beta/{final.json()['file']['name']}:download", params={"alt": "media"})
    real_redirect = recorded("files.download", 302)[0]
    assert redirect.status_code == 302
    assert redirect.json() == recorded_json(real_redirect)


def test_file_search_stores_match_recorded_shapes(http):
    for row in recorded("fileSearchStores.create"):
        response = http.post("/v1beta/fileSearchStores", json=body_of(row))
        structs.decode(types.FileSearchStore, response.content)
        assert_shape(response.json(), recorded_json(row), types.FileSearchStore, {"embeddingModel"})
    store = response.json()["name"]
    start_row = recorded("fileSearchStores.uploadToFileSearchStore")[0]
    start = http.post(
        f"/upload/v1beta/{store}:uploadToFileSearchStore",
        json=body_of(start_row),
        headers={"X-Goog-Upload-Protocol": "resumable", "X-Goog-Upload-Command": "start"},
    )
    assert start.status_code == 200
    final = http.post(
        start.headers["x-goog-upload-url"],
        content=b"Paris is the capital of France.",
        headers={"X-Goog-Upload-Command": "upload, finalize", "X-Goog-Upload-Offset": "0"},
    )
    structs.decode(types.CustomLongRunningOperation, final.content)
    real = recorded_json(recorded("fileSearchStores.uploadToFileSearchStore[upload_id]")[0])
    done = http.get(f"/v1beta/{final.json()['name']}").json()
    assert keys(real) <= keys(done)
    assert keys(done["response"]) == keys(real["response"])
    delete_row = recorded("fileSearchStores.delete")[0]
    _, params = path_of(delete_row)
    deleted = http.delete(f"/v1beta/{store}", params=params)  # force=True, as recorded
    assert deleted.status_code == 200 and deleted.json() == recorded_json(delete_row) == {}


@pytest.mark.parametrize(
    ("rpc", "type_"),
    [
        ("models.generateText", types.GenerateTextResponse),
        ("models.generateMessage", types.GenerateMessageResponse),
        ("models.embedText", types.EmbedTextResponse),
        ("models.countMessageTokens", types.CountMessageTokensResponse),
    ],
)
def test_legacy_palm_methods_match_recorded_shapes(http, rpc, type_):
    for row in recorded(rpc):
        path, params = path_of(row)
        response = http.post(path, params=params, json=body_of(row))
        assert response.status_code == 200, response.text
        structs.decode(type_, response.content)
        emulated, real = response.json(), recorded_json(row)
        assert keys(emulated) == keys(real)
        if "candidates" in real:
            assert keys(emulated["candidates"][0]) == keys(real["candidates"][0])
        if "embedding" in real:
            assert keys(emulated["embedding"]) == keys(real["embedding"])
            assert len(emulated["embedding"]["value"]) == len(real["embedding"]["value"])


def test_predict_long_running_and_operations_match_recorded_shapes(http, emu):
    emu.service.operation_polls = 2
    row = recorded("models.predictLongRunning")[0]
    path, params = path_of(row)
    started = http.post(path, json=body_of(row))
    structs.decode(types.Operation, started.content)
    assert keys(started.json()) == keys(recorded_json(row))
    polls = [http.get(f"/v1beta/{started.json()['name']}").json() for _ in range(2)]
    real = [recorded_json(r) for r in recorded("models.operations.get")]
    assert [keys(p) for p in polls] == [keys(r) for r in real]
    assert keys(polls[-1]["response"]) == keys(real[-1]["response"])
    sample = polls[-1]["response"]["generateVideoResponse"]["generatedSamples"][0]
    assert keys(sample) == keys(
        real[-1]["response"]["generateVideoResponse"]["generatedSamples"][0]
    )


def test_batches_match_recorded_shapes(http, emu):
    emu.service.operation_polls = 2
    create_row = recorded("models.batchGenerateContent")[0]
    path, _ = path_of(create_row)
    created = http.post(path, json=body_of(create_row))
    assert created.status_code == 200, created.text
    real_created = recorded_json(create_row)
    assert keys(created.json()) == keys(real_created)
    assert keys(created.json()["metadata"]) == keys(real_created["metadata"])
    name = created.json()["name"]
    real_polls = sorted((recorded_json(r) for r in recorded("batches.get")), key=len)
    polls = [http.get(f"/v1beta/{name}").json() for _ in range(2)]
    for mine, theirs in zip(polls, real_polls, strict=True):
        structs.decode(types.Operation, json.dumps(mine))
        assert keys(mine) == keys(theirs)
        assert keys(theirs["metadata"]) - {"batchStats"} <= keys(mine["metadata"])
    assert keys(polls[-1]["response"]) == keys(real_polls[-1]["response"])
    mine_out = polls[-1]["response"]["inlinedResponses"]["inlinedResponses"]
    real_out = real_polls[-1]["response"]["inlinedResponses"]["inlinedResponses"]
    assert [keys(x) for x in mine_out] == [keys(x) for x in real_out]


def test_tuned_model_create_matches_recorded_shape(http):
    for row in recorded("tunedModels.create"):
        if row["api_version"] != "v1beta":
            continue
        response = http.post("/v1beta/tunedModels", json=body_of(row))
        assert response.status_code == 200, response.text
        real = recorded_json(row)
        assert keys(response.json()) == keys(real)
        assert keys(real["metadata"]) <= keys(response.json()["metadata"])
        assert response.json()["metadata"]["@type"] == real["metadata"]["@type"]


def test_error_shapes_match_recorded_errors(emu):
    """The recorded 400 (unknown field), 403 (no key), 400 (bad key) and 429 shapes."""
    from generativelanguage.emulator import Emulator

    unknown = next(
        r
        for r in recorded("models.generateContent", 400)
        if "Unknown name" in r["response_body_text"]
    )
    real = recorded_json(unknown)["error"]
    with Emulator(api_key="right") as keyed, httpx.Client(base_url=keyed.url) as h:
        path, _ = path_of(unknown)
        mine = h.post(path, json={"contents": [{"parts": [{"text": "x"}]}], "response_schema2": {}},
                      headers={"x-goog-api-key": "right"}).json()["error"]  # fmt: skip
        assert keys(mine) == keys(real)
        assert keys(mine["details"][0]) == keys(real["details"][0])
        no_key = h.post(path, json={"contents": []}).json()["error"]
        real_403 = recorded_json(recorded("models.generateContent", 403)[0])["error"]
        assert no_key == real_403
        bad_key = h.post(path, json={"contents": []}, headers={"x-goog-api-key": "wrong"})
        real_bad = next(
            recorded_json(r)["error"]
            for r in recorded("models.generateContent", 400)
            if "API key not valid" in r["response_body_text"]
        )
        assert bad_key.json()["error"] == real_bad
        keyed.fail_next(1, status=429, retry_after=48)
        exhausted = h.post(path, json={"contents": []}, headers={"x-goog-api-key": "right"})
        real_429 = recorded_json(recorded("models.generateContent", 429)[0])["error"]
        assert keys(exhausted.json()["error"]) == keys(real_429)
        assert [d["@type"] for d in exhausted.json()["error"]["details"]] == [
            d["@type"] for d in real_429["details"]
        ]
        retry = exhausted.json()["error"]["details"][-1]
        assert retry == {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "48s"}

"""Long-running methods: operations that finish after a few polls."""

from __future__ import annotations

import io
import json

import pytest

from generativelanguage.runtime import errors
from generativelanguage.v1beta import types
from tests.emulator.conftest import user


def _requests(*texts):
    return [
        {"request": {"contents": [user(t)]}, "metadata": {"custom_id": str(i)}}
        for i, t in enumerate(texts)
    ]


def test_operation_is_done_after_the_configured_polls(client, emu):
    emu.service.operation_polls = 3
    op = client.models.batch_generate_content(
        "gemini-2.5-flash",
        body={
            "batch": {"displayName": "b", "inputConfig": {"requests": {"requests": _requests("a")}}}
        },
    )
    assert op.name.startswith("batches/") and not op.done
    assert op.metadata["state"] == "BATCH_STATE_PENDING"
    states = []
    for _ in range(3):
        polled = client.batches.get(op.name)
        states.append((polled.done, polled.metadata["state"]))
    assert states == [
        (None, "BATCH_STATE_RUNNING"),
        (None, "BATCH_STATE_RUNNING"),
        (True, "BATCH_STATE_SUCCEEDED"),
    ]


def test_batch_generate_content(client):
    op = client.models.batch_generate_content(
        "gemini-2.5-flash",
        body={
            "batch": {
                "displayName": "two questions",
                "inputConfig": {
                    "requests": {"requests": _requests("What is 2 + 2?", "Largest planet?")}
                },
            }
        },
    )
    assert op.metadata["@type"].endswith("v1main.GenerateContentBatch")
    assert op.metadata["batchStats"] == {"requestCount": "2", "pendingRequestCount": "2"}
    done = client.wait_operation(op.name, timeout=30)
    assert done.done and isinstance(done.response, types.GenerateContentBatchOutput)
    inlined = done.response.inlined_responses.inlined_responses
    assert isinstance(inlined[0].response, types.GenerateContentResponse)
    assert inlined[0].response.candidates[0].content.parts[0].text == "Echo: What is 2 + 2?"
    assert inlined[1].metadata == {"custom_id": "1"}
    assert done.metadata["batchStats"]["successfulRequestCount"] == "2"
    assert [b.name for b in client.batches.list("batches")] == [op.name]
    client.batches.delete(op.name)
    with pytest.raises(errors.NotFound):
        client.batches.get(op.name)


def test_batch_from_a_jsonl_file(client):
    lines = [{"key": f"k{i}", "request": {"contents": [user(f"q{i}")]}} for i in range(3)]
    data = "\n".join(json.dumps(line) for line in lines).encode()
    file = client.media.upload(file=data, mime_type="application/jsonl").file
    op = client.models.batch_generate_content(
        "gemini-2.5-flash", body={"batch": {"inputConfig": {"fileName": file.name}}}
    )
    done = client.wait_operation(op, timeout=30)
    out_name = done.response.responses_file
    buffer = io.BytesIO()
    client.download(out_name, destination=buffer)
    results = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert [r["key"] for r in results] == ["k0", "k1", "k2"]
    assert results[2]["response"]["candidates"][0]["content"]["parts"][0]["text"] == "Echo: q2"


def test_async_batch_embed_content(client):
    op = client.models.async_batch_embed_content(
        "gemini-embedding-001",
        body={
            "batch": {
                "displayName": "emb",
                "inputConfig": {
                    "requests": {
                        "requests": [
                            {"request": {"content": {"parts": [{"text": "a"}]}}},
                            {
                                "request": {
                                    "content": {"parts": [{"text": "b"}]},
                                    "outputDimensionality": 8,
                                }
                            },
                        ]
                    }
                },
            }
        },
    )
    assert op.metadata["@type"].endswith("EmbedContentBatch")
    done = client.wait_operation(op, timeout=30)
    assert isinstance(done.response, types.EmbedContentBatchOutput)
    inlined = done.response.inlined_responses.inlined_responses
    assert [len(r.response.embedding.values) for r in inlined] == [768, 8]


def test_predict_long_running_video(client):
    op = client.models.predict_long_running(
        "veo-3.1-generate-preview", body={"instances": [{"prompt": "a calm ocean"}]}
    )
    assert op.name.startswith("models/veo-3.1-generate-preview/operations/")
    assert op.done is None and op.response is None
    done = client.wait_operation(op, timeout=30)
    assert done.response["@type"].endswith("v1beta.PredictLongRunningResponse")
    uri = done.response["generateVideoResponse"]["generatedSamples"][0]["video"]["uri"]
    out = io.BytesIO()
    client.download(uri, destination=out)
    assert b"a calm ocean" in out.getvalue()
    ops = list(client.models.operations.list("models/veo-3.1-generate-preview"))
    assert [o.name for o in ops] == [op.name]


def test_cancel_a_batch(client, emu):
    emu.service.operation_polls = 5
    op = client.models.batch_generate_content(
        "gemini-2.5-flash",
        body={"batch": {"inputConfig": {"requests": {"requests": _requests("x")}}}},
    )
    client.batches.cancel(op.name)
    cancelled = client.batches.get(op.name)
    assert cancelled.done and cancelled.error.code == 1
    assert cancelled.metadata["state"] == "BATCH_STATE_CANCELLED"
    with pytest.raises(errors.Cancelled):
        client.wait_operation(op, timeout=5)


def test_operation_done_immediately_with_zero_polls(client, emu):
    emu.service.operation_polls = 0
    op = client.models.predict_long_running(
        "veo-3.1-generate-preview", body={"instances": [{"prompt": "x"}]}
    )
    assert op.done is True and op.response is not None

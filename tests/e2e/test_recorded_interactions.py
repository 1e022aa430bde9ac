"""Real traffic of the Interactions API: every recorded ``interactions.create`` exchange
is replayed through ``client.interactions`` against a local server.

* every recorded response decodes into the typed result: a JSON one into
  ``types.Interaction`` (with ``output_text`` read from it), an SSE one into one
  ``types.InteractionEvent`` per event, none of them an ``UnknownEvent``;
* every recorded request body is accepted as ``body=`` (by ``create``, or by
  ``create_stream`` when it asks for a stream) and reaches the server with the same
  meaning: the JSON sent equals the JSON recorded.

The recordings hold both vocabularies the service has used (``outputs`` with
``content.*``/``interaction.start`` events in January 2026, ``steps`` with
``step.*``/``interaction.created`` events later).
"""

from __future__ import annotations

import json

import pytest

from generativelanguage.runtime.events import UnknownEvent
from generativelanguage.runtime.options import NO_RETRY
from generativelanguage.v1beta import Client, types
from tests.support import discovery as d
from tests.support import recorded
from tests.support.server import Reply

ROWS = [row for row in recorded.rows() if row["rpc"].startswith("interactions.")]
#: What a response-only recording (no request kept) is asked with.
SOME_BODY = {"model": "gemini-2.5-flash", "input": "Hello"}


def _stripped(row: dict) -> bool:
    return any("SSE framing stripped" in n for n in row["notes"] or [])


def _wire(row: dict) -> tuple[bytes, int]:
    """The response body as the service sends it, and its number of events."""
    text = row["response_body_text"]
    if not row["is_sse"]:
        return text.encode(), 0
    if _stripped(row):
        # The recorder kept one event payload per line and dropped the framing, the
        # closing `data: [DONE]` included; every unstripped recording ends with it.
        lines = [ln for ln in text.splitlines() if ln.strip()]
        frames = [f"event: {json.loads(ln)['event_type']}\ndata: {ln}\n\n" for ln in lines]
        return ("".join(frames) + "event: done\ndata: [DONE]\n\n").encode(), len(lines)
    data = [ln for ln in text.splitlines() if ln.startswith("data:")]
    assert data[-1] == "data: [DONE]"
    return text.encode(), len(data) - 1


def test_the_recordings_are_all_here() -> None:
    if not ROWS:
        pytest.skip("recorded fixtures not found next to the repo")
    assert len(ROWS) == 34
    assert {r["rpc"] for r in ROWS} == {"interactions.create"}


@pytest.mark.skipif(not ROWS, reason="recorded fixtures not found next to the repo")
@pytest.mark.parametrize("index", range(len(ROWS)))
def test_replay(server, index: int) -> None:
    row = ROWS[index]
    assert int(row["response_status"]) == 200
    body, n_events = _wire(row)
    content_type = "text/event-stream" if row["is_sse"] else "application/json"
    server.handler = lambda rec: Reply(200, body, {"content-type": content_type})
    request = row["request_body"] if isinstance(row["request_body"], dict) else None
    with Client(api_key="k", base_url=server.url, retry=NO_RETRY) as client:
        if row["is_sse"]:
            events = list(client.interactions.create_stream(body=request or SOME_BODY))
            assert len(events) == n_events
            assert all(type(e) is types.InteractionEvent for e in events), [
                e for e in events if isinstance(e, UnknownEvent)
            ]
            text = "".join(e.text for e in events)
            completed = [e for e in events if e.event_type.startswith("interaction.complete")]
            assert completed and completed[-1].interaction.status not in ("in_progress", None)
            assert text or any(e.delta and e.delta.type != "text" for e in events)
        else:
            result = client.interactions.create(body=request or SOME_BODY)
            assert type(result) is types.Interaction
            assert result.object_ == "interaction" and result.status
            assert isinstance(result.output_text, str)
            if result.status == "completed":
                assert result.output_text
    (rec,) = server.requests
    assert (rec.method, rec.path, rec.query) == ("POST", "/v1beta/interactions", [])
    sent = json.loads(rec.body)
    if request is not None:
        # Nothing the caller wrote was changed or dropped.
        assert d.normalize(sent) == d.normalize(request)
    else:
        assert sent == ({**SOME_BODY, "stream": True} if row["is_sse"] else SOME_BODY)


@pytest.mark.skipif(not ROWS, reason="recorded fixtures not found next to the repo")
def test_counts() -> None:
    """The figures the issue asks for (also printed with ``-s``)."""
    bodies = [r for r in ROWS if isinstance(r["request_body"], dict)]
    sse = [r for r in ROWS if r["is_sse"]]
    events = sum(_wire(r)[1] for r in sse)
    print(
        f"\ninteractions recordings: {len(ROWS)} responses ({len(ROWS) - len(sse)} JSON, "
        f"{len(sse)} SSE with {events} events), {len(bodies)} request bodies"
    )
    assert (len(ROWS), len(sse), len(bodies)) == (34, 15, 15)

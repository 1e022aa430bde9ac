"""Real traffic: every recorded interaction whose method exists in the pinned v1beta
revision is replayed through the generated client against a local server.

* a request body the service accepted is accepted as ``body=`` and reaches the server
  with the same meaning (equal once decoded into the request type);
* one the service refused with 400 INVALID_ARGUMENT may instead be refused before
  sending, with a RequestValidationError;
* the recorded response decodes into the method's response type (streams: every chunk);
* a recorded error raises the exception class of its canonical status.
"""

from __future__ import annotations

import json

import msgspec
import pytest

from codegen.naming import snake_case
from generativelanguage.runtime import errors, structs
from generativelanguage.runtime.options import NO_RETRY
from generativelanguage.v1beta import Client, types
from tests.support import discovery as d
from tests.support import recorded
from tests.support.server import Reply

DOC = d.pinned("v1beta")
ROWS = recorded.rows()


def _replayable():
    for i, row in enumerate(ROWS):
        found = recorded.find_method(DOC, row["rpc"])
        if found is None:
            continue
        yield pytest.param(i, id=f"{i}-{row['rpc']}")


def _path_names(method):
    params = method.get("parameters") or {}
    return [p for p in method.get("parameterOrder", []) if params[p]["location"] == "path"]


def _recorded_body(row):
    body = row["request_body"]
    return body if isinstance(body, dict) else None


@pytest.mark.skipif(not ROWS, reason="recorded fixtures not found next to the repo")
@pytest.mark.parametrize("index", list(_replayable()))
def test_replay(server, index):
    row = ROWS[index]
    chain, name, method = recorded.find_method(DOC, row["rpc"])
    args = recorded.path_args(method, row["url_path"])
    assert args is not None, f"cannot match {row['url_path']} to {method['path']}"
    kwargs = {snake_case(k): v for k, v in recorded.query_args(method, row["url_path"]).items()}
    status = int(row["response_status"])
    streaming = name.startswith("stream")
    text = row["response_body_text"] or ""
    content_type = "text/event-stream" if row["is_sse"] else "application/json"
    if row["is_sse"] and any("SSE framing stripped" in n for n in row["notes"] or []):
        # The recorder kept one event payload per line; put the wire framing back.
        text = "".join(f"data: {ln}\r\n\r\n" for ln in text.splitlines() if ln.strip())
    server.handler = lambda rec: Reply(status, text.encode(), {"content-type": content_type})

    body = _recorded_body(row)
    request_type = getattr(types, method["request"]["$ref"]) if "request" in method else None
    if request_type is not None:
        kwargs["body"] = body if body is not None else {}

    client = Client(api_key="k", base_url=server.url, retry=NO_RETRY)
    target = client
    for part in chain:
        target = getattr(target, snake_case(part))
    fn = getattr(target, snake_case(name))
    try:
        result = fn(*args, **kwargs)
        if streaming:
            result = list(result)
    except errors.RequestValidationError as exc:
        assert status == 400, f"a body the service accepted was refused: {exc}"
        assert not server.requests
        return
    except errors.APIError as exc:
        assert status >= 400, f"unexpected error for a {status} recording: {exc}"
        payload = json.loads(text) if text.strip().startswith(("{", "[")) else {}
        if isinstance(payload, list):
            payload = payload[0]
        expected = errors.class_for(status, (payload.get("error") or {}).get("status"))
        assert type(exc) is expected
        assert exc.http_status == status
        return
    finally:
        client.close()

    assert status < 400, "a recorded error did not raise"
    response_type = getattr(types, method["response"]["$ref"])
    items = result if streaming else [getattr(result, "first_page", result)]
    assert items and all(type(item) is response_type for item in items)
    if streaming and row["is_sse"]:
        events = [ln for ln in text.splitlines() if ln.startswith("data:")]
        assert len(items) == len(events)
    if request_type is not None and body is not None:
        (rec,) = server.requests
        sent = structs.decode(request_type, rec.body)
        spec_values = dict(zip(_path_names(method), args, strict=True))
        bound = {
            k: v for k, v in body.items() if k in spec_values and k not in sent.__struct_fields__
        }
        expected = {k: v for k, v in body.items() if k not in bound}
        assert sent == structs.to_struct(request_type, expected)
        # Nothing the caller wrote was dropped: re-encoding what was sent reproduces it.
        assert msgspec.json.encode(sent) == rec.body

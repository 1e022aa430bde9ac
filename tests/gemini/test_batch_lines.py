"""Decoding a batch's responses file (gemini.batch_jsonl.ResultLines): lines split across
chunks anywhere, blank lines, CRLF, a missing final newline, bare responses and
statuses, and lines that are not results. No I/O."""

from __future__ import annotations

import json

import pytest

from generativelanguage.gemini.batch_jsonl import ResultLines
from generativelanguage.runtime.errors import ResponseDecodeError
from generativelanguage.v1beta import types

ANSWER = {"candidates": [{"content": {"parts": [{"text": "hi"}], "role": "model"}}]}
FILE = b"".join(
    [
        json.dumps({"key": "a", "response": ANSWER}).encode() + b"\n",
        b"\n",
        json.dumps({"key": "b", "error": {"code": 3, "message": "bad"}}).encode() + b"\r\n",
        b"   \n",
        json.dumps(ANSWER).encode() + b"\n",  # a bare response: keyed by position
        json.dumps({"code": 8, "message": "quota"}).encode() + b"\n",  # a bare status
        # thoughtSignature sent URL-safe and unpadded: repaired on the slow path
        json.dumps(
            {
                "key": "e",
                "response": {"candidates": [{"content": {"parts": [{"thoughtSignature": "-_8"}]}}]},
            }
        ).encode(),  # no final newline
    ]
)


def _decode(chunks) -> list:
    lines = ResultLines(types.GenerateContentResponse, types.Status)
    out = []
    for chunk in chunks:
        out += lines.feed(chunk)
    return out + lines.close()


@pytest.mark.parametrize("size", [1, 2, 7, 64, len(FILE)])
def test_lines_decode_the_same_whatever_the_chunking(size):
    out = _decode(FILE[i : i + size] for i in range(0, len(FILE), size))
    assert [key for key, _ in out] == ["a", "b", "2", "3", "e"]
    a, b, bare, status, repaired = (item for _, item in out)
    assert (
        isinstance(a, types.GenerateContentResponse)
        and a.candidates[0].content.parts[0].text == "hi"
    )
    assert isinstance(b, types.Status) and (b.code, b.message) == (3, "bad")
    assert isinstance(bare, types.GenerateContentResponse) and bare.candidates
    assert isinstance(status, types.Status) and status.code == 8
    assert repaired.candidates[0].content.parts[0].thought_signature == b"\xfb\xff"


def test_a_line_that_is_not_a_result_names_its_line():
    good = json.dumps({"key": "a", "response": ANSWER}).encode()
    with pytest.raises(ResponseDecodeError, match="responses file, result 2:"):
        _decode([good + b"\n" + b'{"key": 5, "response": {}}\n'])
    with pytest.raises(ResponseDecodeError, match="responses file, result 1:"):
        _decode([b"not json at all\n"])

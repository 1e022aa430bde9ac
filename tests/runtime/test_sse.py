"""Tests for the Server-Sent Events parser (WHATWG HTML 9.2.6)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterable
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generativelanguage.runtime.sse import ServerSentEvent, SSEDecoder, aiter_events, iter_events

BOM = b"\xef\xbb\xbf"


def ev(
    data: str, event: str = "message", id: str | None = None, retry: int | None = None
) -> ServerSentEvent:
    return ServerSentEvent(event=event, data=data, id=id, retry=retry)


def parse_chunks(chunks: Iterable[bytes]) -> list[ServerSentEvent]:
    """Feed chunks one by one, then flush; return every event produced."""
    decoder = SSEDecoder()
    events: list[ServerSentEvent] = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    events.extend(decoder.flush())
    return events


def split_at(data: bytes, cuts: Iterable[int]) -> list[bytes]:
    bounds = [0, *sorted(set(cuts)), len(data)]
    return [data[a:b] for a, b in pairwise(bounds)]


def one_byte_chunks(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


# ---------------------------------------------------------------------------
# Table of spec rules. Each stream is parsed whole, one byte at a time, and
# split at every single position, and must give the same expected events.
# ---------------------------------------------------------------------------

CASES = [
    pytest.param(b"data: a\n\ndata: b\n\n", [ev("a"), ev("b")], id="lf_line_endings"),
    pytest.param(b"data: a\r\n\r\ndata: b\r\n\r\n", [ev("a"), ev("b")], id="crlf_line_endings"),
    pytest.param(b"data: a\r\rdata: b\r\r", [ev("a"), ev("b")], id="lone_cr_line_endings"),
    pytest.param(
        b"data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\r",
        [ev("a\nb\nc"), ev("d")],
        id="mixed_line_endings",
    ),
    pytest.param(
        b"data: a\n\r\n\r\rdata: b\n\n", [ev("a"), ev("b")], id="extra_blank_lines_dispatch_once"
    ),
    pytest.param(b"data:a\n\n", [ev("a")], id="data_without_space"),
    pytest.param(b"data: a\n\n", [ev("a")], id="data_with_one_space_stripped"),
    pytest.param(b"data:  a \n\n", [ev(" a ")], id="only_one_leading_space_stripped"),
    pytest.param(b"data:\ta\n\n", [ev("\ta")], id="tab_is_not_stripped"),
    pytest.param(b"data: a:b: c\n\n", [ev("a:b: c")], id="later_colons_are_part_of_value"),
    pytest.param(
        b"data: a\ndata: b\ndata: c\n\n", [ev("a\nb\nc")], id="multi_line_data_joined_with_lf"
    ),
    pytest.param(b"data: a\ndata:\n\n", [ev("a\n")], id="empty_last_data_line_keeps_lf"),
    pytest.param(b"data:\ndata: a\n\n", [ev("\na")], id="empty_first_data_line_keeps_lf"),
    pytest.param(b"data:\n\n", [ev("")], id="empty_data_value_still_dispatches"),
    pytest.param(b"data\n\n", [ev("")], id="field_without_colon_has_empty_value"),
    pytest.param(b"data\ndata\n\n", [ev("\n")], id="two_colonless_data_fields"),
    pytest.param(b": keep-alive\n\n", [], id="comment_only_block_not_dispatched"),
    pytest.param(b":\ndata: a\n: ping\ndata: b\n\n", [ev("a\nb")], id="comments_ignored_mid_event"),
    pytest.param(b":data: a\n\n", [], id="comment_that_looks_like_data"),
    pytest.param(b"foo: bar\ndata: a\nbaz\n\n", [ev("a")], id="unknown_fields_ignored"),
    pytest.param(b"Data: a\nDATA: b\ndata: c\n\n", [ev("c")], id="field_names_case_sensitive"),
    pytest.param(
        b" data: a\ndata : b\ndata: c\n\n", [ev("c")], id="spaces_around_name_not_trimmed"
    ),
    pytest.param(b"event: foo\n\n", [], id="event_without_data_not_dispatched"),
    pytest.param(
        b"event: foo\n\ndata: a\n\n", [ev("a")], id="event_type_reset_by_undispatched_block"
    ),
    pytest.param(b"data: a\n\n", [ev("a", event="message")], id="event_type_defaults_to_message"),
    pytest.param(b"event: update\ndata: a\n\n", [ev("a", event="update")], id="event_type_set"),
    pytest.param(b"data: a\nevent: update\n\n", [ev("a", event="update")], id="event_after_data"),
    pytest.param(b"event:\ndata: a\n\n", [ev("a")], id="empty_event_type_is_message"),
    pytest.param(
        b"event: x\nevent: y\ndata: a\n\n", [ev("a", event="y")], id="last_event_field_wins"
    ),
    pytest.param(
        b"event: x\ndata: a\n\ndata: b\n\n",
        [ev("a", event="x"), ev("b")],
        id="event_type_reset_after_dispatch",
    ),
    pytest.param(b"id: 1\ndata: a\n\n", [ev("a", id="1")], id="id_set"),
    pytest.param(
        b"id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n",
        [ev("a", id="1"), ev("b", id="1"), ev("c", id="2")],
        id="id_persists_across_events",
    ),
    pytest.param(
        b"id: 7\n\ndata: a\n\n", [ev("a", id="7")], id="id_from_undispatched_block_persists"
    ),
    pytest.param(
        b"id: 1\ndata: a\n\nid\ndata: b\n\n",
        [ev("a", id="1"), ev("b", id="")],
        id="empty_id_resets_to_empty_string",
    ),
    pytest.param(
        b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n",
        [ev("a", id="1"), ev("b", id="1")],
        id="id_with_nul_ignored",
    ),
    pytest.param(b"data: a\n\n", [ev("a", id=None)], id="no_id_is_none"),
    pytest.param(b"retry: 3000\ndata: a\n\n", [ev("a", retry=3000)], id="retry_digits"),
    pytest.param(b"retry: 0012\ndata: a\n\n", [ev("a", retry=12)], id="retry_leading_zeros"),
    pytest.param(
        b"retry: 3000\ndata: a\n\ndata: b\n\n",
        [ev("a", retry=3000), ev("b")],
        id="retry_is_per_event_block",
    ),
    pytest.param(b"retry: 1.5\ndata: a\n\n", [ev("a")], id="retry_decimal_ignored"),
    pytest.param(b"retry: -1\ndata: a\n\n", [ev("a")], id="retry_negative_ignored"),
    pytest.param(b"retry: 10ms\ndata: a\n\n", [ev("a")], id="retry_suffix_ignored"),
    pytest.param(b"retry:\ndata: a\n\n", [ev("a")], id="retry_empty_ignored"),
    pytest.param(b"retry:  10\ndata: a\n\n", [ev("a")], id="retry_second_space_ignored"),
    pytest.param(
        "retry: \u0661\u0662\ndata: a\n\n".encode(), [ev("a")], id="retry_non_ascii_digits_ignored"
    ),
    pytest.param(b"retry: " + b"9" * 5000 + b"\ndata: a\n\n", [ev("a")], id="retry_huge_ignored"),
    pytest.param(BOM + b"data: a\n\n", [ev("a")], id="leading_bom_stripped"),
    pytest.param(BOM + b"\n\ndata: a\n\n", [ev("a")], id="bom_then_blank_lines"),
    pytest.param(BOM + BOM + b"data: a\n\n", [], id="only_one_bom_stripped"),
    pytest.param(BOM + BOM + b"\ndata: a\n\n", [ev("a")], id="second_bom_is_a_line"),
    pytest.param(b"data: a" + BOM + b"\n\n", [ev("a\ufeff")], id="bom_inside_data_kept"),
    pytest.param(b"\xef\xbb", [], id="partial_bom_only"),
    pytest.param(
        "data: h\u00e9llo \u2713 \U0001f600\n\n".encode(),
        [ev("h\u00e9llo \u2713 \U0001f600")],
        id="utf8_multibyte",
    ),
    pytest.param(b"data: a\xffb\xc3\n\n", [ev("a\ufffdb\ufffd")], id="invalid_utf8_replaced"),
    pytest.param(
        b"data: \xe2\x9c\ndata: x\n\n", [ev("\ufffd\nx")], id="truncated_utf8_before_newline"
    ),
    pytest.param(b"data: a\x00b\n\n", [ev("a\x00b")], id="nul_in_data_kept"),
    pytest.param(b"data: a\n", [ev("a")], id="missing_final_blank_line_dispatched"),
    pytest.param(b"data: a", [ev("a")], id="missing_final_line_ending_dispatched"),
    pytest.param(b"data: a\n\ndata: b", [ev("a"), ev("b")], id="unterminated_second_event"),
    pytest.param(b"data: a\n\nevent: x", [ev("a")], id="unterminated_block_without_data"),
    pytest.param(b"data: a\n\n: bye", [ev("a")], id="unterminated_comment"),
    pytest.param(b"", [], id="empty_stream"),
    pytest.param(b"\n\n\r\n\r", [], id="only_blank_lines"),
]


@pytest.mark.parametrize(("stream", "expected"), CASES)
def test_spec_rule_whole_stream(stream: bytes, expected: list[ServerSentEvent]) -> None:
    assert parse_chunks([stream]) == expected


@pytest.mark.parametrize(("stream", "expected"), CASES)
def test_spec_rule_one_byte_chunks(stream: bytes, expected: list[ServerSentEvent]) -> None:
    assert parse_chunks(one_byte_chunks(stream)) == expected


@pytest.mark.parametrize(("stream", "expected"), CASES)
def test_spec_rule_every_two_way_split(stream: bytes, expected: list[ServerSentEvent]) -> None:
    for cut in range(len(stream) + 1):
        assert parse_chunks([stream[:cut], stream[cut:]]) == expected, f"split at {cut}"


# ---------------------------------------------------------------------------
# Chunk boundaries.
# ---------------------------------------------------------------------------

CHUNKED_CASES = [
    pytest.param(
        [b"data: a\r", b"\ndata: b\r\n\r\n"], [ev("a\nb")], id="crlf_split_is_one_line_ending"
    ),
    pytest.param(
        [b"data: a\r", b"", b"\n", b"data: b\r\n\r\n"],
        [ev("a\nb")],
        id="crlf_split_with_empty_chunk_between",
    ),
    pytest.param(
        [b"data: a\r", b"\rdata: b\r\r"], [ev("a"), ev("b")], id="cr_then_cr_is_blank_line"
    ),
    pytest.param(
        [b"data: a\r\n\r", b"\ndata: b\r\n\r\n"],
        [ev("a"), ev("b")],
        id="blank_crlf_split_dispatches_once",
    ),
    pytest.param([b"data: a\n", b"\n"], [ev("a")], id="lf_then_lf_across_chunks"),
    pytest.param(
        [b"data: \xf0\x9f", b"\x98\x80\n\n"], [ev("\U0001f600")], id="utf8_char_split_across_chunks"
    ),
    pytest.param(
        [b"data: \xe2", b"\x9c", b"\x93\n\n"], [ev("\u2713")], id="utf8_char_split_three_ways"
    ),
    pytest.param([b"\xef", b"\xbb", b"\xbfdata: a\n\n"], [ev("a")], id="bom_split_across_chunks"),
    pytest.param([b"\xef", b"\xbbdata: a\n\n"], [], id="partial_bom_is_not_stripped"),
    pytest.param([b"da", b"ta", b": a", b"\n", b"\n"], [ev("a")], id="field_name_split"),
]


@pytest.mark.parametrize(("chunks", "expected"), CHUNKED_CASES)
def test_chunk_boundaries(chunks: list[bytes], expected: list[ServerSentEvent]) -> None:
    assert parse_chunks(chunks) == expected


def test_feed_returns_event_as_soon_as_blank_line_arrives() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\n") == []
    assert decoder.feed(b"data: b\n") == []
    assert decoder.feed(b"\n") == [ev("a\nb")]
    assert decoder.feed(b"data: c\n\ndata: d\n\nda") == [ev("c"), ev("d")]
    assert decoder.feed(b"ta: e") == []
    assert decoder.flush() == [ev("e")]


def test_trailing_cr_dispatches_without_waiting_for_next_chunk() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r\r") == [ev("a")]
    # The LF that may follow is swallowed as the end of a CR LF pair.
    assert decoder.feed(b"\ndata: b\r\r") == [ev("b")]


def test_flush_on_clean_end_returns_nothing() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\n\n") == [ev("a")]
    assert decoder.flush() == []


def test_flush_dispatches_event_missing_blank_line() -> None:
    # Deliberate deviation from the spec, which would discard this event.
    decoder = SSEDecoder()
    assert decoder.feed(b"event: done\ndata: last\r\n") == []
    assert decoder.flush() == [ev("last", event="done")]


def test_long_line_across_many_chunks() -> None:
    payload = "x\u00e9" * 50_000
    stream = f"data: {payload}\r\n\r\n".encode()
    chunks = [stream[i : i + 1000] for i in range(0, len(stream), 1000)]
    assert parse_chunks(chunks) == [ev(payload)]


def test_decoder_state_after_flush() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"id: 5\nretry: 100\ndata: a\n\n")
    assert decoder.last_event_id == "5"
    assert decoder.retry == 100
    decoder.flush()
    # A new stream on the same decoder (a reconnection): its BOM is stripped
    # again, and the last event ID and reconnection time carry over.
    assert decoder.feed(BOM + b"data: b\n\n") == [ev("b", id="5")]
    assert decoder.retry == 100


def test_retry_without_data_updates_decoder() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"retry: 250\n\n") == []
    assert decoder.retry == 250
    assert decoder.feed(b"retry: nope\n\n") == []
    assert decoder.retry == 250


# ---------------------------------------------------------------------------
# ServerSentEvent value semantics.
# ---------------------------------------------------------------------------


def test_event_defaults() -> None:
    event = ServerSentEvent()
    assert (event.event, event.data, event.id, event.retry) == ("message", "", None, None)


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(ev("x", event="other", id="1", retry=5), id="event"),
        pytest.param(ev("y", id="1", retry=5), id="data"),
        pytest.param(ev("x", id="2", retry=5), id="id"),
        pytest.param(ev("x", id=None, retry=5), id="id_none"),
        pytest.param(ev("x", id="1", retry=6), id="retry"),
    ],
)
def test_event_inequality_per_field(other: ServerSentEvent) -> None:
    assert ev("x", id="1", retry=5) != other


def test_event_equality_and_repr_roundtrip() -> None:
    event = ev('{"a": "\u00e9"}\n', event="e", id="1", retry=5)
    assert event == ev('{"a": "\u00e9"}\n', event="e", id="1", retry=5)
    assert event != ('{"a": "\u00e9"}\n', "e", "1", 5)
    assert repr(event) == (
        "ServerSentEvent(event='e', data='{\"a\": \"\u00e9\"}\\n', id='1', retry=5)"
    )
    assert eval(repr(event), {"ServerSentEvent": ServerSentEvent}) == event


def test_event_uses_slots() -> None:
    with pytest.raises(AttributeError):
        ev("x").extra = 1  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------
# Realistic Gemini streams.
# ---------------------------------------------------------------------------

GEMINI_CHUNKS = [
    {"candidates": [{"content": {"parts": [{"text": "Hi"}], "role": "model"}}]},
    {
        "candidates": [
            {
                "content": {
                    "parts": [{"text": " th\u00e9re \u2014 \u4f60\u597d \U0001f600"}],
                    "role": "model",
                }
            }
        ],
        "modelVersion": "gemini-2.5-flash",
    },
    {
        "candidates": [
            {
                "content": {"parts": [{"text": "!\n\nBye."}], "role": "model"},
                "finishReason": "STOP",
                "index": 0,
            }
        ],
        "usageMetadata": {"promptTokenCount": 4, "candidatesTokenCount": 9, "totalTokenCount": 13},
        "responseId": "abc123",
    },
]


def gemini_stream(final_blank_line: bool = True) -> bytes:
    body = b"".join(
        b"data: " + json.dumps(c, ensure_ascii=False).encode() + b"\r\n\r\n" for c in GEMINI_CHUNKS
    )
    return body if final_blank_line else body[: -len(b"\r\n")]


def test_gemini_single_event() -> None:
    stream = (
        b'data: {"candidates": [{"content": {"parts": [{"text": "Hi"}],"role": "model"}}]}\r\n\r\n'
    )
    events = parse_chunks([stream])
    assert events == [
        ev('{"candidates": [{"content": {"parts": [{"text": "Hi"}],"role": "model"}}]}')
    ]
    assert json.loads(events[0].data)["candidates"][0]["content"]["parts"][0]["text"] == "Hi"


@pytest.mark.parametrize("final_blank_line", [True, False], ids=["complete", "missing_blank_line"])
@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 8192])
def test_gemini_stream_chunked(size: int, final_blank_line: bool) -> None:
    stream = gemini_stream(final_blank_line)
    chunks = [stream[i : i + size] for i in range(0, len(stream), size)]
    events = parse_chunks(chunks)
    assert [e.event for e in events] == ["message"] * len(GEMINI_CHUNKS)
    assert [json.loads(e.data) for e in events] == GEMINI_CHUNKS


def test_iter_events() -> None:
    stream = gemini_stream(final_blank_line=False)
    chunks = (stream[i : i + 5] for i in range(0, len(stream), 5))
    assert [json.loads(e.data) for e in iter_events(chunks)] == GEMINI_CHUNKS


def test_aiter_events() -> None:
    stream = gemini_stream(final_blank_line=False)

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(0, len(stream), 5):
            await asyncio.sleep(0)
            yield stream[i : i + 5]

    async def collect() -> list[ServerSentEvent]:
        return [e async for e in aiter_events(chunks())]

    assert [json.loads(e.data) for e in asyncio.run(collect())] == GEMINI_CHUNKS


# ---------------------------------------------------------------------------
# Property: generated streams, any chunking, same events as constructed.
# ---------------------------------------------------------------------------

# Line content: any text without CR/LF (and without surrogates, which UTF-8
# cannot encode). Weighted towards characters that exercise the parser.
LINE_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from([" ", ":", "a", "\u00e9", "\u2713", "\U0001f600", "\x00", "\ufeff"]),
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
    ),
    max_size=8,
)
NEWLINES = st.sampled_from([b"\n", b"\r\n", b"\r"])
UNKNOWN_FIELDS = st.sampled_from(["foo", "Data", "ID", "events", "retry2", "\u00e9"])


def render_field(draw: st.DrawFn, name: str, value: str) -> bytes:
    """Render one field line in one of the equivalent spellings."""
    if value == "" and draw(st.booleans()):
        return name.encode()  # "data" alone: whole line is the name
    # A value starting with a space needs the separator space, or the
    # parser would (correctly) strip the value's own first space.
    space = value.startswith(" ") or draw(st.booleans())
    return (name + (": " if space else ":") + value).encode()


@st.composite
def sse_streams(draw: st.DrawFn) -> tuple[bytes, list[ServerSentEvent], bool]:
    """Draw (stream bytes, expected events, whether it ends in a blank line)."""
    out: list[bytes] = []
    expected: list[ServerSentEvent] = []
    last_id: str | None = None
    if draw(st.booleans()):
        out.append(BOM)
    n_blocks = draw(st.integers(0, 4))
    complete = True
    for index in range(n_blocks):
        data_lines = draw(st.lists(LINE_TEXT, max_size=3))
        event_type = draw(st.none() | LINE_TEXT)
        event_id = draw(st.none() | LINE_TEXT)
        retry = draw(st.none() | st.integers(0, 10**7))
        lines = [render_field(draw, "data", v) for v in data_lines]
        others = []
        if event_type is not None:
            others.append(render_field(draw, "event", event_type))
        if event_id is not None:
            others.append(render_field(draw, "id", event_id))
        if retry is not None:
            others.append(render_field(draw, "retry", str(retry)))
        for _ in range(draw(st.integers(0, 2))):
            others.append(b":" + draw(LINE_TEXT).encode())  # comment / keep-alive
        if draw(st.booleans()):
            others.append(render_field(draw, draw(UNKNOWN_FIELDS), draw(LINE_TEXT)))
        # Interleave the other lines with the data lines, keeping data order.
        for line in others:
            lines.insert(draw(st.integers(0, len(lines))), line)

        if event_id is not None and "\x00" not in event_id:
            last_id = event_id
        if data_lines:
            expected.append(
                ServerSentEvent(
                    event=event_type or "message",
                    data="\n".join(data_lines),
                    id=last_id,
                    retry=retry,
                )
            )

        last_block = index == n_blocks - 1
        if last_block and lines and draw(st.booleans()):
            # The stream ends without its final blank line, maybe even
            # without the last line's own line ending.
            complete = False
            terminate_last = draw(st.booleans())
            for i, line in enumerate(lines):
                out.append(line)
                if i < len(lines) - 1 or terminate_last:
                    out.append(draw(NEWLINES))
        else:
            for line in lines:
                out.append(line + draw(NEWLINES))
            # The blank line that dispatches. After a lone CR, a LF would
            # merge with it into one CR LF line ending, so it must not be LF.
            after_cr = out[-1].endswith(b"\r") if out else False
            out.append(draw(st.sampled_from([b"\r", b"\r\n"]) if after_cr else NEWLINES))
    return b"".join(out), expected, complete


def tricky_cuts(stream: bytes) -> list[int]:
    """Positions inside a CR LF pair or inside a multi-byte UTF-8 character."""
    return [
        i
        for i in range(1, len(stream))
        if stream[i - 1 : i + 1] == b"\r\n" or (stream[i] & 0xC0) == 0x80
    ]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=sse_streams(), data=st.data())
def test_any_chunking_yields_constructed_events(
    case: tuple[bytes, list[ServerSentEvent], bool], data: st.DataObject
) -> None:
    stream, expected, complete = case
    decoder = SSEDecoder()
    whole = decoder.feed(stream)
    final = decoder.flush()
    assert whole + final == expected
    if complete:
        # Everything was dispatched by a real blank line, not by flush().
        assert final == []

    assert parse_chunks(one_byte_chunks(stream)) == expected

    cuts = data.draw(st.lists(st.integers(0, len(stream)), max_size=12), label="cuts")
    tricky = tricky_cuts(stream)
    if tricky:
        cuts += data.draw(st.lists(st.sampled_from(tricky), max_size=4), label="tricky cuts")
    assert parse_chunks(split_at(stream, cuts)) == expected


# ---------------------------------------------------------------------------
# Property: arbitrary byte soup agrees with a literal transcription of the
# spec that decodes the whole stream first and walks it character by
# character.
# ---------------------------------------------------------------------------


def reference_parse(stream: bytes) -> list[ServerSentEvent]:
    """Spec 9.2.6 done naively, plus our flush() end-of-stream behaviour."""
    text = stream.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    events: list[ServerSentEvent] = []
    data_buffer = ""
    event_type = ""
    last_id: str | None = None
    event_retry: int | None = None

    def dispatch() -> None:
        nonlocal data_buffer, event_type, event_retry
        if data_buffer != "":
            if data_buffer.endswith("\n"):
                data_buffer = data_buffer[:-1]
            events.append(
                ServerSentEvent(event_type or "message", data_buffer, last_id, event_retry)
            )
        data_buffer = ""
        event_type = ""
        event_retry = None

    def process(line: str) -> None:
        nonlocal data_buffer, event_type, last_id, event_retry
        if line == "":
            dispatch()
            return
        if line[0] == ":":
            return
        if ":" in line:
            name, value = line.split(":", 1)
            if value[:1] == " ":
                value = value[1:]
        else:
            name, value = line, ""
        if name == "event":
            event_type = value
        elif name == "data":
            data_buffer += value + "\n"
        elif name == "id":
            if "\x00" not in value:
                last_id = value
        elif name == "retry":
            if value and all(c in "0123456789" for c in value):
                event_retry = int(value)

    line = ""
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\r":
            process(line)
            line = ""
            if text[i + 1 : i + 2] == "\n":
                i += 1
        elif c == "\n":
            process(line)
            line = ""
        else:
            line += c
        i += 1
    if line:
        process(line)
    dispatch()
    return events


BYTE_TOKENS = st.sampled_from(
    [
        b"data",
        b"event",
        b"id",
        b"retry",
        b":",
        b" ",
        b"\n",
        b"\r",
        b"\r\n",
        b"x",
        b"7",
        b"\x00",
        BOM,
        b"\xef",
        b"\xbb",
        b"\xc3",
        b"\xa9",
        b"\xff",
        "\u2713".encode(),
        "\U0001f600".encode(),
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    stream=st.lists(BYTE_TOKENS, max_size=40).map(b"".join),
    cuts=st.lists(st.integers(0, 200), max_size=8),
)
def test_byte_soup_matches_reference(stream: bytes, cuts: list[int]) -> None:
    expected = reference_parse(stream)
    assert parse_chunks([stream]) == expected
    assert parse_chunks(split_at(stream, [c for c in cuts if c <= len(stream)])) == expected
    assert parse_chunks(one_byte_chunks(stream)) == expected

"""The SSE parser on the edge cases of the spec, fed whole, byte by byte and in random chunks."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from phrony_tui.api import Heartbeat, MalformedEvent, SSEParser, StreamEvent
from phrony_tui.api.errors import EventTooLargeError
from phrony_tui.api.sse import MAX_RETRY_MS, Comment, EventDecoder, LineDecoder, ServerSentEvent
from phrony_tui.api.stream import EventStream


def event_json(n: int, **extra: object) -> str:
    return json.dumps(
        {"ts": f"t{n}", "kind": "step", "subject": f"s{n}", "data": {"n": n}, **extra}
    )


def feed_all(raw: bytes, chunks: list[int] | None = None, **kw: int) -> list[object]:
    parser = SSEParser(**kw)
    out: list[object] = []
    if chunks is None:
        out += parser.feed(raw)
    else:
        pos = 0
        for size in chunks:
            out += parser.feed(raw[pos : pos + size])
            pos += size
        out += parser.feed(raw[pos:])
    out += parser.close()
    return out


def subjects(items: list[object]) -> list[str]:
    return [i.subject for i in items if isinstance(i, StreamEvent)]


STREAM = (
    "\ufeff: hello\n"
    f"id: 1\ndata: {event_json(1)}\n\n"
    f"id: 2\r\ndata: {event_json(2)}\r\n\r\n"
    f"id: 3\rdata: {event_json(3)}\r\r"
    "retry: 2500\n\n"
    ": ping\n\n"
    "event: step\nid: 4\n"
    'data: {"ts": "t4", "kind": "step",\n'
    'data:  "subject": "s4", "data": {}}\n\n'
    "id: 5\n\n"
    "data\n\n"
    f"data:{event_json(6)}\n\n"
    f"data: {event_json(7)}"  # unterminated: dropped at the end, per the spec
).encode()


def check_stream(items: list[object], parser_ids: bool = True) -> None:
    assert subjects(items) == ["s1", "s2", "s3", "s4", "s6"]
    heartbeats = [i for i in items if isinstance(i, Heartbeat)]
    assert [h.comment for h in heartbeats] == ["hello", "ping"]
    malformed = [i for i in items if isinstance(i, MalformedEvent)]
    assert len(malformed) == 1 and malformed[0].data == ""  # the bare "data" line
    events = [i for i in items if isinstance(i, StreamEvent)]
    assert [e.event_id for e in events] == ["1", "2", "3", "4", "5"]


def test_whole_stream() -> None:
    parser = SSEParser()
    items = parser.feed(STREAM) + parser.close()
    check_stream(items)
    assert parser.retry_ms == 2500
    assert parser.last_event_id == "5"


def test_byte_by_byte() -> None:
    check_stream(feed_all(STREAM, [1] * len(STREAM)))


@given(st.lists(st.integers(min_value=1, max_value=40), max_size=200))
def test_random_chunks(chunks: list[int]) -> None:
    check_stream(feed_all(STREAM, chunks))


def test_utf8_split_across_chunks() -> None:
    payload = {"kind": "step", "subject": "ünïcødé ✓", "data": {}}
    raw = f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode()
    items = feed_all(raw, [1] * len(raw))
    assert subjects(items) == ["ünïcødé ✓"]


def test_crlf_split_between_chunks() -> None:
    raw = f"data: {event_json(1)}\r\n\r\ndata: {event_json(2)}\r\n\r\n".encode()
    cut = raw.index(b"\r\n") + 1
    assert subjects(feed_all(raw, [cut])) == ["s1", "s2"]


def test_sdk_style_split_inside_a_string() -> None:
    """Phrony's SDK joins data lines with nothing; a line break inside a string still parses."""
    raw = b'data: {"kind": "step", "subject": "ab\ndata: cd", "data": {}}\n\n'
    assert subjects(feed_all(raw)) == ["abcd"]


@pytest.mark.parametrize(
    ("payload", "reason"),
    [("{not json", "not JSON"), ("[1, 2]", "not a JSON object"), ('{"data": 5}', "shape")],
)
def test_malformed_events_are_reported_not_raised(payload: str, reason: str) -> None:
    items = feed_all(f"id: 9\ndata: {payload}\n\ndata: {event_json(1)}\n\n".encode())
    bad = [i for i in items if isinstance(i, MalformedEvent)]
    assert len(bad) == 1 and reason in bad[0].reason and bad[0].event_id == "9"
    assert subjects(items) == ["s1"]


def test_unknown_fields_and_kinds_are_kept() -> None:
    raw = 'data: {"kind": "brand_new", "subject": "x.y", "data": {"a": 1}, "extra": true}\n\n'
    (event,) = feed_all(raw.encode())
    assert isinstance(event, StreamEvent)
    assert event.kind == "brand_new" and event.model_extra == {"extra": True}


def test_event_over_the_limit_raises() -> None:
    big = f"data: {'x' * 5000}\n\n".encode()
    with pytest.raises(EventTooLargeError):
        feed_all(big, max_event_bytes=1000)


def test_unterminated_line_over_the_limit_raises_before_it_ends() -> None:
    parser = SSEParser(max_event_bytes=1000)
    parser.feed(b"data: ")
    with pytest.raises(EventTooLargeError):
        for _ in range(20):
            parser.feed(b"x" * 100)


def test_many_lines_over_the_limit_raise() -> None:
    raw = b"".join(b"data: " + b"y" * 50 + b"\n" for _ in range(100)) + b"\n"
    with pytest.raises(EventTooLargeError):
        feed_all(raw, max_event_bytes=1000)


def test_events_under_the_limit_reset_the_count() -> None:
    raw = b"".join(f"data: {event_json(i)}\n\n".encode() for i in range(200))
    assert len(subjects(feed_all(raw, max_event_bytes=200))) == 200


def test_empty_id_resets_the_last_event_id() -> None:
    parser = SSEParser()
    parser.feed(f"id: 7\ndata: {event_json(1)}\n\nid\ndata: {event_json(2)}\n\n".encode())
    assert parser.last_event_id is None


@pytest.mark.parametrize("value", ["-5", "  5", "1_0", "5s", "٣"])
def test_retry_must_be_ascii_digits(value: str) -> None:
    parser = SSEParser()
    parser.feed(f"retry:{value}\n\nretry: 100\nretry:{value}\n\n".encode())
    assert parser.retry_ms == 100


def test_final_bare_cr_terminates_the_last_event() -> None:
    parser = SSEParser()
    items = parser.feed(f"data: {event_json(1)}\r\r".encode()) + parser.close()
    assert subjects(items) == ["s1"]


def test_blocks_without_data_do_not_add_up_to_the_limit() -> None:
    raw = b"".join(b"foo: " + b"z" * 90 + b"\n\n" for _ in range(100))
    assert feed_all(raw, max_event_bytes=1000) == []


def test_unterminated_multibyte_line_is_measured_in_bytes() -> None:
    parser = SSEParser(max_event_bytes=1000)
    parser.feed(b"data: ")
    with pytest.raises(EventTooLargeError):
        for _ in range(10):
            parser.feed(("é" * 100).encode())  # 200 bytes, 100 characters, per chunk


# --- the wire decoder on its own (api/sse.py) ---------------------------------------------


def decode_all(text: str, chunks: list[int] | None = None) -> list[ServerSentEvent | Comment]:
    lines, events = LineDecoder(), EventDecoder()
    out: list[ServerSentEvent | Comment] = []
    pieces = [text] if chunks is None else split(text, chunks)
    for piece in pieces:
        for line in lines.decode(piece):
            item = events.decode(line)
            if item is not None:
                out.append(item)
    return out


def split(text: str, sizes: list[int]) -> list[str]:
    pieces, pos = [], 0
    for size in sizes:
        pieces.append(text[pos : pos + size])
        pos += size
    return [*pieces, text[pos:]]


@pytest.mark.parametrize("end", ["\n", "\r", "\r\n"])
def test_each_line_end_ends_a_line(end: str) -> None:
    lines = LineDecoder()
    assert lines.decode(f"a{end}b{end}{end}c") == ["a", "b", ""]
    assert lines.flush() == "c"


def test_a_crlf_split_across_chunks_is_one_line_end() -> None:
    lines = LineDecoder()
    assert lines.decode("a\r") == ["a"]
    assert lines.decode("\nb\r") == ["b"]
    assert lines.decode("\r") == [""]  # CR then CR: an empty line, not a CRLF


def test_fields_follow_the_spec() -> None:
    events = decode_all(
        "data:no space\n"
        "data:  two spaces\n"
        "data\n"
        "unknown: ignored\n"
        "event: custom\n"
        "id: a\x00b\n"  # an id holding NUL is ignored
        ":a comment\n"
        "\n"
    )
    assert events == [
        Comment("a comment"),
        ServerSentEvent("no space\n two spaces\n", "custom", None),
    ]


def test_the_id_persists_and_a_block_without_data_dispatches_nothing() -> None:
    events = decode_all("id: 1\nevent: x\n\ndata: a\n\nid\ndata: b\n\n")
    assert events == [ServerSentEvent("a", "message", "1"), ServerSentEvent("b", "message", None)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2500", 2500), ("0", 0), ("9" * 400, MAX_RETRY_MS), ("9" * 5000, MAX_RETRY_MS)],
)
def test_retry_is_read_at_once_and_cut_to_a_sane_delay(value: str, expected: int) -> None:
    decoder = EventDecoder()
    assert decoder.decode(f"retry: {value}") is None
    assert decoder.retry_ms == expected
    assert decoder.retry_ms / 1000 <= MAX_RETRY_MS / 1000


def test_a_bom_counts_only_at_the_start() -> None:
    parser = SSEParser()
    items = parser.feed(f"\ufeffdata: {event_json(1)}\n\n\ufeffdata: {event_json(2)}\n\n".encode())
    assert subjects(items) == ["s1"]  # the second BOM makes "\ufeffdata" an unknown field


LINE = st.text(alphabet=st.sampled_from("ab:é \ufeff"), max_size=12)


@given(
    st.lists(st.tuples(LINE, st.sampled_from(["\n", "\r", "\r\n"])), max_size=30),
    st.lists(st.integers(min_value=1, max_value=7), max_size=60),
)
def test_any_chunking_decodes_alike(lines: list[tuple[str, str]], chunks: list[int]) -> None:
    text = "".join(line + end for line, end in lines)
    assert decode_all(text, chunks) == decode_all(text)


# A chunk of whole blocks is read in one pass (``EventDecoder.decode_blocks``); anything out of
# the ordinary goes line by line. Fed byte by byte, no chunk is ever whole: the reference.
STEP = '{"ts":"t","kind":"step","subject":"s","data":{"id":"x","ordinal":1,"type":"t"}}'
BLOCK_LINE = st.sampled_from(
    [
        "id: 7",
        "id:8",
        "id: ",
        "id",
        "id: has\0nul",
        f"data: {event_json(1)}",
        f"data:{event_json(2)}",
        f"data:  {event_json(3)}",
        f"data: {STEP}",
        "data: {not json",
        "data: [1, 2]",
        'data: {"kind":"step","subject":"é ✓","data":{}}',
        "data",
        "data:",
        "event: step",
        "event:",
        ": ping",
        ":",
        "retry: 1500",
        "unknown: field",
        "",
    ]
)
ID_LINE = st.sampled_from(["id: 7", "id:8", "id: ", "id: 9"])
DATA_LINE = st.sampled_from(
    [f"data: {event_json(1)}", f"data: {STEP}", "data: {not json", "data:", "data:  x"]
)
BLOCK = st.one_of(
    # as servers write them: what the one-pass path reads
    st.tuples(st.one_of(st.just(""), ID_LINE.map(lambda line: line + "\n")), DATA_LINE).map(
        lambda parts: f"{parts[0]}{parts[1]}\n\n"
    ),
    st.lists(BLOCK_LINE, min_size=1, max_size=4).map(lambda lines: "\n".join(lines) + "\n\n"),
)


@given(
    st.lists(st.lists(BLOCK, min_size=1, max_size=3), max_size=12),
    st.sampled_from([b"", b"\xff", "é".encode()[:1]]),
)
def test_chunks_of_whole_blocks_read_as_line_by_line(
    chunks: list[list[str]], odd_bytes: bytes
) -> None:
    raw = [("".join(blocks)).encode() for blocks in chunks]
    if raw and odd_bytes:
        raw[len(raw) // 2] = raw[len(raw) // 2].replace(b"s", odd_bytes, 1)  # not UTF-8
    whole, reference = SSEParser(), SSEParser()
    got = [item for chunk in raw for item in whole.feed(chunk)]
    expected = [
        item
        for chunk in raw
        for i in range(len(chunk))
        for item in reference.feed(chunk[i : i + 1])
    ]
    assert got == expected
    assert (whole.last_event_id, whole.retry_ms) == (reference.last_event_id, reference.retry_ms)


def test_a_chunk_of_whole_events_over_the_limit_still_raises() -> None:
    parser = SSEParser(max_event_bytes=200)
    parser.feed(b": hello\n\n")
    parser.feed(f"data: {event_json(1)}\n\n".encode())
    with pytest.raises(EventTooLargeError):
        parser.feed(f"id: 2\ndata: {event_json(2, pad='x' * 300)}\n\n".encode())


def test_a_long_chunk_of_events_ending_out_of_the_ordinary_reads_in_linear_time() -> None:
    """A chunk of many events and then a heartbeat takes the line-by-line path. Matched as one
    repeated pattern, each optional space after a colon would be tried both ways for every
    block before giving up: 4^2000 steps, a hang on an ordinary heartbeat after a burst."""
    parser = SSEParser()
    parser.feed(b": hello\n\n")
    burst = "".join(f"id: {n}\ndata:  {event_json(n)}\n\n" for n in range(2000)) + ": ping\n\n"
    items = parser.feed(burst.encode())
    assert subjects(items) == [f"s{n}" for n in range(2000)]
    assert isinstance(items[-1], Heartbeat) and parser.last_event_id == "1999"


# --- an event too large, after good ones in the same chunk -----------------------------------


def test_the_events_ahead_of_one_too_large_in_the_same_chunk_are_kept() -> None:
    good = "".join(f"id: {i}\ndata: {event_json(i)}\n\n" for i in (1, 2))
    parser = SSEParser(max_event_bytes=1000)
    with pytest.raises(EventTooLargeError) as raised:
        parser.feed((good + f"data: {'x' * 5000}\n\n").encode())
    assert subjects(raised.value.before) == ["s1", "s2"]
    assert parser.last_event_id == "2"


async def test_the_stream_hands_out_the_events_ahead_of_one_too_large_then_fails() -> None:
    """One network chunk with two good events and the start of a huge one: the two are
    handed out, then the error (the feed reconnects and resyncs from there)."""
    chunk = "".join(f"data: {event_json(i)}\n\n" for i in (1, 2)) + "data: " + "x" * 5000

    class OneChunk(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            yield chunk.encode()

    response = httpx.Response(200, headers={"Content-Type": "text/event-stream"}, stream=OneChunk())
    got: list[object] = []
    with pytest.raises(EventTooLargeError):
        async for item in EventStream(response, SSEParser(max_event_bytes=1000)):
            got.append(item)
    assert subjects(got) == ["s1", "s2"]

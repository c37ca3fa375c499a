"""Server-Sent Events for ``GET /v1/runs/{runId}/stream``.

The parser follows the SSE spec (BOM, CR/LF/CRLF, multi-line ``data``, comments, ``id``,
``retry``) on top of httpx-sse's line and field decoders, and adds what a long-lived stream
needs: a maximum event size, heartbeats surfaced to the caller (for watchdogs), and each way the
stream can end mapped to one typed outcome.
"""

from __future__ import annotations

import codecs
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass

from httpx_sse._decoders import SSEDecoder, SSELineDecoder
from pydantic import ValidationError

from .deep_json import loads_deep
from .errors import EventTooLargeError
from .models import StreamEvent

DEFAULT_MAX_EVENT_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """A comment line (``: ping``): the server is alive, nothing changed."""

    comment: str


@dataclass(frozen=True, slots=True)
class MalformedEvent:
    """An event whose ``data`` is not a JSON object of the expected shape; skip and count it."""

    data: str
    reason: str
    event_id: str | None = None


StreamItem = StreamEvent | Heartbeat | MalformedEvent


def parse_event_data(data: str, event_id: str | None) -> StreamEvent | MalformedEvent:
    """Parse one event's joined ``data`` with pydantic's JSON parser. The spec joins lines with
    ``\\n``; Phrony's SDK joins with nothing, so a payload split inside a JSON string is
    retried that way; a payload nested too deeply is read with its depths cut."""
    event = _parse(data, event_id)
    if isinstance(event, MalformedEvent) and "\n" in data and event.reason.startswith("not JSON"):
        joined = _parse(data.replace("\n", ""), event_id)
        if isinstance(joined, StreamEvent):
            return joined
    return event


def _parse(data: str, event_id: str | None) -> StreamEvent | MalformedEvent:
    try:
        event = StreamEvent.from_json(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        if error["type"] != "json_invalid":
            shape = (
                "data is not a JSON object"
                if error["type"] == "model_type"
                else (f"unexpected shape: {exc.error_count()} errors")
            )
            return MalformedEvent(data[:2000], shape, event_id)
        if "recursion limit" not in str(error.get("ctx", {}).get("error", "")):
            return MalformedEvent(data[:2000], f"not JSON: {error['msg']}", event_id)
        try:
            event = StreamEvent.model_validate(loads_deep(data))
        except (ValueError, RecursionError):
            return MalformedEvent(data[:2000], "nested too deeply to read", event_id)
    event.event_id = event_id
    return event


class SSEParser:
    """Incremental SSE parser: feed bytes, get events. Pure, so it is tested byte by byte."""

    def __init__(self, max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES) -> None:
        self.max_event_bytes = max_event_bytes
        self.last_event_id: str | None = None
        self.retry_ms: int | None = None
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._lines = SSELineDecoder()
        self._fields = SSEDecoder()
        self._started = False
        self._event_chars = 0
        self._held_bytes = 0
        self._saw_data = False

    def feed(self, chunk: bytes) -> list[StreamItem]:
        text = self._utf8.decode(chunk)
        return self._feed_text(text)

    def close(self) -> list[StreamItem]:
        """End of stream: lines still held (a final bare CR) are processed; an unterminated
        final block is then dropped, as the spec says."""
        out = self._feed_text(self._utf8.decode(b"", final=True))
        out += list(self._lines_to_items(self._lines.flush()))
        return out

    def _feed_text(self, text: str) -> list[StreamItem]:
        if not self._started and text:
            self._started = True
            if text.startswith("\ufeff"):
                text = text[1:]
        if not text:
            return []
        out = list(self._lines_to_items(self._lines.decode(text)))
        # The bytes of the line still held: only this chunk's tail is measured (measuring the
        # whole held line again on every chunk would be quadratic on a long non-ASCII line).
        cut = max(text.rfind("\n"), text.rfind("\r"))
        tail = text[cut + 1 :]
        size = len(tail) if tail.isascii() else len(tail.encode())
        self._held_bytes = size if cut >= 0 else self._held_bytes + size
        pending = self._event_chars + self._held_bytes
        if pending > self.max_event_bytes:
            raise EventTooLargeError(self.max_event_bytes)
        return out

    def _lines_to_items(self, lines: Iterable[str]) -> Iterator[StreamItem]:
        for line in lines:
            if line.startswith(":"):
                yield Heartbeat(line[1:].strip())
                continue
            if not line:
                self._event_chars = 0
            else:
                self._event_chars += (len(line) if line.isascii() else len(line.encode())) + 1
                if self._event_chars > self.max_event_bytes:
                    raise EventTooLargeError(self.max_event_bytes)
                name, _, value = line.partition(":")
                if name == "data":
                    self._saw_data = True
                elif name == "retry":
                    digits = value.removeprefix(" ")
                    if not (digits.isascii() and digits.isdigit()):
                        continue  # the spec ignores a retry that is not all ASCII digits
            sse = self._fields.decode(line)
            if sse is None:
                continue
            saw_data, self._saw_data = self._saw_data, False
            self.last_event_id = sse.id or None  # an empty id: line resets it
            if sse.retry is not None:
                self.retry_ms = sse.retry
            if not saw_data:
                continue  # a block with no data dispatches nothing (it may set id or retry)
            yield parse_event_data(sse.data, sse.id or None)


async def iter_sse(chunks: AsyncIterator[bytes], parser: SSEParser) -> AsyncIterator[StreamItem]:
    """Turn a byte stream into stream items with ``parser``."""
    async for chunk in chunks:
        for item in parser.feed(chunk):
            yield item
    for item in parser.close():
        yield item

"""Server-Sent Events for ``GET /v1/runs/{runId}/stream``.

The parser follows the SSE spec (BOM, CR/LF/CRLF, multi-line ``data``, comments, ``id``,
``retry``) with the decoders of ``sse.py``, and adds what a long-lived stream
needs: a maximum event size, heartbeats surfaced to the caller (for watchdogs), and each way the
stream can end mapped to one typed outcome.
"""

from __future__ import annotations

import codecs
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass

import httpx
from pydantic import ValidationError

from .body import decoded
from .deep_json import loads_deep
from .errors import (
    EventTooLargeError,
    ResponseError,
    StreamDisconnectedError,
    StreamProtocolError,
    StreamTimeoutError,
)
from .models import StreamEvent
from .sse import Comment, EventDecoder, LineDecoder

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
        return StreamEvent.from_json(data, event_id)
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
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._lines = LineDecoder()
        self._events = EventDecoder()
        self._started = False
        self._event_bytes = 0
        self._held_bytes = 0
        self._between_blocks = False  # the last chunk ended a block: nothing is held

    @property
    def last_event_id(self) -> str | None:
        return self._events.last_event_id

    @property
    def retry_ms(self) -> int | None:
        """The server's ``retry:`` advice in milliseconds, at most ``MAX_RETRY_MS``."""
        return self._events.retry_ms

    def feed(self, chunk: bytes) -> list[StreamItem]:
        if self._between_blocks and chunk.endswith(b"\n\n") and b"\r" not in chunk:
            items = self._whole_blocks(chunk)
            if items is not None:
                return items
        out = self._feed_text(self._utf8.decode(chunk))
        self._between_blocks = (
            self._started
            and chunk.endswith(b"\n\n")
            and not self._lines.holding
            and self._events.between_blocks
        )
        return out

    def _whole_blocks(self, chunk: bytes) -> list[StreamItem] | None:
        """A chunk of whole events (a server flushes one or a few at a time), read in one
        pass; None when it needs the line-by-line path, which gives the same items."""
        if len(chunk) > self.max_event_bytes:
            return None  # one of its events may be too large: the general path says which
        try:
            text = chunk.decode()
        except UnicodeDecodeError:
            return None  # the general path replaces what is not UTF-8
        blocks = self._events.decode_blocks(text)
        if blocks is None:
            return None
        return [parse_event_data(data, event_id) for data, event_id in blocks]

    def close(self) -> list[StreamItem]:
        """End of stream: an unterminated final line or block is dropped, as the spec says."""
        out = self._feed_text(self._utf8.decode(b"", final=True))
        self._lines.flush()
        return out

    def _feed_text(self, text: str) -> list[StreamItem]:
        if not self._started and text:
            self._started = True
            if text.startswith("\ufeff"):
                text = text[1:]
        if not text:
            return []
        out = self._lines_to_items(self._lines.decode(text))
        # The bytes of the line still held: only this chunk's tail is measured (measuring the
        # whole held line again on every chunk would be quadratic on a long non-ASCII line).
        cut = max(text.rfind("\n"), text.rfind("\r"))
        tail = text[cut + 1 :]
        size = len(tail) if tail.isascii() else len(tail.encode())
        self._held_bytes = size if cut >= 0 else self._held_bytes + size
        if self._event_bytes + self._held_bytes > self.max_event_bytes:
            raise EventTooLargeError(self.max_event_bytes, out)
        return out

    def _lines_to_items(self, lines: Iterable[str]) -> list[StreamItem]:
        out: list[StreamItem] = []
        decode, limit = self._events.decode, self.max_event_bytes
        for line in lines:
            if not line:
                self._event_bytes = 0
            elif line[0] != ":":
                self._event_bytes += (len(line) if line.isascii() else len(line.encode())) + 1
                if self._event_bytes > limit:
                    raise EventTooLargeError(limit, out)
            decoded = decode(line)
            if decoded is None:
                continue
            if isinstance(decoded, Comment):
                out.append(Heartbeat(decoded.text.strip()))
            else:
                out.append(parse_event_data(decoded.data, decoded.id))
        return out


class EventStream:
    """An open SSE response. Iterate it for ``StreamItem``s.

    Outcomes: iteration ends normally when the server closes the stream cleanly;
    ``StreamTimeoutError`` when nothing arrives within the read timeout;
    ``StreamDisconnectedError`` when the connection breaks (reset, incomplete chunk);
    ``EventTooLargeError`` when one event exceeds the maximum size;
    ``StreamProtocolError`` when the body cannot be decoded. Opening it fails with
    ``StreamProtocolError`` when the answer is not ``text/event-stream``.
    """

    def __init__(self, response: httpx.Response, parser: SSEParser) -> None:
        self.response = response
        self.parser = parser

    @property
    def last_event_id(self) -> str | None:
        return self.parser.last_event_id

    @property
    def retry_ms(self) -> int | None:
        """The server's ``retry:`` advice in milliseconds, at most ``MAX_RETRY_MS``."""
        return self.parser.retry_ms

    async def __aiter__(self) -> AsyncIterator[StreamItem]:
        try:
            parser = self.parser  # one generator layer per chunk, no more: a chunk is an event
            async for chunk in decoded(self.response):
                try:
                    items = parser.feed(chunk)
                except EventTooLargeError as exc:
                    for item in exc.before:  # what came ahead of it is good: hand it out
                        yield item
                    raise
                for item in items:
                    yield item
            for item in parser.close():
                yield item
        except ResponseError as exc:
            raise StreamProtocolError(f"stream body cannot be decoded: {exc}") from None
        except httpx.TimeoutException:
            raise StreamTimeoutError("no data on the stream within the read timeout") from None
        except httpx.DecodingError as exc:
            raise StreamProtocolError(f"stream body cannot be decoded: {exc}") from None
        except (httpx.TransportError, httpx.StreamError) as exc:
            raise StreamDisconnectedError(f"stream connection lost: {type(exc).__name__}") from None

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

import httpx
from httpx_sse._decoders import SSEDecoder, SSELineDecoder
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

DEFAULT_MAX_EVENT_BYTES = 32 * 1024 * 1024
#: Longest reconnection delay a ``retry:`` field is taken at; a larger one is cut to this.
MAX_RETRY_MS = 3_600_000


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


def retry_delay(digits: str) -> int:
    """A ``retry:`` field's milliseconds, cut to ``MAX_RETRY_MS`` (400 digits would overflow a
    float, and more than 4,300 cannot even be read as an int)."""
    return MAX_RETRY_MS if len(digits) > 10 else min(int(digits), MAX_RETRY_MS)


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
        event = StreamEvent.model_validate_json(data)
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
                    if digits.isascii() and digits.isdigit():  # else ignored, as the spec says
                        self.retry_ms = retry_delay(digits)
                    continue
            sse = self._fields.decode(line)
            if sse is None:
                continue
            saw_data, self._saw_data = self._saw_data, False
            self.last_event_id = sse.id or None  # an empty id: line resets it
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
            async for item in iter_sse(decoded(self.response), self.parser):
                yield item
        except ResponseError as exc:
            raise StreamProtocolError(f"stream body cannot be decoded: {exc}") from None
        except httpx.TimeoutException:
            raise StreamTimeoutError("no data on the stream within the read timeout") from None
        except httpx.DecodingError as exc:
            raise StreamProtocolError(f"stream body cannot be decoded: {exc}") from None
        except (httpx.TransportError, httpx.StreamError) as exc:
            raise StreamDisconnectedError(f"stream connection lost: {type(exc).__name__}") from None

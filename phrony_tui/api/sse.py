"""The Server-Sent Events wire format, as the HTML spec defines it
(https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).

Text in, lines and events out; no I/O, no limits, no JSON (``stream.py`` adds those). Lines end
in CR, LF or CRLF, and a CRLF split across two chunks is one line end. A block of fields ends
at a blank line; it dispatches an event only if it had a ``data`` field. ``id`` persists across
events until changed, ``retry`` applies at once, comments are handed back for heartbeats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINE_END = re.compile(r"\r\n|\r|\n")
#: One block as servers write it: an optional ``id`` (without NUL, which the spec ignores)
#: and one ``data`` line, each with the optional space after the colon. Matched one block at
#: a time: a chunk that is not all such blocks fails in time linear in its length.
_BLOCK = re.compile(r"(?:id: ?([^\n\x00]*)\n)?data: ?([^\n]*)\n\n")

#: Longest reconnection delay a ``retry:`` field is taken at; a larger one is cut to this.
MAX_RETRY_MS = 3_600_000


@dataclass(slots=True)  # not frozen: a frozen dataclass costs three times as much to make
class ServerSentEvent:
    data: str
    event: str = "message"
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Comment:
    text: str


class LineDecoder:
    """Splits text into lines as it arrives; the unterminated tail is held (in pieces, so a
    long line costs no quadratic joins)."""

    def __init__(self) -> None:
        self._held: list[str] = []
        self._skip_lf = False

    @property
    def holding(self) -> bool:
        """Part of a line is held, or an LF that would end a CR's line."""
        return bool(self._held) or self._skip_lf

    def decode(self, text: str) -> list[str]:
        if self._skip_lf:
            self._skip_lf = False
            if text.startswith("\n"):
                text = text[1:]
        if not text:
            return []
        # Most streams end lines in LF alone: a plain split is several times faster.
        parts = text.split("\n") if "\r" not in text else _LINE_END.split(text)
        if len(parts) == 1:
            self._held.append(text)
            return []
        if self._held:
            parts[0] = "".join(self._held) + parts[0]
        tail = parts.pop()
        self._held = [tail] if tail else []
        self._skip_lf = text.endswith("\r")
        return parts

    def flush(self) -> str:
        """The unterminated last line (which the spec discards), and a fresh start."""
        line = "".join(self._held)
        self._held = []
        self._skip_lf = False
        return line


def retry_delay(digits: str) -> int:
    """A ``retry:`` field's milliseconds, cut to ``MAX_RETRY_MS`` (400 digits would overflow a
    float, and more than 4,300 cannot even be read as an int)."""
    return MAX_RETRY_MS if len(digits) > 10 else min(int(digits), MAX_RETRY_MS)


class EventDecoder:
    """Turns lines into events and comments, keeping the stream's last event id and
    reconnection delay."""

    def __init__(self) -> None:
        self.last_event_id: str | None = None
        self.retry_ms: int | None = None
        self._data: list[str] = []
        self._event = ""
        self._id = ""

    @property
    def between_blocks(self) -> bool:
        """No block is half read: the next line starts one."""
        return not self._data and not self._event

    def decode_blocks(self, text: str) -> list[tuple[str, str | None]] | None:
        """Whole blocks at once, each an optional ``id`` line and one ``data`` line, LF line
        ends, the last one ending ``text``: what a server writes each time it flushes an
        event. The ``(data, last event id)`` of each, exactly what ``decode`` gives line by
        line, at a fraction of the cost; None (nothing read) for anything else (comments,
        ``event``, several data lines…), which the caller then reads line by line."""
        out: list[tuple[str, str | None]] = []
        id_field = self._id
        block, pos, end = _BLOCK.match, 0, len(text)
        while pos < end:
            match = block(text, pos)
            if match is None:
                return None
            data, new_id = match.group(2, 1)
            if new_id is not None:
                id_field = new_id
            out.append((data, id_field or None))
            pos = match.end()
        self._id = id_field
        self.last_event_id = id_field or None
        return out

    def decode(self, line: str) -> ServerSentEvent | Comment | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return Comment(line[1:])
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self.retry_ms = retry_delay(value)
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        self.last_event_id = self._id or None
        data, event = self._data, self._event
        self._data, self._event = [], ""
        if not data:
            return None
        return ServerSentEvent("\n".join(data), event or "message", self.last_event_id)

"""Untrusted text made safe for a terminal: no control byte, no bidi override reaches it.
Everything from the server, file names and error bodies goes through here, on the screen and on
the command line alike."""

from __future__ import annotations

import re

_BIDI = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]


def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x20):
        if code not in (0x09, 0x0A):
            table[code] = chr(0x2400 + code)  # control pictures: ␀ ␛ …
    table[0x7F] = "␡"
    for code in range(0x80, 0xA0):
        table[code] = f"⟨{code:02X}⟩"
    for code in _BIDI:
        table[code] = f"⟨U+{code:04X}⟩"
    return table


_TABLE = _table()


def clean(value: str) -> str:
    """Control characters (C0 but newline and tab, DEL, C1) and bidi controls become visible
    placeholders; an ESC sequence shows as ``␛[2J`` and does nothing."""
    return value.translate(_TABLE)


def one_line(value: str, limit: int = 300) -> str:
    """A single clean line, shortened to ``limit`` characters."""
    flat = " ".join(clean(value[: limit * 4]).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


#: Characters that could act on a terminal or reorder text, written as JSON escapes: C0 controls
#: but tab, LF and CR (JSON whitespace outside strings), DEL, C1, bidi controls and the Unicode
#: line separators. Inside a JSON string an escape is the same value; outside one JSON holds
#: only ASCII, so this changes no data.
_JSON_ESCAPES = {
    code: f"\\u{code:04x}"
    for code in (
        *(c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)),
        0x7F,
        *range(0x80, 0xA0),
        0x061C,
        0x200E,
        0x200F,
        *range(0x2028, 0x202F),
        *range(0x2066, 0x206A),
    )
}


#: Line ends of valid JSON text sit between tokens (inside a string they are escaped): as
#: spaces they keep the data and make the text one line.
_ONE_LINE_JSON = {**_JSON_ESCAPES, 0x0A: " ", 0x0D: " "}
_ASCII_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")
#: The ASCII bytes a JSON line may not hold as themselves (deleting them changes the length).
_CONTROL_BYTES = bytes([*range(0x09), *range(0x0A, 0x20), 0x7F])


def inert_json(json_text: str) -> str:
    """JSON text that holds the same data and does nothing when printed or pasted."""
    return json_text.translate(_JSON_ESCAPES)


def inert_json_line(json_text: str) -> str:
    """Valid JSON text as one inert line (for JSON Lines output): same data, no line ends.
    ASCII text without a control character (nor a line end), the common case, is inert as
    it is: checked in one pass, far faster than translated."""
    if json_text.isascii() and _ASCII_CONTROL.search(json_text) is None:
        return json_text
    return json_text.translate(_ONE_LINE_JSON)


def inert_json_line_bytes(json_bytes: bytes) -> bytes:
    """``inert_json_line`` for UTF-8 JSON bytes, without decoding the common case."""
    if json_bytes.isascii() and len(json_bytes.translate(None, _CONTROL_BYTES)) == len(json_bytes):
        return json_bytes
    return inert_json_line(json_bytes.decode(errors="replace")).encode()

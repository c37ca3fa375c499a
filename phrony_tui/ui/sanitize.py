"""Untrusted text made safe to draw: no markup is ever parsed, no control byte reaches the
terminal. Everything from the server, file names and error bodies goes through here."""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text

from ..api.deep_json import cap_depth

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


def plain(value: str, style: str = "") -> Text:
    """A ``Text`` that is exactly ``value`` (cleaned): markup-looking strings stay literal."""
    return Text(clean(value), style=style)


def to_json(value: Any, *, indent: int | None = 2, limit: int | None = None) -> str:
    """JSON for display: tolerant of anything, cut at ``limit`` characters."""
    try:
        text = json.dumps(value, indent=indent, ensure_ascii=False, default=str)
    except RecursionError:
        text = json.dumps(cap_depth(value), indent=indent, ensure_ascii=False, default=str)
    except ValueError:
        text = "(not displayable as JSON)"
    if limit is not None and len(text) > limit:
        text = text[:limit] + f"… ({len(text) - limit:,} more characters)"
    return clean(text)

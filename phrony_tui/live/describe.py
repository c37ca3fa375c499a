"""Errors as a short sentence a person can read on a status line or a terminal."""

from __future__ import annotations

import unicodedata

from ..api.errors import APIStatusError

LIMIT = 300


def describe(error: BaseException) -> str:
    """A short, safe sentence for an error (the key never appears in errors): one line, cut to
    ``LIMIT`` characters, with no control or bidi character of the server's left in it."""
    if isinstance(error, APIStatusError):
        text = f"{error.status}: {error.message or 'request failed'}"
    else:
        text = str(error) or type(error).__name__
    return _one_line(text, LIMIT)


def _one_line(value: str, limit: int) -> str:
    flat = " ".join("".join(map(_visible, value[: limit * 4])).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _visible(char: str) -> str:
    """Controls (C0, DEL, C1) and format characters (bidi overrides among them) are shown as
    their code point, so nothing the server wrote can drive a terminal."""
    if char in "\t\n":
        return " "
    if unicodedata.category(char) in ("Cc", "Cf"):
        return f"⟨U+{ord(char):04X}⟩"
    return char

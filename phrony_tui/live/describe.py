"""Errors as a short sentence a person can read on a status line or a terminal."""

from __future__ import annotations

from ..api.errors import APIStatusError
from ..text import one_line

LIMIT = 300


def describe(error: BaseException) -> str:
    """A short, safe sentence for an error (the key never appears in errors): one line, cut to
    ``LIMIT`` characters, with no control or bidi character of the server's left in it."""
    if isinstance(error, APIStatusError):
        text = f"{error.status}: {error.message or 'request failed'}"
    else:
        text = str(error) or type(error).__name__
    return one_line(text, LIMIT)

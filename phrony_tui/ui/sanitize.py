"""Untrusted text made safe to draw: no markup is ever parsed, no control byte reaches the
terminal. Everything from the server, file names and error bodies goes through here."""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text

from ..api.deep_json import cap_depth
from ..text import clean, one_line

__all__ = ["clean", "one_line", "plain", "to_json"]


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

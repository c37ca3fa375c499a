"""JSON nested deeper than the parsers allow (pydantic stops near 255 levels, ``json`` near
1,000) must not make a whole conversation unreadable: the deep parts are cut to a placeholder
in the text itself, by a scan that keeps no stack, and what remains parses with any parser.
The interpreter's recursion limit is never touched (it is the whole process's)."""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 64
CUT = "… (nested deeper than 64 levels; cut)"

# A whole string (escapes included), a bracket, or a quote that opens a string never closed.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]|"', re.S)


#: Integers longer than this are read as floats (infinite past a float's range): Python refuses
#: to read integers of more than 4,300 digits, and no count the API sends is near that.
LONG_INT = 1_000


def _int(digits: str) -> int | float:
    return int(digits) if len(digits) <= LONG_INT else float(digits)


def loads(raw: str | bytes | bytearray) -> Any:
    """``json.loads`` that reads a number of any length (bounding it is the reader's job)."""
    return json.loads(raw, parse_int=_int)


def loads_deep(raw: str | bytes | bytearray) -> Any:
    """``json.loads`` for a document the usual parsers refused as too deep: everything nested
    below ``MAX_DEPTH`` is cut to ``CUT``. ``ValueError`` if it is not JSON."""
    text = raw.decode() if isinstance(raw, bytes | bytearray) else raw
    return loads(cut_deep_text(text))


def cut_deep_text(text: str, limit: int = MAX_DEPTH) -> str:
    """``text`` with every container opened at depth ``limit`` or deeper (the top level is
    depth 0) replaced by the JSON string ``CUT``. Brackets inside strings do not count."""
    parts: list[str] = []
    depth = 0
    kept = 0  # end of the text copied so far
    cut_from = -1  # where the container being cut opened
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token == '"':
            raise ValueError(f"unterminated string at {match.start()}")
        if token in "[{":
            if depth == limit and cut_from < 0:
                cut_from = match.start()
            depth += 1
        elif token in "]}":
            depth -= 1
            if depth == limit and cut_from >= 0:
                parts.append(text[kept:cut_from])
                parts.append(json.dumps(CUT))
                kept = match.end()
                cut_from = -1
    if not parts:
        return text
    parts.append(text[kept:])
    return "".join(parts)


def cap_depth(value: Any, limit: int = MAX_DEPTH) -> Any:
    """A copy of ``value`` with containers deeper than ``limit`` replaced by ``CUT``; built
    without recursion, so it cannot overflow the stack itself."""
    if not isinstance(value, dict | list):
        return value
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any, int]] = [(value, root, 0, 0)]
    while stack:
        node, parent, key, depth = stack.pop()
        if isinstance(node, dict | list) and depth >= limit:
            parent[key] = CUT
        elif isinstance(node, dict):
            copy: dict[str, Any] = {}
            parent[key] = copy
            for k, v in node.items():
                copy[k] = None
                stack.append((v, copy, k, depth + 1))
        elif isinstance(node, list):
            items: list[Any] = [None] * len(node)
            parent[key] = items
            for i, v in enumerate(node):
                stack.append((v, items, i, depth + 1))
        else:
            parent[key] = node
    return root[0]

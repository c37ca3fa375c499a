"""JSON nested deeper than the parsers allow (pydantic stops near 255 levels, ``json`` near
1,000) must not make a whole conversation unreadable: it is parsed with a higher limit and the
deep parts are cut to a placeholder."""

from __future__ import annotations

import json
import sys
import threading
from typing import Any

MAX_DEPTH = 64
CUT = "… (nested deeper than 64 levels; cut)"
_PARSE_LIMIT = 20_000
_lock = threading.Lock()


def loads_deep(raw: str | bytes | bytearray) -> Any:
    """``json.loads`` for a document the usual parsers refused as too deep: parsed with a
    higher limit, everything below ``MAX_DEPTH`` cut."""
    with _lock:
        previous = sys.getrecursionlimit()
        sys.setrecursionlimit(max(previous, _PARSE_LIMIT))
        try:
            value = json.loads(raw)
        finally:
            sys.setrecursionlimit(previous)
    return cap_depth(value)


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

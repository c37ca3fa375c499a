"""JSON out of the simulator, even for values nested deeper than ``json``'s default limit (the
hostile scenario sends 1,000 levels on purpose)."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import JSONResponse


def dumps(value: Any) -> str:
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    except RecursionError:
        return _dumps_deep(value)


def _dumps_deep(value: Any) -> str:
    """The same JSON, written without recursion: the interpreter's recursion limit is the
    whole process's (the console may run in it), so it is never raised."""
    out: list[str] = []
    stack: list[tuple[bool, Any]] = [(False, value)]  # (a literal to write, the value)
    while stack:
        literal, item = stack.pop()
        if literal:
            out.append(item)
        elif isinstance(item, dict):
            parts: list[tuple[bool, Any]] = [(True, "{")]
            for index, (key, child) in enumerate(item.items()):
                prefix = "," if index else ""
                parts += [(True, prefix + json.dumps(str(key), ensure_ascii=False) + ":")]
                parts += [(False, child)]
            parts.append((True, "}"))
            stack.extend(reversed(parts))
        elif isinstance(item, list | tuple):
            parts = [(True, "[")]
            for index, child in enumerate(item):
                if index:
                    parts.append((True, ","))
                parts.append((False, child))
            parts.append((True, "]"))
            stack.extend(reversed(parts))
        else:
            out.append(json.dumps(item, ensure_ascii=False))
    return "".join(out)


class WireJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return dumps(content).encode("utf-8")

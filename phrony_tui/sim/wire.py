"""JSON out of the simulator, even for values nested deeper than ``json``'s default limit (the
hostile scenario sends 1,000 levels on purpose)."""

from __future__ import annotations

import json
import sys
import threading
from typing import Any

from starlette.responses import JSONResponse

_lock = threading.Lock()


def dumps(value: Any) -> str:
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    except RecursionError:
        with _lock:
            previous = sys.getrecursionlimit()
            sys.setrecursionlimit(max(previous, 20_000))
            try:
                return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
            finally:
                sys.setrecursionlimit(previous)


class WireJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return dumps(content).encode("utf-8")

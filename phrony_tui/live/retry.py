"""How long to wait before the next try: the numbers, and the server's advice made safe."""

from __future__ import annotations

import math
import random

BACKOFF_BASE = 0.5
BACKOFF_CAP = 15.0


def backoff(attempt: int, server_hint: float | None = None, base: float = BACKOFF_BASE) -> float:
    """Exponential with jitter over the upper half, capped; never below the server's advice
    (itself capped)."""
    ceiling = min(BACKOFF_CAP, base * 2 ** min(max(attempt, 0), 30))
    delay = random.uniform(ceiling / 2, ceiling)
    return max(delay, bounded(server_hint))


def bounded(seconds: float | None, cap: float = BACKOFF_CAP) -> float:
    """A server's wait made safe: not a number, negative or none is 0; at most ``cap``."""
    if seconds is None or math.isnan(seconds):
        return 0.0
    return min(max(seconds, 0.0), cap)


def retry_advice(retry_ms: int | None) -> float | None:
    """The stream's ``retry:`` in seconds, capped before dividing: 400 digits of it must not
    overflow a float."""
    if retry_ms is None:
        return None
    return min(max(retry_ms, 0), 10**9) / 1000

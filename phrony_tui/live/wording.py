"""A connection state in words, for a status line or a script's output, counted from ``now``
(``time.monotonic()``), so a caller redraws it each second with no new update."""

from __future__ import annotations

import math

from .updates import Connection, ConnState


def seconds(value: float) -> str:
    """``3 s``, ``45 s``, ``2 min``: whole units, rounded up (a wait is never under-told)."""
    whole = max(0, math.ceil(value))
    return f"{whole} s" if whole < 120 else f"{math.ceil(whole / 60)} min"


def connection_text(update: Connection, now: float) -> str:
    state, detail = update.state, update.detail
    if state == ConnState.SILENT and update.since is not None:
        return f"live, no event for {seconds(now - update.since)}"
    if state in (ConnState.RECONNECTING, ConnState.POLLING) and update.retry_at is not None:
        left = update.retry_at - now
        if state == ConnState.POLLING:
            why = f" ({detail})" if detail else ""
            return f"polling{why} next in {seconds(left)}" if left > 0 else f"polling{why}"
        return f"reconnecting in {seconds(left)}" if left > 0 else "reconnecting"
    if state == ConnState.OFFLINE:
        return f"offline: {detail}" if detail else "offline"
    return str(state.value)

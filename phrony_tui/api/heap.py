"""The cyclic garbage collector against a session's steps.

Steps are many, long-lived and acyclic (reference counting frees them), yet the collector walks
all of them on each full pass, and a growing heap triggers one at every 25% of growth: building
a 100,000-step conversation with it on costs twice the build itself, and following a busy run
spent a quarter of its time in full passes. So the collector rests while a large body is built,
and the steps held are moved out of its walk (``gc.freeze``) as the session grows."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

LARGE = 1 << 20  # bytes of JSON from which the pause pays off
FREEZE_EVERY = 5_000  # steps added between two freezes


@contextmanager
def collector_paused(enabled: bool = True) -> Iterator[None]:
    """Pause the cyclic collector for the block (nothing happens when ``enabled`` is false
    or the collector is already off)."""
    if not enabled or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class Settler:
    """Counts steps added; every ``every`` of them, the objects alive are frozen out of the
    collector's walk, after a young-generation pass so that no fresh garbage is frozen with
    them. Frozen objects are still freed by reference counting when let go (a replaced
    snapshot's steps are); only a cycle among them would be kept."""

    def __init__(self, every: int = FREEZE_EVERY) -> None:
        self.every = every
        self._added = 0

    def added(self, count: int) -> None:
        self._added += count
        if self._added >= self.every:
            self.settle()

    def settle(self) -> None:
        """Freeze what is alive now (also once the app is up: its widgets, styles and
        schemas are a heap a full pass took ~90 ms to walk)."""
        self._added = 0
        if gc.isenabled():
            gc.collect(1)
            gc.freeze()

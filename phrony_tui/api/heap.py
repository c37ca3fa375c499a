"""The cyclic garbage collector against a session's steps.

Steps are many, long-lived and acyclic (reference counting frees them), yet the collector walks
all of them on each full pass, and a growing heap triggers one at every 25% of growth: building
a 100,000-step conversation with it on costs twice the build itself, and following a busy run
spent a quarter of its time in full passes. So the collector rests while a large body is built,
and what the session holds is moved out of its walk (``gc.freeze``) as it grows."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

LARGE = 1 << 20  # bytes of JSON from which the pause pays off
SETTLE_EVERY = 200  # steps added between two settlings
SETTLE_AFTER = 1.0  # seconds between two settlings when fewer steps came
REVIEW_QUIET = 30.0  # seconds without events before the frozen objects are reviewed
REVIEW_EVERY = 600.0  # seconds between two reviews of a quiet session
REVIEW_GAP = 10.0  # seconds at least between two reviews asked for


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
    """Keeps the collector's walk short while a session grows.

    Python runs a full collection every ten young ones once the heap has grown by a quarter,
    and each one walks every tracked object: at 200 events a second that was a 15-60 ms pause
    twice a second, longer as the session grew. So every ``every`` steps added (or ``after``
    seconds, when fewer came), the settler collects once and freezes what is alive
    (``gc.freeze``): later passes walk only what came since, a few milliseconds. Collecting
    first means no garbage is frozen; frozen objects are still freed by reference counting
    when let go. Only a cycle formed later among frozen objects would stay (a replaced
    snapshot caught in one, a widget removed since), so the frozen objects are reviewed
    (unfrozen, collected and frozen again) after each new snapshot and when the session has
    been quiet a while."""

    def __init__(
        self,
        every: int = SETTLE_EVERY,
        after: float = SETTLE_AFTER,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.every = every
        self.after = after
        self.clock = clock
        self.settled = 0
        self.reviewed = 0
        self._review_due = False
        self._added = 0
        self._last = self._reviewed_at = clock()

    def added(self, count: int) -> None:
        self._added += count
        if self._added >= self.every:
            self.settle()

    def tick(self, quiet_for: float = 0.0) -> None:
        """Called now and then: settles what came since the last time, if it is a while;
        reviews the frozen objects after ``quiet_for`` seconds without events."""
        now = self.clock()
        if self._review_due and now - self._reviewed_at >= REVIEW_GAP:
            self.review()
        elif self._added and now - self._last >= self.after:
            self.settle()
        elif quiet_for >= REVIEW_QUIET and now - self._reviewed_at >= REVIEW_EVERY:
            self.review()

    def review_soon(self) -> None:
        """Ask for a review (after a new snapshot), done at the next ``tick`` at least
        ``REVIEW_GAP`` seconds after the last one: reconnects in a row cost one."""
        self._review_due = True

    def review(self) -> None:
        """Unfreeze, collect, freeze again: garbage caught among frozen objects goes."""
        self._review_due = False
        self._reviewed_at = self.clock()
        if gc.isenabled() and gc.get_freeze_count():
            gc.unfreeze()
            self.settle()
            self.reviewed += 1

    def settle(self) -> None:
        """Collect, then freeze what is alive (also once the app is up: its widgets, styles
        and schemas are a heap a full pass took ~90 ms to walk)."""
        self._added = 0
        self._last = self.clock()
        if gc.isenabled():
            gc.collect()
            gc.freeze()
            self.settled += 1

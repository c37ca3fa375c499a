"""How often a screen takes a batch of events from its feed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

#: A batch of this many events means the run floods.
FLOOD_BATCH = 64
#: While it floods, a batch at most this often (seconds).
FLOOD_INTERVAL = 0.05
#: How long a flood is assumed to last after its last big batch (seconds).
FLOOD_HOLD = 0.5


class Pacer:
    """A trickle of events is shown as each arrives; under a flood the owner takes a batch
    at most every ``interval`` seconds, so its time goes to reading rather than to frames
    nobody can read (what arrives meanwhile waits in the feed as one bigger batch)."""

    def __init__(
        self,
        batch: int = FLOOD_BATCH,
        interval: float = FLOOD_INTERVAL,
        hold: float = FLOOD_HOLD,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.batch = batch
        self.interval = interval
        self.hold = hold
        self.clock = clock
        self.sleep = sleep
        self._until = 0.0

    async def wait(self, events: int, started: float) -> None:
        """After a batch of ``events`` taken at ``started`` (on ``clock``) was shown."""
        if events >= self.batch:
            self._until = started + self.hold
        if started < self._until:
            await self.sleep(started + self.interval - self.clock())

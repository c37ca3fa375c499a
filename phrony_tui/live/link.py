"""One open stream: read it, load the conversation beside it, watch it for a stall."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ..api import EventStream, MalformedEvent, StreamEvent
from ..api.errors import (
    APIStatusError,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    PhronyError,
    StreamTimeoutError,
)
from ..api.models import is_terminal
from .outbox import Outbox
from .retry import backoff, bounded
from .updates import Connection, ConnState

#: A connection up this long, or one that carried an event, counts as healthy: the backoff
#: starts over after it. Heartbeats alone do not: a server that flaps between a heartbeat
#: and a drop is backed off from ever longer.
HEALTHY_AFTER = 5.0
#: Fetches asked for within this long of the last one go as one.
REFRESH_GAP = 0.25
#: Refusals no retry can mend.
FATAL = (AuthenticationError, PermissionDeniedError, NotFoundError)


def ends_session(event: StreamEvent) -> bool:
    return event.kind == "session" and is_terminal(event.data.get("status"))


@dataclass(frozen=True)
class Timing:
    stall_timeout: float
    silent_after: float
    backoff_base: float


class Link:
    """Until the stream ends, fails or the session ends: events go to ``outbox``; the
    conversation is loaded (``load``, True once it shows the session ended) after the
    connection opens and whenever ``want`` is set; LIVE once the first is out; SILENT while
    nothing arrives; a stall ends the link with ``StreamTimeoutError``."""

    def __init__(
        self,
        stream: EventStream,
        outbox: Outbox,
        load: Callable[[], Awaitable[bool]],
        want: asyncio.Event,
        timing: Timing,
    ) -> None:
        self.stream = stream
        self.outbox = outbox
        self.load = load
        self.want = want
        self.timing = timing
        #: A session event said the session ended.
        self.heard_end = False
        self._opened = self._last_item = time.monotonic()
        self._events = 0
        self._announced = self._silent = self._paused = False

    @property
    def healthy(self) -> bool:
        return bool(self._events) or time.monotonic() - self._opened >= HEALTHY_AFTER

    async def run(self) -> None:
        self.want.set()  # the stream does not replay what was missed
        tasks = {
            asyncio.create_task(self._read()),
            asyncio.create_task(self._snapshots()),
            asyncio.create_task(self._watch()),
        }
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()  # a failure of any of them ends the link
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _read(self) -> None:
        outbox = self.outbox
        async for item in self.stream:
            self._last_item = time.monotonic()
            if self._silent:
                self._silent = False
                outbox.put(Connection(ConnState.LIVE))
            if isinstance(item, StreamEvent):
                self._events += 1
                outbox.event(item)
                if ends_session(item):
                    self.heard_end = True
                    return
            elif isinstance(item, MalformedEvent):
                outbox.malformed()
                self.want.set()  # what it said is only in the conversation now
            if outbox.full:
                self._paused = True
                try:
                    await outbox.room()
                finally:
                    self._paused = False
                    self._last_item = time.monotonic()

    async def _snapshots(self) -> None:
        """Returns once a conversation shows the session ended."""
        failures = 0
        while True:
            await self.want.wait()
            self.want.clear()
            try:
                ended = await self.load()
            except FATAL:
                raise
            except PhronyError as exc:
                self.want.set()
                hint = bounded(exc.retry_after) if isinstance(exc, APIStatusError) else 0.0
                await asyncio.sleep(backoff(failures, hint, self.timing.backoff_base))
                failures += 1
                continue
            failures = 0
            if ended:
                return
            if not self._announced:
                self._announced = True
                self.outbox.put(Connection(ConnState.LIVE))
            await asyncio.sleep(REFRESH_GAP)

    async def _watch(self) -> None:
        """A stream that stalls or trickles (bytes but no complete event) is dead; before
        that, one quiet for longer than a heartbeat is said to be."""
        stall, silent = self.timing.stall_timeout, self.timing.silent_after
        tick = min(1.0, stall / 4, silent / 4)
        while True:
            await asyncio.sleep(tick)
            if self._paused:
                continue  # the owner is behind: not reading is ours, not the server's
            idle = time.monotonic() - self._last_item
            if idle > stall:
                raise StreamTimeoutError(f"no event or heartbeat for {stall:g} s")
            if idle >= silent and self._announced and not self._silent:
                self._silent = True
                self.outbox.put(Connection(ConnState.SILENT, since=self._last_item))

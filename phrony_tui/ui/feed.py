"""The stream worker: owns the SSE connection, parses, batches, posts. Never touches widgets.

After every (re)connect it takes a fresh ``/conversation`` (the stream does not replay what was
missed) while holding back the events that arrive meanwhile, then releases them on top. A
stream that ends, breaks, stalls or trickles is retried with capped exponential backoff and
jitter (never sooner than the server's ``retry:``); after a few failures in a row the worker
polls ``GET /v1/runs/{runId}`` and ``/conversation`` between tries. A refused key or an unknown
run stops it: retrying those forever would help no one.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Callable

from textual.message import Message

from ..api import EventStream, MalformedEvent, PhronyClient, StreamEvent
from ..api.errors import (
    APIStatusError,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    PhronyError,
    StreamTimeoutError,
)
from .controller import describe
from .messages import ConnectionChanged, SnapshotLoaded, StreamBatch

#: Back-pressure: an event goes to the app at once when the app has applied the previous
#: batch; while it is busy, events wait and go together as the next batch (one refresh).
#: The flusher posts what waits even so, this long after the previous batch.
FLUSH_INTERVAL = 0.016
OVERDUE = 0.25
BACKOFF_BASE = 0.5
BACKOFF_CAP = 15.0
MAX_BATCH = 2000
#: No complete event or heartbeat for this long (3 heartbeats): the stream is dead.
STALL_TIMEOUT = 45.0
#: Failures in a row before polling fills the gaps between tries.
POLL_AFTER = 3
POLL_INTERVAL = 3.0
#: A connection live this long, or one that carried an event, counts as healthy: the backoff
#: starts over after it. Heartbeats alone do not: a server that flaps between a heartbeat and
#: a drop is backed off from ever longer.
HEALTHY_AFTER = 5.0
FATAL = (AuthenticationError, PermissionDeniedError, NotFoundError)


def backoff(attempt: int, server_hint: float | None = None, base: float = BACKOFF_BASE) -> float:
    """Exponential with jitter over the upper half, capped; never below the server's
    ``retry:`` advice (itself capped)."""
    ceiling = min(BACKOFF_CAP, base * 2 ** min(attempt, 30))
    delay = random.uniform(ceiling / 2, ceiling)
    return max(delay, min(server_hint or 0.0, BACKOFF_CAP))


class StreamFeed:
    def __init__(
        self,
        client: PhronyClient,
        run_id: str,
        post: Callable[[Message], bool],
        finished: Callable[[], bool],
        events_applied: Callable[[], int],
        *,
        stall_timeout: float = STALL_TIMEOUT,
        poll_interval: float = POLL_INTERVAL,
        backoff_base: float = BACKOFF_BASE,
    ) -> None:
        self.client = client
        self.run_id = run_id
        self.post = post
        self.finished = finished
        self.events_applied = events_applied
        self.stall_timeout = stall_timeout
        self.poll_interval = poll_interval
        self.backoff_base = backoff_base
        self.wake = asyncio.Event()
        #: The app already holds the snapshot of a finished session: skip the first fetch.
        self.snapshot_is_final = False
        self.reconnects = 0
        self.went_live = False
        self._events: list[StreamEvent] = []
        self._malformed = 0
        self._hold = False
        self._last_item = 0.0
        self._live_since = 0.0
        self._last_flush = 0.0
        self._unconsumed = 0  # batches posted and not applied yet
        self._soon: asyncio.Handle | None = None
        self._items_since_live = 0
        self._stalled = False

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        attempt = 0
        advice: float | None = None  # the server's ``retry:``, kept until it sends another
        while True:
            retry_after: float | None = None  # this attempt's ``Retry-After``, if any
            self.post(ConnectionChanged("connecting" if attempt == 0 else "reconnecting"))
            self.wake.clear()  # a press from now on, during the attempt too, cuts the next wait
            try:
                self.went_live = False
                async with self.client.stream(self.run_id) as stream:
                    try:
                        await self._live(stream)
                    finally:
                        if stream.retry_ms is not None:
                            advice = stream.retry_ms / 1000
                detail = "stream closed"
            except FATAL as exc:
                self.post(ConnectionChanged("offline", describe(exc)))
                return
            except APIStatusError as exc:
                detail = describe(exc)
                retry_after = exc.retry_after
            except PhronyError as exc:
                detail = describe(exc)
            if self.went_live and (
                self._items_since_live or loop.time() - self._live_since >= HEALTHY_AFTER
            ):
                attempt = 0  # it carried traffic: start backing off from scratch
            if self.finished():
                self.post(ConnectionChanged("finished"))
                return
            self.reconnects += 1
            delay = backoff(attempt, max(advice or 0.0, retry_after or 0.0), self.backoff_base)
            attempt += 1
            if attempt >= POLL_AFTER:
                self.post(ConnectionChanged("polling", detail, retry_in=delay))
                if not await self._poll_for(delay):
                    return
            else:
                self.post(ConnectionChanged("reconnecting", detail, retry_in=delay))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), timeout=delay)

    async def _poll_for(self, duration: float) -> bool:
        """Poll the run and its conversation until the next stream try; False to stop."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + duration
        while True:
            try:
                await self.client.get_run(self.run_id)
                start = self.events_applied()
                conversation = await self.client.load_conversation(self.run_id)
                self.post(SnapshotLoaded(conversation, start))
            except FATAL as exc:
                self.post(ConnectionChanged("offline", describe(exc)))
                return False
            except PhronyError:
                pass
            remaining = deadline - loop.time()
            if remaining <= 0 or self.wake.is_set():
                return True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), min(self.poll_interval, remaining))

    async def _live(self, stream: EventStream) -> None:
        """Connected: take the truth with live events held back until it is posted, then
        pass events on until the stream ends (a stream error propagates)."""
        self._hold = True
        self._stalled = False
        self._items_since_live = 0
        self._unconsumed = 0
        self._last_item = asyncio.get_running_loop().time()
        flusher = asyncio.create_task(self._flusher())
        reader = asyncio.create_task(self._read(stream))
        watchdog = asyncio.create_task(self._watchdog(reader))
        try:
            if self.snapshot_is_final:
                self.snapshot_is_final = False  # a finished session: nothing can have changed
            else:
                start = self.events_applied()
                conversation = await self.client.load_conversation(self.run_id)
                self.post(SnapshotLoaded(conversation, start))
            self.post(ConnectionChanged("live"))
            self.went_live = True
            self._live_since = asyncio.get_running_loop().time()
            self._hold = False
            self._flush()
            try:
                await reader
            except asyncio.CancelledError:
                if not self._stalled:
                    raise
                raise StreamTimeoutError(
                    f"no event or heartbeat for {self.stall_timeout:g} s"
                ) from None
        finally:
            self._hold = False
            for task in (flusher, reader, watchdog):
                task.cancel()
            self._flush()

    async def _read(self, stream: EventStream) -> None:
        loop = asyncio.get_running_loop()
        async for item in stream:
            self._last_item = loop.time()
            if isinstance(item, StreamEvent):
                self._items_since_live += 1  # heartbeats keep it alive, not healthy
                self._events.append(item)
                if len(self._events) >= MAX_BATCH:
                    self._flush()
                elif not self._unconsumed:
                    self._flush_soon()
            elif isinstance(item, MalformedEvent):
                self._malformed += 1

    async def _watchdog(self, reader: asyncio.Task[None]) -> None:
        """A stream that stalls or trickles (bytes but no complete event) is dead."""
        loop = asyncio.get_running_loop()
        while not reader.done():
            await asyncio.sleep(min(1.0, self.stall_timeout / 4))
            if loop.time() - self._last_item > self.stall_timeout:
                self._stalled = True
                reader.cancel()
                return

    async def _flusher(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(FLUSH_INTERVAL)
            if not self._hold and (
                not self._unconsumed or loop.time() - self._last_flush >= OVERDUE
            ):
                self._flush()

    def consumed(self) -> None:
        """The app applied a batch: what waited meanwhile goes now."""
        self._unconsumed = max(0, self._unconsumed - 1)
        if not self._unconsumed and (self._events or self._malformed):
            self._flush_soon()

    def _flush_soon(self) -> None:
        """Flush once the events already read are in (a chunk of the stream often holds many:
        they go as one batch, not the first alone)."""
        if self._soon is None and not self._hold:
            self._soon = asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        if self._soon is not None:
            self._soon.cancel()
            self._soon = None
        if self._hold:
            return
        self._last_flush = asyncio.get_running_loop().time()
        if self._events or self._malformed:
            events, self._events = self._events, []
            malformed, self._malformed = self._malformed, 0
            if self.post(StreamBatch(events, malformed)):
                self._unconsumed += 1

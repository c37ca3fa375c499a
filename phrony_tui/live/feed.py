"""The live view of one run: the stream, the conversation, and what to do when either fails.

One worker for every owner (the console, a script): it never calls into its owner. The owner
pulls ``updates()`` when it is ready; what arrived meanwhile waits as one batch, and past
``MAX_BATCH`` waiting events the stream is not read until the owner catches up.

After every (re)connect the feed fetches ``/conversation`` (the stream does not replay what was
missed); events keep flowing meanwhile, numbered, so the owner can put those read after the
fetch began back on top of it. A stream that ends, breaks, stalls or trickles is retried with
capped exponential backoff and jitter, never sooner than the server's ``retry:`` or
``Retry-After``; after a few failures in a row the conversation is polled between tries, one
request at a time. A refused key or an unknown run stops the feed; so does the end of the
session, once its final conversation is out: an ended session needs no stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

from ..api import PhronyClient
from ..api.errors import APIStatusError, PhronyError
from ..api.models import is_terminal
from .describe import describe
from .link import FATAL, Link, Timing
from .outbox import Outbox
from .retry import BACKOFF_BASE, backoff, bounded, retry_advice
from .updates import Connection, ConnState, Loaded, Update

#: Events waiting for the owner past which the stream is not read.
MAX_BATCH = 2000
#: No complete event or heartbeat for this long (3 heartbeats): the stream is dead.
STALL_TIMEOUT = 45.0
#: No complete event or heartbeat for this long (more than one heartbeat): say so.
SILENT_AFTER = 20.0
#: Failures in a row before the conversation is polled between tries.
POLL_AFTER = 3
POLL_INTERVAL = 3.0


class LiveFeed:
    """``async with contextlib.aclosing(feed.updates()) as updates: async for update in
    updates: …``. Iterating again after the feed stopped (offline, say) starts it over, the
    event numbers going on."""

    def __init__(
        self,
        client: PhronyClient,
        run_id: str,
        *,
        seq_start: int = 0,
        final: bool = False,
        stall_timeout: float = STALL_TIMEOUT,
        poll_interval: float = POLL_INTERVAL,
        backoff_base: float = BACKOFF_BASE,
        silent_after: float = SILENT_AFTER,
    ) -> None:
        self.client = client
        self.run_id = run_id
        self.stall_timeout = stall_timeout
        self.poll_interval = poll_interval
        self.backoff_base = backoff_base
        self.silent_after = silent_after
        self._timing = Timing(stall_timeout, silent_after, backoff_base)
        #: The session ended, and the owner (``final``) or the feed holds its last conversation.
        self._ended = final
        self._final_loaded = final
        self._outbox = Outbox(seq_start, MAX_BATCH)
        self._iterating = False
        self._wake = asyncio.Event()
        self._want = asyncio.Event()  # a fresh conversation is wanted
        self._link: Link | None = None  # the last connection

    @property
    def seq(self) -> int:
        """The number of the last event read."""
        return self._outbox.seq

    def wake(self) -> None:
        """Try now: a wait before the next stream try or poll ends at once."""
        self._wake.set()

    def refresh(self) -> None:
        """Fetch the conversation again soon (an event could not be applied): it comes as
        ``Loaded``. Many asks close together make one fetch."""
        self._want.set()

    async def updates(self) -> AsyncIterator[Update]:
        """What happened since the last pull, in order; it ends after FINISHED or OFFLINE.
        Nothing waits for the owner but the events, and those only past ``MAX_BATCH``."""
        if self._iterating:
            raise RuntimeError("this feed is being iterated already")
        self._iterating = True
        outbox = self._outbox = Outbox(self._outbox.seq, MAX_BATCH)
        pump = asyncio.create_task(self._pump())
        pump.add_done_callback(
            lambda task: outbox.close(None if task.cancelled() else task.exception())
        )
        try:
            while (update := await outbox.get()) is not None:
                yield update
        finally:
            pump.cancel()
            await asyncio.gather(pump, return_exceptions=True)
            self._iterating = False

    # --- the loop ---------------------------------------------------------------------------

    def _put(self, update: Connection | Loaded) -> None:
        self._outbox.put(update)

    async def _pump(self) -> None:
        try:
            await self._follow()
        except FATAL as exc:
            self._put(Connection(ConnState.OFFLINE, describe(exc)))

    async def _follow(self) -> None:
        if self._ended and await self._finish():
            return
        attempt = 0
        advice: float | None = None  # the server's ``retry:``, kept until it sends another
        detail = ""
        while True:
            retry_after: float | None = None  # this attempt's ``Retry-After``, if any
            self._wake.clear()  # a wake from now on, during the attempt too, cuts the next wait
            self._put(Connection(ConnState.CONNECTING, detail))
            self._link = None
            try:
                async with self.client.stream(self.run_id) as stream:
                    self._link = Link(stream, self._outbox, self._load, self._want, self._timing)
                    try:
                        await self._link.run()
                    finally:
                        self._ended = self._ended or self._link.heard_end
                        if stream.retry_ms is not None:
                            advice = retry_advice(stream.retry_ms)
                detail = "stream closed"
                if not self._ended:
                    await self._check_ended()
            except FATAL:
                raise
            except APIStatusError as exc:
                detail = describe(exc)
                retry_after = exc.retry_after
            except PhronyError as exc:
                detail = describe(exc)
            if self._link is not None and self._link.healthy:
                attempt = 0  # it carried traffic: back off from scratch
            if self._ended and await self._finish():
                return
            delay = backoff(attempt, max(advice or 0.0, bounded(retry_after)), self.backoff_base)
            attempt += 1
            if attempt >= POLL_AFTER:
                await self._poll(delay, detail)
            else:
                self._put(Connection(ConnState.RECONNECTING, detail, time.monotonic() + delay))
                await self._sleep(delay)
            if self._ended and await self._finish():
                return

    async def _check_ended(self) -> None:
        """The server ends the stream when the session ends: look before announcing a wait
        for the next try, which an ended session does not need."""
        try:
            await self._load()
        except FATAL:
            raise
        except PhronyError:
            pass  # the next try will tell

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=max(seconds, 0.0))

    async def _load(self) -> bool:
        """One request: the conversation, handed out with the last event number read before
        it was asked for. True if it shows the session ended."""
        after = self._outbox.seq
        conversation = await self.client.load_conversation(self.run_id)
        if is_terminal(conversation.session.status):
            self._ended = self._final_loaded = True
        self._put(Loaded(conversation, after))
        return self._final_loaded

    async def _poll(self, duration: float, detail: str) -> None:
        """Poll the conversation until the next stream try, one request each time, never
        sooner than the server's ``Retry-After`` (which also holds the stream try back)."""
        deadline = time.monotonic() + duration
        while True:
            hint = 0.0
            shown = detail
            try:
                await self._load()
            except FATAL:
                raise
            except APIStatusError as exc:
                shown = describe(exc)
                hint = bounded(exc.retry_after)
            except PhronyError as exc:
                shown = describe(exc)
            now = time.monotonic()
            deadline = max(deadline, now + hint)
            if self._ended or now >= deadline or self._wake.is_set():
                return
            next_at = min(now + max(self.poll_interval, hint), deadline)
            self._put(Connection(ConnState.POLLING, shown, next_at))
            await self._sleep(next_at - now)
            if self._wake.is_set() or time.monotonic() >= deadline:
                return

    async def _finish(self) -> bool:
        """The session ended: hand out its final conversation, then FINISHED. False if the
        conversation says it has not ended after all (go on following it)."""
        failures = 0
        while not self._final_loaded:
            try:
                await self._load()
            except FATAL:
                raise
            except PhronyError as exc:
                hint = bounded(exc.retry_after) if isinstance(exc, APIStatusError) else 0.0
                delay = backoff(failures, hint, self.backoff_base)
                failures += 1
                self._put(Connection(ConnState.POLLING, describe(exc), time.monotonic() + delay))
                await self._sleep(delay)
                self._wake.clear()
                continue
            if not self._final_loaded:
                self._ended = False
                return False
        self._put(Connection(ConnState.FINISHED))
        return True

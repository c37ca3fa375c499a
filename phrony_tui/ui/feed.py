"""The stream worker: owns the SSE connection, parses, batches, posts. Never touches widgets.

After every (re)connect it takes a fresh ``/conversation`` (the stream does not replay what was
missed) while holding back the events that arrive meanwhile, then releases them on top.
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
)
from .controller import describe
from .messages import ConnectionChanged, SnapshotLoaded, StreamBatch

FLUSH_INTERVAL = 0.03
BACKOFF_BASE = 0.5
BACKOFF_CAP = 15.0
MAX_BATCH = 2000


def backoff(attempt: int, server_hint: float | None = None) -> float:
    """Exponential with full jitter over the upper half, capped; never below the server's
    ``retry:`` advice."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt)
    delay = random.uniform(ceiling / 2, ceiling)
    return max(delay, min(server_hint or 0.0, BACKOFF_CAP))


class StreamFeed:
    def __init__(
        self,
        client: PhronyClient,
        run_id: str,
        post: Callable[[Message], bool],
        finished: Callable[[], bool],
    ) -> None:
        self.client = client
        self.run_id = run_id
        self.post = post
        self.finished = finished
        self.wake = asyncio.Event()
        self._events: list[StreamEvent] = []
        self._malformed = 0
        self._hold = False
        self.went_live = False

    async def run(self) -> None:
        attempt = 0
        hint: float | None = None
        while True:
            self.post(ConnectionChanged("connecting" if attempt == 0 else "reconnecting"))
            try:
                self.went_live = False
                async with self.client.stream(self.run_id) as stream:
                    try:
                        await self._live(stream)
                    finally:
                        hint = (stream.retry_ms or 0) / 1000 or None
                detail = "stream closed"
            except (AuthenticationError, PermissionDeniedError, NotFoundError) as exc:
                self.post(ConnectionChanged("offline", describe(exc)))
                return
            except APIStatusError as exc:
                detail = describe(exc)
                hint = exc.retry_after
            except PhronyError as exc:
                detail = describe(exc)
            if self.went_live:
                attempt = 0
            if self.finished():
                self.post(ConnectionChanged("finished"))
                return
            delay = backoff(attempt, hint)
            attempt += 1
            self.post(ConnectionChanged("reconnecting", detail, retry_in=delay))
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), timeout=delay)

    async def _live(self, stream: EventStream) -> None:
        """Connected: take the truth with live events held back until it is posted, then
        pass events on until the stream ends (a stream error propagates)."""
        self._hold = True
        flusher = asyncio.create_task(self._flusher())
        reader = asyncio.create_task(self._read(stream))
        try:
            conversation = await self.client.get_conversation(self.run_id)
            self.post(SnapshotLoaded(conversation))
            self.post(ConnectionChanged("live"))
            self.went_live = True
            self._hold = False
            self._flush()
            await reader
        finally:
            self._hold = False
            flusher.cancel()
            reader.cancel()
            self._flush()

    async def _read(self, stream: EventStream) -> None:
        async for item in stream:
            if isinstance(item, StreamEvent):
                self._events.append(item)
                if len(self._events) >= MAX_BATCH and not self._hold:
                    self._flush()
            elif isinstance(item, MalformedEvent):
                self._malformed += 1

    async def _flusher(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_INTERVAL)
            if not self._hold:
                self._flush()

    def _flush(self) -> None:
        if self._events or self._malformed:
            events, self._events = self._events, []
            malformed, self._malformed = self._malformed, 0
            self.post(StreamBatch(events, malformed))

"""What the feed has for its owner, in order, until the owner pulls it.

Back-pressure without callbacks: events read while the owner is busy join one batch (one
``Events``, one refresh for a UI), and past ``cap`` waiting events the reader is asked to
stop reading until the owner has pulled them.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field

from ..api.models import StreamEvent
from .updates import Connection, Events, Loaded, Update


@dataclass
class _Batch:
    first_seq: int
    events: list[StreamEvent] = field(default_factory=list)
    malformed: int = 0


class Outbox:
    def __init__(self, seq_start: int, cap: int) -> None:
        self.cap = cap
        #: The number of the last event read.
        self.seq = seq_start
        self._queue: deque[Update | _Batch] = deque()
        self._waiting = 0  # events queued and not pulled
        self._ready = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()
        self._closed = False
        self._error: BaseException | None = None

    @property
    def full(self) -> bool:
        return self._waiting >= self.cap

    async def room(self) -> None:
        """Return once the owner has pulled enough for the reader to go on."""
        await self._room.wait()

    def event(self, event: StreamEvent) -> None:
        batch = self._batch()
        self.seq += 1
        batch.events.append(event)
        self._waiting += 1
        if self.full:
            self._room.clear()

    def malformed(self) -> None:
        self._batch().malformed += 1

    def put(self, update: Connection | Loaded) -> None:
        """Queue an update. Only the newest matters of a run of connection changes the owner
        has not pulled yet, and of snapshots: an older one is dropped."""
        if isinstance(update, Connection) and self._queue:
            if isinstance(self._queue[-1], Connection):
                self._queue.pop()
        elif isinstance(update, Loaded):
            self._queue = deque(u for u in self._queue if not isinstance(u, Loaded))
        self._queue.append(update)
        self._ready.set()

    def close(self, error: BaseException | None = None) -> None:
        """Nothing more will be put: ``get`` returns None once the queue is empty (or raises
        ``error``)."""
        self._closed = True
        self._error = error
        self._ready.set()

    async def get(self) -> Update | None:
        while not self._queue:
            if self._closed:
                if self._error is not None:
                    raise self._error
                return None
            self._ready.clear()
            await self._ready.wait()
        item = self._queue.popleft()
        if isinstance(item, _Batch):
            self._waiting -= len(item.events)
            if not self.full:
                self._room.set()
            return Events(item.events, item.malformed, item.first_seq)
        return item

    def _batch(self) -> _Batch:
        last = self._queue[-1] if self._queue else None
        if not isinstance(last, _Batch):
            last = _Batch(first_seq=self.seq + 1)
            self._queue.append(last)
            self._ready.set()
        return last

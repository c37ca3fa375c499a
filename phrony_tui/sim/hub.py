"""A session's event hub: every event numbered and encoded once, kept for replay and fanned out
to every open stream."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from .ids import Clock
from .wire import dumps


@dataclass(frozen=True, slots=True)
class SimEvent:
    id: int
    wire: bytes


@dataclass(eq=False)
class Subscriber:
    queue: asyncio.Queue[SimEvent | None]


class EventHub:
    """The events of one session, in the order they were published."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.subscribers: set[Subscriber] = set()
        self.counter = 0
        self.log: list[SimEvent] = []

    def publish(self, kind: str, subject: str, data: dict[str, Any]) -> None:
        self.counter += 1
        payload = {"ts": self.clock.iso(), "kind": kind, "subject": subject, "data": data}
        body = dumps(payload)
        event = SimEvent(self.counter, f"id: {self.counter}\ndata: {body}\n\n".encode())
        self.log.append(event)
        for sub in self.subscribers:
            sub.queue.put_nowait(event)

    def subscribe(self, after_id: int | None = None) -> Subscriber:
        """A new stream; with ``after_id`` (replay on), the events it missed come first."""
        sub = Subscriber(asyncio.Queue())
        if after_id is not None:
            for event in self.log[after_id:]:
                sub.queue.put_nowait(event)
        self.subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        self.subscribers.discard(sub)

"""What a ``LiveFeed`` hands its owner: plain values, nothing to call back.

Times are ``time.monotonic()`` values, so a status line can count down (or up) by itself
between updates.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..api.compact import Snapshot
from ..api.models import StreamEvent


class ConnState(StrEnum):
    #: Opening the stream (the first time, or again after a failure).
    CONNECTING = "connecting"
    #: The stream is open and the conversation after it was loaded.
    LIVE = "live"
    #: Open, but nothing at all (no event, no heartbeat) since ``since``: maybe dead.
    SILENT = "silent"
    #: Waiting until ``retry_at`` before opening the stream again.
    RECONNECTING = "reconnecting"
    #: The stream cannot be had: the conversation is polled; the next request at ``retry_at``.
    POLLING = "polling"
    #: Stopped for good: the key was refused, or the run is forbidden or unknown.
    OFFLINE = "offline"
    #: The session ended and its final conversation was handed out: nothing more will come.
    FINISHED = "finished"


@dataclass(frozen=True, slots=True)
class Connection:
    """The feed's connection changed. ``detail`` is a short, safe sentence (why it failed);
    ``retry_at`` is when the next request goes (RECONNECTING, POLLING); ``since`` is when the
    last event or heartbeat arrived (SILENT)."""

    state: ConnState
    detail: str = ""
    retry_at: float | None = None
    since: float | None = None


@dataclass(frozen=True, slots=True)
class Events:
    """The events read since the previous pull, numbered ``first_seq``, ``first_seq + 1``, …
    (the numbers go on across reconnects). ``malformed`` counts events that could not be
    read (the feed fetches the conversation after them by itself)."""

    events: list[StreamEvent]
    malformed: int
    first_seq: int

    @property
    def last_seq(self) -> int:
        """The number of the last event here (``first_seq - 1`` when there is none)."""
        return self.first_seq + len(self.events) - 1


@dataclass(frozen=True, slots=True)
class Loaded:
    """A fresh ``/conversation``. Events numbered above ``after_seq`` were read after its
    fetch began and may be newer than it: put them back on top of it."""

    conversation: Snapshot
    after_seq: int


Update = Events | Loaded | Connection

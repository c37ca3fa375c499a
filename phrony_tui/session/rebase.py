"""A snapshot rebased over the events that arrived while it was fetched.

``/conversation`` is the truth, but it is fetched while the stream goes on: events seen after
the fetch began may be newer than the snapshot, and would be lost if the snapshot simply
replaced the state. So the events applied are logged with the sequence number the stream
worker gave them; a snapshot comes stamped with the last number seen when its fetch began, and
the logged events after that number are applied again on top of it (every merge is monotonic,
so an event the snapshot already holds changes nothing). A snapshot older than one already
applied is ignored; if the log had to drop events the snapshot may not hold, the caller is told
to fetch again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from ..api.compact import CompactConversation, Snapshot
from ..api.heap import collector_paused
from ..api.models import StreamEvent
from .change import Change
from .state import SessionState

#: Events kept to apply again over a snapshot whose fetch they overlapped (a fetch that spans
#: more events than this is fetched again).
EVENT_LOG = 5_000
#: Steps from which applying a snapshot pauses the cyclic collector, when asked to.
BIG_SNAPSHOT = 10_000


class Rebaser:
    """Owns a ``SessionState`` and the log of events applied since its last snapshot.

    ``pause_collector`` pauses Python's cyclic garbage collector while a snapshot of
    ``BIG_SNAPSHOT`` steps or more is built (twice as fast, see ``api.heap``). It changes
    process-wide state, so it is off unless the application opts in."""

    def __init__(
        self,
        state: SessionState | None = None,
        *,
        log_size: int = EVENT_LOG,
        pause_collector: bool = False,
    ) -> None:
        if log_size < 0:
            raise ValueError("log_size must not be negative")
        self.state = state if state is not None else SessionState()
        self.log_size = log_size
        self.pause_collector = pause_collector
        self._log: deque[tuple[int, StreamEvent]] = deque()
        self._last_seq = 0
        self._snapshot_seq = -1  # ``after_seq`` of the snapshot applied last
        self._dropped_seq = 0  # the newest sequence number the log had to drop

    @property
    def last_seq(self) -> int:
        """The highest sequence number applied (0 before any): a snapshot fetch that begins now
        is stamped with it."""
        return self._last_seq

    def apply_events(self, events: Sequence[StreamEvent], first_seq: int) -> Change:
        """Apply ``events``, numbered ``first_seq``, ``first_seq + 1``, … by the stream worker.
        Numbers only grow (across reconnects too); a number already used is a caller's bug."""
        change = Change()
        if not events:
            return change
        if first_seq <= self._last_seq:
            raise ValueError(f"events numbered from {first_seq} after {self._last_seq} was applied")
        apply, log = self.state.apply_event, self._log
        for seq, event in enumerate(events, first_seq):
            log.append((seq, event))
            if len(log) > self.log_size:
                self._dropped_seq = log.popleft()[0]
            apply(event, change)
        self._last_seq = first_seq + len(events) - 1
        return change.settle()

    def apply_snapshot(self, conversation: Snapshot, after_seq: int) -> Change | None:
        """Make ``conversation`` the state, with the logged events numbered after
        ``after_seq`` applied on top again. None when a snapshot fetched later was applied
        already (this one is stale and changes nothing). The change has ``reset`` set, and
        ``reconcile`` set when events the snapshot may lack were dropped from the log: fetch
        again then."""
        if after_seq < self._snapshot_seq:
            return None
        self._snapshot_seq = after_seq
        missing = self._dropped_seq > after_seq
        log = self._log
        while log and log[0][0] <= after_seq:
            log.popleft()  # no snapshot older than this one will be applied any more
        steps = (
            len(conversation.steps)
            if isinstance(conversation, CompactConversation)
            else len(conversation.items)
        )
        with collector_paused(self.pause_collector and steps >= BIG_SNAPSHOT):
            change = self.state.apply_conversation(conversation)
            for _, event in log:
                self.state.apply_event(event, change)
            change.settle()
        change.reconcile = missing
        return change

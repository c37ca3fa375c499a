"""Following a session outside the screen, for ``watch`` and plain mode: the live feed's
updates applied to a ``SessionState`` as the console applies them, and each step handed out
once (again when a task's status changes), in order."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..api import PhronyClient
    from ..api.compact import Snapshot
    from ..live import Connection, Update
    from ..session import Change, SessionState

#: Statuses that wait for a timer, not for a person.
NOT_A_PERSON = frozenset({"WaitingForTimer"})
#: Seconds without an answer from the server after which following gives up (exit 7): a
#: script must not hang for good on a server that is gone.
GIVE_UP_AFTER = 300.0


def person_needed(state: SessionState) -> bool:
    """Some run of the session waits for a person (a reply, an approval, an answer)."""
    statuses = [state.status, *(run.status for run in state.runs.values())]
    return any(s.startswith("Waiting") and s not in NOT_A_PERSON for s in statuses if s)


@dataclass
class Ending:
    """How following stopped: the session ended, a person is needed, or the feed went
    offline (``detail`` says why, as the feed described it)."""

    reason: str  # "ended", "waiting", "offline"
    detail: str = ""


class Follower:
    """Applies updates as the console does (``session.Rebaser``: a snapshot with the events
    read after its fetch began put back on top), and tracks which steps were handed out."""

    def __init__(self, state: SessionState) -> None:
        from ..session.rebase import Rebaser

        self.state = state
        self._rebaser = Rebaser(state)
        self._shown: dict[str, str] = {}

    def apply(self, update: Update) -> tuple[list[str], bool]:
        """The ids of the steps to show after ``update``, and whether the conversation should
        be fetched again (an event that could not be applied)."""
        from ..live import Events, Loaded
        from ..session import Change

        change = Change()
        refresh = False
        if isinstance(update, Events):
            change = self._rebaser.apply_events(update.events, update.first_seq)
            refresh = change.reconcile or update.malformed > 0
        elif isinstance(update, Loaded):
            loaded = self._rebaser.apply_snapshot(update.conversation, update.after_seq)
            if loaded is not None:  # else: older than one applied already
                change, refresh = loaded, loaded.reconcile  # the log was cut: fetch again
        return self.fresh(change), refresh

    def fresh(self, change: Change) -> list[str]:
        """Steps not handed out yet, and tasks whose status changed, by ordinal (their ids:
        a step's model is made only if the one showing it needs it)."""
        items, shown = self.state.items, self._shown
        records = [items.record(i) for i in change.items_added | change.items_updated]
        out: list[str] = []
        for record in sorted(filter(None, records), key=lambda r: (r.ordinal, r.id)):
            status = ""
            if record.type.lower() == "usertaskreq":
                content = items[record.id].content
                if isinstance(content, dict):
                    status = str(content.get("status", "Pending"))
            if shown.get(record.id) == status:
                continue
            shown[record.id] = status
            out.append(record.id)
        return out


async def follow(
    client: PhronyClient,
    run_id: str,
    snapshot: Snapshot,
    *,
    show: Callable[[SessionState, list[str]], None],
    connection: Callable[[Connection], None],
    until_waiting: bool = False,
    give_up_after: float = GIVE_UP_AFTER,
) -> tuple[SessionState, Ending]:
    """Show the session's steps from ``snapshot`` on, following it live until it ends (or,
    with ``until_waiting``, until a person is needed), or until the server has not answered
    for ``give_up_after`` seconds (the feed rides out shorter outages)."""
    from ..api.heap import Settler
    from ..api.models import is_terminal
    from ..live import Connection as Conn
    from ..live import ConnState, LiveFeed, Loaded
    from ..session import SessionState

    answered = (ConnState.LIVE, ConnState.SILENT, ConnState.FINISHED)  # an open stream

    state = SessionState()
    follower = Follower(state)
    show(state, follower.apply(Loaded(snapshot, 0))[0])
    if until_waiting and person_needed(state):
        return state, Ending("waiting")
    if is_terminal(state.status):
        return state, Ending("ended")
    feed = LiveFeed(client, run_id)
    settler = Settler()  # the collector's walk stays short while the session grows
    heard = time.monotonic()  # the last answer from the server
    async with contextlib.aclosing(feed.updates()) as updates:  # closed when we stop early
        async for update in updates:
            now = time.monotonic()
            items, refresh = follower.apply(update)
            if refresh:
                feed.refresh()
            show(state, items)
            if isinstance(update, Loaded):
                settler.review_soon()
            settler.added(len(items))
            settler.tick()
            if not isinstance(update, Conn):
                heard = now
            elif update.state is ConnState.OFFLINE:
                return state, Ending("offline", update.detail)
            elif update.state in answered:
                heard = now
                connection(update)
            elif now - heard > give_up_after:
                gone = f"the server was unreachable or unavailable for {now - heard:.0f} s"
                return state, Ending("offline", f"{gone} ({update.detail or 'connecting'})")
            else:
                connection(update)
            if until_waiting and person_needed(state):
                return state, Ending("waiting")
    return state, Ending("ended")

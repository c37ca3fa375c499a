"""An owner of a ``LiveFeed`` with no screen: it applies what the feed hands out to a
``SessionState`` and records the connection states, so tests compare the state with the
server's ``/conversation``."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

from phrony_tui.api import PhronyClient, StreamEvent
from phrony_tui.api.errors import ConflictError, PhronyError
from phrony_tui.api.models import MessageBody, is_terminal
from phrony_tui.live import Connection, ConnState, Events, LiveFeed, Loaded, Update
from phrony_tui.session import SessionState
from phrony_tui.sim import SimServer

#: Retries and polls in tens of milliseconds; a stall is seen within a second.
FAST: dict[str, Any] = {"backoff_base": 0.02, "poll_interval": 0.2, "stall_timeout": 1.0}


class Follower:
    """Pulls every update, as the console does: events applied at once (numbered, and kept
    so a snapshot can be rebased under those read after its fetch began), snapshots replace
    the state, an event that cannot be applied asks the feed for the conversation."""

    def __init__(self, feed: LiveFeed, *, refresh: bool = True) -> None:
        self.feed = feed
        self.refresh = refresh
        self.state = SessionState()
        self.states: list[Connection] = []
        #: Each connection state with the moment it was pulled (to read the waits it reports).
        self.pulled: list[tuple[float, Connection]] = []
        #: ``(first_seq, count)`` of each ``Events``, ``after_seq`` of each ``Loaded``.
        self.batches: list[tuple[int, int]] = []
        self.after: list[int] = []
        self.events = 0
        self.malformed = 0
        self.snapshots = 0
        self.changed = asyncio.Event()
        self.task: asyncio.Task[None] | None = None
        self._log: deque[tuple[int, StreamEvent]] = deque()

    async def run(self) -> None:
        async with contextlib.aclosing(self.feed.updates()) as updates:
            async for update in updates:
                self.apply(update)
                self.changed.set()

    def apply(self, update: Update) -> None:
        if isinstance(update, Events):
            self.batches.append((update.first_seq, len(update.events)))
            self.malformed += update.malformed
            for seq, event in enumerate(update.events, update.first_seq):
                self.events += 1
                self._log.append((seq, event))
                if self.state.apply_event(event).reconcile and self.refresh:
                    self.feed.refresh()
        elif isinstance(update, Loaded):
            self.snapshots += 1
            self.after.append(update.after_seq)
            while self._log and self._log[0][0] <= update.after_seq:
                self._log.popleft()
            self.state.apply_conversation(update.conversation)
            for _, event in self._log:
                self.state.apply_event(event)
        else:
            self.states.append(update)
            self.pulled.append((time.monotonic(), update))

    async def ended(self, timeout: float) -> None:
        """Wait for the feed to stop by itself (FINISHED, OFFLINE)."""
        assert self.task is not None
        try:
            await asyncio.wait_for(asyncio.shield(self.task), timeout)
        except TimeoutError:
            raise AssertionError(f"the feed did not stop; states: {self.kinds}") from None

    @property
    def kinds(self) -> list[ConnState]:
        return [s.state for s in self.states]

    async def until(self, check: Any, timeout: float, what: str) -> None:
        """Wait (pulling updates meanwhile) until ``check()`` holds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not check():
            if loop.time() > deadline:
                raise AssertionError(f"timed out waiting for {what}; states: {self.kinds}")
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), 0.1)


@contextlib.asynccontextmanager
async def following(sim: SimServer, run_id: str, **options: Any) -> AsyncIterator[Follower]:
    """A follower of the run, pulling from the moment it is yielded."""
    client = PhronyClient(sim.base_url, sim.api_key)
    follower = Follower(LiveFeed(client, run_id, **options))
    follower.task = asyncio.create_task(follower.run())
    try:
        yield follower
    finally:
        follower.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await follower.task
        await client.aclose()


async def start(sim: SimServer, scenario: str, data: dict[str, Any] | None = None) -> str:
    async with PhronyClient(sim.base_url, sim.api_key) as client:
        return (await client.start_run(sim.agents[scenario], data)).run_id


def view(state: SessionState) -> dict[str, Any]:
    """What must agree with the server: the timeline (ids, ordinals, types), the statuses of
    the session and its runs, and the tasks with their statuses."""
    return {
        "timeline": [(i.id, i.ordinal, i.type) for i in state.timeline],
        "status": state.status,
        "runs": {run_id: run.status for run_id, run in state.runs.items()},
        "tasks": {task_id: (t.status, t.run_id) for task_id, t in state.tasks.items()},
        "pending": sorted(t.id for t in state.pending_tasks()),
    }


async def server_view(sim: SimServer, run_id: str) -> dict[str, Any]:
    """The server's truth, read when its faults are off."""
    async with PhronyClient(sim.base_url, sim.api_key) as client:
        conversation = await client.get_conversation(run_id)
    state = SessionState()
    state.apply_conversation(conversation)
    return view(state)


def session_of(sim: SimServer, run_id: str) -> Any:
    return sim.world.engine.runs[run_id].session


async def answer_tasks(sim: SimServer, run_id: str, seen: SessionState) -> None:
    """Answer every task the API can answer once ``seen`` (what the owner was shown) holds it
    pending, as a person at the console would, until the session ends. An injected fault on
    the way is tried again (nothing is processed when one is injected)."""
    session = session_of(sim, run_id)
    answered: set[str] = set()
    async with PhronyClient(sim.base_url, sim.api_key) as client:
        while not is_terminal(session.status):
            for task in seen.pending_tasks():
                if task.id in answered or not task.api_completable:
                    continue
                body = MessageBody(run_id=task.run_id, user_task_id=task.id)
                if task.kind == "aitl_escalation":
                    body.text_value = "yes, about approvals"
                elif task.kind != "anomaly_alert":
                    body.approved = True
                try:
                    await client.send_message(body)
                except ConflictError:
                    pass  # an earlier try was processed after all, or it ended meanwhile
                except PhronyError:
                    continue  # an injected fault: try again
                answered.add(task.id)
            await asyncio.sleep(0.02)

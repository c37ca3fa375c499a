"""``InboxPoller``: the waiting sessions of several agents, read again and again, cheaply.

Per pass and agent: the sessions list filtered by each waiting status (paged with
``skip``/``take``), then the slim conversation of each waiting session whose list entry
changed. A conversation is read again when its entry changes (status, tokens, run count,
finish time), on ``poke()``, or once it is ``recheck`` seconds old: an answer followed at once
by the next question, or an alert acknowledged, leaves the entry as it was.

Agents are read side by side, each one request at a time. An agent that fails (refused key,
unknown agent, unreachable server) is reported in ``errors`` and asked again later, twice as
late each time up to a minute, while the other agents go on. Its rows stay as last read while
the failure may pass (a busy or unreachable server) and go when it cannot (a refused key, an
unknown agent): a list that flickers empty on every network blip helps nobody.

The status filter finds only the statuses it names: a ``Waiting*`` status added to the API
later also means a run waits (API.md), but no filter can ask for it before it has a name.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from ..api.errors import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    PhronyError,
)
from ..session import SessionState
from ..text import one_line
from .agents import WatchedAgent
from .rows import WAITING_STATUSES, InboxRow, InboxSnapshot, order, rows_of

if TYPE_CHECKING:
    from ..api import PhronyClient
    from ..api.models import SessionListItem

T = TypeVar("T")

#: The sessions route's largest page (API: ``take`` at most 100).
PAGE = 100
#: The longest an agent that keeps failing waits before it is asked again (seconds).
MAX_BACKOFF = 60.0


def reason(error: PhronyError) -> str:
    """One line a person can act on, for an agent that could not be read."""
    if isinstance(error, AuthenticationError):
        return "the API key was refused (401): check the key or the profile"
    if isinstance(error, PermissionDeniedError):
        return "this API key may not read this agent (403): add the agent to the key's scope"
    if isinstance(error, NotFoundError):
        return "no such agent (404): check the id in the config or --agent"
    if isinstance(error, APIStatusError):
        return one_line(f"the server answered {error.status}: {error.message or 'no message'}")
    if isinstance(error, APIConnectionError):
        return one_line(f"unreachable: {error}")
    return one_line(str(error))


def _final(error: PhronyError) -> bool:
    """A failure that makes what was read before untrue (rather than merely unconfirmed)."""
    return isinstance(error, AuthenticationError | PermissionDeniedError | NotFoundError)


def _fingerprint(item: SessionListItem) -> tuple[Any, ...]:
    extra = item.model_extra or {}
    return (
        item.status,
        item.total_tokens_used,
        item.run_count,
        item.finished_at,
        item.root_run_id,
        extra.get("updatedAt"),
    )


@dataclass
class _Seen:
    """A waiting session as last read."""

    fingerprint: tuple[Any, ...]
    rows: list[InboxRow]
    read_at: float


@dataclass
class _Agent:
    agent: WatchedAgent
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    sessions: dict[str, _Seen] = field(default_factory=dict)
    rows: list[InboxRow] = field(default_factory=list)
    error: PhronyError | None = None
    failures: int = 0
    due: float = 0.0
    read: bool = False


class InboxPoller:
    def __init__(
        self,
        client: PhronyClient,
        agents: Sequence[WatchedAgent],
        *,
        interval: float = 5.0,
        recheck: float = 30.0,
        page: int = PAGE,
    ) -> None:
        self.client = client
        self.page = page
        self.interval = interval
        self.recheck = recheck
        #: HTTP requests made so far.
        self.requests = 0
        self._agents = [_Agent(a) for a in agents]
        self._poked = asyncio.Event()
        self._forced = False

    @property
    def agents(self) -> list[WatchedAgent]:
        return [a.agent for a in self._agents]

    @property
    def failures(self) -> dict[str, PhronyError]:
        """The error of each agent that failed on its last read (for an exit code)."""
        return {a.agent.id: a.error for a in self._agents if a.error is not None}

    def snapshot(self) -> InboxSnapshot:
        rows = [row for agent in self._agents for row in agent.rows]
        errors = {a.agent.id: reason(a.error) for a in self._agents if a.error is not None}
        return InboxSnapshot(order(rows), errors, not all(a.read for a in self._agents))

    async def refresh(self) -> InboxSnapshot:
        """One pass over every agent now, backing off or not."""
        async for _ in self._pass(every=True, early=False):
            pass
        return self.snapshot()

    def poke(self) -> None:
        """Start the next pass of ``updates()`` now, reading every conversation again."""
        self._forced = True
        self._poked.set()

    async def updates(self) -> AsyncGenerator[InboxSnapshot, None]:
        """A snapshot after each pass (during the first, also as each agent comes in), then a
        wait of ``interval`` seconds or until ``poke()``."""
        while True:
            async for snapshot in self._pass(every=False, early=True):
                yield snapshot
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._poked.wait(), self.interval)

    async def _pass(self, *, every: bool, early: bool) -> AsyncIterator[InboxSnapshot]:
        self._poked.clear()
        forced, self._forced = self._forced, False
        now = asyncio.get_running_loop().time()
        due = [a for a in self._agents if every or forced or a.due <= now]
        loading = early and not all(a.read for a in self._agents)
        tasks = [asyncio.ensure_future(self._read_agent(a, forced)) for a in due]
        try:
            for done in asyncio.as_completed(tasks):
                await done
                if loading and not all(a.read for a in self._agents):
                    yield self.snapshot()
        finally:
            for task in tasks:
                task.cancel()
        yield self.snapshot()

    async def _read_agent(self, state: _Agent, forced: bool) -> None:
        async with state.lock:
            loop = asyncio.get_running_loop()
            try:
                await self._read_sessions(state, forced)
            except PhronyError as exc:
                state.error = exc
                state.failures += 1
                # (the exponent capped: a server down all night must not overflow a float)
                delay = min(self.interval * 2 ** min(state.failures, 16), MAX_BACKOFF)
                if isinstance(exc, APIStatusError) and exc.retry_after:
                    delay = max(delay, min(exc.retry_after, MAX_BACKOFF))
                state.due = loop.time() + delay
                if _final(exc):
                    state.rows, state.sessions = [], {}
            else:
                state.error, state.failures, state.due = None, 0, 0.0
            state.read = True

    async def _call(self, call: Callable[[], Awaitable[T]]) -> T:
        self.requests += 1
        return await call()

    async def _waiting(self, agent_id: str) -> list[SessionListItem]:
        """Every waiting session of the agent, newest first, each once."""
        found: dict[str, SessionListItem] = {}
        for status in WAITING_STATUSES:
            skip = 0
            while True:
                page = await self._call(
                    lambda skip=skip, status=status: self.client.list_sessions(  # type: ignore[misc]
                        agent_id, skip=skip, take=self.page, status=status
                    )
                )
                for item in page.items:
                    found.setdefault(item.id, item)
                skip += len(page.items)
                if not page.items or skip >= page.total:
                    break
        return list(found.values())

    async def _read_sessions(self, state: _Agent, forced: bool) -> None:
        agent = state.agent
        listed = await self._waiting(agent.id)
        loop = asyncio.get_running_loop()
        sessions: dict[str, _Seen] = {}
        for item in listed:
            fingerprint = _fingerprint(item)
            seen = state.sessions.get(item.id)
            fresh = seen is not None and loop.time() - seen.read_at < self.recheck
            if seen is not None and fresh and not forced and seen.fingerprint == fingerprint:
                sessions[item.id] = seen
                continue
            run_id = item.root_run_id or item.entry_run_id
            if not run_id:
                continue
            try:
                conversation = await self._call(
                    lambda run_id=run_id: self.client.get_conversation(  # type: ignore[misc]
                        run_id, step_content="slim"
                    )
                )
            except NotFoundError:
                continue  # gone between the list and now
            session = SessionState()
            session.apply_conversation(conversation)
            rows = rows_of(agent, session, item.id, run_id)
            sessions[item.id] = _Seen(fingerprint, rows, loop.time())
        state.sessions = sessions
        state.rows = [row for seen in sessions.values() for row in seen.rows]

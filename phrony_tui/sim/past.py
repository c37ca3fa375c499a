"""One session of the seeded history: a few numbers until someone reads it, then a real session
written with past timestamps (``stories`` says what each agent did). A session seeded as
waiting for a person goes on like a live run once answered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..api.models import Status
from .context import RunContext
from .ids import IdFactory, fixed_id, iso_at
from .records import Agent, Run
from .session import SimSession, session_row
from .stories import INPUTS, outcome, write_timeline

if TYPE_CHECKING:
    from .engine import Engine

#: How a seeded session was started: (triggerType, its trigger id, its name).
API, SCHEDULED, DASHBOARD = 0, 1, 2

#: What a seeded session waits for, and the status that says so.
WAIT_STATUS = {
    "response": Status.WAITING_FOR_RESPONSE,
    "approval": Status.WAITING_FOR_HITL,
    "multi_option": Status.WAITING_FOR_HITL,
    "text": Status.WAITING_FOR_HITL,
    "timer": Status.WAITING_FOR_TIMER,
}


class Stamps:
    """Timestamps for a past session as it is written: from its start, a step apart, never past
    its end. The first two (the session, its root run) are the start itself."""

    def __init__(self, start: float, end: float, step: float) -> None:
        self.start, self.end, self.step = start, end, step
        self.count = -1

    def peek(self) -> float:
        return min(self.start + max(0, self.count + 1) * self.step, self.end)

    def __call__(self) -> str:
        moment = self.peek()
        self.count += 1
        return iso_at(moment)


@dataclass(slots=True, eq=False)
class Past:
    """A seeded session as numbers (under 500 bytes), until ``materialize`` makes it real."""

    agent: Agent
    session_id: str
    run_id: str
    status: str
    started: float
    ended: float | None
    tokens: int
    trigger: int
    who: str | None
    wait: str | None
    seed: int
    seeded_at: float
    stamp: Stamps | None = None
    live: SimSession | None = None

    @property
    def trigger_type(self) -> str:
        return ("api", "scheduled", "dashboard")[self.trigger]

    @property
    def trigger_id(self) -> str | None:
        if self.trigger == API:
            return self.agent.trigger_id
        if self.trigger == SCHEDULED:
            return fixed_id(f"agent/{self.agent.key}/schedule")
        return None

    @property
    def trigger_name(self) -> str:
        return (f"{self.agent.name} API", "Nightly schedule", "Dashboard")[self.trigger]

    @property
    def current_status(self) -> str:
        return self.live.status if self.live is not None else self.status

    def list_item(self, tenant_id: str) -> dict[str, Any]:
        """The sessions-list row: the same whether or not the session was read yet."""
        if self.live is not None:
            return self.live.list_item()
        output, error = outcome(self)
        row = session_row(
            self.agent,
            id=self.session_id,
            tenantId=tenant_id,
            triggerType=self.trigger_type,
            triggeredBy=self.who,
            triggerId=self.trigger_id,
            triggerName=self.trigger_name,
            status=self.status,
            totalTokensUsed=self.tokens,
            output=output,
            error=error,
            startedAt=iso_at(self.started),
            finishedAt=None if self.ended is None else iso_at(self.ended),
            input=INPUTS.get(self.agent.key, {}),
        )
        return {**row, "rootRunId": self.run_id, "runCount": 1, "entryRunId": self.run_id}

    def materialize(self, engine: Engine, tenant_id: str) -> Run:
        """The session written out with its past timestamps; a waiting one starts waiting for
        its answer now. Runs on the server's loop (a waiting run needs it)."""
        if self.live is not None:
            return self.live.root
        if self.ended is None:
            self.stamp = Stamps(self.started, self.started + 90, 4.0)
        else:
            self.stamp = Stamps(self.started, self.ended, (self.ended - self.started) / 6)
        session = SimSession(
            engine,
            self.agent,
            tenant_id,
            self.who,
            dict(INPUTS.get(self.agent.key, {})),
            ids=IdFactory(self.seed),
            past=self,
        )
        try:
            write_timeline(RunContext(session, session.root), self)
        finally:
            self.stamp = None
        self.live = session
        engine.sessions[session.id] = session
        engine.runs[session.root.id] = session.root
        if session.root.resume is not None:
            session.drive(session.root)
        else:
            session.ended.set()
        return session.root

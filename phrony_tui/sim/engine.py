"""The simulated Phrony runtime: every session of the simulator, and the speed scripts run at.

A scenario script is an async function of a ``RunContext`` (``context``); a session
(``session``) turns its calls into timeline items, status changes and SSE events.
"""

from __future__ import annotations

from typing import Any

from .context import BLOCKING_STATUS, RunContext
from .history import History
from .hub import SimEvent, Subscriber
from .ids import Clock, IdFactory
from .records import Agent, Run, Script, ScriptFailed, Turn
from .session import SimSession
from .tasks import Task

__all__ = [
    "BLOCKING_STATUS",
    "Agent",
    "Engine",
    "Run",
    "RunContext",
    "Script",
    "ScriptFailed",
    "SimEvent",
    "SimSession",
    "Subscriber",
    "Task",
    "Turn",
]


class Engine:
    """All sessions of the simulator, with the speed factor scripts run at."""

    def __init__(
        self,
        seed: int = 0,
        speed: float = 1.0,
        min_timer_s: float = 30.0,
        clock: Clock | None = None,
    ) -> None:
        self.ids = IdFactory(seed)
        self.clock = clock or Clock()
        self.speed = speed
        self.min_timer_s = min_timer_s
        self.sessions: dict[str, SimSession] = {}
        self.runs: dict[str, Run] = {}
        self.started: dict[str, list[SimSession]] = {}  # sessions started here, by agent id
        self.history: History | None = None

    def start_session(
        self, agent: Agent, tenant_id: str, key_id: str, input: dict[str, Any]
    ) -> SimSession:
        session = SimSession(self, agent, tenant_id, key_id, input)
        self.sessions[session.id] = session
        self.runs[session.root.id] = session.root
        self.started.setdefault(agent.id, []).append(session)
        session.start()
        return session

    def find_run(self, run_id: str) -> Run | None:
        """A run by id; a seeded one is made real on its first read."""
        run = self.runs.get(run_id)
        if run is None and self.history is not None:
            run = self.history.materialize(run_id, self)
        return run

    def register(self, run: Run) -> None:
        self.runs[run.id] = run

    def shutdown(self) -> None:
        """Stop every script (the server is going away)."""
        for run in self.runs.values():
            if run.task and not run.task.done():
                run.task.cancel()

"""What the simulator runs: agents and their scripts, runs, and the turns a person sends."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..api.models import Status
from .ids import fixed_id

if TYPE_CHECKING:
    from .context import RunContext
    from .session import SimSession

Script = Callable[["RunContext"], Awaitable[Any]]


class ScriptFailed(Exception):
    """Raised by a script to end its run as ``Failed`` with this error."""


@dataclass
class Agent:
    key: str
    id: str
    name: str
    version_id: str
    trigger_id: str | None
    script: Script
    expose_timeline: bool = True
    model: str = "gpt-4.1-mini"

    @classmethod
    def scripted(
        cls, key: str, name: str, script: Script, *, trigger: bool = True, expose: bool = True
    ) -> Agent:
        """An agent whose ids follow from ``key`` alone; without ``trigger`` it runs only as a
        sub-agent (no API trigger)."""
        return cls(
            key=key,
            id=fixed_id(f"agent/{key}"),
            name=name,
            version_id=fixed_id(f"agent/{key}/version/3"),
            trigger_id=fixed_id(f"agent/{key}/trigger") if trigger else None,
            script=script,
            expose_timeline=expose,
        )


@dataclass
class Turn:
    """What a person sent while the run waited for a response."""

    text: str
    files: list[dict[str, Any]]


@dataclass
class Run:
    id: str
    session: SimSession
    agent: Agent
    parent_id: str | None
    depth: int
    input: Any
    status: str = Status.RUNNING
    tokens: int = 0
    output: Any = None
    error: str | None = None
    started_at: str = ""
    finished_at: str | None = None
    sequence: int = 0
    waiter: asyncio.Future[Any] | None = None
    task: asyncio.Task[None] | None = None
    resume: Script | None = None  # what a seeded run does once answered, instead of its script

    def summary(self) -> dict[str, Any]:
        s = self.session
        return {
            "id": self.id,
            "sessionId": s.id,
            "agentId": self.agent.id,
            "agentVersionId": self.agent.version_id,
            "parentRunId": self.parent_id,
            "depth": self.depth,
            "status": self.status,
            "totalTokensUsed": self.tokens,
            "output": self.output,
            "error": self.error,
            "startedAt": self.started_at,
            "finishedAt": self.finished_at,
            "triggerType": s.trigger_type,
            "triggeredBy": s.triggered_by,
            "triggerId": s.trigger_id,
            "triggerName": s.trigger_name,
            "input": self.input,
            "llmModel": self.agent.model,
            "agentName": self.agent.name,
            "versionLabel": "v3",
        }

"""One simulated session: who started it, its runs, its merged timeline (append-only ordinals) and
the events it publishes. How its runs progress is in ``lifecycle``; how tasks end, ``tasks``.

Everything here runs on the server's event loop, so no locks are needed.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from ..api.models import Status
from .hub import EventHub, SimEvent, Subscriber
from .ids import IdFactory
from .lifecycle import RunLifecycle
from .records import Agent, Run
from .tasks import Task, TaskHandling

if TYPE_CHECKING:
    from .engine import Engine
    from .past import Past


class SimSession(RunLifecycle, TaskHandling):
    """One session: its runs, its merged timeline (append-only ordinals) and its event hub."""

    def __init__(
        self,
        engine: Engine,
        agent: Agent,
        tenant_id: str,
        key_id: str | None,
        input: dict[str, Any],
        *,
        ids: IdFactory | None = None,
        past: Past | None = None,
    ) -> None:
        """``past`` (with its own ``ids``) makes a session of the seeded history: its ids,
        trigger and start are given, its timestamps come from ``past.stamp`` while it is
        written, and it publishes nothing until it is."""
        self.engine = engine
        self.ids = ids or engine.ids
        self.past = past
        self.id = past.session_id if past else self.ids.new()
        self.agent = agent
        self.tenant_id = tenant_id
        self.trigger_type = past.trigger_type if past else "api"
        self.triggered_by = key_id
        self.trigger_id = past.trigger_id if past else agent.trigger_id
        self.trigger_name = past.trigger_name if past else f"{agent.name} API"
        self.input = input
        self.status: str = Status.RUNNING
        self.output: Any = None
        self.error: str | None = None
        self.started_at = self.now()
        self.finished_at: str | None = None
        self.runs: dict[str, Run] = {}
        self.items: list[dict[str, Any]] = []
        self._item_index: dict[str, int] = {}
        self.tasks: dict[str, Task] = {}
        self.hub = EventHub(engine.clock)
        self.ended = asyncio.Event()
        self.root = self._new_run(agent, None, 0, input, past.run_id if past else None)

    def now(self) -> str:
        """The time to stamp on what happens now: the clock's, or the seeded past's."""
        if self.past is not None and self.past.stamp is not None:
            return self.past.stamp()
        return self.engine.clock.iso()

    # --- wire shapes -----------------------------------------------------------------------

    @property
    def tokens(self) -> int:
        return sum(run.tokens for run in self.runs.values())

    def snapshot(self) -> dict[str, Any]:
        return session_row(
            self.agent,
            id=self.id,
            tenantId=self.tenant_id,
            triggerType=self.trigger_type,
            triggeredBy=self.triggered_by,
            triggerId=self.trigger_id,
            triggerName=self.trigger_name,
            status=self.status,
            totalTokensUsed=self.tokens,
            output=self.output,
            error=self.error,
            startedAt=self.started_at,
            finishedAt=self.finished_at,
            input=self.input,
        )

    def list_item(self) -> dict[str, Any]:
        return {
            **self.snapshot(),
            "rootRunId": self.root.id,
            "runCount": len(self.runs),
            "entryRunId": self.root.id,
        }

    def session_event_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "sessionId": self.id,
            "status": self.status,
            "totalTokensUsed": self.tokens,
        }
        if self.output is not None:
            data["output"] = self.output
        if self.error is not None:
            data["error"] = self.error
        return data

    # --- events ----------------------------------------------------------------------------

    def emit(self, kind: str, subject: str, data: dict[str, Any]) -> None:
        """Publish one event to every stream of the session, already encoded. A session whose
        trigger hides the timeline gets the redacted stream of API.md section 5."""
        if self.past is not None and self.past.stamp is not None:
            return  # the seeded past is written, not lived: no one was listening
        if not self.agent.expose_timeline:
            if kind in ("step", "user_task", "aitl") or subject == "engine.subagent.spawned":
                return
            if kind == "run":
                data = {**data, "output": None, "error": None, "input": None}
        self.hub.publish(kind, subject, data)

    def subscribe(self, after_id: int | None = None) -> Subscriber:
        """A new stream; with ``after_id`` (replay on), the events it missed come first."""
        return self.hub.subscribe(after_id)

    def unsubscribe(self, sub: Subscriber) -> None:
        self.hub.unsubscribe(sub)

    @property
    def subscribers(self) -> set[Subscriber]:
        """The open streams."""
        return self.hub.subscribers

    @property
    def log(self) -> list[SimEvent]:
        """Every event published so far, for replay."""
        return self.hub.log

    # --- timeline --------------------------------------------------------------------------

    def header(self, run: Run, step_kind: str) -> dict[str, Any]:
        return {
            "run_id": run.id,
            "session_id": self.id,
            "tenant_id": self.tenant_id,
            "agent_id": run.agent.id,
            "agent_version_id": run.agent.version_id,
            "event_id": self.ids.new(),
            "sequence": run.sequence,
            "step_kind": step_kind,
            "iteration": 1,
        }

    def add_item(
        self,
        run: Run,
        type_: str,
        content: Any,
        *,
        tokens: int | None = None,
        error: str | None = None,
        with_header: bool = True,
        emit: bool = True,
    ) -> dict[str, Any]:
        run.sequence += 1
        if with_header and isinstance(content, dict):
            content = {**self.header(run, type_), **content}
        ts = self.now()
        item = {
            "runId": run.id,
            "id": self.ids.new(),
            "sequence": run.sequence,
            "ordinal": len(self.items) + 1,
            "type": type_,
            "content": content,
            "tokensUsed": tokens,
            "error": error,
            "startedAt": ts,
            "finishedAt": ts,
        }
        self._item_index[item["id"]] = len(self.items)
        self.items.append(item)
        if tokens:
            run.tokens += tokens
        if emit:
            self.emit("step", f"engine.step.{type_}", item)
        return item

    def add_raw_item(self, run: Run, fields: dict[str, Any]) -> dict[str, Any]:
        """An item with whatever field values ``fields`` gives (wrong types included)."""
        run.sequence += 1
        item = {
            "runId": run.id,
            "id": self.ids.new(),
            "sequence": run.sequence,
            "ordinal": len(self.items) + 1,
            **fields,
        }
        self._item_index[item["id"]] = len(self.items)
        self.items.append(item)
        self.emit("step", "engine.step.raw", item)
        return item

    def update_item(self, item_id: str, content: dict[str, Any]) -> None:
        item = self.items[self._item_index[item_id]]
        item["content"] = {**item["content"], **content}
        item["finishedAt"] = self.now()
        self.emit("step", f"engine.step.{item['type']}", item)

    # --- runs ------------------------------------------------------------------------------

    def _new_run(
        self, agent: Agent, parent: Run | None, depth: int, input: Any, run_id: str | None = None
    ) -> Run:
        run = Run(
            id=run_id or self.ids.new(),
            session=self,
            agent=agent,
            parent_id=parent.id if parent else None,
            depth=depth,
            input=input,
            started_at=self.now(),
        )
        self.runs[run.id] = run
        return run


def start_context(agent: Agent, input: Any) -> dict[str, Any]:
    return {
        "version": 3,
        "userInput": input,
        "llmModel": agent.model,
        "instructions": f"You are the {agent.name} agent.",
        "temperature": 0.2,
        "maxDepth": 5,
        "canExecuteSubAgents": True,
        "subAgentExecutionModel": "parallel",
        "agentExecutionMode": "hitl",
        "rootAgentExecutionMode": "hitl",
    }


def session_row(agent: Agent, **fields: Any) -> dict[str, Any]:
    """The ``session`` object of API.md 4.1, for a live session or a seeded one not yet read."""
    return {
        "id": fields["id"],
        "tenantId": fields["tenantId"],
        "agentId": agent.id,
        "agentVersionId": agent.version_id,
        "llmModel": agent.model,
        "triggerType": fields["triggerType"],
        "triggeredBy": fields["triggeredBy"],
        "triggerId": fields["triggerId"],
        "triggerName": fields["triggerName"],
        "status": fields["status"],
        "totalTokensUsed": fields["totalTokensUsed"],
        "output": fields["output"],
        "error": fields["error"],
        "startedAt": fields["startedAt"],
        "finishedAt": fields["finishedAt"],
        "input": fields["input"],
        "startContext": start_context(agent, fields["input"]),
        "timelineExposed": agent.expose_timeline,
    }

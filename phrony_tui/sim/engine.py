"""The simulated Phrony runtime: sessions, runs, the timeline, user tasks and the event hub.

Everything here runs on the server's event loop, so no locks are needed. A scenario script is an
async function of a ``RunContext``; the context turns its calls into timeline items, status
changes and SSE events exactly as API.md section 10 describes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ..api.models import TERMINAL_STATUSES, ItemType, Status, TaskKind, TaskStatus
from .ids import Clock, IdFactory
from .wire import dumps

Script = Callable[["RunContext"], Awaitable[Any]]

BLOCKING_STATUS: dict[str, str] = {
    TaskKind.AITL_ESCALATION: Status.WAITING_FOR_AITL,
}


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


@dataclass
class Turn:
    """What a person sent while the run waited for a response."""

    text: str
    files: list[dict[str, Any]]


@dataclass
class Task:
    id: str
    run_id: str
    kind: str
    title: str
    prompt: str
    options: list[dict[str, Any]] | None
    tool: dict[str, Any] | None
    api_completable: bool
    item_id: str
    blocking: bool
    status: str = TaskStatus.PENDING
    outcome: dict[str, Any] | None = None
    future: asyncio.Future[dict[str, Any]] | None = None

    def event_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "userTaskId": self.id,
            "runId": self.run_id,
            "kind": self.kind,
            "status": self.status,
            "title": self.title,
            "prompt": self.prompt,
            "apiCompletable": self.api_completable,
        }
        if self.options is not None:
            data["options"] = self.options
        if self.tool is not None:
            data["tool"] = self.tool
        return data


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
            "triggerId": s.agent.trigger_id,
            "triggerName": s.trigger_name,
            "input": self.input,
            "llmModel": self.agent.model,
            "agentName": self.agent.name,
            "versionLabel": "v3",
        }


@dataclass(frozen=True, slots=True)
class SimEvent:
    id: int
    wire: bytes


@dataclass(eq=False)
class Subscriber:
    queue: asyncio.Queue[SimEvent | None]


class SimSession:
    """One session: its runs, its merged timeline (append-only ordinals) and its event hub."""

    def __init__(
        self,
        engine: Engine,
        agent: Agent,
        tenant_id: str,
        key_id: str,
        input: dict[str, Any],
    ) -> None:
        self.engine = engine
        self.ids = engine.ids
        self.id = self.ids.new()
        self.agent = agent
        self.tenant_id = tenant_id
        self.trigger_type = "api"
        self.triggered_by = key_id
        self.trigger_name = f"{agent.name} API"
        self.input = input
        self.status: str = Status.RUNNING
        self.output: Any = None
        self.error: str | None = None
        self.started_at = engine.clock.iso()
        self.finished_at: str | None = None
        self.runs: dict[str, Run] = {}
        self.items: list[dict[str, Any]] = []
        self._item_index: dict[str, int] = {}
        self.tasks: dict[str, Task] = {}
        self.subscribers: set[Subscriber] = set()
        self.event_counter = 0
        self.log: list[SimEvent] = []
        self.ended = asyncio.Event()
        self.root = self._new_run(agent, None, 0, input)

    # --- wire shapes -----------------------------------------------------------------------

    @property
    def tokens(self) -> int:
        return sum(run.tokens for run in self.runs.values())

    def start_context(self) -> dict[str, Any]:
        return {
            "version": 3,
            "userInput": self.input,
            "llmModel": self.agent.model,
            "instructions": f"You are the {self.agent.name} agent.",
            "temperature": 0.2,
            "maxDepth": 5,
            "canExecuteSubAgents": True,
            "subAgentExecutionModel": "parallel",
            "agentExecutionMode": "hitl",
            "rootAgentExecutionMode": "hitl",
        }

    def snapshot(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "tenantId": self.tenant_id,
            "agentId": self.agent.id,
            "agentVersionId": self.agent.version_id,
            "llmModel": self.agent.model,
            "triggerType": self.trigger_type,
            "triggeredBy": self.triggered_by,
            "triggerId": self.agent.trigger_id,
            "triggerName": self.trigger_name,
            "status": self.status,
            "totalTokensUsed": self.tokens,
            "output": self.output,
            "error": self.error,
            "startedAt": self.started_at,
            "finishedAt": self.finished_at,
            "input": self.input,
            "startContext": self.start_context(),
            "timelineExposed": self.agent.expose_timeline,
        }

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
        if not self.agent.expose_timeline:
            if kind in ("step", "user_task", "aitl") or subject == "engine.subagent.spawned":
                return
            if kind == "run":
                data = {**data, "output": None, "error": None, "input": None}
        self.event_counter += 1
        payload = {"ts": self.engine.clock.iso(), "kind": kind, "subject": subject, "data": data}
        body = dumps(payload)
        event = SimEvent(self.event_counter, f"id: {self.event_counter}\ndata: {body}\n\n".encode())
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
        ts = self.engine.clock.iso()
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
        item["finishedAt"] = self.engine.clock.iso()
        self.emit("step", f"engine.step.{item['type']}", item)

    # --- runs ------------------------------------------------------------------------------

    def _new_run(self, agent: Agent, parent: Run | None, depth: int, input: Any) -> Run:
        run = Run(
            id=self.ids.new(),
            session=self,
            agent=agent,
            parent_id=parent.id if parent else None,
            depth=depth,
            input=input,
            started_at=self.engine.clock.iso(),
        )
        self.runs[run.id] = run
        return run

    def start(self) -> None:
        self.emit("session", "engine.session.started", self.session_event_data())
        self.launch(self.root)

    def launch(self, run: Run) -> None:
        self.emit("run", "engine.run.started", run.summary())
        run.task = asyncio.get_running_loop().create_task(self._drive(run))

    async def _drive(self, run: Run) -> None:
        ctx = RunContext(self, run)
        try:
            result = await run.agent.script(ctx)
            if result is not None:
                run.output = result  # the script's result is the run's output
            self.finish_run(run, Status.COMPLETED)
        except ScriptFailed as exc:
            self.finish_run(run, Status.FAILED, error=str(exc))
        except asyncio.CancelledError:
            self.finish_run(run, Status.CANCELLED, error="cancelled")
        except Exception as exc:  # a bug in a script must still end the run visibly
            self.finish_run(run, Status.FAILED, error=f"simulator script error: {exc!r}")

    def set_status(self, run: Run, status: str) -> None:
        if run.status == status or run.status in TERMINAL_STATUSES:
            return
        run.status = status
        self.emit("run", "engine.run.status_changed", run.summary())
        self.refresh_session_status()

    def refresh_session_status(self) -> None:
        if self.status in TERMINAL_STATUSES:
            return
        status = self.root.status
        if not status.startswith("Waiting"):
            waiting = [r for r in self.runs.values() if r.status.startswith("Waiting")]
            if waiting:
                status = min(waiting, key=lambda r: (r.depth, r.started_at)).status
        if status != self.status:
            self.status = status
            self.emit("session", "engine.session.status_changed", self.session_event_data())

    def finish_run(self, run: Run, status: str, error: str | None = None) -> None:
        if run.status in TERMINAL_STATUSES:
            return
        for task in list(self.tasks.values()):
            if task.run_id == run.id and task.status == TaskStatus.PENDING:
                self.end_task(task, TaskStatus.CANCELLED, None)
        for child in list(self.runs.values()):
            if child.parent_id == run.id and child.status not in TERMINAL_STATUSES:
                self.finish_run(child, Status.CANCELLED, error="parent run ended")
                if child.task and not child.task.done():
                    child.task.cancel()
        run.status = status
        run.error = error
        run.finished_at = self.engine.clock.iso()
        self.add_item(
            run,
            ItemType.RUN_COMPLETED,
            {
                "run_id": run.id,
                "status": status,
                "output": run.output,
                "error": error,
                "total_tokens_used": run.tokens,
            },
            with_header=False,
        )
        self.emit("run", "engine.run.completed", run.summary())
        if run is self.root:
            self.finish_session()
        else:
            self.refresh_session_status()

    def finish_session(self) -> None:
        self.status = self.root.status
        self.output = self.root.output
        self.error = self.root.error
        self.finished_at = self.engine.clock.iso()
        self.add_item(
            self.root,
            ItemType.SESSION_COMPLETED,
            {
                "session_id": self.id,
                "status": self.status,
                "output": self.output,
                "error": self.error,
                "total_tokens_used": self.tokens,
            },
            with_header=False,
        )
        self.emit("session", "engine.session.completed", self.session_event_data())
        self.ended.set()

    # --- tasks -----------------------------------------------------------------------------

    def end_task(self, task: Task, status: str, outcome: dict[str, Any] | None) -> None:
        task.status = status
        task.outcome = outcome
        change: dict[str, Any] = {"status": status}
        if outcome is not None:
            change["outcome"] = outcome
        self.update_item(task.item_id, change)
        subject = "completed" if status == TaskStatus.COMPLETED else "cancelled"
        self.emit("user_task", f"engine.user_task.{subject}", task.event_data())
        if task.blocking and status == TaskStatus.COMPLETED:
            self.set_status(self.runs[task.run_id], Status.RUNNING)
        if task.future and not task.future.done():
            if status == TaskStatus.COMPLETED:
                task.future.set_result(outcome or {})
            else:
                task.future.cancel()

    def deliver_turn(self, run: Run, turn: Turn) -> None:
        """A conversational reply: recorded as a ``UserMessage`` step, then the run resumes."""
        self.add_item(run, ItemType.USER_MESSAGE, {"text": turn.text, "files": turn.files})
        self.set_status(run, Status.RUNNING)
        if run.waiter and not run.waiter.done():
            run.waiter.set_result(turn)

    def skip_timer(self, run: Run) -> None:
        self.set_status(run, Status.RUNNING)
        if run.waiter and not run.waiter.done():
            run.waiter.set_result(True)


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

    def start_session(
        self, agent: Agent, tenant_id: str, key_id: str, input: dict[str, Any]
    ) -> SimSession:
        session = SimSession(self, agent, tenant_id, key_id, input)
        self.sessions[session.id] = session
        self.runs[session.root.id] = session.root
        session.start()
        return session

    def register(self, run: Run) -> None:
        self.runs[run.id] = run

    def shutdown(self) -> None:
        """Stop every script (the server is going away)."""
        for run in self.runs.values():
            if run.task and not run.task.done():
                run.task.cancel()


class RunContext:
    """What a scenario script can do. Pauses scale with the engine's speed factor."""

    def __init__(self, session: SimSession, run: Run) -> None:
        self.session = session
        self.run = run

    @property
    def input(self) -> Any:
        return self.run.input

    async def pause(self, seconds: float) -> None:
        await asyncio.sleep(seconds / self.session.engine.speed)

    def step(
        self, type_: str, content: Any, *, tokens: int | None = None, error: str | None = None
    ) -> dict[str, Any]:
        return self.session.add_item(self.run, type_, content, tokens=tokens, error=error)

    async def think(self, text: str, tokens: int = 120, pause: float = 0.8) -> None:
        await self.pause(pause)
        self.step(ItemType.LLM_REQUEST_PREPARED, {"model": self.run.agent.model})
        await self.pause(pause / 2)
        preview = text.split("\n", 1)[0][:80]
        self.step(
            ItemType.REASONING,
            {"message": text, "preview": preview, "tokens_used": tokens},
            tokens=tokens,
        )

    async def tool(
        self,
        name: str,
        arguments: Any,
        result: Any,
        *,
        operation: str | None = None,
        ok: bool = True,
        error: Any = None,
        pause: float = 0.8,
    ) -> None:
        call_id = "call_" + self.session.ids.new()[:8]
        call: dict[str, Any] = {"name": name, "arguments": arguments, "tool_call_id": call_id}
        if operation:
            call["operation_name"] = operation
        self.step(ItemType.TOOL_CALL, call, tokens=40)
        await self.pause(pause)
        outcome = {
            "data": result if ok else None,
            "error": error,
            "successful": ok,
            "log_id": "log_" + call_id[5:],
        }
        self.step(
            ItemType.TOOL_RESULT,
            {"tool_call_id": call_id, "result": outcome},
            error=None if ok else str(error),
        )

    def output(self, value: Any, tokens: int = 60) -> None:
        self.run.output = value
        self.step(
            ItemType.OUTPUT,
            {"output": value, "tokens_used": tokens, "total_tokens_used": self.run.tokens + tokens},
            tokens=tokens,
        )

    async def reply(self) -> Turn:
        """Wait for a conversational reply (``WaitingForResponse``)."""
        loop = asyncio.get_running_loop()
        self.run.waiter = loop.create_future()
        self.session.set_status(self.run, Status.WAITING_FOR_RESPONSE)
        turn: Turn = await self.run.waiter
        self.run.waiter = None
        return turn

    def _task(
        self,
        kind: str,
        title: str,
        prompt: str,
        *,
        options: list[dict[str, Any]] | None,
        tool: dict[str, Any] | None,
        api_completable: bool,
        blocking: bool,
        extra: dict[str, Any] | None = None,
    ) -> Task:
        task_id = self.session.ids.new()
        content: dict[str, Any] = {
            "user_task_id": task_id,
            "kind": kind,
            "status": TaskStatus.PENDING,
            "title": title,
            "prompt": prompt,
            "api_completable": api_completable,
        }
        if options is not None:
            content["options"] = options
        if tool is not None:
            content["tool"] = tool
        content.update(extra or {})
        item = self.step(ItemType.USER_TASK_REQ, content)
        task = Task(
            task_id,
            self.run.id,
            kind,
            title,
            prompt,
            options,
            tool,
            api_completable,
            item["id"],
            blocking,
        )
        if blocking:
            task.future = asyncio.get_running_loop().create_future()
        self.session.tasks[task_id] = task
        self.session.emit("user_task", "engine.user_task.created", task.event_data())
        return task

    async def ask(
        self,
        kind: str,
        title: str,
        prompt: str,
        *,
        options: list[dict[str, Any]] | None = None,
        tool: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Create a blocking user task and wait until a person completes it."""
        task = self._task(
            kind,
            title,
            prompt,
            options=options,
            tool=tool,
            api_completable=True,
            blocking=True,
            extra=extra,
        )
        self.session.set_status(self.run, BLOCKING_STATUS.get(kind, Status.WAITING_FOR_HITL))
        assert task.future is not None
        outcome = await task.future
        self.session.set_status(self.run, Status.RUNNING)
        return outcome

    def alert(
        self, title: str, prompt: str, *, api_completable: bool, kind: str = TaskKind.ANOMALY_ALERT
    ) -> Task:
        """A non-blocking task (an ``anomaly_alert`` unless ``kind`` says otherwise); the run
        goes on while it waits to be acknowledged."""
        return self._task(
            kind,
            title,
            prompt,
            options=None,
            tool=None,
            api_completable=api_completable,
            blocking=False,
        )

    async def escalate(self, question: str) -> str:
        """Agent-in-the-loop: this (child) run asks a person, through an ``aitl_escalation``."""
        request_id = "aitl_" + self.session.ids.new()[:8]
        self.step(ItemType.AITL_REQUEST, {"request_id": request_id, "question": question})
        aitl = {
            "runId": self.run.id,
            "parentRunId": self.run.parent_id,
            "requestId": request_id,
            "question": question,
        }
        self.session.emit("aitl", "engine.aitl.requested", aitl)
        outcome = await self.ask(
            TaskKind.AITL_ESCALATION,
            "Question from a sub-agent",
            question,
            extra={"question_for_user": question},
        )
        answer = str(outcome.get("textValue", ""))
        self.step(ItemType.AITL_RESPONSE, {"request_id": request_id, "answer": answer})
        self.session.emit("aitl", "engine.aitl.resolved", {**aitl, "answer": answer})
        return answer

    async def timer(self, seconds: float) -> bool:
        """A ``phrony_wait``: ``WaitingForTimer`` until it fires or is skipped. True if skipped."""
        engine = self.session.engine
        real = max(seconds / engine.speed, min(seconds, engine.min_timer_s))
        wait_until = engine.clock.iso(after_seconds=real)
        self.step(ItemType.WAIT, {"seconds": seconds, "wait_until": wait_until})
        self.run.waiter = asyncio.get_running_loop().create_future()
        self.session.set_status(self.run, Status.WAITING_FOR_TIMER)
        try:
            await asyncio.wait_for(asyncio.shield(self.run.waiter), timeout=real)
            skipped = True
        except TimeoutError:
            skipped = False
        self.run.waiter = None
        self.session.set_status(self.run, Status.RUNNING)
        return skipped

    async def spawn(self, agent: Agent, arguments: Any) -> Any:
        """Run a sub-agent to its end and return its output (a ``SubAgentCall``/``Result``)."""
        session = self.session
        child = session._new_run(agent, self.run, self.run.depth + 1, arguments)
        session.engine.register(child)
        self.step(
            ItemType.SUB_AGENT_CALL,
            {"agent_name": agent.name, "child_run_id": child.id, "arguments": arguments},
        )
        session.emit(
            "run",
            "engine.subagent.spawned",
            {
                "parentRunId": self.run.id,
                "runId": child.id,
                "agentName": agent.name,
                "depth": child.depth,
            },
        )
        session.launch(child)
        assert child.task is not None
        await asyncio.shield(child.task)
        self.step(
            ItemType.SUB_AGENT_RESULT,
            {"child_run_id": child.id, "output": child.output, "status": child.status},
        )
        return child.output

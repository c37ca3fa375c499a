"""What a scenario script can do: think, call tools, reply, ask a person, wait, spawn sub-agents.
Each call becomes timeline items, status changes and events as API.md section 10 describes."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from ..api.models import ItemType, Status, TaskKind, TaskStatus
from .records import Agent, Turn
from .tasks import Task

if TYPE_CHECKING:
    from .records import Run
    from .session import SimSession

BLOCKING_STATUS: dict[str, str] = {
    TaskKind.AITL_ESCALATION: Status.WAITING_FOR_AITL,
}


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
        call_id = self.tool_call(name, arguments, operation)
        await self.pause(pause)
        self.tool_result(call_id, result, ok=ok, error=error)

    def tool_call(self, name: str, arguments: Any, operation: str | None = None) -> str:
        call_id = "call_" + self.session.ids.new()[:8]
        call: dict[str, Any] = {"name": name, "arguments": arguments, "tool_call_id": call_id}
        if operation:
            call["operation_name"] = operation
        self.step(ItemType.TOOL_CALL, call, tokens=40)
        return call_id

    def tool_result(self, call_id: str, result: Any, *, ok: bool = True, error: Any = None) -> None:
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

    def make_task(
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
        task = self.make_task(
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
        return self.make_task(
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

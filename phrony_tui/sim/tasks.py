"""User tasks: what a script asks a person, and how a task ends (answered or cancelled)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..api.models import Status, TaskStatus
from .records import Run


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


class TaskHandling:
    """The part of a session that ends a task: its row, its event, and the run it held."""

    runs: dict[str, Run]
    tasks: dict[str, Task]

    if TYPE_CHECKING:

        def update_item(self, item_id: str, content: dict[str, Any]) -> None: ...
        def emit(self, kind: str, subject: str, data: dict[str, Any]) -> None: ...
        def set_status(self, run: Run, status: str) -> None: ...

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

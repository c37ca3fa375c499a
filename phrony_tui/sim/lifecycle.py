"""How runs start, wait, resume and end, and how a session ends with its root run."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from ..api.models import TERMINAL_STATUSES, ItemType, Status, TaskStatus
from .context import RunContext
from .records import Run, ScriptFailed, Turn
from .tasks import Task

if TYPE_CHECKING:
    from .engine import Engine


class RunLifecycle:
    """The part of a session that drives its runs' scripts and moves their statuses."""

    engine: Engine
    id: str
    runs: dict[str, Run]
    tasks: dict[str, Task]
    root: Run
    status: str
    output: Any
    error: str | None
    finished_at: str | None
    ended: asyncio.Event

    if TYPE_CHECKING:

        @property
        def tokens(self) -> int: ...
        def emit(self, kind: str, subject: str, data: dict[str, Any]) -> None: ...
        def now(self) -> str: ...
        def session_event_data(self) -> dict[str, Any]: ...
        def end_task(self, task: Task, status: str, outcome: dict[str, Any] | None) -> None: ...
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
        ) -> dict[str, Any]: ...

    def start(self) -> None:
        self.emit("session", "engine.session.started", self.session_event_data())
        self.launch(self.root)

    def launch(self, run: Run) -> None:
        self.emit("run", "engine.run.started", run.summary())
        self.drive(run)

    def drive(self, run: Run) -> None:
        """Run the run's script (or what it resumes with) to its end, on the running loop."""
        run.task = asyncio.get_running_loop().create_task(self._drive(run))

    async def _drive(self, run: Run) -> None:
        ctx = RunContext(run.session, run)
        try:
            result = await (run.resume or run.agent.script)(ctx)
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
        run.finished_at = self.now()
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
        self.finished_at = self.now()
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

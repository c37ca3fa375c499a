"""What the session waits for, as a list of pauses the composer can answer one at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from ..api.models import ItemType, Status, TaskKind
from ..session import SessionState, UserTask
from ..session.drafts import DraftKey, DraftKind
from .sanitize import one_line


@dataclass(frozen=True)
class Pause:
    """One thing a person can do now: reply to a run, complete a task, or skip a timer."""

    kind: DraftKind
    run_id: str
    task: UserTask | None = None
    wait_until: str | None = None

    @property
    def answerable_here(self) -> bool:
        """Not a task only the Phrony dashboard can complete."""
        return self.task is None or self.task.api_completable

    @property
    def key(self) -> DraftKey:
        """Its draft's key: a task's drafts follow the task, a reply's the run."""
        if self.task is not None:
            return DraftKey(DraftKind.TASK, self.task.id)
        return DraftKey(self.kind, self.run_id)


def pauses(state: SessionState) -> list[Pause]:
    """Pending tasks in timeline order, then runs waiting for a reply, then timers."""
    out = [Pause(DraftKind.TASK, task.run_id, task) for task in state.pending_tasks()]
    for run in state.runs_by_depth():
        if run.status == Status.WAITING_FOR_RESPONSE:
            out.append(Pause(DraftKind.REPLY, run.id))
    for run in state.runs_by_depth():
        if run.status == Status.WAITING_FOR_TIMER:
            out.append(Pause(DraftKind.TIMER, run.id, wait_until=_wait_until(state, run.id)))
    return out


def after_end(now: list[Pause], before: list[DraftKey], ended: DraftKey | None) -> DraftKey | None:
    """What to select once the selected pause ``ended``: one that began since, else the one
    that followed it, else any; one this console can answer before one only the Phrony
    dashboard can."""
    gone = before.index(ended) if ended in before else 0
    began = [p for p in now if p.key not in before]
    following = [p for p in now if p.key in before and before.index(p.key) > gone]
    order = began + following + now
    choice = next((p for p in order if p.answerable_here), order[0] if order else None)
    return choice.key if choice is not None else None


def _wait_until(state: SessionState, run_id: str) -> str | None:
    for item in state.iter_latest_first():
        if item.run_id == run_id and item.is_type(ItemType.WAIT) and isinstance(item.content, dict):
            value = item.content.get("wait_until")
            return str(value) if value else None
    return None


def seconds_left(wait_until: str | None) -> float | None:
    if not wait_until:
        return None
    try:
        moment = datetime.fromisoformat(wait_until.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def headline(pause: Pause, state: SessionState) -> str:
    """What the composer says the run waits for (plain text; drawn literally)."""
    run = state.runs.get(pause.run_id)
    who = one_line((run.agent_name or run.short_id) if run else pause.run_id[:8], 40)
    if pause.kind is DraftKind.REPLY:
        return f"{who} is waiting for your reply"
    if pause.kind is DraftKind.TIMER:
        return f"{who} is waiting for a timer"
    task = pause.task
    assert task is not None
    title = one_line(task.title or task.kind or "task", 100)
    if not task.api_completable:
        return f"{title} — complete it in the Phrony dashboard"
    if task.is_approval:
        return title if title.lower().startswith("approval") else f"Approval required: {title}"
    if task.kind == TaskKind.ANOMALY_ALERT:
        return f"Alert: {title}"
    return f"{title} ({who})"

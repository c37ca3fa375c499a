"""What the inbox lists: one row per thing a person can do for a waiting session.

A session waits when any of its runs waits (a sub-agent's approval included). Each pending
task is a row; a run waiting for a chat reply is a row ("chat"); a run on a timer is a row
("timer", which a person can skip). A waiting session whose timeline hides what it waits for
(a trigger that does not expose the timeline to API keys) is still a row ("waiting"): a pause
must not go unnoticed because its details are private.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..api.models import ItemType, Status, TimelineItem, is_waiting, same_type
from ..session import SessionState, UserTask
from .agents import WatchedAgent

CHAT = "chat"
TIMER = "timer"
#: A session waits, but its timeline shows nothing to act on.
WAITING = "waiting"

#: Statuses the sessions route can filter on. An unknown ``Waiting*`` status also means the
#: run waits (API.md), but no filter can ask for a status nobody knows the name of.
WAITING_STATUSES = (
    Status.WAITING_FOR_RESPONSE,
    Status.WAITING_FOR_HITL,
    Status.WAITING_FOR_AITL,
    Status.WAITING_FOR_TIMER,
)


@dataclass(frozen=True)
class InboxRow:
    key: str
    agent: WatchedAgent
    session_id: str
    root_run_id: str
    run_id: str
    run_label: str
    kind: str
    title: str
    waiting_since: datetime | None
    task: UserTask | None

    @property
    def answerable_here(self) -> bool:
        """An approval-like task the API can complete: approve or reject needs no form."""
        task = self.task
        return (
            task is not None
            and task.is_approval
            and task.api_completable
            and task.status == "Pending"
        )


@dataclass(frozen=True)
class InboxSnapshot:
    rows: list[InboxRow]
    errors: dict[str, str]
    loading: bool


def when(stamp: Any) -> datetime | None:
    """A server timestamp as an aware datetime (UTC when it names no zone), or None."""
    if not isinstance(stamp, str) or not stamp:
        return None
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _since(item: TimelineItem | None) -> datetime | None:
    if item is None:
        return None
    return when(item.finished_at) or when(item.started_at)


def _latest(state: SessionState, run_id: str, kind: str | None = None) -> TimelineItem | None:
    for item in state.iter_latest_first():
        if item.run_id == run_id and (kind is None or same_type(item.type, kind)):
            return item
    return None


def _said(item: TimelineItem | None) -> str | None:
    """The text of an output step, when it is text."""
    if item is None or not isinstance(item.content, dict):
        return None
    value = item.content.get("output")
    return value if isinstance(value, str) and value.strip() else None


def _timer_title(item: TimelineItem | None) -> str:
    until = (
        when(item.content.get("wait_until")) if item and isinstance(item.content, dict) else None
    )
    if until is None:
        return "Timer (can skip)"
    try:
        until = until.astimezone(UTC)
    except (OverflowError, ValueError):
        return f"Timer until {until.isoformat()} (can skip)"
    return f"Timer until {until.strftime('%Y-%m-%d %H:%M:%S')} UTC (can skip)"


def rows_of(
    agent: WatchedAgent, state: SessionState, session_id: str, root_run_id: str
) -> list[InboxRow]:
    """The rows of one waiting session, in timeline order; none once it waits no more (it
    moved on between the list and the conversation)."""
    if not is_waiting(state.status) and not any(is_waiting(r.status) for r in state.runs.values()):
        return []

    def row(
        key: str,
        run_id: str,
        kind: str,
        title: str,
        since: datetime | None,
        task: UserTask | None = None,
    ) -> InboxRow:
        node = state.runs.get(run_id)
        label = (node.agent_name if node else None) or agent.label
        return InboxRow(
            key, agent, session_id, root_run_id, run_id, label, kind, title, since, task
        )

    rows: list[InboxRow] = []
    for task in state.pending_tasks():
        item = state.items.get(task.item_id)
        since = when(item.started_at) if item else None
        title = task.title or task.prompt or task.kind
        rows.append(row(task.id, task.run_id, task.kind, title, since, task))
    for node in state.runs_by_depth():
        if node.status == Status.WAITING_FOR_RESPONSE:
            last = _latest(state, node.id)
            title = _said(_latest(state, node.id, ItemType.OUTPUT)) or "Waits for a reply"
            rows.append(row(f"{node.id}:{CHAT}", node.id, CHAT, title, _since(last)))
        elif node.status == Status.WAITING_FOR_TIMER:
            wait = _latest(state, node.id, ItemType.WAIT)
            since = when(wait.started_at) if wait else _since(_latest(state, node.id))
            rows.append(row(f"{node.id}:{TIMER}", node.id, TIMER, _timer_title(wait), since))
    if not rows and is_waiting(state.status):
        run_id = root_run_id or (state.root.id if state.root else "")
        title = f"{state.status} (the timeline is not shown to API keys)"
        since = _since(_latest(state, run_id)) if run_id else None
        rows.append(row(f"{run_id}:{WAITING}", run_id, WAITING, title, since))
    return rows


def order(rows: list[InboxRow]) -> list[InboxRow]:
    """Oldest wait first, rows with no time last; ties keep the order they came in (agents
    as configured, then sessions newest first, then timeline order)."""
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(rows, key=lambda r: r.waiting_since or far)


def agent_names(rows: Sequence[InboxRow]) -> dict[str, str]:
    """Each agent's name as the server gives it on its root runs, for agents the config names
    not (a name beats eight characters of a UUID)."""
    names: dict[str, str] = {}
    for row in rows:
        if not row.agent.name and row.run_id == row.root_run_id and row.run_label:
            names.setdefault(row.agent.id, row.run_label)
    return names

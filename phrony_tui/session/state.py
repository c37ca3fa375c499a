"""``SessionState``: the pure reducer behind the console.

``/conversation`` is the truth and replaces everything; stream events are fast hints applied on
top. Events may arrive late, twice or out of order, so every merge is monotonic: a finished run or
task never goes back to running or pending, an item never loses its outcome, tokens never shrink.
Applying any of a session's events after its final snapshot therefore changes nothing.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from typing import Any

import msgspec
from pydantic import ValidationError

from ..api.compact import CompactConversation, StepRecord
from ..api.models import (
    COMPLETION_TYPES,
    Conversation,
    ItemType,
    RunSummary,
    Session,
    SessionEventData,
    StepEvent,
    StreamEvent,
    SubagentSpawnedData,
    TaskStatus,
    TimelineItem,
    UserTaskContent,
    UserTaskEventData,
    is_terminal,
    is_waiting,
    same_type,
)
from ..api.numbers import NUMBER_LIMIT
from ..api.tolerant import validate_tolerant
from .change import Change
from .events import MalformedEventError, read_event
from .runs import RunNode, by_depth, link
from .steps import StepStore
from .tasks import UserTask


class _StepFields(msgspec.Struct, rename="camel"):
    """What places a step in the timeline, read from its JSON without building its model."""

    id: str
    run_id: str
    ordinal: int | float = 0
    type: str = ""
    tokens_used: int | float | None = None


_STEP_FIELDS = msgspec.json.Decoder(_StepFields)
_TASK_TYPE = ItemType.USER_TASK_REQ.lower()


def _task_rank(status: str | None) -> int:
    """Pending (or unknown as yet) is 0; any end state, Completed or Cancelled, is 1."""
    return 0 if (status or TaskStatus.PENDING) == TaskStatus.PENDING else 1


def _item_rank(item: TimelineItem) -> tuple[int, int]:
    """How far along an item is; a lower rank never replaces a higher one."""
    task = 0
    if same_type(item.type, ItemType.USER_TASK_REQ) and isinstance(item.content, dict):
        task = _task_rank(item.content.get("status"))
    return task, int(item.finished_at is not None)


class SessionState:
    """Session, runs tree, timeline by ordinal and pending user tasks of one session."""

    def __init__(self) -> None:
        self.session: Session | None = None
        self.runs: dict[str, RunNode] = {}
        self.items = StepStore()
        self._order: list[tuple[float, str]] = []
        self.tasks: dict[str, UserTask] = {}
        self.redacted = False
        self.last_event_id: str | None = None
        self.unknown_events = 0

    # --- reading ----------------------------------------------------------------------------

    @property
    def timeline(self) -> list[TimelineItem]:
        """Items sorted by ordinal (then id, for equal ordinals)."""
        return [self.items[item_id] for _, item_id in self._order]

    def iter_latest_first(self) -> Iterator[TimelineItem]:
        """Items from the newest, lazily (for "the latest X of run Y")."""
        for _, item_id in reversed(self._order):
            yield self.items[item_id]

    def timeline_ids(self) -> list[str]:
        return [item_id for _, item_id in self._order]

    @property
    def root(self) -> RunNode | None:
        """The run the server calls the root; failing that (every run claims a parent), the
        top of the tree."""
        claimed = next((r for r in self.runs.values() if r.claimed_parent_id is None), None)
        if claimed is not None or not self.runs:
            return claimed
        return by_depth(self.runs)[0]

    @property
    def status(self) -> str:
        return self.session.status if self.session else ""

    def runs_by_depth(self) -> list[RunNode]:
        """Depth-first order from the root: each run followed by its sub-agents, every run
        exactly once (loops in the parents the server names are cut, see ``runs.link``)."""
        return by_depth(self.runs)

    def pending_tasks(self) -> list[UserTask]:
        """Pending tasks in timeline order."""
        pending = [t for t in self.tasks.values() if t.status == TaskStatus.PENDING]
        return sorted(pending, key=lambda t: self._ordinal_of(t.item_id))

    def waiting_for(self, run_id: str | None = None) -> str | None:
        """The ``Waiting*`` status of a run (default: the root), or None when it does not wait."""
        node = self.runs.get(run_id) if run_id else self.root
        status = node.status if node else (self.status if run_id is None else "")
        return status if is_waiting(status) else None

    def _ordinal_of(self, item_id: str | None) -> float:
        return self.items.ordinal(item_id) if item_id and item_id in self.items else float("inf")

    def last_ordinal(self) -> float:
        return self._order[-1][0] if self._order else 0

    # --- snapshot ---------------------------------------------------------------------------

    def apply_conversation(self, snapshot: Conversation | CompactConversation) -> Change:
        """Replace the state with ``snapshot`` (the source of truth)."""
        change = Change(session=True, tasks=True, reset=True)
        old_items = set(self.items)
        self.session = snapshot.session
        self.runs = {}
        for summary in snapshot.runs:
            self._put_run(summary, change)
        link(self.runs)
        self.items = StepStore()
        self._order = []
        self.tasks = {}
        if isinstance(snapshot, CompactConversation):
            for record in snapshot.steps:
                self._put_record(record, change)
        else:
            for item in snapshot.items:
                self._put_item(item, change)
        change.items_removed = old_items - set(self.items)
        change.items_added -= old_items
        self.redacted = self._looks_redacted(snapshot)
        return change

    def _put_record(self, record: StepRecord, change: Change) -> None:
        """A snapshot's step, kept as it came unless it needs a closer look (a user task, or
        an id seen twice)."""
        if record.id in self.items or same_type(record.type, ItemType.USER_TASK_REQ):
            self._put_item(record.model(), change, record.raw)
            return
        key = (record.ordinal, record.id)
        if not self._order or key > self._order[-1]:
            self._order.append(key)
        else:
            bisect.insort(self._order, key)
        self.items.put_record(record)
        self._count_tokens(record.run_id, record.tokens)
        change.items_added.add(record.id)

    @staticmethod
    def _looks_redacted(snapshot: Conversation | CompactConversation) -> bool:
        """API.md 4.7: only completion rows, and no start input or context. The simulator
        also says so outright with ``timelineExposed: false``."""
        session = snapshot.session
        exposed = (session.model_extra or {}).get("timelineExposed")
        if isinstance(exposed, bool):
            return not exposed
        types = (
            (s.type for s in snapshot.steps)
            if isinstance(snapshot, CompactConversation)
            else (i.type for i in snapshot.items)
        )
        only_completions = all(kind.lower() in COMPLETION_TYPES for kind in types)
        return (
            only_completions
            and session.start_context is None
            and session.input is None
            and all(r.input is None for r in snapshot.runs)
        )

    # --- events -----------------------------------------------------------------------------

    def apply_event(self, event: StreamEvent, into: Change | None = None) -> Change:
        """Apply one stream event. Data that is not understood (an unknown kind, a malformed
        body) asks for a reconcile; an error in applying understood data is a bug and
        propagates. ``into``: a change to add to (a batch's), rather than a new one; a step
        added and then updated in one batch is then in both of its sets (``Change.settle``)."""
        change = Change() if into is None else into
        if event.event_id:
            self.last_event_id = event.event_id
        if isinstance(event, StepEvent) and self._put_new_step(event.raw_data, change):
            return change
        try:
            data = read_event(event)
        except MalformedEventError:
            data = None
        if data is None:
            self.unknown_events += 1
            change.reconcile = True
        elif isinstance(data, TimelineItem):
            self._on_step(data, change, event.raw_data if isinstance(event, StepEvent) else None)
        elif isinstance(data, SubagentSpawnedData):
            self._on_spawned(data, change)
        elif isinstance(data, RunSummary):
            self._put_run(data, change)
            link(self.runs)  # a parent or depth named anew may move a run, or close a loop
        elif isinstance(data, SessionEventData):
            self._on_session(data, change)
        elif isinstance(data, UserTaskEventData):
            self._on_user_task(data, change)
        # AITL requests and answers arrive as steps and tasks too; nothing more to hold.
        return change

    def _on_step(self, item: TimelineItem, change: Change, raw: bytes | None) -> None:
        if item.run_id not in self.runs:
            change.reconcile = True  # a run we have not seen yet: fetch the tree
        elif item.tokens_used and item.id not in self.items:
            # Redraws the session panel (the run's share of tokens); not ``runs``: the tree's
            # shape and the pauses are unchanged, and recomputing them per step is costly.
            change.session = True
        self._put_item(item, change, raw)
        if self.redacted and item.type.lower() not in COMPLETION_TYPES:
            self.redacted = False
            change.session = True

    def _put_new_step(self, raw: bytes, change: Change) -> bool:
        """A step not held yet, of a known run, and no task (what a busy run sends most):
        held as its JSON, its model made only when it is read. False when it needs more
        (a step seen before, a task, a run not seen yet, a field out of the ordinary): the
        full path then reads it, with the same outcome."""
        if b'"tokens_used"' in raw:  # the model reads that spelling too; the decoder not
            return False
        try:
            step = _STEP_FIELDS.decode(raw)
        except (msgspec.DecodeError, RecursionError):
            return False
        tokens = step.tokens_used
        if (
            step.id in self.items
            or step.run_id not in self.runs
            or step.type.lower() == _TASK_TYPE
            or self.redacted
            or not -NUMBER_LIMIT <= step.ordinal <= NUMBER_LIMIT  # NaN too
            or (tokens is not None and not 0 <= tokens <= NUMBER_LIMIT)
        ):
            return False
        key = (step.ordinal, step.id)
        if not self._order or key > self._order[-1]:
            self._order.append(key)
        else:
            bisect.insort(self._order, key)
        change.items_added.add(step.id)
        if tokens:
            change.session = True
            self._count_tokens(step.run_id, tokens)
        self.items.put_record(
            StepRecord(step.id, step.run_id, step.ordinal, step.type, raw, tokens or 0)
        )
        return True

    def _on_spawned(self, spawned: SubagentSpawnedData, change: Change) -> None:
        if spawned.run_id not in self.runs:
            self.runs[spawned.run_id] = RunNode(
                spawned.run_id,
                spawned.parent_run_id,
                spawned.depth,
                status="Running",
                agent_name=spawned.agent_name,
            )
            link(self.runs)
            change.runs.add(spawned.run_id)

    def _on_session(self, data: SessionEventData, change: Change) -> None:
        if self.session is None:
            change.reconcile = True
            return
        current = self.session.status
        if is_terminal(current) and data.status != current:
            return
        updates: dict[str, Any] = {"status": data.status or current}
        if data.total_tokens_used is not None:
            updates["total_tokens_used"] = max(
                self.session.total_tokens_used, data.total_tokens_used
            )
        if data.output is not None:
            updates["output"] = data.output
        if data.error is not None:
            updates["error"] = data.error
        self.session = self.session.model_copy(update=updates)
        change.session = True
        if is_terminal(updates["status"]) and not is_terminal(current):
            change.reconcile = True  # finishedAt and the final figures are only in /conversation

    def _on_user_task(self, data: UserTaskEventData, change: Change) -> None:
        task = self.tasks.get(data.user_task_id)
        if task is None:
            # The UserTaskReq step carries the task; until it arrives, fetch the truth.
            change.reconcile = True
            return
        if _task_rank(data.status) > _task_rank(task.status):
            task.status = data.status
            change.tasks = True

    # --- merging ----------------------------------------------------------------------------

    def _put_run(self, summary: RunSummary, change: Change) -> None:
        node = self.runs.get(summary.id)
        if node is None:
            node = RunNode(summary.id, summary.parent_run_id, summary.depth)
            self.runs[summary.id] = node
        elif is_terminal(node.status) and summary.status != node.status:
            # An end state is final: a late event never reopens or re-ends a run.
            node.tokens = max(node.tokens, summary.total_tokens_used)
            return
        node.claimed_parent_id = summary.parent_run_id
        node.depth = summary.depth
        node.status = summary.status
        node.tokens = max(node.tokens, summary.total_tokens_used)
        node.agent_name = summary.agent_name or node.agent_name
        node.summary = summary
        change.runs.add(summary.id)

    def _put_item(
        self, item: TimelineItem, change: Change, raw: msgspec.Raw | bytes | None = None
    ) -> None:
        old = self.items.get(item.id)
        if old is not None:
            if _item_rank(item) < _item_rank(old):
                return
            if old.ordinal != item.ordinal:
                self._order.remove((old.ordinal, old.id))
                bisect.insort(self._order, (item.ordinal, item.id))
            if old != item:
                change.items_updated.add(item.id)
        else:
            key = (item.ordinal, item.id)
            if not self._order or key > self._order[-1]:
                self._order.append(key)
            else:
                bisect.insort(self._order, key)
            change.items_added.add(item.id)
            self._count_tokens(item.run_id, item.tokens_used or 0)
        self.items.put(item, raw)
        if same_type(item.type, ItemType.USER_TASK_REQ):
            self._put_task(item, change)

    def _count_tokens(self, run_id: str, tokens: float) -> None:
        node = self.runs.get(run_id)
        if node is not None and tokens > 0:
            node.step_tokens = min(node.step_tokens + tokens, NUMBER_LIMIT)

    def _put_task(self, item: TimelineItem, change: Change) -> None:
        if not isinstance(item.content, dict):
            return
        try:
            content = validate_tolerant(UserTaskContent, item.content)
        except ValidationError:
            return
        old = self.tasks.get(content.user_task_id)
        if old is not None and _task_rank(old.status) > _task_rank(content.status):
            return
        self.tasks[content.user_task_id] = UserTask.from_content(content, item)
        change.tasks = True

    # --- comparing --------------------------------------------------------------------------

    def fingerprint(self) -> dict[str, Any]:
        """A plain view of the whole state, for tests comparing two states."""
        return {
            "session": self.session.model_dump() if self.session else None,
            "runs": {
                k: (r.parent_id, r.depth, r.status, r.tokens, r.agent_name, sorted(r.children))
                for k, r in self.runs.items()
            },
            "timeline": [(i.id, i.ordinal, i.model_dump()) for i in self.timeline],
            "tasks": {k: (t.status, t.kind, t.run_id) for k, t in self.tasks.items()},
            "redacted": self.redacted,
        }

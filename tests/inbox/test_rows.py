"""Rows from a conversation as the API gives it: what a session that hides its timeline, one
that moved on, and tasks of each kind become."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from phrony_tui.api import Conversation
from phrony_tui.inbox.agents import WatchedAgent
from phrony_tui.inbox.rows import InboxRow, order, rows_of, when
from phrony_tui.session import SessionState

AGENT = WatchedAgent("agent-1", "Ops")


def state_of(
    status: str, items: list[dict[str, Any]], run_status: str | None = None
) -> SessionState:
    conversation = Conversation.model_validate(
        {
            "session": {"id": "s-1", "status": status, "startedAt": "2026-01-02T03:00:00Z"},
            "runs": [{"id": "r-1", "status": run_status or status, "agentName": "Ops bot"}],
            "items": items,
        }
    )
    state = SessionState()
    state.apply_conversation(conversation)
    return state


def task_item(
    number: int, kind: str, *, completable: bool = True, status: str = "Pending"
) -> dict[str, Any]:
    return {
        "id": f"i-{number}",
        "runId": "r-1",
        "ordinal": number,
        "type": "UserTaskReq",
        "startedAt": f"2026-01-02T03:0{number}:00Z",
        "content": {
            "user_task_id": f"t-{number}",
            "kind": kind,
            "status": status,
            "title": f"Task {number}",
            "api_completable": completable,
        },
    }


def test_a_waiting_session_that_hides_its_timeline_is_still_a_row() -> None:
    completed = {"id": "i-9", "runId": "r-1", "ordinal": 9, "type": "RunCompleted"}
    (row,) = rows_of(AGENT, state_of("WaitingForHITL", [completed]), "s-1", "r-1")
    assert (row.kind, row.key, row.run_id, row.run_label) == (
        "waiting",
        "r-1:waiting",
        "r-1",
        "Ops bot",
    )
    assert row.title == "WaitingForHITL (the timeline is not shown to API keys)"
    assert row.task is None and not row.answerable_here


def test_a_session_that_moved_on_has_no_rows() -> None:
    assert rows_of(AGENT, state_of("Running", [task_item(1, "anomaly_alert")]), "s-1", "r-1") == []


@pytest.mark.parametrize(
    ("kind", "completable", "answerable"),
    [
        ("approval", True, True),
        ("hitl", True, True),
        ("anomaly_review", True, True),
        ("approval", False, False),
        ("multi_option", True, False),
        ("brand_new_kind", True, False),
    ],
)
def test_only_approvals_the_api_can_complete_are_answerable_here(
    kind: str, completable: bool, answerable: bool
) -> None:
    state = state_of("WaitingForHITL", [task_item(1, kind, completable=completable)])
    (row,) = rows_of(AGENT, state, "s-1", "r-1")
    assert (row.kind, row.title, row.key) == (kind, "Task 1", "t-1")
    assert row.answerable_here is answerable
    assert row.waiting_since == datetime(2026, 1, 2, 3, 1, tzinfo=UTC)


def test_done_tasks_are_not_rows_and_rows_go_oldest_first() -> None:
    items = [task_item(3, "text"), task_item(2, "number", status="Completed"), task_item(1, "text")]
    rows = rows_of(AGENT, state_of("WaitingForHITL", items), "s-1", "r-1")
    assert [r.key for r in rows] == ["t-1", "t-3"]
    undated = InboxRow("x", AGENT, "s-2", "r-2", "r-2", "", "chat", "", None, None)
    assert [r.key for r in order([undated, *reversed(rows)])] == ["t-1", "t-3", "x"]


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("2026-01-02T03:04:05Z", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2026-01-02T03:04:05", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("yesterday", None),
        (None, None),
        (42, None),
    ],
)
def test_server_times_are_read_leniently(stamp: Any, expected: datetime | None) -> None:
    assert when(stamp) == expected

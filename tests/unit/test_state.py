"""The session reducer on hand-made snapshots and events."""

from __future__ import annotations

import json
from typing import Any

from phrony_tui.api import Conversation, StreamEvent
from phrony_tui.api.compact import CompactConversation, parse_conversation
from phrony_tui.session import SessionState


def item(
    i: str, ordinal: int, type_: str = "reasoning", run: str = "root", **content: Any
) -> dict[str, Any]:
    return {
        "id": i,
        "runId": run,
        "ordinal": ordinal,
        "sequence": ordinal,
        "type": type_,
        "content": content or {"message": i},
        "startedAt": "t",
        "finishedAt": "t",
    }


def task_item(
    i: str,
    ordinal: int,
    task: str,
    status: str = "Pending",
    run: str = "root",
    kind: str = "approval",
    **extra: Any,
) -> dict[str, Any]:
    return item(
        i,
        ordinal,
        "UserTaskReq",
        run,
        user_task_id=task,
        kind=kind,
        status=status,
        title="Approve?",
        prompt="Send it?",
        api_completable=True,
        **extra,
    )


def run(
    i: str, parent: str | None = None, depth: int = 0, status: str = "Running", tokens: int = 0
) -> dict[str, Any]:
    return {
        "id": i,
        "parentRunId": parent,
        "depth": depth,
        "status": status,
        "totalTokensUsed": tokens,
        "agentName": i.title(),
    }


def conversation(
    items: list[dict[str, Any]],
    runs: list[dict[str, Any]] | None = None,
    status: str = "Running",
    **session: Any,
) -> Conversation:
    return Conversation.model_validate(
        {
            "session": {"id": "s", "status": status, "startContext": {}, **session},
            "runs": runs or [run("root")],
            "items": items,
        }
    )


def ev(kind: str, subject: str, data: dict[str, Any], id_: str = "1") -> StreamEvent:
    e = StreamEvent.model_validate({"ts": "t", "kind": kind, "subject": subject, "data": data})
    e.event_id = id_
    return e


def test_timeline_is_ordered_by_ordinal_not_arrival() -> None:
    state = SessionState()
    state.apply_conversation(conversation([item("c", 3), item("a", 1)]))
    change = state.apply_event(ev("step", "engine.step.reasoning", item("b", 2)))
    assert change.items_added == {"b"}
    assert [i.id for i in state.timeline] == ["a", "b", "c"]
    again = state.apply_event(ev("step", "engine.step.reasoning", item("b", 2)))
    assert not again.items_added and not again.items_updated
    assert len(state.timeline) == 3


def test_runs_tree_by_depth() -> None:
    state = SessionState()
    runs = [run("root"), run("kid", "root", 1), run("grandkid", "kid", 2), run("kid2", "root", 1)]
    state.apply_conversation(conversation([], runs))
    assert [r.id for r in state.runs_by_depth()] == ["root", "kid", "grandkid", "kid2"]
    state.apply_event(
        ev(
            "run",
            "engine.subagent.spawned",
            {"parentRunId": "kid2", "runId": "new", "agentName": "New", "depth": 2},
        )
    )
    assert [r.id for r in state.runs_by_depth()][-1] == "new"
    assert state.runs["new"].agent_name == "New"


def test_pending_tasks_and_completion_never_regresses() -> None:
    state = SessionState()
    state.apply_conversation(conversation([task_item("t1", 1, "task-1", run="root")]))
    (task,) = state.pending_tasks()
    assert (task.id, task.kind, task.run_id, task.prompt) == (
        "task-1",
        "approval",
        "root",
        "Send it?",
    )
    done = task_item("t1", 1, "task-1", status="Completed", outcome={"approved": True})
    assert state.apply_event(ev("step", "engine.step.UserTaskReq", done)).tasks
    assert state.pending_tasks() == []
    assert state.tasks["task-1"].outcome is not None and state.tasks["task-1"].outcome.approved
    # A late copy of the pending row changes nothing.
    state.apply_event(ev("step", "engine.step.UserTaskReq", task_item("t1", 1, "task-1")))
    assert state.pending_tasks() == []
    assert (
        state.apply_event(
            ev(
                "user_task",
                "engine.user_task.created",
                {"userTaskId": "task-1", "status": "Pending"},
            )
        ).tasks
        is False
    )


def test_user_task_event_for_unknown_task_asks_for_reconcile() -> None:
    state = SessionState()
    state.apply_conversation(conversation([]))
    change = state.apply_event(
        ev(
            "user_task",
            "engine.user_task.created",
            {"userTaskId": "new", "kind": "text", "status": "Pending"},
        )
    )
    assert change.reconcile


def test_status_and_waiting_for() -> None:
    state = SessionState()
    state.apply_conversation(conversation([], [run("root"), run("kid", "root", 1)]))
    assert state.waiting_for() is None
    state.apply_event(
        ev("run", "engine.run.status_changed", run("kid", "root", 1, "WaitingForAITL"))
    )
    state.apply_event(
        ev(
            "session",
            "engine.session.status_changed",
            {"sessionId": "s", "status": "WaitingForAITL", "totalTokensUsed": 5},
        )
    )
    assert state.waiting_for("kid") == "WaitingForAITL" and state.waiting_for() is None
    assert (
        state.status == "WaitingForAITL" and state.session and state.session.total_tokens_used == 5
    )
    state.apply_event(ev("run", "engine.run.completed", run("root", status="Completed", tokens=9)))
    state.apply_event(
        ev("run", "engine.run.status_changed", run("root", status="Running", tokens=3))
    )
    assert state.runs["root"].status == "Completed" and state.runs["root"].tokens == 9


def test_terminal_session_never_goes_back() -> None:
    state = SessionState()
    state.apply_conversation(conversation([], status="Completed"))
    state.apply_event(ev("session", "engine.session.status_changed", {"status": "Running"}))
    assert state.status == "Completed"


def test_unknown_and_broken_events_ask_for_reconcile_without_raising() -> None:
    state = SessionState()
    state.apply_conversation(conversation([item("a", 1)]))
    assert state.apply_event(ev("telemetry", "x.y", {})).reconcile
    assert state.apply_event(ev("step", "engine.step.reasoning", {"no": "id"})).reconcile
    assert state.apply_event(ev("run", "engine.run.started", {"depth": "deep"})).reconcile
    assert state.unknown_events == 3 and [i.id for i in state.timeline] == ["a"]


def test_snapshot_replaces_everything_and_reports_removed() -> None:
    state = SessionState()
    state.apply_conversation(conversation([item("a", 1), item("b", 2)]))
    change = state.apply_conversation(conversation([item("b", 2), item("c", 3)]))
    assert change.items_removed == {"a"} and change.items_added == {"c"} and change.reset


def test_redacted_view_is_detected() -> None:
    state = SessionState()
    done = [
        item("rc", 1, "RunCompleted", status="Completed"),
        item("sc", 2, "SessionCompleted", status="Completed"),
    ]
    redacted = Conversation.model_validate(
        {
            "session": {"id": "s", "status": "Completed", "input": None, "startContext": None},
            "runs": [run("root", status="Completed")],
            "items": done,
        }
    )
    state.apply_conversation(redacted)
    assert state.redacted
    state.apply_conversation(conversation(done, status="Completed"))
    assert not state.redacted
    flagged = conversation([], timelineExposed=False)
    state.apply_conversation(flagged)
    assert state.redacted


def compact(
    items: list[dict[str, Any]], runs: list[dict[str, Any]] | None = None
) -> CompactConversation:
    body = json.dumps(
        {"session": {"id": "s", "status": "Running"}, "runs": runs or [run("root")], "items": items}
    ).encode()
    parsed = parse_conversation(body)
    assert parsed is not None
    return parsed


def test_compact_snapshot_keeps_steps_as_records_until_read() -> None:
    state = SessionState()
    state.apply_conversation(compact([item("b", 2), item("a", 1), task_item("t", 3, "T1")]))
    assert state.timeline_ids() == ["a", "b", "t"]
    assert state.items.ordinal("b") == 2 and state.items.run_id("b") == "root"
    assert state.items.type("a") == "reasoning"
    assert [t.id for t in state.pending_tasks()] == ["T1"]  # tasks are read at once
    assert state.items["a"].content == {"message": "a"}
    assert state.items["a"] is state.items["a"]  # read once, kept while recently used


def test_an_event_replaces_a_record_and_merges_as_a_model() -> None:
    state = SessionState()
    state.apply_conversation(compact([task_item("t", 1, "T1")]))
    done = task_item("t", 1, "T1", status="Completed", outcome={"approved": True})
    change = state.apply_event(ev("step", "engine.step.UserTaskReq", done))
    assert change.items_updated == {"t"}
    assert state.items["t"].content["status"] == "Completed"
    assert state.pending_tasks() == []


def test_read_steps_are_bounded() -> None:
    """Only the steps read last are kept as models; an older one is read again, equal."""
    state = SessionState()
    state.apply_conversation(compact([item(f"i{n}", n) for n in range(50)]))
    state.items.CACHED = 8
    read = [state.items[f"i{n}"] for n in range(50)]
    assert [step.ordinal for step in read] == list(range(50))
    kept = [n for n in reversed(range(50)) if state.items[f"i{n}"] is read[n]]
    assert kept == list(range(49, 41, -1))
    assert state.items["i0"] == read[0]
    assert len(state.items) == 50 and set(state.items) == {f"i{n}" for n in range(50)}

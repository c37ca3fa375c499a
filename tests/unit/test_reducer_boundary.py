"""The reducer refuses malformed server data with a reconcile, and swallows nothing else: an
error in its own code propagates."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phrony_tui.api import Conversation, StreamEvent
from phrony_tui.session import SessionState, UserTask


def state_with_a_run() -> SessionState:
    state = SessionState()
    body = {
        "session": {"id": "s", "status": "Running"},
        "runs": [{"id": "root", "status": "Running"}],
        "items": [],
    }
    state.apply_conversation(Conversation.model_validate_json(json.dumps(body)))
    return state


def event(kind: str, subject: str, data: str) -> StreamEvent:
    return StreamEvent.model_validate_json(
        f'{{"ts":"t","kind":"{kind}","subject":"{subject}","data":{data}}}'
    )


@pytest.mark.parametrize(
    ("kind", "subject", "data"),
    [
        ("step", "engine.step.reasoning", '{"no":"id"}'),
        ("step", "engine.step.reasoning", '{"id":"x","ordinal":2}'),
        ("run", "engine.run.status_changed", '{"status":"Running"}'),
        ("run", "engine.subagent.spawned", '{"parentRunId":"root","depth":1}'),
        ("user_task", "engine.user_task.created", '{"status":"Pending"}'),
        ("telemetry", "x.y", "{}"),
    ],
)
def test_malformed_server_data_asks_for_a_reconcile(kind: str, subject: str, data: str) -> None:
    state = state_with_a_run()
    before = state.fingerprint()
    change = state.apply_event(event(kind, subject, data))
    assert change.reconcile and state.unknown_events == 1
    assert state.fingerprint() == before


@pytest.mark.parametrize("error", [KeyError, TypeError, ValueError])
def test_an_error_in_the_reducer_itself_propagates(
    monkeypatch: pytest.MonkeyPatch, error: type[Exception]
) -> None:
    """A bug while applying well-formed data must surface, not pass for a server fault."""

    def broken(*args: Any) -> UserTask:
        raise error("bug in the console")

    monkeypatch.setattr(UserTask, "from_content", broken)
    state = state_with_a_run()
    step = {
        "id": "t",
        "runId": "root",
        "ordinal": 1,
        "type": "UserTaskReq",
        "content": {"user_task_id": "T", "kind": "approval", "status": "Pending"},
    }
    with pytest.raises(error, match="bug in the console"):
        state.apply_event(event("step", "engine.step.UserTaskReq", json.dumps(step)))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)
FIELDS = [
    "id",
    "runId",
    "parentRunId",
    "depth",
    "status",
    "ordinal",
    "type",
    "content",
    "totalTokensUsed",
    "userTaskId",
    "agentName",
    "output",
    "error",
]
KINDS = [
    ("step", "engine.step.UserTaskReq"),
    ("step", "engine.step.reasoning"),
    ("run", "engine.run.status_changed"),
    ("run", "engine.subagent.spawned"),
    ("session", "engine.session.status_changed"),
    ("user_task", "engine.user_task.completed"),
    ("aitl", "engine.aitl.requested"),
]


@settings(max_examples=300, deadline=None)
@given(
    events=st.lists(
        st.tuples(
            st.sampled_from(KINDS),
            st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, max_size=8),
        ),
        max_size=6,
    )
)
def test_any_server_data_is_applied_or_refused_never_raised(
    events: list[tuple[tuple[str, str], dict[str, Any]]],
) -> None:
    state = state_with_a_run()
    for (kind, subject), data in events:
        state.apply_event(event(kind, subject, json.dumps(data)))
        assert sorted(r.id for r in state.runs_by_depth()) == sorted(state.runs)
        state.pending_tasks()
        assert [i.id for i in state.timeline] == state.timeline_ids()

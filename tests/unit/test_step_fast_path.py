"""A new step of a known run is held as its JSON without its model being built (the fast
path); any step must leave the state exactly as the full path (the model first) leaves it."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from phrony_tui.api import Conversation, StreamEvent
from phrony_tui.api.models import StepEvent
from phrony_tui.session import Change, SessionState

NUMBERS = st.one_of(
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.text(max_size=5),
)
STEP = st.fixed_dictionaries(
    {"id": st.sampled_from(["a", "b", "c", "d"])},
    optional={
        "runId": st.sampled_from(["r", "r2", "unknown"]),
        "run_id": st.sampled_from(["r", "r2"]),
        "ordinal": NUMBERS,
        "type": st.sampled_from(["reasoning", "Reasoning", "UserTaskReq", "usertaskreq", "", 3]),
        "tokensUsed": NUMBERS,
        "tokens_used": NUMBERS,
        "content": st.one_of(st.none(), st.dictionaries(st.text(max_size=3), st.integers())),
        "finishedAt": st.one_of(st.none(), st.just("2026-01-01T00:00:00Z")),
    },
)


def exposed() -> SessionState:
    """A session whose timeline is shown, with two runs (the fast path's ground)."""
    out = SessionState()
    body = {
        "session": {"id": "s", "timelineExposed": True},
        "runs": [{"id": "r"}, {"id": "r2", "parentRunId": "r", "depth": 1}],
        "items": [],
    }
    out.apply_conversation(Conversation.model_validate_json(json.dumps(body)))
    return out


def seen(state: SessionState, changes: list[Change]) -> Any:
    return {
        "timeline": [(i.id, i.ordinal, i.model_dump()) for i in state.timeline],
        "order": [(state.items.ordinal(i), i) for i in state.timeline_ids()],
        "tokens": {r.id: r.step_tokens for r in state.runs.values()},
        "records": {i: (state.items.type(i), state.items.run_id(i)) for i in state.items},
        "changes": [
            (c.session, sorted(c.items_added), sorted(c.items_updated), c.reconcile, c.tasks)
            for c in changes
        ],
    }


def event(data: dict[str, Any]) -> str:
    return json.dumps({"ts": "t", "kind": "step", "subject": "engine.step.x", "data": data})


@settings(max_examples=300, deadline=None)
@given(st.lists(STEP, min_size=1, max_size=8))
def test_the_fast_path_leaves_the_state_the_full_path_leaves(steps: list[dict[str, Any]]) -> None:
    fast, full = exposed(), exposed()
    fast_changes, full_changes = [], []
    for data in steps:
        text = event(data)
        quick = StreamEvent.from_json(text)  # a step event, kept as its JSON
        slow = StreamEvent.model_validate_json(text)  # the same event, read as a model
        assert isinstance(quick, StepEvent) and not isinstance(slow, StepEvent)
        fast_changes.append(fast.apply_event(quick))
        full_changes.append(full.apply_event(slow))
    assert seen(fast, fast_changes) == seen(full, full_changes)


def test_a_plain_new_step_takes_the_fast_path_and_reads_back_whole() -> None:
    """The case the fast path is for: nothing but the JSON is held until it is read."""
    held = exposed()
    data = {"id": "a", "runId": "r", "ordinal": 3, "type": "reasoning", "tokensUsed": 7}
    change = held.apply_event(StreamEvent.from_json(event(data | {"content": {"m": 1}})))
    assert change.items_added == {"a"} and change.session and not change.reconcile
    assert held.items.json_of("a") == json.dumps(data | {"content": {"m": 1}}).encode()
    assert held.runs["r"].step_tokens == 7 and held.items["a"].content == {"m": 1}

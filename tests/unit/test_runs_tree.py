"""The runs tree holds every run exactly once and hides no pause, whatever parents the server
names: a run its own parent, the root a child of its own descendant, longer loops."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from phrony_tui.api import Conversation, StreamEvent
from phrony_tui.session import SessionState
from phrony_tui.ui.pauses import pauses


def run(i: str, parent: str | None, depth: int = 0, status: str = "Running") -> dict[str, Any]:
    return {"id": i, "parentRunId": parent, "depth": depth, "status": status, "agentName": i}


def task_step(i: str, ordinal: int, run_id: str) -> dict[str, Any]:
    return {
        "id": f"step-{i}",
        "runId": run_id,
        "ordinal": ordinal,
        "type": "UserTaskReq",
        "content": {"user_task_id": i, "kind": "approval", "status": "Pending", "title": i},
    }


def snapshot(runs: list[dict[str, Any]], items: list[dict[str, Any]] | None = None) -> Conversation:
    body = {"session": {"id": "s", "status": "Running"}, "runs": runs, "items": items or []}
    return Conversation.model_validate_json(json.dumps(body))


def run_event(data: dict[str, Any]) -> StreamEvent:
    body = {"ts": "t", "kind": "run", "subject": "engine.run.status_changed", "data": data}
    return StreamEvent.model_validate_json(json.dumps(body))


def assert_tree(state: SessionState) -> None:
    order = state.runs_by_depth()
    ids = [r.id for r in order]
    assert sorted(ids) == sorted(state.runs), "every run exactly once"
    seen: set[str] = set()
    for node in order:
        if node.parent_id in state.runs:
            assert node.parent_id in seen and node.id in state.runs[node.parent_id].children
        seen.add(node.id)
        hops, at = 0, node.parent_id
        while at in state.runs:
            at, hops = state.runs[at].parent_id, hops + 1
            assert hops <= len(state.runs), "no loop in the tree"
    assert state.root is not None and state.root is order[0]


def test_the_root_made_a_child_of_its_own_grandchild_keeps_its_reply_pause() -> None:
    state = SessionState()
    runs = [run("root", None, 0, "WaitingForResponse"), run("kid", "root", 1), run("gk", "kid", 2)]
    state.apply_conversation(snapshot(runs, [task_step("T", 1, "gk")]))
    state.apply_event(run_event(run("root", "gk", 0, "WaitingForResponse")))
    assert_tree(state)
    assert [r.id for r in state.runs_by_depth()] == ["root", "kid", "gk"]
    assert state.root is not None and state.root.id == "root"
    assert state.waiting_for() == "WaitingForResponse"
    assert {(p.kind, p.run_id) for p in pauses(state)} == {("task", "gk"), ("reply", "root")}


def test_a_run_that_is_its_own_parent_and_a_loop_without_a_root() -> None:
    state = SessionState()
    runs = [run("b", "a", 2, "WaitingForResponse"), run("a", "b", 1), run("c", "c", 1)]
    state.apply_conversation(snapshot(runs))
    assert_tree(state)
    assert [r.id for r in state.runs_by_depth()] == ["a", "b", "c"]
    assert state.runs["a"].parent_id is None and state.runs["a"].claimed_parent_id == "b"
    assert [p.run_id for p in pauses(state)] == ["b"]
    # The loop is opened by a later event: the tree follows the server again.
    state.apply_event(run_event(run("a", None, 0)))
    assert state.runs["b"].parent_id == "a" and state.root is not None and state.root.id == "a"


def test_a_long_chain_is_walked_without_recursion() -> None:
    runs = [run("r0", None)] + [run(f"r{n}", f"r{n - 1}", n) for n in range(1, 3000)]
    state = SessionState()
    state.apply_conversation(snapshot(runs))
    assert len(state.runs_by_depth()) == 3000
    state.apply_event(run_event(run("r0", "r2999", 0)))
    assert [r.id for r in state.runs_by_depth()][:2] == ["r0", "r1"]


IDS = [f"r{n}" for n in range(7)]
STATUSES = ["Running", "WaitingForResponse", "WaitingForHITL", "Completed"]
RUNS = st.lists(
    st.tuples(st.sampled_from([None, "ghost", *IDS]), st.integers(0, 3), st.sampled_from(STATUSES)),
    min_size=1,
    max_size=len(IDS),
)


@settings(max_examples=300, deadline=None)
@given(
    claims=RUNS,
    moves=st.lists(st.tuples(st.integers(0, 6), st.sampled_from([None, "ghost", *IDS]))),
    tasks=st.lists(st.integers(0, 6), max_size=5),
    order=st.randoms(use_true_random=False),
)
def test_any_parents_give_one_tree_with_every_run_and_pause(
    claims: list[tuple[str | None, int, str]],
    moves: list[tuple[int, str | None]],
    tasks: list[int],
    order: Any,
) -> None:
    runs = [run(IDS[n], parent, depth, status) for n, (parent, depth, status) in enumerate(claims)]
    steps = [task_step(f"T{n}", n, IDS[k % len(runs)]) for n, k in enumerate(tasks)]
    state = SessionState()
    state.apply_conversation(snapshot(runs, steps))
    assert_tree(state)
    for index, parent in moves:
        moved = dict(runs[index % len(runs)], parentRunId=parent)
        runs[index % len(runs)] = moved
        state.apply_event(run_event(moved))
        assert_tree(state)
    assert len(state.pending_tasks()) == len(steps)
    replies = {r["id"] for r in runs if r["status"] == "WaitingForResponse"}
    assert {p.run_id for p in pauses(state) if p.kind == "reply"} == replies
    # The cut depends on the runs, not on the order they came in.
    shuffled = list(runs)
    order.shuffle(shuffled)
    again = SessionState()
    again.apply_conversation(snapshot(shuffled, steps))
    assert {k: r.parent_id for k, r in again.runs.items()} == {
        k: r.parent_id for k, r in state.runs.items()
    }
    # A run outside every loop keeps the parent it named.
    for node in state.runs.values():
        if node.parent_id != node.claimed_parent_id:
            assert node.parent_id is None
            hops, at = 0, node.claimed_parent_id
            while at in state.runs and at != node.id and hops <= len(state.runs):
                at, hops = state.runs[at].claimed_parent_id, hops + 1
            assert at == node.id, f"{node.id} was cut without closing a loop"


def test_a_run_with_an_empty_id_is_no_parent_of_the_roots() -> None:
    """A null id read tolerantly becomes "": runs without a parent must not hang under it."""
    state = SessionState()
    state.apply_conversation(snapshot([run("root", None, 0, "WaitingForResponse")]))
    state.apply_event(run_event(run("", None, 0)))
    state.apply_event(run_event({"id": None, "parentRunId": "root", "depth": 1}))
    assert_tree(state)
    assert [p.run_id for p in pauses(state)] == ["root"]

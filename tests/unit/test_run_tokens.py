"""A running run's tokens: its steps count before its run summary says so (the token mix),
without changing the run's own total (which a fresh snapshot must agree with)."""

from __future__ import annotations

from phrony_tui.session import SessionState
from tests.unit.test_state import conversation, ev, item, run


def step(i: str, ordinal: int, tokens: int, run_id: str = "kid") -> dict[str, object]:
    return {**item(i, ordinal, run=run_id), "tokensUsed": tokens}


def test_steps_of_a_running_run_count_towards_its_tokens() -> None:
    state = SessionState()
    runs = [run("root", tokens=100), run("kid", "root", 1, tokens=0)]
    state.apply_conversation(conversation([], runs))
    change = state.apply_event(ev("step", "engine.step.reasoning", step("a", 1, 40)))
    assert state.runs["kid"].spent == 40
    assert change.session  # the session panel (token mix) is drawn again
    state.apply_event(ev("step", "engine.step.reasoning", step("a", 1, 40)))  # seen again
    state.apply_event(ev("step", "engine.step.reasoning", step("b", 2, 20)))
    assert state.runs["kid"].spent == 60


def test_the_run_summary_total_is_not_counted_twice() -> None:
    state = SessionState()
    state.apply_conversation(conversation([], [run("root"), run("kid", "root", 1)]))
    state.apply_event(ev("step", "engine.step.reasoning", step("a", 1, 40)))
    state.apply_event(ev("run", "engine.run.completed", run("kid", "root", 1, "Completed", 40)))
    assert state.runs["kid"].spent == 40


def test_a_snapshots_steps_count_too() -> None:
    state = SessionState()
    runs = [run("root", tokens=100), run("kid", "root", 1, tokens=0)]
    state.apply_conversation(conversation([step("a", 1, 40), step("b", 2, 2)], runs))
    assert state.runs["kid"].spent == 42 and state.runs["kid"].tokens == 0

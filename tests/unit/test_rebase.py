"""A snapshot rebased over the events around its fetch converges to what a fresh snapshot gives,
however the snapshot and the events interleave."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phrony_tui.api.compact import CompactConversation
from phrony_tui.session import Rebaser, SessionState
from phrony_tui.session.rebase import BIG_SNAPSHOT, EVENT_LOG
from tests.unit.recorded import Recording, multi_agent


def view(state: SessionState) -> dict[str, Any]:
    """What a reader of the state sees (the session's ``finishedAt`` aside: only a snapshot
    carries it, and the reducer asks for one when the session ends)."""
    assert state.session is not None
    return {
        "timeline": [(i.id, i.ordinal, i.model_dump()) for i in state.timeline],
        "runs": [(r.id, r.parent_id, r.status, r.tokens, r.depth) for r in state.runs_by_depth()],
        "pending": [(t.id, t.run_id, t.kind) for t in state.pending_tasks()],
        "tasks": {k: t.status for k, t in state.tasks.items()},
        "session": (state.status, state.session.total_tokens_used),
    }


def fresh(snapshot: CompactConversation) -> dict[str, Any]:
    state = SessionState()
    state.apply_conversation(snapshot)
    return view(state)


@pytest.fixture(scope="module")
def recording() -> Recording:
    rec = multi_agent()
    assert {e.kind for e in rec.events} == {"step", "run", "session", "user_task", "aitl"}
    return rec


@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_any_interleaving_of_snapshots_and_events_converges(
    recording: Recording, data: st.DataObject
) -> None:
    n = len(recording.events)
    # The stream in order, with recent events sent again (as after a reconnect).
    delivered: list[int] = []
    replays = dict(data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(1, 6)))))
    for index in range(n):
        delivered.append(index)
        back = replays.get(index, 0)
        delivered.extend(range(max(0, index - back + 1), index + 1) if back else [])
    total = len(delivered)
    # Each fetch begins after ``a`` deliveries, sees the server at some point at least as far
    # as what was delivered, and its answer arrives after ``b >= a`` deliveries.
    fetches = []
    for _ in range(data.draw(st.integers(1, 4))):
        a = data.draw(st.integers(0, total))
        seen = max(delivered[:a], default=-1) + 1
        k = data.draw(st.integers(seen, n))
        b = data.draw(st.integers(a, total))
        fetches.append((b, a, k))
    fetches.sort(key=lambda f: f[0])
    log_size = data.draw(st.sampled_from([1, 4, 20, EVENT_LOG]))

    rebaser = Rebaser(log_size=log_size)
    newest = -1
    at = 0

    def deliver(upto: int) -> None:
        nonlocal at
        while at < upto:
            size = data.draw(st.integers(1, upto - at))
            batch = [recording.events[i] for i in delivered[at : at + size]]
            rebaser.apply_events(batch, at + 1)
            at += size
        assert rebaser.last_seq == at

    for b, a, k in fetches:
        deliver(b)
        change = rebaser.apply_snapshot(recording.snapshot(k), a)
        if a < newest:
            assert change is None
            continue
        newest = a
        assert change is not None and change.reset
        assert change.reconcile == (b - a > log_size)
        if change.reconcile:  # the caller fetches again, stamped with what it has seen
            newest = rebaser.last_seq
            seen = max(delivered[:at], default=-1) + 1
            again = rebaser.apply_snapshot(recording.snapshot(seen), rebaser.last_seq)
            assert again is not None and not again.reconcile
    deliver(total)
    assert view(rebaser.state) == fresh(recording.final)


def test_a_stale_snapshot_is_ignored_and_the_log_is_replayed(recording: Recording) -> None:
    rebaser = Rebaser()
    events = recording.events
    rebaser.apply_events(events[:10], 1)
    first = rebaser.apply_snapshot(recording.snapshot(10), 10)
    assert first is not None and first.reset and not first.reconcile
    rebaser.apply_events(events[10:], 11)
    assert rebaser.apply_snapshot(recording.snapshot(12), 5) is None
    # An old snapshot fetched once 10 events were seen: everything since goes on top again.
    again = rebaser.apply_snapshot(recording.snapshot(10), 10)
    assert again is not None and not again.reconcile
    assert view(rebaser.state) == fresh(recording.final)
    with pytest.raises(ValueError, match="numbered"):
        rebaser.apply_events(events[:1], rebaser.last_seq)


def test_a_cut_log_asks_for_another_fetch(recording: Recording) -> None:
    rebaser = Rebaser(log_size=3)
    rebaser.apply_events(recording.events[:20], 1)
    change = rebaser.apply_snapshot(recording.snapshot(10), 10)
    assert change is not None and change.reconcile
    change = rebaser.apply_snapshot(recording.snapshot(20), rebaser.last_seq)
    assert change is not None and not change.reconcile


class WatchedSteps(list[Any]):
    """Steps that note whether the cyclic collector ran while they were read."""

    collector: list[bool]

    def __iter__(self) -> Any:
        self.collector.append(gc.isenabled())
        return super().__iter__()


@pytest.mark.parametrize("pause", [False, True])
def test_the_collector_is_paused_for_a_big_snapshot_only_when_asked(
    recording: Recording, pause: bool
) -> None:
    snapshot = recording.final
    steps = WatchedSteps(snapshot.steps * (BIG_SNAPSHOT // len(snapshot.steps) + 1))
    steps.collector = []
    big = CompactConversation(snapshot.session, snapshot.runs, steps)
    assert gc.isenabled()
    Rebaser(pause_collector=pause).apply_snapshot(big, 0)
    assert steps.collector == [not pause]
    assert gc.isenabled()

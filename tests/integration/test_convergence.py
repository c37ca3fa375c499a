"""Property: stream events applied after a snapshot, in any order and with duplicates, converge
to the state of the final snapshot; and the live stream alone keeps up with the server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phrony_tui.api import Conversation, PhronyClient, StreamEvent
from phrony_tui.api.models import (
    AitlRequestContent,
    SubAgentCallContent,
    ToolCallContent,
    UserTaskContent,
)
from phrony_tui.session import SessionState, UserTask, build_answer
from phrony_tui.sim import SimServer
from tests.conftest import TEST_SPEED, eventually, wait_status


@dataclass
class Recording:
    first: Conversation
    events: list[StreamEvent]
    final: Conversation


async def record_multi_agent(sim: SimServer) -> Recording:
    """A whole multi-agent session: first snapshot, every event, final snapshot."""
    async with PhronyClient(sim.base_url, sim.api_key) as client:
        sim.world.engine.speed = 50
        started = await client.start_run(sim.agents["multi-agent"])
        events: list[StreamEvent] = []
        ready = asyncio.Event()

        async def read() -> None:
            async with client.stream(started.run_id) as stream:
                ready.set()
                async for item in stream:
                    if isinstance(item, StreamEvent):
                        events.append(item)

        reader = asyncio.create_task(read())
        await ready.wait()
        first = await client.get_conversation(started.run_id)
        sim.world.engine.speed = TEST_SPEED
        conv = await eventually(
            lambda: client.get_conversation(started.run_id),
            lambda c: sum(1 for t in pending_of(c) if t.api_completable) == 2,
        )
        state = SessionState()
        state.apply_conversation(conv)
        for task in state.pending_tasks():
            if task.api_completable:
                answer = True if task.is_approval else "yes"
                await client.send_message(build_answer(task, answer))
        final = await wait_status(client, started.run_id, "Completed")
        await asyncio.wait_for(reader, 10)
        return Recording(first, events, final)


def pending_of(conv: Conversation) -> list[UserTask]:
    state = SessionState()
    state.apply_conversation(conv)
    return state.pending_tasks()


@pytest.fixture(scope="module")
def recording(sim: SimServer) -> Iterator[Recording]:
    yield asyncio.run(record_multi_agent(sim))


def final_state(rec: Recording) -> SessionState:
    state = SessionState()
    state.apply_conversation(rec.final)
    return state


def test_recording_is_rich(recording: Recording) -> None:
    kinds = {e.kind for e in recording.events}
    assert kinds == {"step", "run", "session", "user_task", "aitl"}
    assert len(recording.events) > 40


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_order_and_duplicates_after_the_final_snapshot(
    recording: Recording, data: st.DataObject
) -> None:
    n = len(recording.events)
    order = data.draw(st.permutations(range(n)))
    extra = data.draw(st.lists(st.integers(0, n - 1), max_size=n))
    state = final_state(recording)
    expected = state.fingerprint()
    for index in [*order, *extra]:
        state.apply_event(recording.events[index])
    assert state.fingerprint() == expected


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_order_and_duplicates_after_the_first_snapshot(
    recording: Recording, data: st.DataObject
) -> None:
    """The whole session's events, shuffled and repeated, on the snapshot taken as it began:
    the same state as the final snapshot, except what only a snapshot carries (the session's
    ``finishedAt``), and for that the reducer asks for a reconcile."""
    n = len(recording.events)
    order = data.draw(st.permutations(range(n)))
    extra = data.draw(st.lists(st.integers(0, n - 1), max_size=n // 2))
    state = SessionState()
    state.apply_conversation(recording.first)
    asked = False
    for index in [*order, *extra]:
        asked |= state.apply_event(recording.events[index]).reconcile
    got, expected = state.fingerprint(), final_state(recording).fingerprint()
    assert got["session"]["finished_at"] is None and expected["session"]["finished_at"]
    assert asked, "the finished session must be reconciled from /conversation"
    got["session"]["finished_at"] = expected["session"]["finished_at"]
    assert got == expected


def test_live_events_on_the_first_snapshot_reach_the_final_timeline(recording: Recording) -> None:
    """Without any reconcile, the stream alone brings the timeline, tasks and runs up to date."""
    state = SessionState()
    state.apply_conversation(recording.first)
    for event in recording.events:
        state.apply_event(event)
    final = final_state(recording)
    assert state.timeline_ids() == final.timeline_ids()
    assert [i.model_dump() for i in state.timeline] == [i.model_dump() for i in final.timeline]
    assert {k: t.status for k, t in state.tasks.items()} == {
        k: t.status for k, t in final.tasks.items()
    }
    assert {k: (r.status, r.depth, r.parent_id) for k, r in state.runs.items()} == {
        k: (r.status, r.depth, r.parent_id) for k, r in final.runs.items()
    }
    assert state.status == final.status == "Completed"


def test_every_step_of_a_whole_session_has_its_typed_content(recording: Recording) -> None:
    """Each known step type of a finished multi-agent session reads as its content model."""
    runs = {r.id for r in recording.final.runs}
    seen = set()
    for item in recording.final.items:
        content = item.typed_content()
        assert content is not None, item.type
        seen.add(type(content).__name__)
        if isinstance(content, SubAgentCallContent):
            assert content.child_run_id in runs and content.agent_name
        elif isinstance(content, AitlRequestContent):
            assert content.question and content.request_id
        elif isinstance(content, ToolCallContent):
            assert content.name and content.tool_call_id
        elif isinstance(content, UserTaskContent):
            assert content.status == "Completed" or content.kind == "anomaly_alert"
    assert len(seen) >= 10, seen

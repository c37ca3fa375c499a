"""The compact conversation (steps held as their JSON bytes) against the models, over a socket."""

from __future__ import annotations

from phrony_tui.api import Conversation, PhronyClient
from phrony_tui.api.compact import CompactConversation
from phrony_tui.session import SessionState
from phrony_tui.sim import SimServer
from tests.conftest import wait_status


async def test_compact_steps_read_back_as_the_models(sim: SimServer, client: PhronyClient) -> None:
    started = await client.start_run(sim.agents["big"], {"items": 400})
    models = await wait_status(client, started.run_id, "Completed")
    compact = await client.load_conversation(started.run_id)
    assert isinstance(compact, CompactConversation)
    assert compact.session == models.session
    assert compact.runs == models.runs
    assert [s.model() for s in compact.steps] == models.items
    assert [(s.id, s.run_id, s.ordinal, s.type) for s in compact.steps] == [
        (i.id, i.run_id, i.ordinal, i.type) for i in models.items
    ]

    from_models, from_compact = SessionState(), SessionState()
    from_models.apply_conversation(models)
    change = from_compact.apply_conversation(compact)
    assert from_compact.fingerprint() == from_models.fingerprint()
    assert change.items_added == set(from_models.items)


async def test_a_session_with_tasks_and_sub_agents_is_the_same_either_way(
    sim: SimServer, client: PhronyClient
) -> None:
    started = await client.start_run(sim.agents["tour"])
    models = await wait_status(client, started.run_id, lambda s: s.startswith("Waiting"))
    compact = await client.load_conversation(started.run_id)
    assert isinstance(compact, CompactConversation)
    from_models, from_compact = SessionState(), SessionState()
    from_models.apply_conversation(models)
    from_compact.apply_conversation(compact)
    assert from_compact.fingerprint() == from_models.fingerprint()
    assert [t.item_id for t in from_compact.pending_tasks()] == [
        t.item_id for t in from_models.pending_tasks()
    ]


async def test_wrong_types_take_the_tolerant_path(sim: SimServer, client: PhronyClient) -> None:
    started = await client.start_run(sim.agents["chat"])
    await wait_status(client, started.run_id, "WaitingForResponse")
    run = sim.world.engine.runs[started.run_id]
    odd = run.session.add_raw_item(run, {"type": 7, "content": {"x": 1}})
    snapshot = await client.load_conversation(started.run_id)
    assert isinstance(snapshot, Conversation)  # the fast path refused; nothing was lost
    assert odd["id"] in {i.id for i in snapshot.items}
    state = SessionState()
    state.apply_conversation(snapshot)
    assert state.items[odd["id"]].type == "7"

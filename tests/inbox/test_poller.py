"""The inbox poller against the simulator (real loopback socket): the rows of every kind of
wait, answers and new runs seen by the next pass, agents that cannot be read, and what a pass
costs in requests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import pytest

from phrony_tui.api import PhronyClient
from phrony_tui.inbox.agents import WatchedAgent
from phrony_tui.inbox.poller import InboxPoller
from phrony_tui.inbox.rows import InboxRow, InboxSnapshot
from phrony_tui.session import build_answer
from phrony_tui.sim import SimServer
from tests.conftest import eventually, pending_tasks, wait_status

#: Long enough that only poke() (or a test's own call) starts a pass.
NEVER = 3600.0


def agent(sim: SimServer, scenario: str) -> WatchedAgent:
    return WatchedAgent(sim.agents[scenario], scenario)


async def start(client: PhronyClient, sim: SimServer, scenario: str, **run_input: Any) -> str:
    """Start a run and return its id once its session waits for a person."""
    started = await client.start_run(sim.agents[scenario], run_input or None)
    await wait_status(client, started.run_id, lambda s: s.startswith("Waiting"))
    return started.run_id


def mine(snapshot: InboxSnapshot, *run_ids: str) -> list[InboxRow]:
    """The rows of these runs' sessions (the simulator is shared with other tests)."""
    return [r for r in snapshot.rows if r.root_run_id in run_ids]


async def next_where(
    updates: AsyncIterator[InboxSnapshot], check: Callable[[InboxSnapshot], bool]
) -> InboxSnapshot:
    async def first() -> InboxSnapshot:
        async for snapshot in updates:
            if check(snapshot):
                return snapshot
        raise AssertionError("updates() ended")

    return await asyncio.wait_for(first(), 60)


def pairs(rows: Sequence[InboxRow]) -> list[tuple[str, str]]:
    return [(r.kind, r.title) for r in rows]


async def test_every_kind_of_wait_is_a_row_oldest_first(
    client: PhronyClient, sim: SimServer
) -> None:
    chat = await start(client, sim, "chat")
    approval = await start(client, sim, "approval")
    forms = await start(client, sim, "forms")
    timer = await start(client, sim, "timer", seconds=3000)
    team = await start(client, sim, "multi-agent")
    await eventually(lambda: client.get_conversation(team), lambda c: len(pending_tasks(c)) == 3)
    scenarios = ("chat", "approval", "forms", "timer", "multi-agent")
    poller = InboxPoller(client, [agent(sim, s) for s in scenarios])

    snapshot = await poller.refresh()

    assert snapshot.errors == {} and not snapshot.loading
    times = [r.waiting_since for r in snapshot.rows]
    assert None not in times and times == sorted(times)  # type: ignore[type-var]
    rows = mine(snapshot, chat, approval, forms, timer, team)
    assert [r.root_run_id for r in rows] == [chat, approval, forms, timer, timer, team, team, team]
    assert pairs(rows[:5]) == [
        ("chat", "Hello! Ask me anything. Say 'done' when you are finished."),
        ("approval", "Approval required: Telegram · Send Message"),
        ("multi_option", "Pick a channel"),
        ("anomaly_alert", "Batch job running late"),
        ("timer", rows[4].title),
    ]
    assert rows[4].title.startswith("Timer until ") and rows[4].title.endswith("(can skip)")
    assert [r.key for r in rows[:1]] == [f"{chat}:chat"] and rows[4].key == f"{timer}:timer"
    assert {(r.kind, r.run_label) for r in rows[5:]} == {
        ("anomaly_alert", "Research lead"),
        ("approval", "Analyst"),
        ("aitl_escalation", "Fact checker"),
    }
    for row in rows[5:]:
        assert row.run_id != team if row.kind != "anomaly_alert" else row.run_id == team
        assert row.task is not None and row.key == row.task.id
    assert [r.answerable_here for r in rows] == [
        False, True, False, False, False, False, True, False,
    ]  # fmt: skip
    tool = rows[1].task.tool if rows[1].task else None
    assert tool is not None and tool.name == "telegram"
    assert {r.agent.label for r in rows} == set(scenarios)
    assert all(r.session_id for r in rows)


async def test_an_answer_elsewhere_leaves_and_a_new_wait_comes_in_after_poke(
    client: PhronyClient, sim: SimServer
) -> None:
    first = await start(client, sim, "approval")
    poller = InboxPoller(client, [agent(sim, "approval")], interval=NEVER)
    updates = poller.updates()
    snapshot = await next_where(updates, lambda s: not s.loading)
    (row,) = mine(snapshot, first)
    assert row.task is not None

    async with PhronyClient(sim.base_url, sim.api_key) as other:
        await other.send_message(build_answer(row.task, True))
        await wait_status(other, first, "Completed")
        poller.poke()
        assert mine(await anext(updates), first) == []

        second = await start(other, sim, "approval")
        poller.poke()
        (row,) = mine(await anext(updates), second)
        assert row.kind == "approval" and row.run_id == second
    await updates.aclose()


async def test_the_next_question_of_a_form_replaces_the_answered_one(
    client: PhronyClient, sim: SimServer
) -> None:
    """Answering a form's first question brings the next at once: the session's entry in the
    list may look the same, so poke() reads it again, and so does a pass past ``recheck``."""
    run_id = await start(client, sim, "forms")
    poked = InboxPoller(client, [agent(sim, "forms")], interval=NEVER)
    rechecked = InboxPoller(client, [agent(sim, "forms")], recheck=0)
    updates = poked.updates()
    (row,) = mine(await next_where(updates, lambda s: not s.loading), run_id)
    assert pairs([row]) == [("multi_option", "Pick a channel")]
    await rechecked.refresh()

    assert row.task is not None
    await client.send_message(build_answer(row.task, "sms"))
    await eventually(
        lambda: client.get_conversation(run_id),
        lambda c: [t["title"] for t in pending_tasks(c)] == ["Subject line"],
    )
    poked.poke()
    assert pairs(mine(await anext(updates), run_id)) == [("text", "Subject line")]
    assert pairs(mine(await rechecked.refresh(), run_id)) == [("text", "Subject line")]
    await updates.aclose()


async def test_an_agent_the_key_cannot_read_is_an_error_while_the_others_list(
    client: PhronyClient, sim: SimServer
) -> None:
    run_id = await start(client, sim, "chat")
    unknown = WatchedAgent("00000000-0000-4000-8000-000000000000")
    agents = [agent(sim, "approval"), unknown, agent(sim, "chat")]
    async with PhronyClient(sim.base_url, sim.api_key + "_chatonly") as chat_only:
        poller = InboxPoller(chat_only, agents)
        snapshot = await poller.refresh()
    assert snapshot.errors == {
        sim.agents["approval"]: (
            "this API key may not read this agent (403): add the agent to the key's scope"
        ),
        unknown.id: "no such agent (404): check the id in the config or --agent",
    }
    assert [r.kind for r in mine(snapshot, run_id)] == ["chat"]
    assert {r.agent.id for r in snapshot.rows} == {sim.agents["chat"]}
    assert not snapshot.loading


async def test_a_refused_key_and_an_unreachable_server_are_one_line_each(sim: SimServer) -> None:
    async with PhronyClient(sim.base_url, "phk_not_a_key") as refused:
        snapshot = await InboxPoller(refused, [agent(sim, "chat")]).refresh()
    assert snapshot.errors == {
        sim.agents["chat"]: "the API key was refused (401): check the key or the profile"
    }
    async with PhronyClient("http://127.0.0.1:9", sim.api_key) as nowhere:
        snapshot = await InboxPoller(nowhere, [agent(sim, "chat")]).refresh()
    (message,) = snapshot.errors.values()
    assert message.startswith("unreachable: ") and "\n" not in message
    assert snapshot.rows == []


async def test_a_failing_agent_is_asked_less_and_less_often(
    client: PhronyClient, sim: SimServer
) -> None:
    unknown = WatchedAgent("00000000-0000-4000-8000-00000000dead")
    poller = InboxPoller(client, [unknown], interval=0.02)
    updates = poller.updates()
    passes = 0
    async for snapshot in updates:
        assert list(snapshot.errors) == [unknown.id]
        passes += 1
        if passes == 30:
            break
    await updates.aclose()
    assert 1 <= poller.requests <= passes // 2  # without a back-off: one per pass


async def test_a_pass_over_unchanged_sessions_reads_no_conversation(
    client: PhronyClient, sim: SimServer
) -> None:
    await start(client, sim, "approval")
    await start(client, sim, "chat")
    poller = InboxPoller(client, [agent(sim, "approval"), agent(sim, "chat")])
    before = sim.world.request_count
    first = await poller.refresh()
    assert poller.requests == sim.world.request_count - before
    sessions = len({r.session_id for r in first.rows})
    lists = poller.requests - sessions  # one conversation per waiting session, the rest lists
    assert lists >= 2 * 4  # 4 waiting statuses per agent

    await poller.refresh()
    assert poller.requests == 2 * lists + sessions
    assert poller.requests == sim.world.request_count - before


async def test_pages_of_waiting_sessions_are_all_read(client: PhronyClient, sim: SimServer) -> None:
    runs = [await start(client, sim, "approval") for _ in range(3)]
    poller = InboxPoller(client, [agent(sim, "approval")], page=2)
    snapshot = await poller.refresh()
    assert {r.root_run_id for r in mine(snapshot, *runs)} == set(runs)
    listed = len({r.session_id for r in snapshot.rows})
    assert listed >= 3


@pytest.mark.parametrize("agents", [[], [WatchedAgent("x")]])
async def test_no_agent_or_nothing_read_yet(
    client: PhronyClient, agents: list[WatchedAgent]
) -> None:
    poller = InboxPoller(client, agents)
    assert poller.snapshot().loading == bool(agents)
    assert poller.snapshot().rows == []


async def test_the_first_pass_shows_each_agent_as_it_comes_in(
    client: PhronyClient, sim: SimServer
) -> None:
    scenarios = ("chat", "approval", "forms")
    poller = InboxPoller(client, [agent(sim, s) for s in scenarios], interval=NEVER)
    assert poller.snapshot().loading
    updates = poller.updates()
    first = [await anext(updates)]
    while first[-1].loading:
        first.append(await anext(updates))
    # one per agent as it comes in, fewer when several come in at once; then the whole pass
    assert 1 <= len(first) <= len(scenarios)
    assert first[-1] == await poller.refresh()
    poller.poke()
    assert not (await anext(updates)).loading  # later passes: one snapshot each
    await updates.aclose()

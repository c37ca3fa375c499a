"""Every way the live stream can end, as a distinct typed outcome; redaction; heartbeats."""

from __future__ import annotations

import asyncio

import pytest

from phrony_tui.api import Heartbeat, MalformedEvent, PhronyClient, StreamEvent
from phrony_tui.api.errors import (
    AuthenticationError,
    EventTooLargeError,
    NotFoundError,
    StreamDisconnectedError,
    StreamTimeoutError,
)
from phrony_tui.sim import SimServer
from tests.conftest import until_subscribed, wait_status


async def collect(client: PhronyClient, run_id: str, limit: int = 100_000) -> list[object]:
    out: list[object] = []
    async with client.stream(run_id) as stream:
        async for item in stream:
            out.append(item)
            if len(out) >= limit:
                break
    return out


async def test_clean_end_after_the_session_finishes(client: PhronyClient, sim: SimServer) -> None:
    started = await client.start_run(sim.agents["chat"])
    await wait_status(client, started.run_id, "WaitingForResponse")
    reader = asyncio.create_task(collect(client, started.run_id))
    await until_subscribed(sim, started.run_id)
    await client.send_text(started.run_id, "done")
    items = await asyncio.wait_for(reader, 10)
    events = [i for i in items if isinstance(i, StreamEvent)]
    subjects = [e.subject for e in events]
    assert subjects[0] == "engine.step.UserMessage"
    assert subjects[-1] == "engine.session.completed"
    ids = [int(e.event_id or 0) for e in events]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    step = next(e for e in events if e.kind == "step")
    assert {"id", "runId", "ordinal", "type", "content"} <= set(step.payload())


async def test_stream_of_a_finished_session_closes(client: PhronyClient, sim: SimServer) -> None:
    started = await client.start_run(sim.agents["big"], {"items": 10})
    await wait_status(client, started.run_id, "Completed")
    items = await asyncio.wait_for(collect(client, started.run_id), 10)
    assert not [i for i in items if isinstance(i, StreamEvent)]


async def test_drop_is_a_disconnect(client: PhronyClient, sim: SimServer) -> None:
    started = await client.start_run(sim.agents["firehose"], {"count": 200, "rate": 500})
    sim.faults.set("drop-stream-every", 5)
    received: list[object] = []
    with pytest.raises(StreamDisconnectedError):
        async with client.stream(started.run_id) as stream:
            async for item in stream:
                received.append(item)
    assert len([i for i in received if isinstance(i, StreamEvent)]) == 5


async def test_clean_end_mid_session_ends_iteration_normally(
    client: PhronyClient, sim: SimServer
) -> None:
    started = await client.start_run(sim.agents["firehose"], {"count": 200, "rate": 500})
    sim.faults.set("end-stream-every", 5)
    items = await asyncio.wait_for(collect(client, started.run_id), 10)
    assert len([i for i in items if isinstance(i, StreamEvent)]) == 5
    info = await client.get_run(started.run_id)
    assert info.status == "Running"  # the stream ended, the run did not


async def test_a_trickle_defeats_the_read_timeout(sim: SimServer) -> None:
    async with PhronyClient(sim.base_url, sim.api_key, stream_read_timeout=0.5) as client:
        started = await client.start_run(sim.agents["chat"])
        sim.faults.set("trickle-stream", 1)
        reader = asyncio.create_task(collect(client, started.run_id))
        await asyncio.sleep(1.0)
        assert not reader.done()  # bytes keep coming: the read timeout alone never fires
        sim.faults.set("trickle-stream", 0)
        assert await asyncio.wait_for(reader, 5) == []  # and no event was ever complete


async def test_random_drops(client: PhronyClient, sim: SimServer) -> None:
    started = await client.start_run(sim.agents["firehose"], {"count": 2000, "rate": 2000})
    sim.faults.set("drop-stream-random", 0.2)
    with pytest.raises(StreamDisconnectedError):
        await asyncio.wait_for(collect(client, started.run_id), 10)


async def test_stall_is_a_timeout(sim: SimServer) -> None:
    async with PhronyClient(sim.base_url, sim.api_key, stream_read_timeout=0.5) as client:
        started = await client.start_run(sim.agents["firehose"], {"count": 100, "rate": 200})
        sim.faults.set("stall-after", 3)
        with pytest.raises(StreamTimeoutError):
            await asyncio.wait_for(collect(client, started.run_id), 10)


async def test_heartbeats(sim: SimServer) -> None:
    sim.faults.set("heartbeat-s", 0.05)
    async with PhronyClient(sim.base_url, sim.api_key, stream_read_timeout=1) as client:
        started = await client.start_run(sim.agents["chat"])
        await wait_status(client, started.run_id, "WaitingForResponse")
        items = await collect(client, started.run_id, limit=3)
    assert all(isinstance(i, Heartbeat) and i.comment == "ping" for i in items)


async def test_malformed_events_are_yielded_and_real_ones_still_arrive(sim: SimServer) -> None:
    async with PhronyClient(sim.base_url, sim.api_key) as client:
        started = await client.start_run(sim.agents["firehose"], {"count": 60, "rate": 300})
        sim.faults.set("malformed-every", 10)
        items = await asyncio.wait_for(collect(client, started.run_id), 10)
    bad = [i for i in items if isinstance(i, MalformedEvent)]
    good = [i for i in items if isinstance(i, StreamEvent)]
    assert bad and good


async def test_oversized_event_is_refused(sim: SimServer) -> None:
    async with PhronyClient(sim.base_url, sim.api_key, max_event_bytes=64_000) as client:
        started = await client.start_run(sim.agents["firehose"], {"count": 50, "rate": 200})
        sim.faults.set("oversized-bytes", 200_000)
        sim.faults.set("oversized-every", 3)
        with pytest.raises(EventTooLargeError):
            await asyncio.wait_for(collect(client, started.run_id), 10)


async def test_open_errors_are_typed(client: PhronyClient, sim: SimServer) -> None:
    with pytest.raises(NotFoundError):
        await collect(client, "no-such-run")
    started = await client.start_run(sim.agents["chat"])
    async with PhronyClient(sim.base_url, "phk_nope") as bad:
        with pytest.raises(AuthenticationError):
            await collect(bad, started.run_id)


async def test_redacted_stream_keeps_only_session_and_run_events(
    client: PhronyClient, sim: SimServer
) -> None:
    sim.world.engine.speed = 10  # slow enough that the stream opens before the run ends
    started = await client.start_run(sim.agents["redacted"])
    items = await asyncio.wait_for(collect(client, started.run_id), 10)
    events = [i for i in items if isinstance(i, StreamEvent)]
    assert events, "session and run events still arrive"
    assert {e.kind for e in events} <= {"session", "run"}
    assert not [e for e in events if e.subject == "engine.subagent.spawned"]
    runs = [e.data for e in events if e.kind == "run"]
    assert runs and all(r["output"] is None and r["input"] is None for r in runs)
    assert events[-1].subject == "engine.session.completed"


async def test_replay_after_last_event_id_when_turned_on() -> None:
    with SimServer(speed=1000, replay=True) as sim:
        async with PhronyClient(sim.base_url, sim.api_key) as client:
            started = await client.start_run(sim.agents["chat"])
            await wait_status(client, started.run_id, "WaitingForResponse")
            async with client.stream(started.run_id, last_event_id="2") as stream:
                first = None
                async for item in stream:
                    if isinstance(item, StreamEvent):
                        first = item
                        break
            assert first is not None and first.event_id == "3"


async def test_no_replay_by_default(client: PhronyClient, sim: SimServer) -> None:
    started = await client.start_run(sim.agents["chat"])
    await wait_status(client, started.run_id, "WaitingForResponse")
    sim.faults.set("heartbeat-s", 0.05)
    async with client.stream(started.run_id, last_event_id="1") as stream:
        async for item in stream:
            assert isinstance(item, Heartbeat), "nothing is replayed on connect"
            break

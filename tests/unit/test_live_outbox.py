"""The feed's outbox: events batch between pulls, numbered on; only the newest of waiting
connection changes and snapshots is kept; past the cap the reader is held."""

from __future__ import annotations

import asyncio

from phrony_tui.api import StreamEvent
from phrony_tui.api.models import Conversation, Session
from phrony_tui.live import Connection, ConnState, Events, Loaded
from phrony_tui.live.outbox import Outbox


def event(n: int) -> StreamEvent:
    return StreamEvent(kind="step", subject=f"s{n}")


def snapshot() -> Conversation:
    return Conversation(session=Session(id="s", status="Running"), runs=[], items=[])


async def test_what_waits_is_batched_in_order_and_numbered_on() -> None:
    box = Outbox(seq_start=10, cap=100)
    box.put(Connection(ConnState.CONNECTING))
    box.put(Connection(ConnState.LIVE))  # replaces the CONNECTING nobody pulled
    box.event(event(1))
    box.malformed()
    box.event(event(2))
    first = Loaded(snapshot(), 12)
    box.put(first)
    box.event(event(3))
    newer = Loaded(snapshot(), 13)
    box.put(newer)  # the older snapshot is dropped
    box.close()
    got = [await box.get() for _ in range(5)]
    assert got[0] == Connection(ConnState.LIVE)
    assert isinstance(got[1], Events) and (got[1].first_seq, got[1].malformed) == (11, 1)
    assert [e.subject for e in got[1].events] == ["s1", "s2"] and got[1].last_seq == 12
    assert isinstance(got[2], Events) and got[2].first_seq == 13
    assert got[3] is newer
    assert got[4] is None and box.seq == 13


async def test_past_the_cap_the_reader_waits_for_a_pull() -> None:
    box = Outbox(seq_start=0, cap=3)
    for n in range(3):
        box.event(event(n))
    assert box.full
    room = asyncio.create_task(box.room())
    await asyncio.sleep(0)
    assert not room.done()
    pulled = await box.get()
    assert isinstance(pulled, Events) and len(pulled.events) == 3
    await asyncio.wait_for(room, 1)
    assert not box.full

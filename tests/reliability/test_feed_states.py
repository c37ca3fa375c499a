"""What the live feed says about its connection, over real sockets: the end of a session
finishes it with no wait announced, polling is one request that honours ``Retry-After`` and
says when the next one goes, a quiet stream is said to be silent, refusals stop it, and the
events it hands out are numbered without a gap and never more than a batch at a time.

The waits are read from what the feed reports (``retry_at`` against the moment the update
was pulled); nothing here measures how long anything took.
"""

from __future__ import annotations

import asyncio
import contextlib
import math

import pytest

from phrony_tui.api import MessageBody, PhronyClient
from phrony_tui.api.models import is_terminal
from phrony_tui.live import ConnState, LiveFeed
from phrony_tui.live.feed import MAX_BATCH
from phrony_tui.live.retry import BACKOFF_CAP, backoff, bounded, retry_advice
from phrony_tui.sim import SimServer
from tests.conftest import wait_status
from tests.reliability.follow import Follower, following, server_view, session_of, start, view

FAST = {"backoff_base": 0.02, "poll_interval": 0.2}
LIVE, SILENT = ConnState.LIVE, ConnState.SILENT
WAITS = (ConnState.RECONNECTING, ConnState.POLLING)


async def say(sim: SimServer, run_id: str, text: str) -> None:
    """Reply once the chat waits for it (a reply before that is a 409)."""
    async with PhronyClient(sim.base_url, sim.api_key) as client:
        await wait_status(client, run_id, "WaitingForResponse")
        await client.send_message(MessageBody(run_id=run_id, text=text))


def reported_waits(follower: Follower, state: ConnState) -> list[float]:
    """The wait each ``state`` update announced, seen from the moment it was pulled."""
    return [
        update.retry_at - pulled
        for pulled, update in follower.pulled
        if update.state == state and update.retry_at is not None
    ]


# --- the end of the session -------------------------------------------------------------------


@pytest.mark.parametrize("heard", [True, False], ids=["end-heard", "end-unheard"])
async def test_an_ended_session_finishes_the_feed_with_no_wait_announced(
    faulty: SimServer, heard: bool
) -> None:
    """Issue 10 item 9: with the server's ``retry:`` at 600000 ms the status line said
    "reconnecting in 12 s" after the session ended. Heard or not (the stream muted before the
    end), the end is followed by the final conversation and FINISHED, and nothing else."""
    faulty.faults.set("retry-ms", 600_000)
    faulty.faults.set("heartbeat-s", 0.2)
    run_id = await start(faulty, "chat")
    async with following(faulty, run_id, **FAST) as follower:
        await follower.until(lambda: LIVE in follower.kinds, 10, "live")
        if not heard:
            faulty.mute_streams(run_id)
        await say(faulty, run_id, "done")
        await follower.ended(timeout=10)
        after_live = follower.kinds[follower.kinds.index(LIVE) :]
        assert not set(after_live) & set(WAITS), after_live
        assert follower.kinds[-1] == ConnState.FINISHED
        assert is_terminal(follower.state.status)
        assert view(follower.state) == await server_view(faulty, run_id)


async def test_a_feed_told_it_holds_the_final_conversation_finishes_without_a_request(
    faulty: SimServer,
) -> None:
    run_id = await start(faulty, "failing")
    async with PhronyClient(faulty.base_url, faulty.api_key) as client:
        while not is_terminal((await client.get_run(run_id)).status):
            await asyncio.sleep(0.02)
    requests = faulty.world.request_count
    async with following(faulty, run_id, final=True, **FAST) as follower:
        await follower.ended(timeout=10)
    assert follower.kinds == [ConnState.FINISHED]
    assert faulty.world.request_count == requests


# --- polling ------------------------------------------------------------------------------------


async def test_polling_gets_the_conversation_when_every_other_request_is_refused(
    faulty: SimServer,
) -> None:
    """Issue 10 item 6: polling sent two requests in a row (the run, then its conversation),
    so with every second request refused it never got a conversation."""
    run_id = await start(faulty, "chat")
    faulty.faults.set("retry-after", 0.2)
    faulty.faults.set("fail-stream", 1)
    faulty.faults.set("rate-limit-every", 2)
    async with following(faulty, run_id, **FAST) as follower:
        await follower.until(lambda: follower.snapshots >= 4, 20, "four conversations")
        assert ConnState.POLLING in follower.kinds
        assert LIVE not in follower.kinds  # all of it came by polling
        # A turn taken meanwhile shows up through the polls.
        async with PhronyClient(faulty.base_url, faulty.api_key) as client:
            while True:
                with contextlib.suppress(Exception):
                    await client.send_message(MessageBody(run_id=run_id, text="polled"))
                    break
        await follower.until(
            lambda: "You said: polled" in str([i.content for i in follower.state.timeline]),
            20,
            "the turn seen by polling",
        )
        faulty.faults.clear()
        follower.feed.wake()
        await follower.until(lambda: follower.kinds[-1] == LIVE, 20, "live again")
        assert view(follower.state) == await server_view(faulty, run_id)


async def test_polling_waits_for_retry_after_and_says_when_the_next_poll_goes(
    faulty: SimServer,
) -> None:
    run_id = await start(faulty, "chat")
    faulty.faults.set("fail-stream", 1)
    # Long stream backoffs, quick polls: what follows a poll is another poll.
    async with following(faulty, run_id, backoff_base=0.5, poll_interval=0.2) as follower:
        await follower.until(lambda: ConnState.POLLING in follower.kinds, 20, "polling")
        assert all(0 < w <= 0.2 for w in reported_waits(follower, ConnState.POLLING))
        faulty.faults.set("retry-after", 10)
        faulty.faults.set("rate-limit-next", 1)
        refused = lambda: [  # noqa: E731
            u for u in follower.states if u.state in WAITS and u.detail.startswith("429")
        ]
        await follower.until(refused, 20, "a refused poll")
        first = refused()[0]
        assert first.state == ConnState.POLLING, follower.kinds
        wait = next(w for p, u in follower.pulled if u is first for w in [u.retry_at - p])
        assert 5 < wait <= 10, wait  # the server's 10 s, not the 0.2 s poll interval
        faulty.faults.clear()
        follower.feed.wake()  # try now: cuts the 10 s wait
        await follower.until(lambda: follower.kinds[-1] == LIVE, 5, "live again")


async def test_wake_cuts_a_wait_before_the_next_try(faulty: SimServer) -> None:
    """The server asks for 600 s between tries (15 s once capped): a wake tries at once,
    well within this test's 5 s bound."""
    faulty.faults.set("retry-ms", 600_000)
    run_id = await start(faulty, "chat")
    async with following(faulty, run_id, **FAST) as follower:
        await follower.until(lambda: LIVE in follower.kinds, 10, "live")
        faulty.end_streams(run_id)
        await follower.until(lambda: ConnState.RECONNECTING in follower.kinds, 10, "a wait")
        (wait,) = reported_waits(follower, ConnState.RECONNECTING)
        assert BACKOFF_CAP - 1 < wait <= BACKOFF_CAP
        follower.feed.wake()
        await follower.until(lambda: follower.kinds[-1] == LIVE, 5, "live again")


# --- retry advice -----------------------------------------------------------------------------


def test_the_servers_advice_is_made_safe_before_it_is_used() -> None:
    assert retry_advice(10**400) == 1e6  # no float overflow
    assert retry_advice(-5) == 0.0 and retry_advice(None) is None
    for hint in (math.inf, 1e308, 10.0**300, math.nan, -1.0, None):
        assert 0.0 <= bounded(hint) <= BACKOFF_CAP
        assert BACKOFF_CAP / 4 <= backoff(2, hint, 2.0) <= BACKOFF_CAP


async def test_a_retry_advice_of_400_digits_waits_the_cap(faulty: SimServer) -> None:
    faulty.faults.retry_ms = 10**400  # as a hostile server sends it
    run_id = await start(faulty, "chat")
    async with following(faulty, run_id, **FAST) as follower:
        await follower.until(lambda: LIVE in follower.kinds, 10, "live")
        faulty.end_streams(run_id)
        await follower.until(lambda: ConnState.RECONNECTING in follower.kinds, 10, "a wait")
        (wait,) = reported_waits(follower, ConnState.RECONNECTING)
        assert BACKOFF_CAP - 1 < wait <= BACKOFF_CAP
        faulty.faults.retry_ms = 10
        follower.feed.wake()
        await follower.until(lambda: follower.kinds[-1] == LIVE, 5, "live again")


# --- a quiet stream -----------------------------------------------------------------------------


async def test_a_quiet_stream_is_said_silent_since_its_last_word_then_live_again(
    faulty: SimServer,
) -> None:
    """Issue 10 item 9: a silent stream showed "live" for up to 45 s. A chat waiting for a
    reply sends nothing but a heartbeat every 15 s."""
    run_id = await start(faulty, "chat")
    async with following(faulty, run_id, silent_after=0.3, **FAST) as follower:
        await follower.until(lambda: SILENT in follower.kinds, 10, "silent")
        pulled, silent = next((p, u) for p, u in follower.pulled if u.state == SILENT)
        assert silent.since is not None and silent.since <= pulled
        live_at = next(p for p, u in follower.pulled if u.state == LIVE)
        assert silent.since >= live_at - 5  # the last word came on this connection
        await say(faulty, run_id, "anyone there?")
        await follower.until(lambda: follower.kinds[-1] == LIVE, 10, "live again")
        assert follower.kinds[follower.kinds.index(SILENT) - 1] == LIVE


async def test_a_stalled_stream_is_said_silent_then_reopened(faulty: SimServer) -> None:
    faulty.faults.set("stall-after", 1)  # no event, not even a heartbeat, after the first
    run_id = await start(faulty, "chat")
    async with following(faulty, run_id, silent_after=0.2, stall_timeout=0.8, **FAST) as f:
        await f.until(lambda: LIVE in f.kinds, 10, "live")
        await say(faulty, run_id, "stall now")
        await f.until(lambda: ConnState.RECONNECTING in f.kinds, 10, "the stall noticed")
        kinds = f.kinds
        assert kinds.index(SILENT) < kinds.index(ConnState.RECONNECTING), kinds
        wait = next(u for u in f.states if u.state == ConnState.RECONNECTING)
        assert "no event or heartbeat for 0.8 s" in wait.detail


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [401, 403, 404])
async def test_a_refusal_stops_the_feed_offline_with_the_reason(
    faulty: SimServer, status: int
) -> None:
    run_id = await start(faulty, "chat")
    async with following(faulty, run_id, **FAST) as follower:
        await follower.until(lambda: LIVE in follower.kinds, 10, "live")
        if status == 401:
            faulty.world.key_named("main").active = False
            faulty.end_streams(run_id)
        elif status == 403:
            agent = session_of(faulty, run_id).agent
            faulty.world.key_named("main").scopes.discard((agent.id, agent.trigger_id))
            faulty.end_streams(run_id)
        else:
            faulty.forget_run(run_id)
        await follower.ended(timeout=10)
    offline = follower.states[-1]
    assert offline.state == ConnState.OFFLINE
    assert offline.detail.startswith(str(status))
    assert faulty.api_key not in offline.detail


# --- numbering and back-pressure ------------------------------------------------------------


async def test_events_are_numbered_without_a_gap_across_reconnects(faulty: SimServer) -> None:
    faulty.faults.set("drop-stream-every", 7)
    run_id = await start(faulty, "firehose", {"count": 80, "rate": 200, "wait_for_stream": 5})
    async with following(faulty, run_id, seq_start=100, **FAST) as follower:
        await follower.ended(timeout=30)
    assert follower.kinds.count(ConnState.CONNECTING) >= 3  # it did reconnect
    numbers = [n for first, count in follower.batches for n in range(first, first + count)]
    assert numbers == list(range(101, 101 + len(numbers)))
    assert all(100 <= after <= numbers[-1] for after in follower.after)
    assert follower.after == sorted(follower.after)
    faulty.faults.clear()
    assert view(follower.state) == await server_view(faulty, run_id)


async def test_a_busy_owner_gets_one_batch_at_most_and_the_stream_waits_for_it(
    faulty: SimServer,
) -> None:
    """The owner stops pulling while 5000 events are sent: the feed stops reading at a
    batch (the stream waits, and is not taken for stalled), then hands out the rest."""
    run_id = await start(faulty, "firehose", {"count": 5000, "wait_for_stream": 5})
    session = session_of(faulty, run_id)
    loop = asyncio.get_running_loop()
    async with PhronyClient(faulty.base_url, faulty.api_key) as client:
        # The stall timeout is well above any pause of a busy machine (the simulator shares
        # this process), and the owner stays busy for longer than it.
        feed = LiveFeed(client, run_id, stall_timeout=3.0, **FAST)
        # Asking for no conversation: what the feed reads is all the stream's.
        follower = Follower(feed, refresh=False)
        async with contextlib.aclosing(feed.updates()) as updates:
            # Busy from the first update on: nothing is pulled while the stream opens and
            # the firehose runs (pulling until LIVE could take every event on a slow machine).
            follower.apply(await anext(updates))
            deadline = loop.time() + 60
            while not is_terminal(session.status) or feed.seq < MAX_BATCH:
                assert loop.time() < deadline, f"read {feed.seq}, session {session.status}"
                await asyncio.sleep(0.02)
            await asyncio.sleep(3.5)  # an owner busy for longer than the stall timeout
            assert feed.seq == MAX_BATCH  # the reader stopped at a batch
            async for update in updates:
                follower.apply(update)
    sizes = [count for _, count in follower.batches]
    assert max(sizes) <= MAX_BATCH
    numbers = [n for first, count in follower.batches for n in range(first, first + count)]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) >= 5000  # one connection carried them all (no replay on a reconnect)
    assert follower.kinds.count(ConnState.CONNECTING) == 1, follower.kinds
    assert follower.kinds[-1] == ConnState.FINISHED
    assert view(follower.state) == await server_view(faulty, run_id)

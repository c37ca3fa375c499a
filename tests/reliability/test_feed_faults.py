"""The live feed under every fault of the simulator, alone and in every pair, over real
sockets.

Each case starts a multi-agent session (sub-agents at two depths, an escalation, an approval,
an alert) with its faults on and answers each task once the feed has shown it, so the session
only moves on as far as the feed keeps up through the faults. When the session has ended the
faults stop: the feed must then finish by itself, its state equal to the server's
``/conversation`` (timeline, statuses, tasks), FINISHED its last word. The bounds are test
timeouts, never a measure of speed. Cases of one batch run side by side, each on a simulator
of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools

import pytest

from phrony_tui.api import PhronyClient
from phrony_tui.api.models import is_terminal
from phrony_tui.live import ConnState, LiveFeed
from phrony_tui.sim import SimServer
from tests.reliability.follow import FAST, Follower, answer_tasks, server_view, session_of, view

#: Each fault as set for these cases (small values, so each case meets it many times).
FAULTS: dict[str, dict[str, float]] = {
    "drop-stream-every": {"drop-stream-every": 3},
    "drop-stream-random": {"drop-stream-random": 0.2},
    "reset-stream-every": {"reset-stream-every": 3},
    "reset-stream": {"reset-stream": 1},
    "end-stream-every": {"end-stream-every": 3},
    "trickle-stream": {"trickle-stream": 1},
    "stall-after": {"stall-after": 5},
    "fail-stream": {"fail-stream": 1},
    "latency-ms": {"latency-ms": 30},
    "rate-limit-every": {"rate-limit-every": 2},
    "rate-limit-next": {"rate-limit-next": 6},
    "unavailable-next": {"unavailable-next": 6},
    "error-5xx-rate": {"error-5xx-rate": 0.3},
    "malformed-every": {"malformed-every": 3},
    "oversized-every": {"oversized-every": 7, "oversized-bytes": 300_000},
}
#: An event larger than this is abandoned with its stream (below the oversized fault's size).
MAX_EVENT_BYTES = 200_000
#: From the faults' end to the feed's FINISHED (README: within 30 s of the fault stopping).
CONVERGE_WITHIN = 30.0
#: The session under faults, from start to end.
RUN_WITHIN = 60.0

PAIRS = list(itertools.combinations(FAULTS, 2))


async def follow_through(*names: str) -> Follower:
    """One case: the faults named, on a simulator of its own."""
    with SimServer(speed=10, seed=11) as sim:
        faults = sim.faults
        faults.set("retry-ms", 10)
        faults.set("retry-after", 0.3)
        faults.set("heartbeat-s", 0.25)
        async with PhronyClient(sim.base_url, sim.api_key) as starter:
            started = await starter.start_run(sim.agents["multi-agent"], {"chatter": 20})
        run_id = started.run_id
        for name in names:
            for key, value in FAULTS[name].items():
                faults.set(key, value)
        client = PhronyClient(sim.base_url, sim.api_key, max_event_bytes=MAX_EVENT_BYTES)
        follower = Follower(LiveFeed(client, run_id, **FAST))
        following = asyncio.create_task(follower.run())
        try:
            try:
                await asyncio.wait_for(answer_tasks(sim, run_id, follower.state), RUN_WITHIN)
            except TimeoutError:
                raise AssertionError(f"{names}: the session did not end under the faults") from None
            assert is_terminal(session_of(sim, run_id).status)
            faults.clear()
            try:
                await asyncio.wait_for(asyncio.shield(following), CONVERGE_WITHIN)
            except TimeoutError:
                raise AssertionError(
                    f"{names}: not finished {CONVERGE_WITHIN:g} s after the faults stopped; "
                    f"last states: {follower.kinds[-8:]}"
                ) from None
            assert view(follower.state) == await server_view(sim, run_id), names
            assert follower.kinds[-1] == ConnState.FINISHED, (names, follower.kinds[-8:])
            return follower
        finally:
            following.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await following
            await client.aclose()


async def all_of(cases: list[tuple[str, ...]]) -> None:
    """Run the cases side by side; fail naming every case that failed."""
    results = await asyncio.gather(*(follow_through(*c) for c in cases), return_exceptions=True)
    failed = [
        f"{'+'.join(c)}: {r!r}"
        for c, r in zip(cases, results, strict=True)
        if isinstance(r, BaseException)
    ]
    assert not failed, "\n".join(failed)


async def test_each_fault_alone_converges_and_finishes() -> None:
    await all_of([(name,) for name in FAULTS])


#: The pairs in five batches of 21.
BATCHES = [PAIRS[i : i + 21] for i in range(0, len(PAIRS), 21)]


@pytest.mark.parametrize("batch", BATCHES, ids=[f"pairs{i * 21 + 1}-" for i in range(5)])
async def test_every_pair_of_faults_converges_and_finishes(batch: list[tuple[str, str]]) -> None:
    await all_of(list(batch))

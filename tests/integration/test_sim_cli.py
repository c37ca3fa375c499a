"""The simulator's own promises: the same seed gives the same ids, the speed factor sets the
pace, the command line's flags are honoured, and the client's less used routes reach it as
the API says."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from datetime import datetime

import pytest

from phrony_tui.api import MessageBody, PhronyClient
from phrony_tui.api.models import ItemType
from phrony_tui.session import SessionState, build_answer
from phrony_tui.sim import SimServer
from tests.conftest import wait_status


async def multi_agent_ids(seed: int) -> tuple[list[str], list[str]]:
    """The run ids and item ids of one multi-agent session on a new simulator."""
    with SimServer(speed=200, seed=seed) as sim:
        async with PhronyClient(sim.base_url, sim.api_key) as client:
            started = await client.start_run(sim.agents["multi-agent"])
            conv = await wait_status(client, started.run_id, lambda s: s.startswith("WaitingFor"))
            runs = sorted(r.id for r in conv.runs)
            return [started.run_id, started.session_id, *runs], [i.id for i in conv.items[:6]]


async def test_same_seed_same_ids_other_seed_other_ids() -> None:
    first, again, other = await asyncio.gather(
        multi_agent_ids(5), multi_agent_ids(5), multi_agent_ids(6)
    )
    assert first == again
    assert not set(first[0]) & set(other[0]), "another seed shares no run or item id"


async def test_the_speed_factor_sets_the_pace() -> None:
    """A wait of 6000 s in the script is 6000 s of the server's time at speed 1 and 60 s at
    speed 100: the wait step says until when."""

    async def timer_wait(speed: float) -> float:
        with SimServer(speed=speed, seed=1) as sim:
            async with PhronyClient(sim.base_url, sim.api_key) as client:
                started = await client.start_run(sim.agents["timer"], {"seconds": 6000})
                conv = await wait_status(client, started.run_id, "WaitingForTimer", timeout=60)
                wait = next(i for i in conv.items if i.type == ItemType.WAIT)
                assert wait.started_at is not None
                until = datetime.fromisoformat(wait.content["wait_until"])
                return (until - datetime.fromisoformat(wait.started_at)).total_seconds()

    slow, fast = await asyncio.gather(timer_wait(1), timer_wait(100))
    assert slow == pytest.approx(6000, abs=1)
    assert fast == pytest.approx(60, abs=1)


async def test_input_route_and_a_bodiless_skip(client: PhronyClient, sim: SimServer) -> None:
    started = await client.start_run(sim.agents["forms"])
    conv = await wait_status(client, started.run_id, "WaitingForHITL")
    state = SessionState()
    state.apply_conversation(conv)
    (task,) = state.pending_tasks()
    await client.send_message(build_answer(task, 1), path="input")
    last = sim.world.received[-1]
    assert (last.path, last.status) == (f"/v1/runs/{started.run_id}/input", 202)
    assert last.body["selectedOptionId"] == "email"
    timer = await client.start_run(sim.agents["timer"], {"seconds": 600})
    await wait_status(client, timer.run_id, "WaitingForTimer")
    await client.skip_agent_wait(timer.run_id)
    skip = sim.world.received[-1]
    assert skip.path.endswith("/skip-agent-wait") and skip.status == 202
    assert skip.body is None and skip.content_type is None  # no body, no Content-Type
    text = MessageBody(run_id=started.run_id, text="not a task answer")
    assert text.to_wire() == {"runId": started.run_id, "text": "not a task answer"}


def test_sim_cli_flags_and_banner() -> None:
    """``--host``, ``--port``, ``--key``, ``--seed``: the banner shows what a person needs."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "phrony_tui.cli",
            "sim",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--key",
            "phk_my_own_key",
            "--seed",
            "9",
            "--speed",
            "50",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        banner = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            banner.append(line)
            if "curl" in line:
                break
        text = "".join(banner)
        assert "http://127.0.0.1:" in text and "phk_my_own_key" in text
        for name in ("chat", "approval", "forms", "multi-agent", "timer", "tour"):
            assert name in text
        assert "curl" in text
        base = next(w for w in text.split() if w.startswith("http://127.0.0.1:")).rstrip("/")
        base = base.split("/v1")[0]

        async def check() -> None:
            async with PhronyClient(base, "phk_my_own_key") as client:
                listing = await client.list_sessions("3eff9603-c51b-5bee-9f9c-36389fbaddf6", take=1)
                assert listing.total == 0

        asyncio.run(check())
    finally:
        proc.terminate()
        proc.wait(10)

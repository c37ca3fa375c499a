"""Shared fixtures: one simulator per test session on a real loopback socket."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest

from phrony_tui.api import Conversation, PhronyClient
from phrony_tui.sim import SimServer

#: Tests run the scripted agents at 1000x: a one-second pause takes a millisecond.
TEST_SPEED = 1000.0


@pytest.fixture(scope="session")
def sim() -> Iterator[SimServer]:
    with SimServer(speed=TEST_SPEED, seed=7) as server:
        yield server


@pytest.fixture(autouse=True)
def _clean_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "sim" in request.fixturenames:
        server: SimServer = request.getfixturevalue("sim")
        server.faults.clear()
        server.world.engine.speed = TEST_SPEED
        for key in server.world.keys.values():
            key.active = True


def raw(sim: SimServer, key: str | None = None) -> httpx.AsyncClient:
    """A plain HTTP client on the simulator, as any caller of the API would have: for bodies
    the typed client would refuse to build, and for reading status codes and bodies as sent."""
    headers = {"X-API-Key": key if key is not None else sim.api_key}
    return httpx.AsyncClient(base_url=sim.base_url, headers=headers)


@pytest.fixture
async def client(sim: SimServer) -> AsyncIterator[PhronyClient]:
    async with PhronyClient(sim.base_url, sim.api_key) as c:
        yield c


async def eventually(
    probe: Callable[[], Awaitable[Any]],
    check: Callable[[Any], bool],
    *,
    timeout: float = 10.0,
    interval: float = 0.02,
) -> Any:
    """Poll ``probe`` until ``check`` holds on its result; fail with the last value seen."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    value = await probe()
    while not check(value):
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s; last value: {value!r}")
        await asyncio.sleep(interval)
        value = await probe()
    return value


async def wait_status(
    client: PhronyClient, run_id: str, wanted: str | Callable[[str], bool], timeout: float = 10.0
) -> Conversation:
    """The conversation once the session status is ``wanted`` (or satisfies it)."""
    check = wanted if callable(wanted) else (lambda s: s == wanted)
    conv: Conversation = await eventually(
        lambda: client.get_conversation(run_id),
        lambda c: check(c.session.status),
        timeout=timeout,
    )
    return conv


def pending_tasks(conv: Conversation) -> list[dict[str, Any]]:
    return [
        i.content | {"_run_id": i.run_id}
        for i in conv.items
        if i.type == "UserTaskReq" and i.content["status"] == "Pending"
    ]


async def until_subscribed(sim: SimServer, run_id: str, count: int = 1) -> None:
    """Wait until ``count`` streams are open on the run's session (no replay: a stream opened
    late would miss what it is meant to see)."""

    async def subscribers() -> int:
        run = sim.world.engine.runs.get(run_id)
        return len(run.session.subscribers) if run else 0

    await eventually(subscribers, lambda n: n >= count)

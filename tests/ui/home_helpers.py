"""Driving the home screen against the simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from textual.pilot import Pilot

from phrony_tui.api import PhronyClient
from phrony_tui.inbox.agents import WatchedAgent
from phrony_tui.sim import SimServer
from phrony_tui.ui.app import ConsoleApp
from phrony_tui.ui.config import Settings
from phrony_tui.ui.screens.home import HomeScreen
from tests.ui.helpers import SIZE, recording, screen_text, until


def watched(sim: SimServer, *names: str) -> list[WatchedAgent]:
    return [WatchedAgent(sim.agents[name], None) for name in names]


@asynccontextmanager
async def home(
    sim: SimServer,
    agents: Sequence[WatchedAgent],
    *,
    settings: Settings | None = None,
    size: tuple[int, int] = SIZE,
    **options: Any,
) -> AsyncIterator[tuple[ConsoleApp, Pilot[None]]]:
    """The console opened with no run id: the home screen watching ``agents``."""
    app = ConsoleApp(
        PhronyClient(sim.base_url, sim.api_key),
        None,
        agents=agents,
        settings=settings or Settings(poll_interval=0.2),
        show_event_age=False,
        steady=True,
        **options,
    )
    async with app.run_test(size=size, message_hook=recording(app)) as pilot:
        yield app, pilot


def home_screen(app: ConsoleApp) -> HomeScreen:
    screen = app.screen
    assert isinstance(screen, HomeScreen), screen
    return screen


async def until_home(pilot: Pilot[None], app: ConsoleApp) -> HomeScreen:
    await until(pilot, lambda: isinstance(app.screen, HomeScreen), what="the home screen")
    return home_screen(app)


async def select_inbox_row(pilot: Pilot[None], screen: HomeScreen, run_id: str) -> None:
    """Wait for the run's row in the inbox, then move the cursor onto it with the keys."""
    await until(pilot, lambda: any(r.run_id == run_id for r in screen.inbox.rows))
    await pilot.press("home")
    while screen.inbox.current is None or screen.inbox.current.run_id != run_id:
        await pilot.press("down")
        await pilot.pause()


async def start(sim: SimServer, name: str, count: int = 1) -> list[str]:
    """Start ``count`` runs of ``name`` as another client would; their run ids."""
    async with PhronyClient(sim.base_url, sim.api_key) as client:
        return [(await client.start_run(sim.agents[name])).run_id for _ in range(count)]


def text(app: ConsoleApp) -> str:
    return screen_text(app)


def own_simulator() -> Iterator[SimServer]:
    """A simulator for one test module of the home screen: it watches whole agents, and the
    shared simulator's agents hold every other test's waiting runs (hundreds, late in the run),
    which made its inbox slow and its order anyone's."""
    from tests.conftest import TEST_SPEED

    with SimServer(speed=TEST_SPEED, seed=11) as server:
        yield server

"""Snapshots of the home screen (pytest-textual-snapshot): the inbox and the sessions under the
dark and light themes, the screen without agents, and NO_COLOR. Fixed simulator clock and
seed, a fixed "now" for relative times, and a fixed header (the simulator's port varies)."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from textual.pilot import Pilot

from phrony_tui.api import PhronyClient
from phrony_tui.api.models import is_waiting
from phrony_tui.inbox.agents import WatchedAgent
from phrony_tui.sim import SimServer
from phrony_tui.sim.ids import Clock
from phrony_tui.ui.app import ConsoleApp
from phrony_tui.ui.config import Settings
from phrony_tui.ui.screens.home import HomeScreen
from phrony_tui.ui.widgets.header import Place
from tests.ui.helpers import screen_text, until
from tests.ui.scenes import EPOCH, scene_clock

#: Runs started before the console opens, in this order.
RUNS = ("approval", "chat", "multi-agent", "failing", "failing", "timer")
AGENTS = ("approval", "chat", "multi-agent", "failing", "timer")


@dataclass(frozen=True)
class HomeScene:
    tab: str = "inbox"
    theme: str = "textual-dark"
    agents: bool = True
    no_color: bool = False
    size: tuple[int, int] = (140, 36)


SCENES = {
    "home_inbox_dark": HomeScene(),
    "home_inbox_light": HomeScene(theme="textual-light"),
    "home_sessions_dark": HomeScene(tab="sessions"),
    "home_sessions_light": HomeScene(tab="sessions", theme="textual-light"),
    "home_no_agents": HomeScene(agents=False),
    "home_inbox_no_color": HomeScene(no_color=True),
    "home_narrow": HomeScene(size=(90, 30)),
}


async def _prepare(sim: SimServer) -> None:
    async with PhronyClient(sim.base_url, sim.api_key) as client:
        for name in RUNS:
            run_id = (await client.start_run(sim.agents[name])).run_id
            for _ in range(500):
                status = (await client.get_run(run_id)).status
                if is_waiting(status) or status == "Failed":
                    break
                await asyncio.sleep(0.01)


def _settled(text: str) -> bool:
    """The first row (an approval) has its keys in the footer, and the column names sit
    over their columns (both follow the rows a frame later)."""
    lines = text.splitlines()
    heading = next((line for line in lines if "agent" in line and "waiting" in line), "")
    age = next((m for line in lines if (m := re.search(r"\d+\w*(?: \d+\w*)? ago", line))), None)
    return "Approve" in text and age is not None and heading.find("waiting") == age.start()


@contextmanager
def home_app(scene: HomeScene) -> Iterator[tuple[ConsoleApp, Callable[[Pilot[None]], Any]]]:
    with SimServer(speed=float("inf"), seed=42, clock=Clock(EPOCH)) as sim:
        asyncio.run(_prepare(sim))
        agents = [WatchedAgent(sim.agents[n], None) for n in AGENTS] if scene.agents else []
        saved = os.environ.get("NO_COLOR")
        if scene.no_color:
            os.environ["NO_COLOR"] = "1"
        try:
            app = ConsoleApp(
                PhronyClient(sim.base_url, sim.api_key),
                None,
                agents=agents,
                place=Place("staging", "api.staging.example.com"),
                profile="staging",
                config_file="~/.config/phrony-tui/config.toml",
                settings=Settings(theme=scene.theme, poll_interval=60),
                steady=True,
            )
        finally:
            if scene.no_color and saved is None:
                del os.environ["NO_COLOR"]

        async def run_before(pilot: Pilot[None]) -> None:
            await until(pilot, lambda: isinstance(app.screen, HomeScreen), what="home")
            screen = app.screen
            assert isinstance(screen, HomeScreen)
            if scene.agents:
                inbox = screen.inbox
                await until(
                    pilot,
                    lambda: inbox.snapshot is not None and not inbox.snapshot.loading,
                    what="the inbox",
                )
                if scene.tab == "sessions":
                    await pilot.press("s")
                    await until(pilot, lambda: screen.sessions.pages.done, what="sessions")
                else:  # the footer offers the first row's keys, the heading sits on its rows
                    await until(pilot, lambda: _settled(screen_text(app)), what="the inbox drawn")
            await pilot.pause(0.2)

        with scene_clock():
            yield app, run_before


@pytest.mark.parametrize("name", list(SCENES))
def test_home_snapshot(name: str, snap_compare: Any) -> None:
    scene = SCENES[name]
    with home_app(scene) as (app, run_before):
        assert snap_compare(app, terminal_size=scene.size, run_before=run_before)

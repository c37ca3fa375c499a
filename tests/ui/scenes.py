"""Reproducible console states over a fresh simulator (fixed seed, fixed clock, no waits):
the snapshot tests and the README screenshots are drawn from these."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from textual.pilot import Pilot

from phrony_tui.api import PhronyClient
from phrony_tui.sim import SimServer
from phrony_tui.sim.ids import Clock
from phrony_tui.ui.app import ConsoleApp
from tests.ui.helpers import pause_kind, until

EPOCH = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


@dataclass
class Scene:
    name: str
    scenario: str
    ready: Callable[[ConsoleApp], bool]
    press: tuple[str, ...] = ()
    size: tuple[int, int] = (140, 40)
    then: Callable[[ConsoleApp, Pilot[None]], Awaitable[None]] | None = None
    input: dict[str, Any] | None = None


async def _select_child(app: ConsoleApp, pilot: Pilot[None]) -> None:
    child = next(r for r in app.state.runs.values() if r.agent_name == "Analyst")
    app.run_screen.filter_run(child.id)
    await pilot.pause()


SCENES = {
    s.name: s
    for s in (
        Scene("tour_start", "tour", lambda a: pause_kind(a) == "reply"),
        Scene("approval_confirm", "approval", lambda a: pause_kind(a) == "approval", press=("a",)),
        Scene(
            "multi_agent_child",
            "multi-agent",
            lambda a: len(a.composer.pauses) == 3,
            then=_select_child,
        ),
        Scene(
            "step_detail",
            "approval",
            lambda a: pause_kind(a) == "approval",
            press=("t", "home", "down", "enter"),
        ),
        Scene("redacted", "redacted", lambda a: a.state.status == "Completed"),
        Scene("failed", "failing", lambda a: a.state.status == "Failed"),
        Scene("help", "approval", lambda a: pause_kind(a) == "approval", press=("f1",)),
        Scene("narrow", "tour", lambda a: pause_kind(a) == "reply", size=(80, 24)),
        Scene("forms_options", "forms", lambda a: pause_kind(a) == "multi_option"),
    )
}


@contextmanager
def scene_app(scene: Scene) -> Iterator[tuple[ConsoleApp, Callable[[Pilot[None]], Any]]]:
    """A console on a fresh simulator, and the ``run_before`` that waits for the scene."""
    with SimServer(speed=float("inf"), seed=42, clock=Clock(EPOCH)) as sim:

        async def start() -> str:
            async with PhronyClient(sim.base_url, sim.api_key) as client:
                started = await client.start_run(sim.agents[scene.scenario], scene.input)
                return started.run_id

        run_id = asyncio.run(start())
        app = ConsoleApp(
            PhronyClient(sim.base_url, sim.api_key),
            run_id,
            show_event_age=False,
            steady=True,
        )

        async def run_before(pilot: Pilot[None]) -> None:
            await until(pilot, lambda: app.status_line.connection in ("live", "finished"))
            await until(pilot, lambda: scene.ready(app), what=scene.name)
            await pilot.pause(0.2)
            await until(pilot, lambda: app.status_line.connection in ("live", "finished"))
            if scene.then is not None:
                await scene.then(app, pilot)
            if scene.press:
                await pilot.press(*scene.press)
                await pilot.pause(0.2)

        yield app, run_before

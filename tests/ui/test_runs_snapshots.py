"""Snapshots of the open-runs switcher (one run live, one polled past the bound) and of the
API log. Update with ``--snapshot-update`` after looking at the report."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.pilot import Pilot

from phrony_tui.api import PhronyClient
from phrony_tui.commands.httplog import RecentRequests, Request
from phrony_tui.sim import SimServer
from phrony_tui.sim.ids import Clock
from phrony_tui.ui.app import ConsoleApp
from phrony_tui.ui.config import Settings
from phrony_tui.ui.messages import OpenRun
from phrony_tui.ui.screens.switcher import RunSwitcher
from phrony_tui.ui.widgets.header import Place
from tests.ui.helpers import pause_kind, until
from tests.ui.scenes import EPOCH, scene_clock

#: 2026-11-28 09:30:00 UTC, the scenes' clock.
AT = EPOCH.timestamp()


def _fixed_requests(run_id: str) -> RecentRequests:
    recent = RecentRequests()
    for entry in (
        Request(AT, "GET", f"/v1/runs/{run_id}/conversation", 200, 12.0, 3715),
        Request(AT + 1, "GET", f"/v1/runs/{run_id}/stream", 200, 48.0, note="stream connected"),
        Request(AT + 2, "POST", f"/v1/runs/{run_id}/messages", 503, 5.0, 61),
        Request(AT + 3, "POST", f"/v1/runs/{run_id}/messages", 202, 7.0, 2, retry=1),
        Request(AT + 4, "GET", f"/v1/runs/{run_id}/conversation", None, 3.0, None, 0, "failed"),
    ):
        recent.add(entry)
    return recent


def test_switcher_snapshot(snap_compare: Any) -> None:
    with SimServer(speed=float("inf"), seed=42, clock=Clock(EPOCH)) as sim:

        async def start() -> tuple[str, str]:
            async with PhronyClient(sim.base_url, sim.api_key) as client:
                first = await client.start_run(sim.agents["chat"])
                second = await client.start_run(sim.agents["approval"])
                return first.run_id, second.run_id

        first, second = asyncio.run(start())
        app = ConsoleApp(
            PhronyClient(sim.base_url, sim.api_key),
            first,
            place=Place("env", "127.0.0.1"),  # the simulator's port changes every run
            settings=Settings(live_runs=1),
            show_event_age=False,
            steady=True,
        )

        async def run_before(pilot: Pilot[None]) -> None:
            await until(pilot, lambda: pause_kind(app) == "reply", what="the chat run")
            async with PhronyClient(sim.base_url, sim.api_key) as client:
                conversation = await client.load_conversation(second)
            app.post_message(OpenRun(second, conversation))
            await until(pilot, lambda: pause_kind(app) == "approval", what="the approval run")
            await until(pilot, lambda: app.status_line.connection == "live", what="live")
            await pilot.press("ctrl+t")
            await until(pilot, lambda: isinstance(app.screen, RunSwitcher), what="switcher")
            await pilot.pause(0.2)

        with scene_clock():
            assert snap_compare(app, terminal_size=(140, 30), run_before=run_before)


def test_api_log_snapshot(snap_compare: Any) -> None:
    with SimServer(speed=float("inf"), seed=42, clock=Clock(EPOCH)) as sim:

        async def start() -> str:
            async with PhronyClient(sim.base_url, sim.api_key) as client:
                return (await client.start_run(sim.agents["chat"])).run_id

        run_id = asyncio.run(start())
        app = ConsoleApp(
            PhronyClient(sim.base_url, sim.api_key),
            run_id,
            place=Place("env", "127.0.0.1"),
            show_event_age=False,
            steady=True,
            requests=_fixed_requests(run_id),
        )

        async def run_before(pilot: Pilot[None]) -> None:
            await until(pilot, lambda: pause_kind(app) == "reply", what="the chat run")
            await until(pilot, lambda: app.status_line.connection == "live", what="live")
            await pilot.press("f12")
            await pilot.pause(0.2)

        with scene_clock():
            assert snap_compare(app, terminal_size=(140, 30), run_before=run_before)

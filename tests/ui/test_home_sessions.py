"""The home screen's sessions tab against the simulator: pages read as the cursor goes, the
cursor kept across opening a run, the status filter and the agent scope, an agent's list that
fails and is read again."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from phrony_tui.api import PhronyClient
from phrony_tui.sim import SimServer
from phrony_tui.ui.config import Settings
from phrony_tui.ui.screens.home import HomeScreen
from phrony_tui.ui.screens.run import RunScreen
from phrony_tui.ui.session_pages import PAGE
from tests.conftest import TEST_SPEED, wait_status
from tests.ui.helpers import screen_text, until
from tests.ui.home_helpers import home, own_simulator, start, until_home, watched


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    yield from own_simulator()


def counts(text: str) -> tuple[int, int] | None:
    """``shown of total`` as the sessions bar says it."""
    found = re.search(r"([\d,]+) of ([\d,]+) sessions", text)
    if found is None:
        return None
    shown, total = (int(g.replace(",", "")) for g in found.groups())
    return shown, total


async def test_sessions_load_page_by_page_as_the_cursor_goes(sim: SimServer) -> None:
    runs = await start(sim, "failing", PAGE + 30)
    async with PhronyClient(sim.base_url, sim.api_key) as client:
        await wait_status(client, runs[-1], "Failed")
    async with home(sim, watched(sim, "failing")) as (app, pilot):
        await until_home(pilot, app)
        await pilot.press("s")
        await until(pilot, lambda: counts(screen_text(app)) is not None, what="first page")
        shown, total = counts(screen_text(app)) or (0, 0)
        assert total >= PAGE + 30 and shown == PAGE  # one page only, until asked
        await pilot.press("end")
        await until(
            pilot,
            lambda: (c := counts(screen_text(app))) is not None and c[0] == c[1],
            what="every page",
        )
        assert "✖ failed" in screen_text(app)


async def test_enter_opens_a_session_and_esc_comes_back_to_the_same_row(sim: SimServer) -> None:
    await start(sim, "failing", 12)
    async with home(sim, watched(sim, "failing", "approval")) as (app, pilot):
        screen = await until_home(pilot, app)
        await pilot.press("s")
        sessions = screen.sessions
        await until(pilot, lambda: len(sessions.pages.rows) > 10, what="sessions")
        await pilot.press("down", "down", "down", "down", "down")
        key = sessions.row_list.current_key
        row = next(r for r in sessions.pages.rows if r.session.id == key)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RunScreen), what="the run")
        assert app.run_screen.run_id == row.session.root_run_id
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), what="home again")
        assert app.screen is screen and screen.tab == "sessions"
        assert sessions.row_list.current_key == key
        assert app.focused is sessions.row_list


async def test_the_status_filter_and_the_agent_scope(sim: SimServer) -> None:
    await start(sim, "failing", 3)
    await start(sim, "approval", 2)
    async with home(sim, watched(sim, "failing", "approval")) as (app, pilot):
        screen = await until_home(pilot, app)
        await pilot.press("s")
        await until(pilot, lambda: "Status: All" in screen_text(app), what="all")
        await until(pilot, lambda: "✖ failed" in screen_text(app) and "◆" in screen_text(app))
        await pilot.press("f")  # Waiting
        await until(pilot, lambda: "Status: Waiting" in screen_text(app), what="waiting")
        await until(pilot, lambda: counts(screen_text(app)) not in (None, (0, 0)))
        statuses = {r.session.status for r in screen.sessions.pages.rows}
        assert statuses and all(s.startswith("Waiting") for s in statuses)
        assert "✖ failed" not in screen_text(app)
        await pilot.press("f", "f", "f")  # Running, Completed, Failed
        await until(pilot, lambda: "Status: Failed" in screen_text(app), what="failed")
        await until(pilot, lambda: "✖ failed" in screen_text(app))
        assert {r.session.status for r in screen.sessions.pages.rows} == {"Failed"}
        await pilot.press("A")  # the first agent alone
        await until(pilot, lambda: "Agent: " + sim.agents["failing"][:8] in screen_text(app))
        await pilot.press("A")  # the second: no failed session
        await until(pilot, lambda: "No failed sessions for" in screen_text(app), what="empty")
        await pilot.press("A")  # all merged again
        await until(pilot, lambda: "Agent: all agents" in screen_text(app))


async def test_an_agent_whose_sessions_fail_is_read_again_and_merged_in_order() -> None:
    """One agent's list answers 503 twice: the other agent's sessions are listed meanwhile,
    the failing one is asked again by itself, and its sessions then take their places."""
    with SimServer(speed=TEST_SPEED, seed=3) as sim:  # its own: these are all its sessions
        waiting = []
        for _ in range(3):
            await start(sim, "failing")
            waiting += await start(sim, "approval")
        async with PhronyClient(sim.base_url, sim.api_key) as client:
            for run_id in waiting:
                await wait_status(client, run_id, "WaitingForHITL")
        approval = sim.agents["approval"]
        quiet = Settings(poll_interval=60)  # the inbox's polls leave the fault to the sessions
        agents = watched(sim, "failing", "approval")
        async with home(sim, agents, settings=quiet) as (app, pilot):
            screen = await until_home(pilot, app)
            await until(pilot, lambda: len(screen.inbox.rows) == 3, what="the inbox's pass")
            sim.faults.set("unavailable-path", f"/v1/agents/{approval}/sessions")
            sim.faults.set("unavailable-next", 2)
            await pilot.press("s")
            await until(pilot, lambda: "trying again" in screen_text(app), what="the failure")
            await until(pilot, lambda: " 3 sessions" in screen_text(app), what="the other's")
            await until(pilot, lambda: counts(screen_text(app)) == (6, 6), what="both agents")
            assert "trying again" not in screen_text(app)
            assert sim.faults.unavailable_next == 0
            rows = screen.sessions.pages.rows
            started = [row.session.started_at or "" for row in rows]
            assert started == sorted(started, reverse=True)
            assert [row.agent_id for row in rows] == [approval, sim.agents["failing"]] * 3


async def test_an_agent_that_is_not_there_is_not_asked_again() -> None:
    """A 404 is said once: the list ends without that agent, and it is not asked again."""
    from phrony_tui.inbox.agents import WatchedAgent

    with SimServer(speed=TEST_SPEED, seed=4) as sim:  # its own: no sessions anywhere
        unknown = WatchedAgent("00000000-0000-4000-8000-000000000000")
        agents = [*watched(sim, "failing"), unknown]
        async with home(sim, agents, settings=Settings(poll_interval=60)) as (app, pilot):
            await until_home(pilot, app)
            await pilot.press("s")
            await until(pilot, lambda: "404" in screen_text(app), what="the 404")
            await until(pilot, lambda: "No sessions for all" in screen_text(app), what="the end")
            asked = sim.world.request_count
            await pilot.pause(2.5)  # past two tries again, had it been tried again
            assert sim.world.request_count == asked
            assert "trying again" not in screen_text(app)


async def test_a_theme_change_recolours_the_sessions_already_drawn(sim: SimServer) -> None:
    await start(sim, "failing", 3)
    async with home(sim, watched(sim, "failing")) as (app, pilot):
        screen = await until_home(pilot, app)
        await pilot.press("s")
        rows = screen.sessions.row_list
        await until(pilot, lambda: len(rows.keys) >= 3, what="sessions")
        await pilot.pause(0.2)

        def colours() -> set[str]:
            strip = rows.render_line(1)  # a row without the cursor
            return {str(s.style.color) for s in strip if s.style and s.style.color}

        app.theme = "textual-dark"
        await pilot.pause(0.3)
        dark = colours()
        app.theme = "textual-light"
        await pilot.pause(0.3)
        assert colours() != dark


async def test_a_run_started_from_the_form_is_in_the_sessions_when_back(sim: SimServer) -> None:
    from phrony_tui.ui.screens.new_run import NewRunScreen

    await start(sim, "chat")
    async with home(sim, watched(sim, "chat")) as (app, pilot):
        screen = await until_home(pilot, app)
        await pilot.press("s")
        await until(pilot, lambda: counts(screen_text(app)) is not None, what="sessions")
        shown, total = counts(screen_text(app)) or (0, 0)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NewRunScreen), what="the form")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, RunScreen), what="the new run")
        started = app.run_screen.run_id
        await pilot.press("escape", "h")  # out of the reply box, then home
        await until(pilot, lambda: app.screen is screen, what="home")
        await until(pilot, lambda: counts(screen_text(app)) == (shown + 1, total + 1), what="+1")
        first = screen.sessions.pages.rows[0].session
        assert started in (first.root_run_id, first.entry_run_id)

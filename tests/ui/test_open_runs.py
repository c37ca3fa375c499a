"""Several runs open at once: each keeps its screen, the switcher goes between them, a run
past the live-stream bound is polled, and quitting or closing asks about any unsent draft."""

from __future__ import annotations

from textual.pilot import Pilot

from phrony_tui.api import PhronyClient
from phrony_tui.api.models import MessageBody
from phrony_tui.sim import SimServer
from phrony_tui.ui.app import ConsoleApp
from phrony_tui.ui.config import Settings
from phrony_tui.ui.screens.prompts import Prompt
from phrony_tui.ui.screens.quit import QuitConfirm
from phrony_tui.ui.screens.switcher import CloseConfirm, RunSwitcher
from phrony_tui.ui.widgets.pauses.reply import ReplyArea
from tests.ui.helpers import console, notices, pause_kind, screen_text, shows, until


async def _start(sim: SimServer, scenario: str) -> str:
    async with PhronyClient(sim.base_url, sim.api_key) as client:
        return (await client.start_run(sim.agents[scenario])).run_id


async def _open(pilot: Pilot[None], app: ConsoleApp, run_id: str) -> None:
    """Open by id, as a person does (the palette's "Open run" prompt)."""
    await until(pilot, lambda: not isinstance(app.screen, Prompt | RunSwitcher))
    app.run_screen.action_open_run()
    await until(pilot, lambda: isinstance(app.screen, Prompt), what="the run id prompt")
    await pilot.press(*run_id, "enter")
    await until(pilot, lambda: app.run_id == run_id, what=f"run {run_id} on screen")


async def _draft(pilot: Pilot[None], app: ConsoleApp, text: str) -> None:
    await until(pilot, lambda: pause_kind(app) == "reply", what="the reply pause")
    app.composer.focus_control()
    await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="the reply box")
    await pilot.press(*text)


async def test_opening_a_run_already_open_switches_to_it(sim: SimServer) -> None:
    other = await _start(sim, "forms")
    async with console(sim, "chat") as (app, pilot):
        first = app.run_id
        await _draft(pilot, app, "kept")
        await _open(pilot, app, other)
        await until(pilot, lambda: pause_kind(app) == "multi_option", what="the forms run")
        await _open(pilot, app, first)
        assert [s.run_id for s in app.runs] == [first, other]  # not a third screen
        assert app.run_screen.query_one(ReplyArea).text == "kept"
        await shows(pilot, app, "kept")


async def test_the_switcher_lists_the_runs_and_enter_switches(sim: SimServer) -> None:
    other = await _start(sim, "forms")
    async with console(sim, "chat") as (app, pilot):
        first = app.run_id
        await _open(pilot, app, other)
        await until(pilot, lambda: pause_kind(app) == "multi_option", what="the forms run")
        await pilot.press("ctrl+t")
        await until(pilot, lambda: isinstance(app.screen, RunSwitcher), what="the switcher")
        await shows(pilot, app, "Open runs (2)", first, other, "1 pending", "live")
        await pilot.press("up", "enter")
        await until(pilot, lambda: app.run_id == first, what="back to the first run")
        assert pause_kind(app) == "reply"


async def test_closing_a_run_with_a_draft_asks_first(sim: SimServer) -> None:
    other = await _start(sim, "forms")
    async with console(sim, "chat") as (app, pilot):
        first = app.run_id
        await _draft(pilot, app, "half a thought")
        await _open(pilot, app, other)
        await pilot.press("ctrl+t")
        await until(pilot, lambda: isinstance(app.screen, RunSwitcher), what="the switcher")
        await shows(pilot, app, "· draft")
        await pilot.press("up", "x")
        await until(pilot, lambda: isinstance(app.screen, CloseConfirm), what="the question")
        await shows(pilot, app, "Close this run?")
        await pilot.press("n")
        await until(pilot, lambda: not isinstance(app.screen, CloseConfirm))
        assert [s.run_id for s in app.runs] == [first, other]
        await pilot.press("ctrl+t")
        await until(pilot, lambda: isinstance(app.screen, RunSwitcher), what="the switcher")
        await pilot.press("up", "x")
        await until(pilot, lambda: isinstance(app.screen, CloseConfirm), what="the question")
        await pilot.press("y")
        await until(pilot, lambda: [s.run_id for s in app.runs] == [other], what="closed")
        assert app.run_id == other
        assert "half a thought" not in app.secrets()


async def test_closing_the_run_on_screen_shows_the_one_viewed_before(sim: SimServer) -> None:
    other = await _start(sim, "forms")
    async with console(sim, "chat") as (app, pilot):
        first = app.run_id
        await _open(pilot, app, other)
        await until(pilot, lambda: pause_kind(app) == "multi_option", what="the forms run")
        await pilot.press("t", "X")  # from the timeline: letters are keys there
        await until(pilot, lambda: app.run_id == first, what="the first run back")
        assert [s.run_id for s in app.runs] == [first]
        await pilot.press("t", "X")  # the last run stays: quitting is ctrl+q
        await until(pilot, lambda: any("only open run" in n for n in notices(app)))


async def test_quit_asks_when_any_open_run_has_an_unsent_draft(sim: SimServer) -> None:
    other = await _start(sim, "forms")
    async with console(sim, "chat") as (app, pilot):
        await _draft(pilot, app, "not sent yet")
        await _open(pilot, app, other)
        assert not app.run_screen.unsent()  # the run on screen has nothing unsent
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, QuitConfirm), what="the question")
        await shows(pilot, app, "Quit?", "(in run")
        await pilot.press("n")
        assert app.is_running


async def test_every_open_runs_draft_stays_out_of_a_crash_report(sim: SimServer) -> None:
    other = await _start(sim, "chat")
    async with console(sim, "chat") as (app, pilot):
        await _draft(pilot, app, "first secret")
        await _open(pilot, app, other)
        await _draft(pilot, app, "second secret")
        secrets = app.secrets()
        assert "first secret" in secrets and "second secret" in secrets


async def test_runs_past_the_live_bound_are_polled_and_live_again_when_shown(
    sim: SimServer,
) -> None:
    other = await _start(sim, "forms")
    settings = Settings(live_runs=1)
    async with console(sim, "chat", settings=settings, polled_every=0.2) as (app, pilot):
        first = app.run_id
        await until(pilot, lambda: pause_kind(app) == "reply", what="the reply pause")
        await _open(pilot, app, other)
        await pilot.press("ctrl+t")
        await until(pilot, lambda: isinstance(app.screen, RunSwitcher), what="the switcher")
        await shows(pilot, app, "polled, not live")
        await pilot.press("escape")
        # The polled run still follows its session: another client answers it.
        async with PhronyClient(sim.base_url, sim.api_key) as elsewhere:
            await elsewhere.send_message(MessageBody(run_id=first, message="from elsewhere"))
        polled = app.runs.find(first)
        assert polled is not None
        await until(
            pilot,
            lambda: any("from elsewhere" in str(i.content) for i in polled.state.items.values()),
            what="the polled run to see the reply",
        )
        await pilot.press("ctrl+t")
        await until(pilot, lambda: isinstance(app.screen, RunSwitcher), what="the switcher")
        await pilot.press("up", "enter")
        await until(pilot, lambda: app.run_id == first, what="the first run back")
        await until(pilot, lambda: "● live" in screen_text(app), what="live again")
        await pilot.press("ctrl+t")
        await until(pilot, lambda: isinstance(app.screen, RunSwitcher), what="the switcher")
        text = screen_text(app)
        line = next(row for row in text.splitlines() if other in row)
        assert "polled, not live" in line

"""Where the keys go when a run opens on a pause without a control (a timer), and when the pause
being answered ends while another one waits: never nowhere, and the next pause's control when
the person was answering in the composer."""

from __future__ import annotations

from phrony_tui.api import PhronyClient
from phrony_tui.session import SessionState, build_answer
from phrony_tui.sim import SimServer
from phrony_tui.ui.screens.run import RunScreen
from phrony_tui.ui.widgets.pauses.alert import AckControl
from phrony_tui.ui.widgets.pauses.options import OptionsControl
from phrony_tui.ui.widgets.timeline import Timeline
from tests.conftest import eventually, pending_tasks
from tests.ui.helpers import console, pause_kind, until
from tests.ui.home_helpers import home, select_inbox_row, until_home, watched


async def only_the_timer_waits(sim: SimServer) -> str:
    """A new run of the timer agent whose alert was acknowledged elsewhere: only its timer
    waits."""
    async with PhronyClient(sim.base_url, sim.api_key) as client:
        run_id = (await client.start_run(sim.agents["timer"], {"seconds": 600})).run_id
        conv = await eventually(lambda: client.get_conversation(run_id), pending_tasks)
        state = SessionState()
        state.apply_conversation(conv)
        (alert,) = state.pending_tasks()
        await client.send_message(build_answer(alert))
        await eventually(lambda: client.get_conversation(run_id), lambda c: not pending_tasks(c))
    return run_id


async def test_a_timer_opened_from_the_inbox_puts_the_keys_in_the_timeline(
    sim: SimServer,
) -> None:
    run_id = await only_the_timer_waits(sim)
    async with home(sim, watched(sim, "timer")) as (app, pilot):
        screen = await until_home(pilot, app)
        await select_inbox_row(pilot, screen, run_id)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RunScreen), what="the run screen")
        await until(pilot, lambda: pause_kind(app) == "timer", what="the timer")
        await until(pilot, lambda: isinstance(app.focused, Timeline), what="the timeline")
        timeline = app.run_screen.timeline
        await pilot.press("home")
        first = timeline.cursor
        await pilot.press("down")
        assert timeline.cursor == first + 1  # the arrows move the timeline, as its footer says
        await pilot.press("s")
        await until(pilot, lambda: app.state.status == "Completed", what="completed")
        assert isinstance(app.focused, Timeline)


async def test_after_an_alert_is_acknowledged_the_next_pause_has_the_keys(
    sim: SimServer,
) -> None:
    async with console(sim, "hostile", size=(160, 60)) as (app, pilot):
        await until(pilot, lambda: len(app.composer.pauses) == 2, what="alert and options")
        await until(pilot, lambda: isinstance(app.focused, AckControl), what="the alert")
        await pilot.press("k")
        await until(pilot, lambda: pause_kind(app) == "multi_option", what="the options")
        await until(pilot, lambda: isinstance(app.focused, OptionsControl), what="options focus")
        options = app.run_screen.query_one(OptionsControl)
        first = options.highlighted
        await pilot.press("down")  # "1-9 or ↑↓ select": the arrows go to the options
        assert options.highlighted == (first or 0) + 1

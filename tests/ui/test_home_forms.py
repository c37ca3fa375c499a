"""The New run form opened from the sessions: what quitting or a late answer elsewhere does
to what was typed in it."""

from __future__ import annotations

from textual.widgets import TextArea

from phrony_tui.sim import SimServer
from phrony_tui.ui.screens.new_run import NewRunScreen
from phrony_tui.ui.screens.quit import QuitConfirm
from tests.ui.helpers import until
from tests.ui.home_helpers import home, until_home, watched


async def test_ctrl_q_with_a_filled_in_new_run_form_asks_first(sim: SimServer) -> None:
    async with home(sim, watched(sim, "chat")) as (app, pilot):
        screen = await until_home(pilot, app)
        await pilot.press("s")
        await until(pilot, lambda: screen.sessions.pages.total is not None, what="sessions")
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NewRunScreen), what="the form")
        form = app.screen
        editor = form.query_one(TextArea)
        editor.focus()
        editor.text = '{"topic": "kept"}'
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, QuitConfirm), what="the question")
        await pilot.press("n")
        await until(pilot, lambda: app.screen is form, what="back to the form")
        assert form.query_one(TextArea).text == '{"topic": "kept"}'

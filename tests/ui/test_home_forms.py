"""The New run form opened from the sessions (what quitting or a late answer elsewhere does
to what was typed in it), home on a small terminal, and the keys the footer offers."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from textual.widgets import TextArea

from phrony_tui.sim import SimServer
from phrony_tui.ui.screens.new_run import NewRunScreen
from phrony_tui.ui.screens.quit import QuitConfirm
from tests.ui.helpers import received, screen_text, until
from tests.ui.home_helpers import (
    home,
    own_simulator,
    select_inbox_row,
    start,
    until_home,
    watched,
)


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    yield from own_simulator()


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


async def test_the_inbox_heading_lines_up_with_its_rows_on_a_small_terminal(
    sim: SimServer,
) -> None:
    """At 80x24 the columns' names sit over the columns (the heading follows the width the
    rows are drawn at, not a width read while the layout settles)."""
    from tests.ui.helpers import screen_text
    from tests.ui.home_helpers import start

    await start(sim, "approval")
    async with home(sim, watched(sim, "approval"), size=(80, 24)) as (app, pilot):
        screen = await until_home(pilot, app)
        await until(pilot, lambda: bool(screen.inbox.rows), what="a row")
        await pilot.pause(0.2)
        lines = screen_text(app).splitlines()
        heading = next(line for line in lines if "agent" in line and "waiting" in line)
        row = next(line for line in lines if " ago" in line)
        age = re.search(r"\d+\w*(?: \d+\w*)? ago", row)
        assert age is not None and heading.index("waiting") == age.start(), (heading, row)


async def test_at_80_columns_the_detail_goes_under_the_inbox_and_titles_keep_their_room(
    sim: SimServer,
) -> None:
    """Beside the list, the detail left a title 10 cells at 80 columns: "Approval…". Under
    it, the title is read whole."""
    from tests.ui.helpers import screen_text
    from tests.ui.home_helpers import start

    await start(sim, "approval")
    async with home(sim, watched(sim, "approval"), size=(80, 24)) as (app, pilot):
        screen = await until_home(pilot, app)
        await until(pilot, lambda: bool(screen.inbox.rows), what="a row")
        await pilot.pause(0.2)
        title = screen.inbox.rows[0].title
        lines = screen_text(app).splitlines()
        row = next(line for line in lines if " ago" in line)
        assert title and title[:30] in row, (title, row)
        below = lines[lines.index(row) + 1 :]
        assert any(line.strip().startswith(title[:30]) for line in below), "the detail, below"


async def test_at_80x24_the_new_run_form_keeps_start_and_cancel_on_screen(sim: SimServer) -> None:
    from tests.ui.helpers import screen_text

    async with home(sim, watched(sim, "chat"), size=(80, 24)) as (app, pilot):
        screen = await until_home(pilot, app)
        await pilot.press("s")
        await until(pilot, lambda: screen.sessions.pages.total is not None, what="sessions")
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NewRunScreen), what="the form")
        await pilot.press("ctrl+o")  # a file row too
        await pilot.pause(0.2)
        text = screen_text(app)
        assert "Start" in text and "Cancel" in text and "path to the file" in text, text


async def test_at_80x24_the_question_of_an_approval_from_the_inbox_is_in_view(
    sim: SimServer,
) -> None:
    """Under the list, the detail is a few lines high: the question used to sit below them,
    out of view, while Enter (meant to open the run) answered it."""
    from tests.ui.helpers import screen_text
    from tests.ui.home_helpers import start

    await start(sim, "approval")
    async with home(sim, watched(sim, "approval"), size=(80, 24)) as (app, pilot):
        screen = await until_home(pilot, app)
        await until(pilot, lambda: bool(screen.inbox.rows), what="a row")
        await pilot.press("a")
        await until(pilot, lambda: screen.inbox.deciding is not None, what="the question")
        await pilot.pause(0.2)
        text = screen_text(app)
        assert "Approve " in text and "confirm" in text and "cancel" in text, text


async def test_the_footer_offers_approve_only_on_a_row_it_can_answer() -> None:
    from phrony_tui.ui.config import Settings
    from tests.conftest import TEST_SPEED
    from tests.ui.helpers import screen_text
    from tests.ui.home_helpers import start

    with SimServer(speed=TEST_SPEED, seed=5) as sim:  # its own: two rows, no other test's
        await start(sim, "approval")
        await start(sim, "timer")
        quiet = Settings(poll_interval=60)
        async with home(sim, watched(sim, "approval", "timer"), settings=quiet) as (app, pilot):
            screen = await until_home(pilot, app)
            inbox = screen.inbox
            await until(pilot, lambda: len(inbox.rows) >= 3, what="approval, alert and timer")
            footer = lambda: screen_text(app).splitlines()[-1]  # noqa: E731
            seen = set()
            for _ in inbox.rows:
                current = inbox.current
                assert current is not None
                seen.add(current.kind)
                offered = current.answerable_here
                await until(
                    pilot, lambda o=offered: ("Approve" in footer()) == o, what=current.kind
                )
                await pilot.press("down")
            assert {"approval", "timer"} <= seen


async def test_at_80_columns_the_sessions_keep_their_id_and_drop_who_started_them(
    sim: SimServer,
) -> None:
    from tests.ui.helpers import screen_text
    from tests.ui.home_helpers import start

    await start(sim, "chat")
    async with home(sim, watched(sim, "chat"), size=(80, 24)) as (app, pilot):
        screen = await until_home(pilot, app)
        await pilot.press("s")
        sessions = screen.sessions
        await until(pilot, lambda: bool(sessions.pages.rows), what="sessions")
        first = sessions.pages.rows[0].session.id[:8]
        await until(pilot, lambda: first in screen_text(app), what="the session id")
        heading = next(line for line in screen_text(app).splitlines() if "status" in line)
        assert "session" in heading and "started by" not in heading
        row = next(line for line in screen_text(app).splitlines() if first in line)
        assert row.index(first) == heading.index("session")


async def test_n_on_the_inbox_starts_a_run_of_the_selected_rows_agent(sim: SimServer) -> None:
    """The footer's "New run" is "start a run of the selected agent": on the inbox, the agent
    of the row under the cursor (it was always the first watched agent)."""
    (run_id,) = await start(sim, "approval")
    async with home(sim, watched(sim, "chat", "approval")) as (app, pilot):
        screen = await until_home(pilot, app)
        await select_inbox_row(pilot, screen, run_id)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NewRunScreen), what="the form")
        assert sim.agents["approval"] in screen_text(app)
        assert sim.agents["chat"] not in screen_text(app)
        before = len(received(sim))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(received(sim)) > before, what="the start")
        assert received(sim)[-1].path == f"/v1/agents/{sim.agents['approval']}/runs"

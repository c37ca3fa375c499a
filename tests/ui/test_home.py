"""The home screen's inbox against the simulator: rows of several agents, opening a row's run
focused on its task, answering from the inbox, rows that appear when a run elsewhere waits."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from textual.pilot import Pilot

from phrony_tui.api import PhronyClient
from phrony_tui.inbox.agents import WatchedAgent
from phrony_tui.inbox.rows import InboxRow
from phrony_tui.sim import SimServer
from phrony_tui.ui.app import ConsoleApp
from phrony_tui.ui.config import Settings
from phrony_tui.ui.screens.home import HomeScreen
from phrony_tui.ui.screens.run import RunScreen
from phrony_tui.ui.widgets.pauses.confirm import ConfirmBar
from tests.conftest import pending_tasks, wait_status
from tests.ui.helpers import received, screen_text, shows, until
from tests.ui.home_helpers import home, own_simulator, start, until_home, watched


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    yield from own_simulator()


async def select_row(
    pilot: Pilot[None], screen: HomeScreen, wanted: Callable[[InboxRow], bool]
) -> InboxRow:
    """Move the inbox cursor (with the keys) to the first row ``wanted`` accepts."""
    await until(pilot, lambda: any(wanted(r) for r in screen.inbox.rows), what="the row")
    await pilot.press("home")
    for _ in range(len(screen.inbox.rows)):
        row = screen.inbox.current
        if row is not None and wanted(row):
            return row
        await pilot.press("down")
        await pilot.pause()
    raise AssertionError("no such row")


async def test_the_inbox_lists_waiting_runs_of_several_agents_oldest_first(
    sim: SimServer,
) -> None:
    approval, chat = (await start(sim, "approval"))[0], (await start(sim, "chat"))[0]
    async with home(sim, watched(sim, "approval", "chat", "multi-agent")) as (app, pilot):
        screen = await until_home(pilot, app)
        await until(
            pilot,
            lambda: {approval, chat} <= {r.root_run_id for r in screen.inbox.rows},
            what="both runs listed",
        )
        await select_row(pilot, screen, lambda r: r.root_run_id == approval)
        await shows(pilot, app, "Approval required: Telegram", "telegram · send_message")
        await select_row(pilot, screen, lambda r: r.root_run_id == chat)
        await shows(pilot, app, "Hello! Ask me")
        rows = screen.inbox.rows
        stamps = [r.waiting_since for r in rows if r.waiting_since is not None]
        assert stamps == sorted(stamps)

        def counted() -> bool:
            n = len(screen.inbox.rows)
            header = screen_text(app).splitlines()[0]
            return f" {n} waiting" in header and app.title == f"phrony-tui ({n})"

        await until(pilot, counted, what="the count in the header and the title")
        assert "profile env" in screen_text(app).splitlines()[0]


async def test_enter_opens_the_run_on_the_task_and_esc_returns_to_an_inbox_without_it(
    sim: SimServer,
) -> None:
    await start(sim, "multi-agent")
    async with home(sim, watched(sim, "multi-agent")) as (app, pilot):
        screen = await until_home(pilot, app)
        row = await select_row(
            pilot, screen, lambda r: r.kind == "approval" and r.run_id != r.root_run_id
        )
        assert row.task is not None
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RunScreen), what="the run screen")
        run = app.run_screen
        assert run.run_id == row.run_id
        selected = run.composer.selected
        assert selected is not None and selected.task is not None
        assert selected.task.id == row.task.id
        await shows(pilot, app, "profile env")  # the header on the run screen too
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.focused, ConfirmBar), what="confirmation")
        await pilot.press("y")
        await until(pilot, lambda: received(sim, row.run_id), what="the POST")
        await until(
            pilot,
            lambda: all(p.key != selected.key for p in run.composer.pauses),
            what="the task answered",
        )
        for _ in range(3):
            if isinstance(app.screen, HomeScreen):
                break
            await pilot.press("escape")
            await pilot.pause(0.1)
        screen = await until_home(pilot, app)
        await until(
            pilot,
            lambda: row.key not in {r.key for r in screen.inbox.rows},
            what="the answered row gone",
        )


async def test_a_on_an_approval_row_answers_it_after_confirmation(sim: SimServer) -> None:
    (run_id,) = await start(sim, "approval")
    async with home(sim, watched(sim, "approval")) as (app, pilot):
        screen = await until_home(pilot, app)
        row = await select_row(pilot, screen, lambda r: r.run_id == run_id)
        await shows(pilot, app, "telegram · send_message", '"chat_id": "@phrony-ops"')
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.focused, ConfirmBar), what="confirmation")
        await shows(pilot, app, "Approve telegram with")
        assert received(sim, run_id) == []
        await pilot.press("y")
        await until(pilot, lambda: received(sim, run_id), what="the POST")
        (sent,) = received(sim, run_id)
        assert sent.body["approved"] is True
        async with PhronyClient(sim.base_url, sim.api_key) as client:
            conversation = await wait_status(client, run_id, "Completed")
        assert pending_tasks(conversation) == []
        await until(
            pilot, lambda: row.key not in {r.key for r in screen.inbox.rows}, what="row gone"
        )


async def test_r_then_cancel_sends_nothing(sim: SimServer) -> None:
    (run_id,) = await start(sim, "approval")
    async with home(sim, watched(sim, "approval")) as (app, pilot):
        screen = await until_home(pilot, app)
        await select_row(pilot, screen, lambda r: r.run_id == run_id)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.focused, ConfirmBar), what="confirmation")
        await shows(pilot, app, "Reject telegram?")
        await pilot.press("n")
        await until(pilot, lambda: not isinstance(app.focused, ConfirmBar), what="cancelled")
        assert received(sim, run_id) == []
        assert screen.inbox.current is not None and screen.inbox.current.run_id == run_id


async def test_without_confirmations_a_sends_at_once(sim: SimServer) -> None:
    (run_id,) = await start(sim, "approval")
    settings = Settings(poll_interval=0.2, confirm_approvals=False)
    async with home(sim, watched(sim, "approval"), settings=settings) as (app, pilot):
        screen = await until_home(pilot, app)
        await select_row(pilot, screen, lambda r: r.run_id == run_id)
        await pilot.press("a")
        await until(pilot, lambda: received(sim, run_id), what="the POST")


async def test_a_run_started_elsewhere_shows_up_after_a_poll(sim: SimServer) -> None:
    async with home(sim, watched(sim, "approval")) as (app, pilot):
        screen = await until_home(pilot, app)
        await until(pilot, lambda: screen.inbox.snapshot is not None, what="first pass")
        (run_id,) = await start(sim, "approval")
        await until(
            pilot,
            lambda: run_id in {r.run_id for r in screen.inbox.rows},
            what="the new waiting run",
        )


async def test_no_agents_says_how_to_add_them(sim: SimServer, tmp_path: object) -> None:
    config = f"{tmp_path}/config.toml"
    async with home(sim, [], config_file=config, profile="staging") as (app, pilot):
        await until_home(pilot, app)
        await shows(
            pilot,
            app,
            "No agents to watch yet",
            "[profiles.staging]",
            'agents = ["AGENT_ID", "OTHER_AGENT_ID"]',
            "--agent AGENT_ID",
            "config.toml",
        )
        assert "Inbox" not in screen_text(app).splitlines()[1]


async def test_home_from_a_run_opened_by_id(sim: SimServer) -> None:
    (run_id,) = await start(sim, "approval")
    app = ConsoleApp(
        PhronyClient(sim.base_url, sim.api_key),
        run_id,
        agents=watched(sim, "approval"),
        settings=Settings(poll_interval=0.2),
        show_event_age=False,
    )
    async with app.run_test(size=(140, 40)) as pilot:
        await until(pilot, lambda: bool(app.composer.pauses), what="the run")
        await pilot.press("escape")  # nothing below: Esc does not leave the run
        await pilot.pause(0.1)
        assert isinstance(app.screen, RunScreen)
        await pilot.press("t", "h")
        screen = await until_home(pilot, app)
        await until(pilot, lambda: run_id in {r.run_id for r in screen.inbox.rows})


async def test_an_empty_inbox_says_so_and_an_agent_in_error_is_named(sim: SimServer) -> None:
    agents = [
        WatchedAgent(sim.agents["failing"], "Billing"),
        WatchedAgent("no-such-agent", "Ghost"),
    ]
    async with home(sim, agents) as (app, pilot):
        await until_home(pilot, app)
        await shows(pilot, app, "Nothing waits for you. Watching: Billing, Ghost")
        await shows(pilot, app, "Ghost: no such agent (404)")
        header = screen_text(app).splitlines()[0]
        assert "nothing waiting" in header

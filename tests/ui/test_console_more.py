"""More console behaviours against the simulator: a 409 on a task answered elsewhere, copying a
step, follow mode, the command palette, file chips, moving between pending tasks, arrow keys in
options, settings from a TOML file, opening a run by id; and the ``phrony-tui RUN_ID`` command
line's refusals. Each checks what the server received and/or what the screen shows."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import cast

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input

from phrony_tui.api import PhronyClient
from phrony_tui.session import build_answer
from phrony_tui.sim import SimServer
from phrony_tui.ui.app import ConsoleApp
from phrony_tui.ui.config import load_settings
from phrony_tui.ui.screens.prompts import Prompt
from phrony_tui.ui.widgets.pauses.approval import ApprovalControl
from phrony_tui.ui.widgets.pauses.confirm import ConfirmBar
from phrony_tui.ui.widgets.pauses.options import OptionsControl
from phrony_tui.ui.widgets.pauses.reply import Chip, ReplyArea
from phrony_tui.ui.widgets.timeline import Timeline
from tests.ui.helpers import SIZE, console, notices, pause_kind, received, screen_text, shows, until

# --- a task answered elsewhere -----------------------------------------------------------------


async def test_answering_a_task_completed_elsewhere_explains_and_refreshes(sim: SimServer) -> None:
    async with console(sim, "approval") as (app, pilot):
        await until(pilot, lambda: isinstance(app.focused, ApprovalControl), what="approval")
        pause = app.composer.selected
        assert pause is not None and pause.task is not None
        task = pause.task
        # The console's stream goes quiet, so it cannot learn that someone else answered.
        sim.mute_streams(app.run_id)
        async with PhronyClient(sim.base_url, sim.api_key) as other:
            await other.send_message(build_answer(task, True))
        await pilot.pause(0.2)
        assert app.composer.selected is not None  # the console still offers the task
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.focused, ConfirmBar), what="confirmation")
        await pilot.press("y")
        await until(
            pilot,
            lambda: any(r.status == 409 for r in received(sim, app.run_id)),
            what="the 409",
        )
        await until(pilot, lambda: not app.composer.pauses, what="the task refreshed")
        assert app.state.tasks[task.id].status != "Pending"
        await shows(pilot, app, "no longer pending", timeout=3)
        answers = [r for r in received(sim, app.run_id) if (r.body or {}).get("userTaskId")]
        assert [r.status for r in answers] == [202, 409]  # accepted once, refused the second
        assert all(r.body["userTaskId"] == task.id for r in answers)


# --- the timeline ------------------------------------------------------------------------------


async def test_y_copies_the_current_steps_json(sim: SimServer) -> None:
    async with console(sim, "approval") as (app, pilot):
        await until(pilot, lambda: pause_kind(app) == "approval")
        timeline = app.run_screen.query_one(Timeline)
        await pilot.press("t", "home", "down", "y")
        item = app.state.items[timeline.rows[1]]
        await until(pilot, lambda: app.clipboard != "", what="something copied")
        copied = json.loads(app.clipboard)
        assert copied["id"] == item.id and copied["content"] == item.content
        # No clipboard program in the test environment: it went by OSC 52, and says so.
        told = f"Step {int(item.ordinal)} sent to the terminal's clipboard (OSC 52)"
        await until(pilot, lambda: any(told in m for m in notices(app)), what=told)
        assert received(sim, app.run_id) == []  # `y` in the timeline never confirms anything


async def test_follow_mode_stops_on_scroll_up_and_resumes_on_latest(sim: SimServer) -> None:
    async with console(sim, "chat") as (app, pilot):
        timeline = app.run_screen.query_one(Timeline)
        await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="reply focused")
        assert timeline.follow and timeline.cursor == len(timeline.rows) - 1
        first = timeline.rows[0]

        await pilot.click(Timeline)
        await pilot.press("home")  # scrolled up: follow mode ends
        assert not timeline.follow and timeline.current_id == first
        rows = len(timeline.rows)
        await pilot.press("i", *"hello", "enter")
        await until(pilot, lambda: "You said: hello" in screen_text(app), what="the answer")
        await until(pilot, lambda: pause_kind(app) == "reply", what="waiting again")
        assert received(sim, app.run_id)[-1].body["text"] == "hello"
        assert len(timeline.rows) > rows
        assert timeline.current_id == first and not timeline.follow  # stayed where it was

        await pilot.click(Timeline)
        await pilot.press("G")  # back to the newest step, following again
        assert timeline.follow and timeline.cursor == len(timeline.rows) - 1

        await pilot.press("up")  # up one step: not following any more
        assert not timeline.follow and timeline.cursor == len(timeline.rows) - 2
        await pilot.press("end")
        assert timeline.follow and timeline.cursor == len(timeline.rows) - 1

        rows = len(timeline.rows)
        await pilot.press("i", *"again", "enter")
        await until(pilot, lambda: "You said: again" in screen_text(app), what="second answer")
        await until(pilot, lambda: len(timeline.rows) > rows and pause_kind(app) == "reply")
        assert timeline.follow and timeline.cursor == len(timeline.rows) - 1
        newest = app.state.items[timeline.current_id or ""]
        assert newest.ordinal == max(app.state.items[i].ordinal for i in timeline.rows)


# --- the command palette -----------------------------------------------------------------------


async def _palette(pilot: Pilot[None], app: ConsoleApp, query: str, listed: str) -> None:
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
    await pilot.press(*query)
    await shows(pilot, app, listed)


async def test_palette_lists_approve_and_running_it_asks_to_confirm(sim: SimServer) -> None:
    async with console(sim, "approval") as (app, pilot):
        await until(pilot, lambda: isinstance(app.focused, ApprovalControl), what="approval")
        await _palette(pilot, app, "approve", "Approve the tool call")
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, CommandPalette), what="closed")
        await shows(pilot, app, "Approve telegram · send_message with")
        await until(pilot, lambda: isinstance(app.focused, ConfirmBar), what="confirm focused")
        assert received(sim, app.run_id) == []  # nothing before the confirmation
        await pilot.press("y")
        await until(pilot, lambda: received(sim, app.run_id), what="the POST")
        (sent,) = received(sim, app.run_id)
        assert sent.status == 202 and sent.body["approved"] is True


async def test_open_run_by_id_from_the_palette_filters_to_that_run(sim: SimServer) -> None:
    async with console(sim, "multi-agent") as (app, pilot):
        await until(pilot, lambda: len(app.state.runs) == 4, what="four runs")
        child = next(r for r in app.state.runs.values() if r.agent_name == "Analyst")
        await _palette(pilot, app, "open a run", "Open a run by id")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, Prompt), what="the run id prompt")
        await shows(pilot, app, "Open a run", "Enter: OK")
        await pilot.press(*child.id, "enter")
        timeline = app.run_screen.query_one(Timeline)
        await until(pilot, lambda: timeline.run_filter == child.id, what="filtered to the child")
        assert timeline.rows and all(app.state.items[i].run_id == child.id for i in timeline.rows)
        await shows(pilot, app, "showing Analyst only")
        assert received(sim, app.run_id) == []  # browsing sends nothing


async def test_open_run_by_id_opens_another_run_beside_the_one_with_a_draft(
    sim: SimServer,
) -> None:
    async with PhronyClient(sim.base_url, sim.api_key) as client:
        other = await client.start_run(sim.agents["forms"])
    async with console(sim, "chat") as (app, pilot):
        first = app.run_id
        await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="the reply box")
        await pilot.press(*"unsent words")
        app.run_screen.action_open_run()
        await until(pilot, lambda: isinstance(app.screen, Prompt), what="the run id prompt")
        await pilot.press(*other.run_id, "enter")
        await until(pilot, lambda: app.run_id == other.run_id, what="the console to switch")
        # The other run is loaded and live: its first form is what the composer offers.
        await until(pilot, lambda: pause_kind(app) == "multi_option", what="the other run")
        # The first run is still open, its draft kept.
        assert [s.run_id for s in app.runs] == [first, other.run_id]
        first_screen = app.runs.find(first)
        assert first_screen is not None
        assert first_screen.query_one(ReplyArea).text == "unsent words"


async def test_a_draft_for_a_task_that_ended_elsewhere_does_not_block_opening_a_run(
    sim: SimServer,
) -> None:
    async with PhronyClient(sim.base_url, sim.api_key) as client:
        other = await client.start_run(sim.agents["chat"])
    async with console(sim, "approval") as (app, pilot):
        await until(pilot, lambda: isinstance(app.focused, ApprovalControl), what="approval")
        pause = app.composer.selected
        assert pause is not None and pause.task is not None
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.focused, Input), what="the comment box")
        await pilot.press(*"a comment never sent")
        assert app.composer.unsent()
        async with PhronyClient(sim.base_url, sim.api_key) as elsewhere:
            await elsewhere.send_message(build_answer(pause.task, True))
        await until(pilot, lambda: not app.composer.pauses, what="the task gone")
        assert not app.composer.unsent()  # nothing left that could still be sent
        app.run_screen.action_open_run()
        await until(pilot, lambda: isinstance(app.screen, Prompt), what="the run id prompt")
        await pilot.press(*other.run_id, "enter")
        await until(pilot, lambda: app.run_id == other.run_id, what="the console to switch")


async def test_open_run_by_id_says_why_a_run_cannot_be_opened(sim: SimServer) -> None:
    async with console(sim, "chat") as (app, pilot):
        await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="the reply box")
        app.run_screen.action_open_run()
        await until(pilot, lambda: isinstance(app.screen, Prompt), what="the run id prompt")
        await pilot.press(*"no-such-run", "enter")
        await until(pilot, lambda: any("was not found" in m for m in notices(app)))
        assert app.is_running and app.run_id != "no-such-run"


# --- files -------------------------------------------------------------------------------------


async def _attach(pilot: Pilot[None], app: ConsoleApp, name: str, count: int) -> None:
    """Attach ``name`` from the working directory (a short path: each key is a press)."""
    await pilot.press("ctrl+o")
    await until(pilot, lambda: isinstance(app.screen, Prompt), what="path prompt")
    await pilot.press(*name, "enter")
    await until(
        pilot,
        lambda: len(app.run_screen.query(Chip)) == count,
        what=f"{count} upload(s) finished",
    )
    await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="focus back")


@asynccontextmanager
async def _chat_with_files(
    sim: SimServer, folder: Path, *names: str
) -> AsyncIterator[tuple[ConsoleApp, Pilot[None]]]:
    """A chat console with ``names`` (made in ``folder``, the working directory) attached."""
    for name in names:
        (folder / name).write_text(f"the text of {name}")
    async with console(sim, "chat") as (app, pilot):
        await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="reply focused")
        for count, name in enumerate(names, 1):
            await _attach(pilot, app, name, count)
        yield app, pilot


async def test_clicking_a_chips_remove_button_drops_the_file(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with _chat_with_files(sim, tmp_path, "keep.txt", "drop.txt") as (app, pilot):
        await shows(pilot, app, "keep.txt ✕", "drop.txt ✕")
        chip = next(c for c in app.run_screen.query(Chip) if "drop.txt" in str(c.render()))
        await pilot.click(chip)
        await until(pilot, lambda: "drop.txt" not in screen_text(app), what="chip gone")
        await shows(pilot, app, "keep.txt ✕")
        await pilot.click(ReplyArea)
        await pilot.press(*"with one file", "enter")
        await until(pilot, lambda: received(sim, app.run_id), what="the reply")
        (sent,) = received(sim, app.run_id)
        assert sent.body["text"] == "with one file"
        assert [f["filename"] for f in sent.body["files"]] == ["keep.txt"]
        await shows(pilot, app, "Received files: keep.txt")


async def test_tab_completes_the_path_and_the_upload_shows_its_progress(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "progress-report.bin").write_bytes(b"x" * 300_000)
    async with console(sim, "chat") as (app, pilot):
        await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="reply focused")
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, Prompt), what="path prompt")
        await pilot.press(*"prog")
        path_input = app.screen.query_one(Input)
        await shows(pilot, app, "progress-report.bin")  # the suggestion, drawn after "prog"
        assert path_input.value == "prog"
        await pilot.press("tab")
        assert path_input.value == "progress-report.bin"
        sim.faults.set("latency-ms", 600)  # presign and finalize take a while: watch the bar
        await pilot.press("enter")
        await shows(pilot, app, "⇡ progress-report.bin", "%")
        assert any(bar in screen_text(app) for bar in ("█", "░"))
        await shows(pilot, app, "progress-report.bin ✕", timeout=15)
        assert "⇡" not in screen_text(app)


async def test_ctrl_x_in_the_reply_removes_the_last_file_and_keeps_the_draft(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with _chat_with_files(sim, tmp_path, "first.txt", "second.txt") as (app, pilot):
        await pilot.press(*"my draft")
        # In a prompt, ctrl+x is the input's own: no file goes.
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, Prompt), what="path prompt")
        await pilot.press(*"abc", "ctrl+x", "escape")
        await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="back in the reply")
        assert len(app.run_screen.query(Chip)) == 2
        await pilot.press("ctrl+x")
        await until(pilot, lambda: "second.txt" not in screen_text(app), what="last chip gone")
        await shows(pilot, app, "first.txt ✕")
        assert app.run_screen.query_one(ReplyArea).text == "my draft"
        await pilot.press("enter")
        await until(pilot, lambda: received(sim, app.run_id), what="the reply")
        (sent,) = received(sim, app.run_id)
        assert sent.body["text"] == "my draft"
        assert [f["filename"] for f in sent.body["files"]] == ["first.txt"]


async def test_attaching_a_missing_file_or_a_folder_says_what_is_wrong(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "empty.txt").write_text("")
    async with console(sim, "chat") as (app, pilot):
        await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="reply focused")
        for name, told in [
            ("no-such.txt", "No such file: no-such.txt"),
            ("a-folder", "a-folder is a folder; attach a file inside it"),
            ("empty.txt", "empty.txt is empty; there is nothing to attach"),
        ]:
            await pilot.press("ctrl+o")
            await until(pilot, lambda: isinstance(app.screen, Prompt), what="path prompt")
            await pilot.press(*name, "enter")
            await shows(pilot, app, told)
            await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="focus back")
            assert "Upload" not in screen_text(app) and "⇡" not in screen_text(app)
        assert not [r for r in sim.world.received if r.path.startswith("/v1/file-library")]
        assert not app.composer.unsent()  # nothing attached, nothing on its way


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
async def test_attaching_an_unreadable_file_says_so(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    secret = tmp_path / "locked.txt"
    secret.write_text("private")
    secret.chmod(0)
    async with console(sim, "chat") as (app, pilot):
        await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="reply focused")
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, Prompt), what="path prompt")
        await pilot.press(*"locked.txt", "enter")
        await shows(pilot, app, "locked.txt cannot be read: permission denied")


async def test_an_upload_on_its_way_or_an_attached_file_counts_as_unsent(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "slow.txt").write_text("x" * 1000)
    async with console(sim, "chat") as (app, pilot):
        await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="reply focused")
        assert not app.composer.unsent()
        sim.faults.set("latency-ms", 400)
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, Prompt), what="path prompt")
        await pilot.press(*"slow.txt", "enter")
        await shows(pilot, app, "⇡ slow.txt")
        assert app.composer.unsent()  # on its way
        await shows(pilot, app, "slow.txt ✕", timeout=15)
        sim.faults.set("latency-ms", 0)
        assert app.composer.unsent()  # attached, not sent
        await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="focus back")
        await pilot.press("ctrl+x")
        await until(pilot, lambda: "slow.txt" not in screen_text(app), what="chip gone")
        assert not app.composer.unsent()
        await pilot.press(*"words")
        assert app.composer.unsent() and "words" in app.composer.secrets()


# --- several pending tasks ---------------------------------------------------------------------

PROMPTS = {
    "anomaly_alert": "Token spend is 3x the 7-day average for this agent.",
    "approval": "Append the findings row?",
    "aitl_escalation": "Is the claim 'agents pause for people' about HITL approvals?",
}


async def test_n_and_shift_n_cycle_through_pending_tasks(sim: SimServer) -> None:
    async with console(sim, "multi-agent") as (app, pilot):
        await until(pilot, lambda: len(app.composer.pauses) == 3, what="three pauses")
        keys = [p.key for p in app.composer.pauses]
        assert app.composer.selected is not None
        start = keys.index(app.composer.selected.key)

        async def press(key: str) -> None:
            # Keys go to the timeline: an answer input with focus would take the letter.
            if not isinstance(app.focused, Timeline):
                await pilot.click(Timeline)
            await pilot.press(key)

        async def selected_is(index: int) -> None:
            want = keys[index % 3]
            await until(
                pilot,
                lambda: app.composer.selected is not None and app.composer.selected.key == want,
                what=f"task {want}",
            )
            kind = str(pause_kind(app))
            await shows(pilot, app, PROMPTS[kind], f"({index % 3 + 1} of 3 · n/ctrl+n next")

        await selected_is(start)
        await press("N")
        await selected_is(start - 1)
        await press("N")
        await selected_is(start - 2)
        await press("n")
        await selected_is(start - 1)
        await press("n")
        await selected_is(start)
        await press("n")
        await selected_is(start + 1)
        assert not [r for run_id in app.state.runs for r in received(sim, run_id)]  # only moved


# --- options with the arrows -------------------------------------------------------------------


async def test_arrows_then_enter_send_the_highlighted_option(sim: SimServer) -> None:
    async with console(sim, "forms") as (app, pilot):
        await until(pilot, lambda: pause_kind(app) == "multi_option", what="options")
        await until(pilot, lambda: isinstance(app.focused, OptionsControl), what="options focus")
        await shows(pilot, app, "1. Email", "2. SMS", "3. Push notification")
        options = app.run_screen.query_one(OptionsControl)
        assert options.highlighted == 0  # the first option, Email
        await pilot.press("down", "down", "up")
        assert options.highlighted == 1
        await pilot.press("enter")
        await until(pilot, lambda: received(sim, app.run_id), what="the answer")
        (sent,) = received(sim, app.run_id)
        assert sent.status == 202
        assert sent.body["selectedOptionId"] == "sms"
        await until(pilot, lambda: pause_kind(app) == "text", what="the next task")
        await shows(pilot, app, "What subject line should it have?")


# --- settings from a TOML file, the way the command line builds the console -----------------------


CONFIG = """\
theme = "gruvbox"
confirm_approvals = false

[keys]
"task.approve" = "ctrl+y"
"""


def test_settings_from_a_toml_file_reach_the_console(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from phrony_tui.ui import main

    config = tmp_path / "config.toml"
    config.write_text(CONFIG)
    monkeypatch.setenv("PHRONY_TUI_CONFIG", str(config))

    async def start() -> str:
        async with PhronyClient(sim.base_url, sim.api_key) as starter:
            return (await starter.start_run(sim.agents["approval"])).run_id

    run_id = asyncio.run(start())
    built: list[ConsoleApp] = []
    monkeypatch.setattr(ConsoleApp, "run", lambda self, *a, **k: built.append(self))
    assert main.open_console(run_id, base_url=sim.base_url, api_key=sim.api_key) == 0
    (app,) = built
    assert app.settings.theme == "gruvbox" and app.settings.keys == {"task.approve": "ctrl+y"}

    async def drive() -> None:
        async with app.run_test(size=SIZE) as running:
            pilot = cast(Pilot[None], running)  # the helpers' type; the app's result is unused
            await until(pilot, lambda: pause_kind(app) == "approval", what="approval")
            await shows(pilot, app, "Approval required: Telegram · Send Message")
            assert app.theme == "gruvbox"
            await pilot.press("a", "t")  # a is remapped away; t, read after it, moves focus
            await until(pilot, lambda: isinstance(app.focused, Timeline), what="t handled")
            assert received(sim, run_id) == []
            assert not isinstance(app.focused, ConfirmBar)
            await pilot.press("ctrl+y")  # the new key, and no confirmation step
            await until(pilot, lambda: received(sim, run_id), what="approved at once")
            (sent,) = received(sim, run_id)
            assert sent.status == 202 and sent.body["approved"] is True
            await until(pilot, lambda: app.state.status == "Completed", what="completed")
            await shows(pilot, app, "approved")

    asyncio.run(drive())


def test_opened_as_the_cli_opens_it_the_task_control_has_focus(
    sim: SimServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from phrony_tui.ui import main

    monkeypatch.setenv("PHRONY_TUI_CONFIG", "/nonexistent/phrony-tui.toml")

    async def start() -> str:
        async with PhronyClient(sim.base_url, sim.api_key) as starter:
            started = await starter.start_run(sim.agents["approval"])
            while not (await starter.get_run(started.run_id)).status.startswith("Waiting"):
                await asyncio.sleep(0.02)
            return started.run_id

    run_id = asyncio.run(start())
    built: list[ConsoleApp] = []
    monkeypatch.setattr(ConsoleApp, "run", lambda self, *a, **k: built.append(self))
    assert main.open_console(run_id, base_url=sim.base_url, api_key=sim.api_key) == 0
    (app,) = built

    async def drive() -> None:
        async with app.run_test(size=SIZE) as running:
            pilot = cast(Pilot[None], running)  # the helpers' type; the app's result is unused
            await until(pilot, lambda: pause_kind(app) == "approval", what="approval")
            await until(
                pilot, lambda: isinstance(app.focused, ApprovalControl), timeout=3, what="focus"
            )
            await pilot.press("a")
            await shows(pilot, app, "Approve telegram · send_message with")

    asyncio.run(drive())


def test_an_explicit_config_file_wins_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "env.toml"
    elsewhere.write_text('theme = "nord"\n')
    explicit = tmp_path / "explicit.toml"
    explicit.write_text(CONFIG)
    monkeypatch.setenv("PHRONY_TUI_CONFIG", str(elsewhere))
    settings = load_settings(str(explicit))
    assert settings.theme == "gruvbox" and settings.confirm_approvals is False
    assert settings.keys == {"task.approve": "ctrl+y"}


# --- the command line: phrony-tui RUN_ID -------------------------------------------------------

UNKNOWN_RUN = "00000000-0000-4000-8000-000000000000"


def _cli(tmp_path: Path, run_id: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PHRONY")}
    clean |= {"XDG_CONFIG_HOME": str(tmp_path / "no-config"), **env}
    exe = Path(sys.executable).with_name("phrony-tui")
    return subprocess.run(
        [str(exe), run_id],
        env=clean,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _refused(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("phrony-tui: ")
    for fragment in fragments:
        assert fragment in lines[0]


def test_cli_without_a_key(sim: SimServer, tmp_path: Path) -> None:
    result = _cli(tmp_path, UNKNOWN_RUN, PHRONY_API_BASE=sim.base_url)
    _refused(result, "no API key", "PHRONY_API_KEY")


def test_cli_unknown_run(sim: SimServer, tmp_path: Path) -> None:
    result = _cli(tmp_path, UNKNOWN_RUN, PHRONY_API_BASE=sim.base_url, PHRONY_API_KEY=sim.api_key)
    _refused(result, f"run {UNKNOWN_RUN} was not found", sim.base_url)


def test_cli_wrong_key(sim: SimServer, tmp_path: Path) -> None:
    result = _cli(tmp_path, UNKNOWN_RUN, PHRONY_API_BASE=sim.base_url, PHRONY_API_KEY="phk_wrong")
    _refused(result, "API key was refused", "401", "PHRONY_API_KEY")
    assert "phk_wrong" not in result.stderr


def test_cli_unreachable_server(sim: SimServer, tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    result = _cli(tmp_path, UNKNOWN_RUN, PHRONY_API_BASE=base, PHRONY_API_KEY=sim.api_key)
    _refused(result, "cannot reach", "PHRONY_API_BASE")
    assert sim.api_key not in result.stderr


# --- focus ---------------------------------------------------------------------------------------


async def test_a_new_pause_does_not_take_focus_from_a_search_in_progress() -> None:
    # At speed 1 the last child's task comes about 3 s after the first pause.
    with SimServer(speed=1, seed=2) as slow:
        async with console(slow, "multi-agent") as (app, pilot):
            await until(pilot, lambda: app.composer.pauses, what="the first pause")
            assert len(app.composer.pauses) < 3, "too late: every pause is here already"
            await pilot.press("/", *"Analyst")
            search = app.run_screen.query_one("#search", Input)
            await until(pilot, lambda: len(app.composer.pauses) == 3, timeout=20, what="3 pauses")
            await pilot.pause(0.3)
            assert app.focused is search and search.value == "Analyst"
            await pilot.press("escape")
            await until(pilot, lambda: app.focused is not search, what="the search closed")
            await pilot.press("n")  # the next task, when asked: its control takes focus
            await until(
                pilot,
                lambda: app.focused is not None and app.composer in app.focused.ancestors,
                what="focus in the composer",
            )

"""Keys, focus and the footer: letters type in text fields, Esc leaves them, ctrl+q never loses a
draft silently, the footer and help say what works now, the left pane gives way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input

from phrony_tui.api.errors import ConfigError
from phrony_tui.sim import SimServer
from phrony_tui.ui.config import Settings, load_settings
from phrony_tui.ui.screens.help import HelpScreen
from phrony_tui.ui.screens.prompts import Prompt
from phrony_tui.ui.screens.quit import QuitConfirm
from phrony_tui.ui.widgets.pauses.approval import ApprovalControl
from phrony_tui.ui.widgets.pauses.reply import ReplyArea
from phrony_tui.ui.widgets.timeline import Timeline
from tests.ui.helpers import console, notices, pause_kind, received, screen_text, shows, until


def footer(app: object) -> str:
    return screen_text(app).splitlines()[-1]  # type: ignore[arg-type]


async def test_letters_type_in_the_reply_and_esc_leaves_it_with_the_draft(sim: object) -> None:
    async with console(sim, "chat") as (app, pilot):  # type: ignore[arg-type]
        await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="the reply box")
        await until(pilot, lambda: "Leave input" in footer(app), what="the footer's way out")
        await pilot.press(*"?/it")
        reply = app.run_screen.query_one(ReplyArea)
        assert reply.text == "?/it" and not isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.focused, Timeline), what="the timeline")
        assert reply.text == "?/it"
        await until(pilot, lambda: "Leave input" not in footer(app), what="footer updated")
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="back in the reply")
        assert app.run_screen.query_one(ReplyArea).text == "?/it"


async def test_f1_opens_help_while_typing_and_help_says_where_keys_work(sim: object) -> None:
    async with console(sim, "chat") as (app, pilot):  # type: ignore[arg-type]
        await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="the reply box")
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        await shows(pilot, app, "Anywhere, even while typing", "Anywhere but in a text field")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="back to typing")


async def test_ctrl_q_with_a_draft_asks_once_and_keeps_it(sim: object) -> None:
    async with console(sim, "chat") as (app, pilot):  # type: ignore[arg-type]
        await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="the reply box")
        await pilot.press(*"half a thought", "ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, QuitConfirm), what="the question")
        await shows(pilot, app, "An unsent draft would be lost", "y: quit", "n/Esc: stay")
        assert "attached file" not in screen_text(app)  # it says what, not every might-be
        await pilot.press("n")
        await until(pilot, lambda: not isinstance(app.screen, QuitConfirm), what="stayed")
        assert app.is_running
        assert app.run_screen.query_one(ReplyArea).text == "half a thought"
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, QuitConfirm), what="asked again")
        await pilot.press("y")
        await until(pilot, lambda: not app.is_running, what="quit")


async def test_ctrl_q_with_nothing_unsent_quits_at_once(sim: object) -> None:
    async with console(sim, "approval") as (app, pilot):  # type: ignore[arg-type]
        await until(pilot, lambda: isinstance(app.focused, ApprovalControl), what="approval")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not app.is_running, what="quit")


async def test_the_footer_follows_the_pauses_without_a_focus_change(sim: object) -> None:
    async with console(sim, "timer", {"seconds": 600}) as (app, pilot):  # type: ignore[arg-type]
        await until(pilot, lambda: len(app.composer.pauses) == 2, what="alert and timer")
        await until(pilot, lambda: "Skip wait" in footer(app), what="skip offered")
        await pilot.press("t", "k")
        await until(pilot, lambda: [p.kind for p in app.composer.pauses] == ["timer"])
        focused = app.focused
        await pilot.press("s")
        await until(pilot, lambda: app.state.status == "Completed", what="completed")
        await until(pilot, lambda: "Skip wait" not in footer(app), what="skip withdrawn")
        assert app.focused is focused


async def test_at_80_columns_the_footer_offers_first_what_answers_the_run(sim: object) -> None:
    """The timeline's keys came first and "s Skip wait" was cut off the footer at 80 columns."""
    async with console(sim, "timer", {"seconds": 600}, size=(80, 24)) as (app, pilot):  # type: ignore[arg-type]
        await until(pilot, lambda: len(app.composer.pauses) == 2, what="alert and timer")
        await pilot.press("t", "k")
        await until(pilot, lambda: [p.kind for p in app.composer.pauses] == ["timer"])
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.focused, Timeline), what="the timeline")
        await until(pilot, lambda: footer(app).lstrip().startswith("s Skip wait"), what=footer(app))


async def test_no_approve_keys_for_a_dashboard_only_task(sim: object) -> None:
    async with console(sim, "multi-agent") as (app, pilot):  # type: ignore[arg-type]
        await until(pilot, lambda: len(app.composer.pauses) == 3, what="three pauses")
        while pause_kind(app) != "anomaly_alert":
            await pilot.press("ctrl+n")
        await shows(pilot, app, "complete it in the Phrony dashboard")
        assert "Approve" not in footer(app) and "Acknowledge" not in footer(app)
        while pause_kind(app) != "approval":
            await pilot.press("ctrl+n")
        await until(pilot, lambda: "Approve" in footer(app), what="approve offered")


async def test_help_shows_remapped_keys_and_whether_approvals_confirm(sim: object) -> None:
    settings = Settings(keys={"task.approve": "ctrl+a"}, confirm_approvals=False)
    async with console(sim, "approval", settings=settings) as (app, pilot):  # type: ignore[arg-type]
        await until(pilot, lambda: pause_kind(app) == "approval", what="approval")
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        text = screen_text(app)
        line = next(row for row in text.splitlines() if "task.approve" in row)
        assert "ctrl+a" in line and "sent at once" in line and "then y" not in line


def test_unknown_settings_and_binding_ids_are_reported_by_name(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('them = "nord"\n[keys]\n"task.aprove" = "ctrl+a"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(str(config))
    message = str(caught.value)
    assert str(config) in message
    assert "'task.aprove' is not a binding id; did you mean 'task.approve'?" in message
    assert "unknown setting 'them'" in message and "theme, confirm_approvals, keys" in message


async def test_the_left_pane_hides_on_a_small_terminal_and_a_key_toggles_it(
    sim: object,
) -> None:
    async with console(sim, "chat", size=(60, 15)) as (app, pilot):  # type: ignore[arg-type]
        await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="the reply box")
        left = app.run_screen.query_one("#left")
        await until(pilot, lambda: not left.display, what="the pane hidden")
        await pilot.press("ctrl+l")
        await until(pilot, lambda: left.display, what="the pane shown on request")
        await pilot.press("ctrl+l")
        await until(pilot, lambda: not left.display, what="hidden again")
        assert isinstance(app.focused, ReplyArea)  # ctrl+l works while typing


async def test_y_copies_exact_inert_json_and_says_how(
    sim: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")  # no clipboard program: OSC 52
    async with console(sim, "hostile", size=(160, 60)) as (app, pilot):  # type: ignore[arg-type]
        timeline = app.run_screen.query_one(Timeline)
        await until(pilot, lambda: len(app.composer.pauses) == 2, what="hostile pauses")

        def bidi_row() -> int | None:
            for row, item_id in enumerate(timeline.rows):
                if "\u202e" in json.dumps(app.state.items[item_id].content, ensure_ascii=False):
                    return row
            return None

        row = await until(pilot, lambda: bidi_row() is not None and bidi_row(), what="bidi")
        await pilot.press("escape", "t")
        await until(pilot, lambda: isinstance(app.focused, Timeline), what="the timeline")
        timeline.move_to(row, follow=False)
        await pilot.press("y")
        await until(pilot, lambda: app.clipboard != "", what="copied")
        item = app.state.items[timeline.rows[row]]
        assert "\u202e" not in app.clipboard and "\\u202e" in app.clipboard
        assert json.loads(app.clipboard)["content"] == item.content  # exact
        told = "sent to the terminal's clipboard (OSC 52) (inside tmux it arrives only with"
        await until(pilot, lambda: any(told in m for m in notices(app)), what=told)


async def test_a_step_too_large_for_the_terminals_clipboard_is_offered_as_a_file(
    sim: object, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")  # no clipboard program: OSC 52, too small
    async with console(sim, "hostile", {"mb": 0.25}, size=(160, 60)) as (app, pilot):  # type: ignore[arg-type]
        timeline = app.run_screen.query_one(Timeline)
        await until(pilot, lambda: len(app.composer.pauses) == 2, what="hostile pauses")
        big = next(r for r in timeline.rows if len(str(app.state.items[r].content)) > 250_000)
        await pilot.press("escape", "t")
        await until(pilot, lambda: isinstance(app.focused, Timeline), what="the timeline")
        timeline.move_to(timeline.rows.index(big), follow=False)
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, Prompt), what="the file prompt")
        await shows(pilot, app, "too large for the clipboard")
        assert app.clipboard == ""  # nothing half-sent to the terminal
        target = tmp_path / "big-step.json"
        field = app.screen.query_one(Input)
        field.value = str(target)
        await pilot.press("enter")
        await until(pilot, target.exists, what="the file written")
        item = app.state.items[big]
        assert json.loads(target.read_text())["content"] == item.content
        await until(pilot, lambda: any("Written to" in m for m in notices(app)), what="told")


async def test_a_reply_pasted_with_its_enter_sends_all_of_it(sim: SimServer) -> None:
    """Keys that arrive together (a paste, a terminal's burst) reach the reply before Enter,
    which is read first as a priority binding, sends it."""
    async with console(sim, "chat") as (app, pilot):
        await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="the reply box")
        for key in [*"pasted words", "enter"]:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await shows(pilot, app, "You said: pasted words")
        sent = [r.body["text"] for r in received(sim, app.run_id) if r.status == 202]
        assert sent == ["pasted words"]

"""A pause never waits unnoticed: the exact bytes written to the terminal when a run starts
waiting (bell, OSC 9, OSC 777, the window title), the focus policy, and notify_command."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual import events
from textual.drivers.headless_driver import HeadlessDriver

from phrony_tui.sim import SimServer
from phrony_tui.ui.config import Settings
from phrony_tui.ui.notify import WaitingChanged, desktop_notification, inert
from phrony_tui.ui.widgets.pauses.reply import ReplyArea
from tests.ui.helpers import console, notices, pause_kind, until

HOSTILE_TITLE = "\x07\x1b]0;pwned\x07"
HOSTILE_BODY = "ends here\x1b\\ and here\x9c; \x1b]777;notify;fake;fake\x07"


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """What the app writes to the terminal (the test driver writes nothing by itself)."""
    out: list[str] = []

    def write(self: HeadlessDriver, data: str) -> None:
        if not data.startswith("\x1b]22;"):  # Textual's own: the mouse pointer's shape
            out.append(data)

    monkeypatch.setattr(HeadlessDriver, "write", write)
    yield out


def alerts(out: list[str]) -> list[str]:
    return [w for w in out if w.startswith("\a")]


def test_agent_text_cannot_end_or_inject_an_escape_sequence() -> None:
    assert desktop_notification(HOSTILE_TITLE, HOSTILE_BODY) == (
        "\a"
        "\x1b]9;␇␛]0,pwned␇: ends here␛\\ and here⟨9C⟩, ␛]777,notify,fake,fake␇\a"
        "\x1b]777;notify;␇␛]0,pwned␇;ends here␛\\ and here⟨9C⟩, ␛]777,notify,fake,fake␇\a"
    )
    long = inert("x" * 5000 + "\n\u2028y", 200)
    assert len(long) == 200 and all(c.isprintable() for c in long)


async def test_a_run_that_starts_waiting_rings_and_notifies(
    sim: SimServer, written: list[str]
) -> None:
    async with console(sim, "chat", settings=Settings(notify="always")) as (app, pilot):
        await until(pilot, lambda: pause_kind(app) == "reply", what="the reply pause")
        # Waiting when it opened is not news: only the title counts it.
        await until(pilot, lambda: "\x1b[22;0t\x1b]2;(1) phrony-tui\a" in written)
        assert alerts(written) == []
        app.composer.focus_control()
        await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="the reply box")
        await pilot.press(*"hello", "enter")
        await until(pilot, lambda: alerts(written), what="the notification")
        assert alerts(written) == [
            "\a"
            "\x1b]9;Chat assistant needs you: Chat assistant is waiting for your reply\a"
            "\x1b]777;notify;Chat assistant needs you;Chat assistant is waiting for your reply\a"
        ]
        titles = [w for w in written if w.startswith("\x1b]2;")]
        assert titles[-1] == "\x1b]2;(1) phrony-tui\a"  # one thing waits, again


async def test_an_agent_title_trying_to_break_out_is_written_inert(
    sim: SimServer, written: list[str]
) -> None:
    async with console(sim, "chat", settings=Settings(notify="always")) as (app, pilot):
        app.post_message(WaitingChanged(9, [("t1", HOSTILE_TITLE, HOSTILE_BODY)]))
        await until(pilot, lambda: alerts(written), what="the notification")
        assert alerts(written) == [desktop_notification(HOSTILE_TITLE, HOSTILE_BODY)]
        everything = "".join(written)
        assert "pwned\x07" not in everything and "\x1b]0;" not in everything
        assert "\x1b\\" not in everything and "\x9c" not in everything


async def test_unfocused_notifies_only_once_the_terminal_lost_focus(
    sim: SimServer, written: list[str]
) -> None:
    async with console(sim, "chat") as (app, pilot):
        app.post_message(WaitingChanged(5, [("a", "Agent", "first")]))
        await until(pilot, lambda: "\x1b]2;(5) phrony-tui\a" in "".join(written))
        assert alerts(written) == []  # focused: the title only
        app.post_message(events.AppBlur())
        app.post_message(WaitingChanged(6, [("b", "Agent", "second")]))
        await until(pilot, lambda: alerts(written), what="the notification")
        assert alerts(written) == [desktop_notification("Agent", "second")]
        assert written[-2:] == ["\x1b]2;(6) phrony-tui\a", desktop_notification("Agent", "second")]


async def test_never_writes_nothing(sim: SimServer, written: list[str]) -> None:
    async with console(sim, "chat", settings=Settings(notify="never")) as (app, pilot):
        app.post_message(events.AppBlur())
        app.post_message(WaitingChanged(2, [("a", "Agent", "waiting")]))
        await until(pilot, lambda: app.notifier.count == 2, what="the message handled")
        assert written == []


async def test_notify_command_runs_with_the_notification_as_arguments(
    sim: SimServer, written: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "argv.txt"
    script = tmp_path / "record.py"
    script.write_text(
        f"import sys\nopen({str(out)!r}, 'w', encoding='utf-8').write('\\n'.join(sys.argv[1:]))\n"
    )
    command = [sys.executable, str(script), "{title}", "--", "{body}"]
    settings = Settings(notify="always", notify_command=command)
    async with console(sim, "chat", settings=settings) as (app, pilot):
        # A title holding a placeholder stays text: it is not filled in with the body.
        app.post_message(WaitingChanged(1, [("a", HOSTILE_TITLE + "{body}", "Approve; now")]))
        await until(pilot, lambda: out.exists() and out.read_text(encoding="utf-8"))
        assert out.read_text(encoding="utf-8").split("\n") == [
            "␇␛]0,pwned␇{body}",
            "--",
            "Approve, now",
        ]


async def test_a_failing_notify_command_is_reported_once(
    sim: SimServer, written: list[str], tmp_path: Path
) -> None:
    missing = str(tmp_path / "no-such-program")
    settings = Settings(notify="always", notify_command=[missing, "{body}"])
    async with console(sim, "chat", settings=settings) as (app, pilot):
        app.post_message(WaitingChanged(1, [("a", "Agent", "one")]))
        await until(pilot, lambda: any("notify_command" in n for n in notices(app)))
        app.post_message(WaitingChanged(2, [("b", "Agent", "two")]))
        await until(pilot, lambda: len(alerts(written)) == 2, what="the second notification")
        await until(
            pilot,
            lambda: all(w.is_finished for w in app.workers if w.group == "notify-command"),
            what="both commands done",
        )
        assert sum("notify_command" in n for n in notices(app)) == 1

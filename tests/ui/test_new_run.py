"""The "New run" form against the simulator: nothing is sent until the input parses and the
files are found; a start opens nothing but returns the run's id; a refusal keeps the form."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from phrony_tui.api import PhronyClient
from phrony_tui.sim import SimServer
from phrony_tui.ui.app import styles_path
from phrony_tui.ui.screens.new_run import FileRow, NewRunScreen
from phrony_tui.ui.screens.prompts import PathInput
from tests.ui.helpers import screen_text, until

UNSET = "unset"


class Host(App[None]):
    """An app that opens the form at once and keeps what it dismissed with."""

    CSS_PATH = str(styles_path())

    def __init__(self, screen: NewRunScreen, theme: str = "textual-dark") -> None:
        super().__init__()
        self.form = screen
        self.result: Any = UNSET
        self.initial_theme = theme

    def on_mount(self) -> None:
        self.theme = self.initial_theme
        self.push_screen(self.form, self.done)

    def done(self, result: str | None) -> None:
        self.result = result


@asynccontextmanager
async def form(
    sim: SimServer, scenario: str, key: str | None = None
) -> AsyncIterator[tuple[Host, Pilot[None]]]:
    async with PhronyClient(sim.base_url, key or sim.api_key) as client:
        app = Host(NewRunScreen(client, sim.agents[scenario], scenario.title()))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            yield app, pilot


def text_of(app: Host) -> str:
    """What the terminal shows (``screen_text`` reads any app's screenshot)."""
    return screen_text(app)  # type: ignore[arg-type]


def editor(app: Host) -> TextArea:
    return app.form.query_one("#new-run-input", TextArea)


async def fill(pilot: Pilot[None], app: Host, text: str, files: list[tuple[str, str]]) -> None:
    editor(app).text = text
    for field, path in files:
        await pilot.press("ctrl+o")
        await pilot.pause()
        row = app.form.rows[-1]
        row.query_one(".file-field", Input).value = field
        row.query_one(PathInput).value = path
    await pilot.pause()


def runs_of(sim: SimServer, scenario: str) -> int:
    path = f"/v1/agents/{sim.agents[scenario]}/runs"
    return sum(1 for r in sim.world.received if r.method == "POST" and r.path == path)


async def test_invalid_json_is_refused_at_its_position_and_nothing_sent(sim: SimServer) -> None:
    async with form(sim, "chat") as (app, pilot):
        await fill(pilot, app, '{\n  "topic": "x",\n  "n": \n}\n', [])
        before = sim.world.request_count
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.form.error_text == (
            "The input is not valid JSON: Expecting value at line 4, column 1 (offset 26)"
        )
        assert "Expecting value at line 4, column 1" in text_of(app)
        assert editor(app).cursor_location == (3, 0)
        assert editor(app).has_focus
        assert sim.world.request_count == before
        assert app.result == UNSET and app.screen is app.form


async def test_an_unclosed_string_is_named_once_with_its_position(sim: SimServer) -> None:
    """Python's reason ends in "at" for some errors ("Invalid control character at"): the
    position follows it once, not after a second "at"."""
    async with form(sim, "chat") as (app, pilot):
        await fill(pilot, app, '{\n  "topic\n}\n', [])
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.form.error_text == (
            "The input is not valid JSON: Invalid control character at line 2, column 9 (offset 10)"
        )
        assert " at at " not in text_of(app)


async def test_a_start_with_a_file_returns_the_run_id(sim: SimServer, tmp_path: Path) -> None:
    brief = tmp_path / "brief.txt"
    brief.write_bytes(b"the launch brief")
    async with form(sim, "chat") as (app, pilot):
        await fill(pilot, app, '{"topic": "launch"}', [("docs[]", str(brief))])
        await pilot.press("ctrl+s")
        run_id = await until(pilot, lambda: app.result != UNSET and app.result, what="a start")
        assert app.screen is not app.form
    value = sim.world.engine.runs[run_id].session.input
    assert value["topic"] == "launch"
    (doc,) = value["docs"]
    assert doc["phronyFile"] is True and doc["mediaType"] == "text/plain"
    (stored,) = [f for f in sim.world.files.values() if f.object_key.endswith(doc["filename"])]
    assert stored.data == b"the launch brief" and stored.finalized


async def test_a_server_refusal_keeps_the_form_as_it_was(sim: SimServer, tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_bytes(b"x")
    text = '{\n  "count": "lots"\n}\n'
    before = runs_of(sim, "firehose")
    async with form(sim, "firehose") as (app, pilot):
        await fill(pilot, app, text, [])
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.form.error_text, what="the refusal")
        assert app.form.error_text == (
            "Not started: the server answered 400: input.count must be a number"
        )
        assert editor(app).text == text
        assert app.form.stage is None and app.result == UNSET
        # Corrected, it starts.
        editor(app).text = '{"count": 2}'
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.result != UNSET, what="a start")
    assert runs_of(sim, "firehose") == before + 1


async def test_server_text_in_an_error_is_shown_inert(sim: SimServer) -> None:
    """The simulator echoes the unknown key back: markup and an escape sequence in it are
    shown as characters."""
    async with form(sim, "firehose") as (app, pilot):
        await fill(pilot, app, '{"[bold red]x[/]\\u001b[2J": 1}', [])
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.form.error_text, what="the refusal")
        shown = text_of(app)
        assert "input.[bold red]x[/]␛[2J is not a field of Firehose" in shown


async def test_a_file_that_is_not_there_is_refused_before_anything_is_sent(
    sim: SimServer, tmp_path: Path
) -> None:
    async with form(sim, "chat") as (app, pilot):
        await fill(pilot, app, "{}", [("doc", str(tmp_path / "missing.pdf"))])
        before = sim.world.request_count
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.form.error_text.endswith("missing.pdf: no such file")
        (tmp_path / "there.pdf").write_bytes(b"x")
        app.form.rows[0].query_one(PathInput).value = str(tmp_path / "there.pdf")
        await fill(pilot, app, "{}", [("", str(tmp_path))])
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.form.error_text == "File 2: give both its field and its path"
        assert sim.world.request_count == before


async def test_a_key_without_uploads_keeps_the_form_and_starts_nothing(
    sim: SimServer, tmp_path: Path
) -> None:
    note = tmp_path / "note.txt"
    note.write_bytes(b"hello")
    before = runs_of(sim, "chat")
    async with form(sim, "chat", key=sim.world.key_named("no-uploads").secret) as (app, pilot):
        await fill(pilot, app, '{"a": 1}', [("note", str(note))])
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.form.error_text, what="the refusal")
        assert "the server answered 403" in app.form.error_text
        (row,) = app.form.rows
        assert (row.field, row.path) == ("note", str(note))
        assert editor(app).text == '{"a": 1}'
    assert runs_of(sim, "chat") == before


async def test_rows_are_added_and_removed_with_keys_and_the_button(sim: SimServer) -> None:
    async with form(sim, "chat") as (app, pilot):
        await pilot.press("ctrl+o", "ctrl+o")
        await pilot.pause()
        assert len(app.form.rows) == 2
        focused = app.focused
        assert isinstance(focused, Input) and focused.parent is app.form.rows[1]
        await pilot.press("ctrl+x")
        await pilot.pause()
        (row,) = app.form.rows
        await pilot.click(row.query_one(".file-remove"))
        await pilot.pause()
        assert app.form.rows == [] and not list(app.form.query(FileRow))


async def test_tab_completes_a_path(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "quarterly-report.pdf").write_bytes(b"x")
    monkeypatch.chdir(tmp_path)
    async with form(sim, "chat") as (app, pilot):
        await pilot.press("ctrl+o", "tab", *"quar")
        path = app.form.rows[0].query_one(PathInput)
        assert path.has_focus
        await until(pilot, lambda: "quarterly-report.pdf" in text_of(app), what="completion")
        await pilot.press("tab")
        await pilot.pause()
        assert path.value == "quarterly-report.pdf"


async def test_escape_closes_at_once_when_nothing_was_typed_and_asks_otherwise(
    sim: SimServer,
) -> None:
    async with form(sim, "chat") as (app, pilot):
        await pilot.press("escape")
        await until(pilot, lambda: app.result != UNSET, what="the form to close")
        assert app.result is None
    async with form(sim, "chat") as (app, pilot):
        await pilot.press(*"12")
        await pilot.press("escape")
        await pilot.pause()
        assert app.form.error_text.startswith("Press Esc again to close the form")
        assert app.result == UNSET
        await pilot.press("escape")
        await until(pilot, lambda: app.result != UNSET, what="the form to close")
        assert app.result is None


async def test_progress_shows_while_uploading_then_starting(sim: SimServer, tmp_path: Path) -> None:
    """Each request answers a second late, so each stage stays on screen a while."""
    brief = tmp_path / "brief.txt"
    brief.write_bytes(b"b" * 3000)
    async with form(sim, "chat") as (app, pilot):
        await fill(pilot, app, "{}", [("brief", str(brief))])
        sim.faults.parse("latency-ms=1000")
        await pilot.press("ctrl+s")
        await until(
            pilot, lambda: "Uploading brief.txt for brief: 2.9 KB of 2.9 KB" in text_of(app)
        )
        assert app.form.query_one("#new-run-start").disabled
        await until(pilot, lambda: "Starting the run…" in text_of(app), what="the start")
        await until(pilot, lambda: app.result != UNSET, timeout=20, what="the run")
        assert app.result in sim.world.engine.runs


async def test_escape_while_uploading_cancels_and_starts_nothing(
    sim: SimServer, tmp_path: Path
) -> None:
    brief = tmp_path / "brief.txt"
    brief.write_bytes(b"b" * 3000)
    before = runs_of(sim, "chat")
    async with form(sim, "chat") as (app, pilot):
        await fill(pilot, app, '{"keep": true}', [("brief", str(brief))])
        sim.faults.parse("latency-ms=1000")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.form.stage == "uploading", what="the upload")
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.form.error_text == "Cancelled the upload; nothing was started."
        assert app.form.stage is None and app.result == UNSET
        assert editor(app).text == '{"keep": true}'
    assert runs_of(sim, "chat") == before


async def test_the_form_draws_under_no_color(
    sim: SimServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")  # read when the app is constructed
    async with form(sim, "chat") as (app, pilot):
        assert app.no_color
        await fill(pilot, app, '{"topic": }', [("doc", "")])
        await pilot.press("ctrl+s")
        await pilot.pause()
        shown = text_of(app)
        assert '{"topic": }' in shown and "Expecting value at line 1, column 11" in shown
        assert "New run · Chat" in shown and "Start" in shown

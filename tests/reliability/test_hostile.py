"""Hostile content from the server: shown literally, no action fired, nothing crashes, and no
control character (so no escape sequence) reaches what is drawn on the terminal."""

from __future__ import annotations

import re
from typing import Any

import pytest
from textual.widgets import Log

from phrony_tui.sim import SimServer
from phrony_tui.sim.hostile import PAYLOADS
from phrony_tui.ui.sanitize import clean, one_line, plain
from phrony_tui.ui.screens.detail import LINE_CHUNK, StepDetail, step_json
from phrony_tui.ui.widgets.pauses.answer import AnswerInput
from phrony_tui.ui.widgets.timeline import Timeline
from tests.ui.helpers import (
    console,
    pause_kind,
    received,
    screen_runs,
    screen_text,
    shows,
    until,
)

#: C0 (tab allowed), DEL, C1 and bidi controls: none may be drawn.
FORBIDDEN = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def drawn_controls(app: Any) -> list[str]:
    """Every control character drawn on the screen now, plus any action or link a click could
    fire. Read from the app's own screenshot, segment by segment (a line break drawn inside a
    row fails there, as a screenshot taller than the screen); each segment's style is asked of
    the screen at the cell where it starts. The bytes a real terminal receives are checked in
    tests/hostile/test_console_corpus.py."""
    found = []
    for run in screen_runs(app):
        found += FORBIDDEN.findall(run.text)
        style = app.screen.get_style_at(run.column, run.row)
        found += [f"action {style.meta['@click']!r}"] if "@click" in style.meta else []
        found += [f"link {style.link!r}"] if style.link else []
    return found


def kinds(app: Any) -> list[str]:
    return [p.task.kind if p.task else p.kind for p in app.composer.pauses]


async def select_pause(pilot: Any, app: Any, kind: str) -> None:
    """Select the pending pause of ``kind`` (it must be there)."""
    for _ in range(len(app.composer.pauses)):
        if pause_kind(app) == kind:
            return
        app.composer.select(1)
        await pilot.pause()
    assert pause_kind(app) == kind, kinds(app)


def prompt_text(app: Any) -> str:
    """The text the composer's task prompt draws (before it wraps)."""
    return "".join(str(w.render()) for w in app.composer.query(".prompt"))


def test_corpus_is_big_enough() -> None:
    assert len(PAYLOADS) >= 40


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitized_text_is_literal_and_has_no_controls(payload: str) -> None:
    cleaned = clean(payload)
    assert not FORBIDDEN.findall(cleaned.replace("\n", ""))
    assert plain(payload).plain == cleaned  # no markup was parsed
    assert "\n" not in one_line(payload) and not FORBIDDEN.findall(one_line(payload))


async def test_hostile_run_in_the_console(sim: SimServer) -> None:
    async with console(sim, "hostile", size=(220, 260)) as (app, pilot):
        await until(pilot, lambda: len(app.composer.pauses) == 2, what="hostile pauses")
        while pause_kind(app) != "multi_option":
            app.composer.select(1)
            await pilot.pause()
        await shows(pilot, app, "[@click=app.quit]click me[/]", "[red]x[/red]", "a [/b", "[/]")
        await shows(pilot, app, "␛[2J", "␛]0;pwned title␇", "⟨9B⟩2J C1 CSI", "⟨U+202E⟩evil")
        assert drawn_controls(app) == []
        assert app.is_running
        # Clicking the action markup does nothing.
        timeline = app.run_screen.query_one(Timeline)
        row = next(
            i for i, r in enumerate(timeline.rows) if "click me" in str(app.state.items[r].content)
        )
        await pilot.click(Timeline, offset=(60, row))
        await pilot.pause()
        assert app.is_running
        # Every step's detail JSON is clean. Drawn for real in the detail view: each payload's
        # tool call (it holds the payload in three fields) and every step of another type.
        for row_id in timeline.rows:
            item = app.state.items[row_id]
            assert not FORBIDDEN.findall(step_json(item).replace("\n", "")), item.type
        repeats = {"reasoning", "toolresult", "output", "subagentcall"}
        drawn = [r for r in timeline.rows if app.state.items[r].type.lower() not in repeats]
        assert len(drawn) > len(PAYLOADS)
        await pilot.resize_terminal(140, 40)
        for row_id in drawn:
            timeline.move_to(timeline.rows.index(row_id), follow=False)
            timeline.action_open()
            await until(pilot, lambda: app.screen.query("#detail-json"), what="the detail view")
            await pilot.pause()
            assert drawn_controls(app) == [], app.state.items[row_id].type
            app.screen.dismiss()
            await until(pilot, lambda: not isinstance(app.screen, StepDetail))
        # The composer's prompt and options are literal too.
        assert drawn_controls(app) == []
        await shows(pilot, app, "Options with hostile labels: [@click=app.quit]")
        await pilot.press("3", "enter")
        await until(pilot, lambda: pause_kind(app) in ("text", "anomaly_alert", "brand_new_kind"))
        while pause_kind(app) != "text":
            await pilot.press("n")
        await until(pilot, lambda: isinstance(app.focused, AnswerInput))
        await shows(pilot, app, "Prompt: [bold]not bold[/bold]")
        assert drawn_controls(app) == []
        # Every payload is in the prompt, literally (controls as their placeholders).
        shown = prompt_text(app)
        for payload in PAYLOADS[:-1]:
            assert clean(payload) in shown, payload
        assert shown.count("x") >= 1000  # the 5,000-character line, cut to fit
        await pilot.press(*"[@click=app.quit] is just text", "enter")
        await until(pilot, lambda: app.state.status == "Completed", what="hostile run done")
        answers = [r.body for r in received(sim, app.run_id) if r.status == 202]
        assert answers[0]["selectedOptionId"] == "[b]"
        assert answers[-1]["textValue"] == "[@click=app.quit] is just text"
        assert app.status_line.malformed == 0 and app.is_running
        text = screen_text(app)
        assert "Évil␛]0;type␇Type[/]" in text or "ÉVIL" in text.upper()


async def test_ten_megabytes_in_one_step(sim: SimServer) -> None:
    async with console(sim, "hostile", {"mb": 10}, size=(160, 60)) as (app, pilot):
        await until(pilot, lambda: len(app.composer.pauses) == 2, timeout=30)
        timeline = app.run_screen.query_one(Timeline)
        big = next(r for r in timeline.rows if len(str(app.state.items[r].content)) > 10_000_000)
        timeline.move_to(timeline.rows.index(big), follow=False)
        await pilot.pause()
        assert drawn_controls(app) == []
        rows = len(timeline.rows)
        timeline.action_expand()
        await pilot.pause()
        # Expanded in place, cut to a bounded number of lines: the rest is one key away.
        assert rows < timeline.virtual_size.height <= rows + 202
        timeline.scroll_to(y=timeline.rows.index(big) + 150, animate=False)
        await shows(pilot, app, "cut here; open the step to see all of it")
        assert drawn_controls(app) == []
        timeline.action_open()
        await until(pilot, lambda: isinstance(app.screen, StepDetail), timeout=30)
        detail = app.screen
        assert isinstance(detail, StepDetail)
        await until(pilot, lambda: detail.query("#detail-json"), what="the viewer")
        viewer = detail.query_one("#detail-json", Log)
        await until(pilot, lambda: viewer.line_count > 5000, timeout=30, what="the lines")
        assert sum(line.count("y") for line in viewer.lines) >= 10 * 1024 * 1024
        assert max(len(line) for line in viewer.lines) <= LINE_CHUNK
        viewer.focus()
        await pilot.press("end")
        await until(pilot, lambda: viewer.scroll_y >= viewer.max_scroll_y > 0, what="the end")
        assert drawn_controls(app) == []
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, StepDetail))
        # The same megabytes in a task's prompt: the composer shows a bounded part of it.
        await select_pause(pilot, app, "multi_option")
        await pilot.press("1", "enter")
        await until(pilot, lambda: "text" in kinds(app), what="the text task")
        await select_pause(pilot, app, "text")
        await until(pilot, lambda: isinstance(app.focused, AnswerInput))
        assert len(prompt_text(app)) <= 4_200 and "(cut here" in prompt_text(app)
        assert drawn_controls(app) == []
        await pilot.press(*"ok", "enter")
        await until(pilot, lambda: app.state.status == "Completed", what="the run done")
        assert app.is_running

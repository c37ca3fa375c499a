"""Drawing follows the theme: the timeline's cells sit on the theme's surface under any theme,
switching theme redraws every row, and expanding a step changes its marker at once."""

from __future__ import annotations

from rich.color import ColorTriplet
from textual.color import Color
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from phrony_tui.sim import SimServer
from phrony_tui.ui.app import ConsoleApp
from phrony_tui.ui.widgets.runs_tree import RunsTree
from phrony_tui.ui.widgets.session_panel import SessionHeader, TokenBar
from phrony_tui.ui.widgets.timeline import Timeline
from tests.ui.helpers import console, pause_kind, until


def drawn(timeline: Timeline) -> list[Strip]:
    width, height = timeline.size
    return timeline.render_lines(Region(0, 0, width, height))


def backgrounds(strip: Strip) -> set[ColorTriplet | None]:
    return {
        segment.style.bgcolor.get_truecolor() if segment.style and segment.style.bgcolor else None
        for segment in strip
    }


def surface(app: ConsoleApp) -> ColorTriplet:
    return Color.parse(app.theme_variables["surface"]).rich_color.get_truecolor()


def check_rows_on_surface(app: ConsoleApp) -> None:
    timeline = app.timeline
    lines = drawn(timeline)
    cursor_line = timeline.cursor - int(timeline.scroll_offset.y)
    assert len(lines) == timeline.size.height
    for y, strip in enumerate(lines):
        assert all(s.style and s.style.color for s in strip), ("default colours", y, strip.text)
        found = backgrounds(strip)
        if y == cursor_line:
            assert len(found) == 1 and found != {surface(app)}, (y, strip.text)
        else:
            assert found == {surface(app)}, (app.theme, y, strip.text, found)


async def test_every_timeline_cell_sits_on_the_theme_surface(sim: SimServer) -> None:
    async with console(sim, "tour") as (app, pilot):
        await until(pilot, lambda: pause_kind(app) == "reply", what="the first pause")
        await until(pilot, lambda: len(app.timeline.rows) >= 3, what="steps")
        for theme in ("textual-light", "textual-dark", "textual-light"):
            app.theme = theme
            await pilot.pause()
            check_rows_on_surface(app)


async def test_expanding_a_step_changes_its_marker_at_once(sim: SimServer) -> None:
    async with console(sim, "approval") as (app, pilot):
        await until(pilot, lambda: pause_kind(app) == "approval", what="the approval")
        await pilot.press("t", "home")
        assert drawn(app.timeline)[0].text.startswith("▸")
        await pilot.press("space")
        await pilot.pause()
        assert drawn(app.timeline)[0].text.startswith("▾")
        await pilot.press("space")
        await pilot.pause()
        assert drawn(app.timeline)[0].text.startswith("▸")


async def test_side_panes_recolour_with_the_theme(sim: SimServer) -> None:
    async with console(sim, "tour") as (app, pilot):
        await until(pilot, lambda: pause_kind(app) == "reply", what="the first pause")
        await until(pilot, lambda: app.state.runs, what="runs")
        widgets = [
            app.status_line,
            app.run_screen.query_one(SessionHeader),
            app.run_screen.query_one(TokenBar),
            app.run_screen.query_one(RunsTree),
        ]
        badge_colours = []
        for theme in ("textual-dark", "textual-light"):
            app.theme = theme
            await pilot.pause()
            for widget in widgets:
                width, height = widget.size
                for strip in widget.render_lines(Region(0, 0, width, height)):
                    for segment in strip:
                        style = segment.style
                        assert style and style.bgcolor, (theme, widget, strip.text)
                        assert style.color or not segment.text.strip(), (theme, widget)
            first = drawn_line(app.run_screen.query_one(SessionHeader))
            badge_colours.append(next(s.style.color for s in first if "◆" in s.text))
        assert badge_colours[0] != badge_colours[1]


def drawn_line(widget: Widget) -> Strip:
    return widget.render_lines(Region(0, 0, widget.size.width, 1))[0]

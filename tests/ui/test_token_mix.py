"""The token mix: runs still running show their share, and the legend wraps entry by entry."""

from __future__ import annotations

import re

from textual.geometry import Region

from phrony_tui.sim import SimServer
from phrony_tui.ui.widgets.session_panel import TokenBar
from tests.ui.helpers import console, until

ENTRY = r"■ [^■]+? \d+%"


def legend(bar: TokenBar) -> list[str]:
    width, height = bar.size
    lines = [strip.text.strip() for strip in bar.render_lines(Region(0, 0, width, height))]
    return [line for line in lines if line and not line.startswith("█")]


async def test_running_runs_show_their_share_of_tokens(sim: SimServer) -> None:
    async with console(sim, "multi-agent") as (app, pilot):
        await until(pilot, lambda: len(app.composer.pauses) == 3, what="three pauses")
        running = [r for r in app.state.runs.values() if r.status != "Completed" and r.parent_id]
        assert running, "a sub-agent still waiting"
        bar = app.run_screen.query_one(TokenBar)
        await until(
            pilot,
            lambda: all(
                re.search(rf"{re.escape(r.agent_name or '')} [1-9]\d*%", " ".join(legend(bar)))
                for r in running
            ),
            what=f"a share for each of {[r.agent_name for r in running]}: {legend(bar)}",
        )


async def test_legend_entries_are_never_cut(sim: SimServer) -> None:
    async with console(sim, "multi-agent", size=(80, 30)) as (app, pilot):
        await until(pilot, lambda: len(app.composer.pauses) == 3, what="three pauses")
        bar = app.run_screen.query_one(TokenBar)
        await until(pilot, lambda: len(legend(bar)) >= 2, what="a legend on several lines")
        for line in legend(bar):
            assert re.fullmatch(rf"({ENTRY}\s*)+(\+\d+ more)?|\+\d+ more", line), legend(bar)


async def test_the_runs_tree_never_cuts_a_status_or_a_count_at_80_columns(sim: SimServer) -> None:
    """A label too long for the pane loses its short id, then the end of its name: a count cut
    from 410 to 41 would be a wrong number."""
    from phrony_tui.ui.format import short_status_badge, tokens
    from phrony_tui.ui.palette import PLAIN
    from phrony_tui.ui.widgets.runs_tree import RunsTree

    async with console(sim, "multi-agent", size=(80, 45)) as (app, pilot):
        await until(pilot, lambda: len(app.composer.pauses) == 3, what="three pauses")
        tree = app.run_screen.query_one(RunsTree)
        runs = app.state.runs_by_depth()
        await until(pilot, lambda: tree.size.width > 0 and tree.last_line >= len(runs) - 1)
        width = tree.size.width
        lines = [tree.render_line(y).text.rstrip() for y in range(len(runs))]
        assert width < 40 and len(lines) == len(runs)
        for run, line in zip(runs, lines, strict=True):
            badge = short_status_badge(run.status, PLAIN).plain
            ending = f"{badge} {tokens(run.spent)}" if run.spent else badge
            assert line.endswith(ending), (line, ending)


async def test_the_session_header_keeps_each_value_on_its_row_at_80_columns(
    sim: SimServer,
) -> None:
    """At 80 columns the token count wrapped under the status and read as a row of its own
    with no value, and a long "by" wrapped back to the pane's edge, under the labels."""
    from phrony_tui.ui.format import tokens
    from phrony_tui.ui.widgets.session_panel import SessionHeader

    async with console(sim, "chat", size=(80, 24)) as (app, pilot):
        header = app.run_screen.query_one(SessionHeader)
        await until(pilot, lambda: app.state.session is not None and header.size.width > 0)
        session = app.state.session
        assert session is not None and session.triggered_by
        await until(pilot, lambda: header.size.height >= 6, what="the header drawn")
        width, height = header.outer_size  # its padding included
        lines = [s.text.strip() for s in header.render_lines(Region(0, 0, width, height))]
        labels = ["tokens", "trigger", "by", "started", "finished", "model"]
        assert width < 40
        assert [line.split()[0] for line in lines[1:7]] == labels, lines
        assert lines[1].split() == ["tokens", tokens(session.total_tokens_used) or "0"]
        assert lines[3].endswith("…") and session.triggered_by.startswith(lines[3][9:-1])

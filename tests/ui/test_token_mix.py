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

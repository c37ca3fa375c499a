"""The console under ``NO_COLOR``: every widget draws through Textual's monochrome filter."""

from __future__ import annotations

import html
import re

import pytest

from phrony_tui.sim import SimServer
from phrony_tui.ui.app import ConsoleApp
from phrony_tui.ui.screens.detail import StepDetail
from tests.ui.helpers import console, pause_kind, until


def drawn_text(app: ConsoleApp) -> str:
    """The words of a screenshot: drawing it runs every widget through the app's filters."""
    svg = app.export_screenshot()
    words = " ".join(html.unescape(t) for t in re.findall(r">([^<]+)</text>", svg))
    return words.replace("\xa0", " ")


async def test_no_color_draws_every_pane(sim: SimServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # Textual reads NO_COLOR once, when the app is constructed.
    monkeypatch.setenv("NO_COLOR", "1")
    async with console(sim, "approval") as (app, pilot):
        assert app.no_color
        await until(pilot, lambda: pause_kind(app) == "approval", what="the approval")
        await until(pilot, lambda: "send_message" in drawn_text(app), what="steps drawn")
        await pilot.press("t", "home", "space", "down", "enter")
        await until(pilot, lambda: isinstance(app.screen, StepDetail), what="step detail")
        assert '"type"' in drawn_text(app)
        await pilot.press("escape", "f1")
        await until(pilot, lambda: "Anywhere, even while typing" in drawn_text(app), what="help")

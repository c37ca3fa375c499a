"""Snapshots of the "New run" form (pytest-textual-snapshot): filled in, under a dark and a
light theme, and with an input error shown. Nothing is sent: the client is never used."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from phrony_tui.api import PhronyClient
from phrony_tui.ui.screens.new_run import NewRunScreen
from phrony_tui.ui.screens.prompts import PathInput
from tests.ui.test_new_run import Host

AGENT_ID = "5f0c2a51-8d3e-4b7a-9c61-2e4f8a1b7d90"
SIZE = (110, 36)
INPUT = '{\n  "customer": "Acme Corp",\n  "priority": 2,\n  "notify": true,\n  "tags": []\n}\n'


def host(theme: str) -> Host:
    client = PhronyClient("http://127.0.0.1:9", "phk_snapshot_never_sent")
    return Host(NewRunScreen(client, AGENT_ID, "Contract reviewer"), theme=theme)


async def filled(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, Host)
    app.form.query_one("#new-run-input", TextArea).text = INPUT
    await pilot.press("ctrl+o")
    await pilot.pause()
    row = app.form.rows[0]
    row.query_one(".file-field", Input).value = "contract"
    row.query_one(PathInput).value = "contracts/acme-2026.pdf"
    app.form.query_one("#new-run-input", TextArea).focus()
    await pilot.pause()


async def with_error(pilot: Pilot[None]) -> None:
    await filled(pilot)
    app = pilot.app
    assert isinstance(app, Host)
    app.form.query_one("#new-run-input", TextArea).text = INPUT.replace("2,", "2")
    await pilot.press("ctrl+s")
    await pilot.pause()


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_new_run_form(theme: str, snap_compare: Any) -> None:
    assert snap_compare(host(theme), terminal_size=SIZE, run_before=filled)


def test_new_run_form_with_an_input_error(snap_compare: Any) -> None:
    assert snap_compare(host("textual-dark"), terminal_size=SIZE, run_before=with_error)

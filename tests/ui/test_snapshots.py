"""Snapshots of the console's key states (pytest-textual-snapshot). Update them after a
deliberate change with ``make snapshots`` and look at the report before committing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui.scenes import SCENES, scene_app

NAMES = [
    "tour_start",
    "approval_confirm",
    "multi_agent_child",
    "step_detail",
    "redacted",
    "failed",
    "help",
    "narrow",
    *(name for name in SCENES if name.startswith("pause_")),
    "palette",
    "step_detail_light",
    "help_light",
    "offline",
    "no_color",
    "no_color_detail",
    "small_pane_hidden",
    "narrow_pane_toggled",
    "quit_confirm",
    "quit_confirm_light",
    "no_color_help",
    "no_color_quit",
]


@pytest.mark.parametrize("name", NAMES)
def test_snapshot(name: str, snap_compare: Any) -> None:
    scene = SCENES[name]
    with scene_app(scene) as (app, run_before):
        assert snap_compare(app, terminal_size=scene.size, run_before=run_before)

"""Draw the README screenshots from the demo scenarios: ``make screenshots``.

Each SVG is the console on a fresh simulator (fixed seed and clock), so running this again
gives the same pictures unless the console changed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from textual.pilot import Pilot

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.ui.scenes import SCENES, scene_app
from tests.ui.test_home_snapshots import HomeScene, home_app

SHOTS = [
    "tour_start",
    "forms_options",
    "approval_confirm",
    "multi_agent_child",
    "step_detail",
    "narrow",
]
#: The home screen: the inbox of five agents, and their sessions.
HOME_SHOTS = {"home_inbox": HomeScene(), "home_sessions": HomeScene(tab="sessions")}


def main() -> None:
    out = Path(__file__).resolve().parent
    for name in SHOTS:
        scene = SCENES[name]
        title = f"phrony-tui · {name.replace('_', ' ')}"
        with scene_app(scene) as (app, run_before):

            async def shoot(pilot: Pilot[None], title: str = title) -> None:
                await run_before(pilot)
                await pilot.pause()
                pilot.app.exit(pilot.app.export_screenshot(title=title))

            svg = app.run(headless=True, size=scene.size, auto_pilot=shoot)
        assert isinstance(svg, str)
        (out / f"{name}.svg").write_text(svg)
        print(f"wrote screenshots/{name}.svg")
    for name, home in HOME_SHOTS.items():
        title = f"phrony-tui · {name.replace('_', ' ')}"
        with home_app(home) as (app, run_before):

            async def shoot_home(pilot: Pilot[None], title: str = title) -> None:
                await run_before(pilot)
                pilot.app.exit(pilot.app.export_screenshot(title=title))

            svg = app.run(headless=True, size=home.size, auto_pilot=shoot_home)
        assert isinstance(svg, str)
        (out / f"{name}.svg").write_text(svg)
        print(f"wrote screenshots/{name}.svg")


if __name__ == "__main__":
    main()

"""Draw the README screenshots from the demo scenarios: ``make screenshots``.

Each SVG is the console on a fresh simulator (fixed seed and clock), so running this again
gives the same pictures unless the console changed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from textual._doc import take_svg_screenshot

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.ui.scenes import SCENES, scene_app

SHOTS = [
    "tour_start",
    "forms_options",
    "approval_confirm",
    "multi_agent_child",
    "step_detail",
    "narrow",
]


def main() -> None:
    out = Path(__file__).resolve().parent
    for name in SHOTS:
        scene = SCENES[name]
        with scene_app(scene) as (app, run_before):
            svg = take_svg_screenshot(
                app=app,
                terminal_size=scene.size,
                run_before=run_before,
                title=f"phrony-tui · {name.replace('_', ' ')}",
            )
        (out / f"{name}.svg").write_text(svg)
        print(f"wrote screenshots/{name}.svg")


if __name__ == "__main__":
    main()

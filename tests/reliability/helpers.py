"""What the reliability tests share: fast retry settings and the timeline comparison."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from phrony_tui.api import PhronyClient
from phrony_tui.sim import SimServer
from phrony_tui.ui.app import ConsoleApp
from tests.ui.helpers import until

#: Retries and polling in tens of milliseconds, not seconds.
FAST: dict[str, Any] = {"backoff_base": 0.02, "poll_interval": 0.2}


async def server_items(sim: SimServer, run_id: str) -> list[tuple[str, float]]:
    async with PhronyClient(sim.base_url, sim.api_key) as client:
        conv = await client.get_conversation(run_id)
    return [(i.id, i.ordinal) for i in conv.items]


def console_items(app: ConsoleApp) -> list[tuple[str, float]]:
    return [(i.id, i.ordinal) for i in app.state.timeline]


async def converges(pilot: Pilot[None], sim: SimServer, app: ConsoleApp) -> None:
    """The console's timeline ends up equal, item for item, to the server's ``/conversation``."""
    final = await server_items(sim, app.run_id)
    await until(
        pilot,
        lambda: console_items(app) == final,
        timeout=15,
        what="the console's timeline to equal the server's",
    )
    assert len({i for i, _ in final}) == len(final)

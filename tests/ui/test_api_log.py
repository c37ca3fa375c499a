"""The API log: the console's recent requests, kept in memory by the same transport as
``--debug`` (method, path, status, milliseconds, bytes, retry), never a body or the key."""

from __future__ import annotations

import pytest

from phrony_tui.api import PhronyClient
from phrony_tui.api.errors import NotFoundError
from phrony_tui.commands.httplog import RecentRequests, Request, log_transport
from phrony_tui.sim import SimServer
from phrony_tui.ui.app import ConsoleApp
from phrony_tui.ui.screens.api_log import ApiLog
from tests.ui.helpers import SIZE, pause_kind, recording, screen_text, shows, until


async def test_the_api_log_lists_the_conversation_get_and_the_stream_connect(
    sim: SimServer,
) -> None:
    async with PhronyClient(sim.base_url, sim.api_key) as starter:
        run_id = (await starter.start_run(sim.agents["chat"])).run_id
    recent = RecentRequests()
    transport = log_transport(
        debug=False, path=None, bodies=False, secrets=[sim.api_key], recent=recent
    )
    client = PhronyClient(sim.base_url, sim.api_key, transport=transport)
    app = ConsoleApp(client, run_id, show_event_age=False, steady=True, requests=recent)
    async with app.run_test(size=SIZE, message_hook=recording(app)) as pilot:
        await until(pilot, lambda: pause_kind(app) == "reply", what="the run loaded")
        await until(pilot, lambda: app.status_line.connection == "live", what="live")
        await pilot.press("f12")
        await until(pilot, lambda: isinstance(app.screen, ApiLog), what="the API log")
        # Ids are cut as the runs tree cuts them: what follows them stays in view.
        conversation = f"/v1/runs/{run_id[:8]}…/conversation"
        stream = f"/v1/runs/{run_id[:8]}…/stream"
        await shows(pilot, app, "API log", "method", "status", "bytes")
        lines = screen_text(app).splitlines()
        gets = [line for line in lines if conversation in line]
        assert gets and all(" GET " in line and " 200 " in line for line in gets)
        connects = [line for line in lines if stream in line and "stream connected" in line]
        assert connects and " 200 " in connects[0]
        assert sim.api_key not in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ApiLog), what="closed")


def test_the_recent_requests_are_bounded() -> None:
    recent = RecentRequests(limit=3)
    for n in range(5):
        recent.add(Request(0.0, "GET", f"/v1/runs/{n}/conversation", 200, 1.0, 10))
    assert [e.path for e in recent.entries()] == [f"/v1/runs/{n}/conversation" for n in (2, 3, 4)]
    assert recent.total == 5


async def test_a_key_in_a_path_stays_out_of_the_api_log(sim: SimServer) -> None:
    """A key pasted where a run id goes is asked for as a path: the log keeps it redacted."""
    recent = RecentRequests()
    transport = log_transport(
        debug=False, path=None, bodies=False, secrets=[sim.api_key], recent=recent
    )
    async with PhronyClient(sim.base_url, sim.api_key, transport=transport) as client:
        with pytest.raises(NotFoundError):  # the log is what is checked
            await client.get_run(sim.api_key)
    paths = [entry.path for entry in recent.entries()]
    assert paths and all(sim.api_key not in path for path in paths)

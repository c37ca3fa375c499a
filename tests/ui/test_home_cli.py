"""``phrony-tui`` with no run id: the home screen needs a terminal; into a pipe it says so."""

from __future__ import annotations

from phrony_tui.sim import SimServer
from tests.commands.conftest import Phrony, phrony  # noqa: F401  (the fixture)


def test_no_run_id_into_a_pipe_is_a_usage_error(phrony: Phrony, sim: SimServer) -> None:  # noqa: F811
    before = sim.world.request_count
    result = phrony("--agent", sim.agents["approval"])
    assert result.code == 2
    assert result.lines == [
        "phrony-tui open: error: a RUN_ID is needed for plain lines; the home screen needs a "
        "terminal (see phrony-tui open --help)"
    ]
    assert sim.world.request_count == before


def test_the_root_help_shows_home_and_agent(phrony: Phrony) -> None:  # noqa: F811
    assert "phrony-tui --agent AGENT_ID" in phrony("--help").out
    assert "--agent AGENT_ID" in phrony("open", "--help").out

"""Text that is not UTF-8, and terminals or pipes that are not UTF-8: the commands refuse
what cannot be sent before sending anything (exit 2, not "unreachable"), and print what
they can instead of crashing."""

from __future__ import annotations

from pathlib import Path

import pytest

from phrony_tui.sim import SimServer
from tests.commands.conftest import Phrony, messages_received, run_process, sim_env, start


def test_reply_text_with_bytes_that_are_not_utf8_is_refused_before_sending(
    phrony: Phrony, sim: SimServer
) -> None:
    run_id = start(sim, "chat", "WaitingForResponse")
    # How Python hands over an argument or a pipe holding the byte 0xff.
    argument = phrony("reply", run_id, "caf\udcff")
    assert argument.code == 2, argument
    assert "TEXT holds bytes that are not UTF-8 text" in argument.err
    piped = phrony("reply", run_id, "-", stdin="caf\udcff\n")
    assert piped.code == 2, piped
    assert "standard input holds bytes that are not UTF-8 text" in piped.err
    comment = phrony("approve", run_id, "--comment", "\udcff", "--json")
    assert comment.code == 2 and "--comment holds bytes" in comment.error_json()["error"]
    assert messages_received(sim, run_id) == []


def test_a_start_input_that_is_not_utf8_is_refused_before_sending(
    phrony: Phrony, sim: SimServer
) -> None:
    before = len(sim.world.received)
    given = phrony("start", sim.agents["chat"], "--input", '{"a": "\udcff"}')
    assert given.code == 2 and "--input holds bytes that are not UTF-8 text" in given.err
    piped = phrony("start", sim.agents["chat"], "--input-file", "-", stdin='{"a": "\udcff"}')
    assert piped.code == 2 and "standard input holds bytes" in piped.err
    assert [r for r in sim.world.received[before:] if r.method == "POST"] == []


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8:surrogateescape"])
def test_a_pipe_of_bytes_that_are_not_utf8_is_a_usage_error_in_any_locale(
    sim: SimServer, tmp_path: Path, encoding: str
) -> None:
    run_id = start(sim, "chat", "WaitingForResponse")
    env = sim_env(sim, tmp_path, PYTHONIOENCODING=encoding)
    proc = run_process("reply", run_id, "-", env=env, stdin=b"caf\xe9\n")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.decode().startswith(
        "phrony-tui reply: standard input holds bytes that are not UTF-8 text"
    )
    assert messages_received(sim, run_id) == []

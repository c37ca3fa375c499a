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


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_an_export_into_a_pipe_that_is_not_utf8_is_the_file_s_utf8(
    phrony: Phrony, sim: SimServer, tmp_path: Path, fmt: str
) -> None:
    run_id = start(sim, "chat", "WaitingForResponse")
    assert phrony("reply", run_id, "表意文字 → ✓").code == 0
    saved = tmp_path / f"run.{fmt}"
    assert phrony("export", run_id, "--format", fmt, "-o", str(saved)).code == 0
    env = sim_env(sim, tmp_path, PYTHONIOENCODING="latin-1")
    proc = run_process("export", run_id, "--format", fmt, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == saved.read_bytes()
    assert "表意文字 → ✓" in proc.stdout.decode("utf-8")


def test_help_into_a_pipe_that_is_not_utf8_is_printed(sim: SimServer, tmp_path: Path) -> None:
    env = sim_env(sim, tmp_path, PYTHONIOENCODING="latin-1")
    for args in (["--help"], ["help", "reply"], ["export", "--help"]):
        proc = run_process(*args, env=env)
        assert proc.returncode == 0, (args, proc.stderr)
        assert b"Usage: phrony-tui" in proc.stdout
    assert b"PHRONY_API_KEY" in run_process("--help", env=env).stdout

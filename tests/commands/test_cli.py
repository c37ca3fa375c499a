"""The command line itself: help for every command with an example, command names reserved,
run ids for anything else, usage errors as one line (and JSON), profiles everywhere, and
completion scripts a shell can load."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from phrony_tui.cli import COMMANDS
from phrony_tui.sim import SimServer
from tests.commands.conftest import Phrony, run_process, start


def test_the_main_help_loads_no_http_client_and_lists_commands_and_exit_codes() -> None:
    code = (
        "import sys, io, contextlib; from phrony_tui.cli import main; buf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf): status = main(['--help'])\n"
        "heavy = [m for m in ('httpx', 'pydantic', 'textual') if m in sys.modules]\n"
        "print(status, heavy); print(buf.getvalue())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    first, _, text = out.stdout.partition("\n")
    assert first == "0 []"
    for name in COMMANDS:
        assert f"  {name} " in text
    for line in ("0    done", "2    usage error", "6    a person is needed", "130  interrupted"):
        assert line in text


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_with_an_example(phrony: Phrony, name: str) -> None:
    result = phrony(name, "--help")
    assert result.code == 0, result
    assert f"Usage: phrony-tui {name}" in result.out
    assert "Example" in result.out


def test_help_is_a_command_not_a_run(phrony: Phrony, sim: SimServer) -> None:
    before = sim.world.request_count
    result = phrony("help")
    assert result.code == 0 and "Commands:" in result.out
    assert phrony("help", "export").out == phrony("export", "--help").out
    assert sim.world.request_count == before
    # A run really called "help" is opened with ``open``.
    opened = phrony("open", "help")
    assert opened.code == 4  # not found, as every command says it
    assert opened.lines == [
        f"phrony-tui: run help was not found at {sim.base_url}: check the id "
        "(it is the runId from starting a run)"
    ]


def test_any_other_first_argument_is_a_run_id(phrony: Phrony, sim: SimServer) -> None:
    result = phrony("no-such-run")
    assert result.code == 4 and "run no-such-run was not found" in result.err


def test_a_mistyped_command_with_an_argument_is_named_with_a_close_match(
    phrony: Phrony, sim: SimServer
) -> None:
    before = sim.world.request_count
    commands = "open, status, watch, tasks, reply, approve, reject, answer, ack, skip-wait, "
    for args, said in [
        (["stauts", "RUN"], "no such command 'stauts' (did you mean 'status'?); "),
        (["watchh", "RUN", "--until", "waiting"], "no such command 'watchh' (did you mean "),
        (["--profile", "p", "aprove", "RUN"], "no such command 'aprove' (did you mean "),
        (["zzzzz", "RUN"], "no such command 'zzzzz'; the commands are: "),
    ]:
        result = phrony(*args)
        assert result.code == 2, (args, result)
        (line,) = result.lines
        assert line.startswith(f"phrony-tui: error: {said}"), line
        assert f"the commands are: {commands}" in line and "help (see phrony-tui --help)" in line
    assert sim.world.request_count == before
    alone = phrony("stauts", "--plain")  # one word is still a run id
    assert alone.code == 4 and "run stauts was not found" in alone.err


def test_options_before_a_command_name_are_the_commands_options(
    phrony: Phrony, sim: SimServer
) -> None:
    """``phrony-tui --json status RUN`` is ``status --json RUN``: it was refused as "no such
    command 'status' (did you mean 'status'?)"."""
    from tests.commands.conftest import start

    run_id = start(sim, "chat", "WaitingForResponse")
    result = phrony("--json", "status", run_id)
    assert result.code == 0, result
    assert json.loads(result.out)["runId"] == run_id


def test_a_usage_error_is_one_line_and_with_json_an_object(phrony: Phrony, sim: SimServer) -> None:
    before = sim.world.request_count
    result = phrony("status", "r1", "--bogus", "--json")
    assert result.code == 2
    first, second = result.lines
    assert first == (
        "phrony-tui status: error: unrecognized arguments: --bogus (see phrony-tui status --help)"
    )
    assert json.loads(second) == {"error": "unrecognized arguments: --bogus", "exit": 2}
    missing = phrony("status")
    assert missing.code == 2 and missing.lines == [
        "phrony-tui status: error: Missing argument 'RUN_ID'. (see phrony-tui status --help)"
    ]
    assert sim.world.request_count == before


def test_the_version(phrony: Phrony) -> None:
    result = phrony("--version")
    assert result.code == 0 and result.out.startswith("phrony-tui ")


def test_no_key_names_every_way_to_give_one(phrony: Phrony, sim: SimServer, tmp_path: Path) -> None:
    env = {"PHRONY_API_BASE": sim.base_url, "PHRONY_CREDENTIALS_FILE": str(tmp_path / "none")}
    for args in (["status", "r1"], ["r1"]):
        result = phrony(*args, env=env)
        assert result.code == 2
        (line,) = result.lines
        assert "no API key: set PHRONY_API_KEY" in line
        assert "~/.phrony/credentials" in line and "--profile NAME or PHRONY_PROFILE" in line


def test_profiles_reach_commands_and_the_console(
    phrony: Phrony, sim: SimServer, credentials: Path
) -> None:
    run_id = start(sim, "approval", "WaitingForHITL")
    env = {"PHRONY_CREDENTIALS_FILE": str(credentials)}
    # the file's default profile
    assert phrony("status", run_id, env=env).code == 0
    # a chosen profile, by flag and by environment: its key is refused
    assert phrony("status", run_id, "--profile", "wrong", env=env).code == 3
    assert phrony("status", run_id, env=env | {"PHRONY_PROFILE": "wrong"}).code == 3
    # the console resolves the same way (the pre-flight reaches the profile's server)
    console = phrony("--profile", "wrong", run_id, env=env)
    assert console.code == 3 and "API key was refused (401" in console.err
    unknown = phrony("status", run_id, "--profile", "prod", env=env, stdin="")
    assert unknown.code == 2
    assert unknown.lines == [
        f"phrony-tui status: no profile 'prod' in {credentials}; profiles: local, wrong, keyless"
    ]
    keyless = phrony("status", run_id, "--profile", "keyless", env=env)
    assert keyless.code == 2
    assert f"profile 'keyless' in {credentials} has no api_key" in keyless.err


def test_a_credentials_file_others_can_read_is_used_with_a_warning(
    sim: SimServer, credentials: Path, tmp_path: Path
) -> None:
    run_id = start(sim, "approval", "WaitingForHITL")
    credentials.chmod(0o644)
    proc = run_process("status", run_id, env={"PHRONY_CREDENTIALS_FILE": str(credentials)})
    assert proc.returncode == 0
    assert proc.stderr.decode().splitlines() == [
        f"phrony-tui: warning: permissions 0644 for {credentials} are too open: other users "
        f"may read your API keys (chmod 600 {credentials})"
    ]
    assert b"WaitingForHITL" in proc.stdout or b"Running" in proc.stdout


def test_completion_scripts_for_three_shells(phrony: Phrony) -> None:
    for shell, marker in (("bash", "complete -o nosort"), ("zsh", "compdef"), ("fish", "complete")):
        result = phrony("completion", shell)
        assert result.code == 0 and "_PHRONY_TUI_COMPLETE" in result.out and marker in result.out
    assert phrony("completion", "tcsh").code == 2


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_loads_the_completion_and_completes_commands_flags_and_profiles(
    credentials: Path,
) -> None:
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "phrony-tui").exists()
    script = (
        "source <(phrony-tui completion bash) || exit 9\n"
        "complete -p phrony-tui\n"
        'ask() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=();'
        ' _phrony_tui_completion phrony-tui; echo "${COMPREPLY[*]}"; }\n'
        "ask phrony-tui stat\n"
        "ask phrony-tui approve R --com\n"
        "ask phrony-tui status R --profile ''\n"
        "ask phrony-tui R --profile ''\n"
        "ask phrony-tui open R --profile l\n"
        "ask phrony-tui help ex\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PHRONY_")}
    env |= {"PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"}
    env |= {"PHRONY_CREDENTIALS_FILE": str(credentials)}
    out = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("complete ") and lines[0].endswith(" phrony-tui")
    profiles = "local wrong keyless"
    assert lines[1:] == ["status", "--comment", profiles, profiles, "local", "export"]


def test_sim_and_demo_refuse_bad_flags_in_one_line(phrony: Phrony, sim: SimServer) -> None:
    bad = phrony("demo", "--input", "{not json")
    assert bad.code == 2
    assert bad.lines == [
        "phrony-tui demo: error: Invalid value for --input: not JSON: Expecting property name "
        "enclosed in double quotes at line 1 column 2 (see phrony-tui demo --help)"
    ]
    assert phrony("demo", "--input", "[1]").code == 2
    assert phrony("sim", "--fault", "nope=1").code == 2


DEMO = [sys.executable, "-m", "phrony_tui.cli", "demo"]


@contextmanager
def demo_sim_only(key: str, tmp_path: Path, *args: str) -> Iterator[tuple[dict[str, str], str]]:
    """``phrony-tui demo --sim-only ARGS`` running: the environment that reaches its simulator
    with ``key``, and the run id it printed; stopped on the way out."""
    proc = subprocess.Popen(
        [*DEMO, *args, "--sim-only", "--speed", "100"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={k: v for k, v in os.environ.items() if not k.startswith("PHRONY_")},
    )
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        while not any("RUN_ID=" in line for line in lines):
            line = proc.stdout.readline().decode()
            assert line, proc.stderr.read() if proc.stderr else ""
            lines.append(line)
        base = next(w for w in " ".join(lines).split() if w.startswith("PHRONY_API_BASE="))
        run_id = next(line for line in lines if "RUN_ID=" in line).split("RUN_ID=")[1].strip()
        env = {"PHRONY_API_BASE": base.split("=", 1)[1], "PHRONY_API_KEY": key}
        yield env | {"PHRONY_CREDENTIALS_FILE": str(tmp_path / "none")}, run_id
    finally:
        proc.terminate()
        proc.wait(10)


def test_demo_input_reaches_the_scenario(sim: SimServer, tmp_path: Path) -> None:
    args = ("--scenario", "big", "--input", '{"items": 40}')
    with demo_sim_only(sim.api_key, tmp_path, *args) as (env, run_id):
        exported = run_process("export", run_id, "--json", env=env)
        assert exported.returncode == 0, exported.stderr
        assert len(json.loads(exported.stdout)["items"]) == 40


def test_the_demo_without_a_scenario_has_agents_with_waiting_sessions(
    sim: SimServer, tmp_path: Path
) -> None:
    """``phrony-tui demo`` opens the home screen on a simulator with a history: what that
    inbox would list, read with the inbox command from its ``--sim-only`` twin."""
    from phrony_tui.demo import DEMO_AGENTS, DEMO_WAITING

    with demo_sim_only(sim.api_key, tmp_path) as (env, _):
        agents = [f"--agent={sim.agents[name]}" for name in DEMO_AGENTS]
        listed = run_process("inbox", *agents, "--json", env=env)
        assert listed.returncode == 0, listed.stderr
        rows = json.loads(listed.stdout)
        per_agent = {a: sum(r["agentId"] == sim.agents[a] for r in rows) for a in DEMO_AGENTS}
        assert all(n >= DEMO_WAITING for n in per_agent.values()), per_agent

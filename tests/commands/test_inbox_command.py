"""``phrony-tui inbox`` against the simulator: rows as lines and as JSON, the agents from the
config's profile or ``--agent``, the words when none is configured, and agents that cannot be
read (the others still printed, the exit code of the failure)."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

from phrony_tui.sim import SimServer
from tests.commands.conftest import FORBIDDEN, Phrony, run_process, sim_env, start

ROW = re.compile(r"^(\S+ \S+|-)\s{2,}(.+?)\s{2,}(\S+)\s{2,}(\S+)\s{2}(.*)$")


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def agents_config(tmp_path: Path, profile: str, *ids: str) -> Path:
    listed = ", ".join(f'"{i}"' for i in ids)
    return config(tmp_path, f"[profiles.{profile}]\nagents = [{listed}]\n")


def env_with(sim: SimServer, tmp_path: Path, path: Path, **extra: str) -> dict[str, str]:
    return sim_env(sim, tmp_path, PHRONY_TUI_CONFIG=str(path), **extra)


def rows_of(out: str, *run_ids: str) -> list[tuple[str, ...]]:
    found = []
    for line in out.splitlines()[1:]:
        match = ROW.match(line)
        assert match, line
        if match.group(4) in run_ids:
            found.append(match.groups()[1:])
    return found


def test_the_inbox_lists_what_waits_oldest_first(
    phrony: Phrony, sim: SimServer, tmp_path: Path
) -> None:
    chat = start(sim, "chat", "WaitingForResponse")
    approval = start(sim, "approval", "WaitingForHITL")
    path = config(
        tmp_path,
        f'[[profiles.default.agents]]\nid = "{sim.agents["approval"]}"\nname = "Ops"\n'
        f'[[profiles.default.agents]]\nid = "{sim.agents["chat"]}"\n',
    )
    result = phrony("inbox", env=env_with(sim, tmp_path, path))
    assert result.code == 0 and result.err == ""
    header, *lines = result.out.splitlines()
    assert header.split() == ["WAITING", "SINCE", "AGENT", "KIND", "RUN", "TITLE"]
    assert rows_of(result.out, chat, approval) == [
        (
            "Chat assistant",
            "chat",
            chat,
            "Hello! Ask me anything. Say 'done' when you are finished.",
        ),
        ("Ops", "approval", approval, "Approval required: Telegram · Send Message"),
    ]
    times = [line[:19] for line in lines]
    assert times == sorted(times)


def test_json_rows_hold_the_task_and_a_sub_agent_run(
    phrony: Phrony, sim: SimServer, tmp_path: Path
) -> None:
    team = start(sim, "multi-agent", "WaitingForHITL")
    path = agents_config(tmp_path, "default", sim.agents["multi-agent"])
    env = env_with(sim, tmp_path, path)
    rows = [r for r in phrony("inbox", "--json", env=env).json() if r["rootRunId"] == team]
    approval = next(r for r in rows if r["kind"] == "approval")
    assert approval["runId"] != team and approval["runLabel"] == "Analyst"
    assert approval["answerableHere"] is True and approval["key"] == approval["task"]["id"]
    assert approval["task"]["tool"]["name"] == "google_sheets"
    assert approval["agentId"] == sim.agents["multi-agent"] and approval["agentName"] is None
    assert approval["waitingSince"].endswith("+00:00")
    plain = phrony("inbox", env=env).out
    assert "[Analyst] Approval required: Google Sheets · Append Row" in plain


def test_agent_flags_replace_the_config_list(
    phrony: Phrony, sim: SimServer, tmp_path: Path
) -> None:
    run_id = start(sim, "approval", "WaitingForHITL")
    path = agents_config(tmp_path, "default", sim.agents["chat"])
    args = ("inbox", "--json", "--agent", sim.agents["approval"])
    rows = phrony(*args, env=env_with(sim, tmp_path, path)).json()
    assert {r["agentId"] for r in rows} == {sim.agents["approval"]}
    assert run_id in {r["runId"] for r in rows}


def test_the_profile_of_the_credentials_picks_the_config_table(
    phrony: Phrony, sim: SimServer, tmp_path: Path, credentials: Path
) -> None:
    start(sim, "approval", "WaitingForHITL")
    path = config(
        tmp_path,
        f'[profiles.local]\nagents = ["{sim.agents["approval"]}"]\n'
        f'[profiles.default]\nagents = ["{sim.agents["chat"]}"]\n',
    )
    env = {"PHRONY_CREDENTIALS_FILE": str(credentials), "PHRONY_TUI_CONFIG": str(path)}
    rows = phrony("inbox", "--json", env=env).json()
    assert rows and {r["agentId"] for r in rows} == {sim.agents["approval"]}


def test_no_agents_says_how_to_add_them(phrony: Phrony, sim: SimServer, tmp_path: Path) -> None:
    path = config(tmp_path, 'theme = "nord"\n')
    result = phrony("inbox", env=env_with(sim, tmp_path, path))
    assert result.code == 2 and result.out == ""
    assert result.lines[0].startswith("phrony-tui inbox: no agents to watch")
    assert str(path) in result.lines[0]
    assert "    [profiles.default]" in result.lines
    assert '    agents = ["AGENT_ID", "OTHER_AGENT_ID"]' in result.lines
    assert "    [[profiles.default.agents]]" in result.lines
    assert "or give them on the command line: --agent AGENT_ID (repeatable)" in result.lines
    failed = phrony("inbox", "--json", env=env_with(sim, tmp_path, path))
    assert failed.code == 2 and failed.error_json()["exit"] == 2


def test_a_broken_config_is_a_usage_error_naming_it(
    phrony: Phrony, sim: SimServer, tmp_path: Path
) -> None:
    path = config(tmp_path, "[profiles.default]\nagentz = []\n")
    result = phrony("inbox", env=env_with(sim, tmp_path, path))
    assert result.code == 2
    assert str(path) in result.err and "unknown setting 'agentz'" in result.err


def test_an_agent_the_key_cannot_read_fails_while_the_others_print(
    phrony: Phrony, sim: SimServer, tmp_path: Path
) -> None:
    chat = start(sim, "chat", "WaitingForResponse")
    path = agents_config(tmp_path, "default", sim.agents["approval"], sim.agents["chat"])
    env = env_with(sim, tmp_path, path, PHRONY_API_KEY=sim.api_key + "_chatonly")
    result = phrony("inbox", env=env)
    assert result.code == 3
    assert [r[1] for r in rows_of(result.out, chat)] == ["chat"]
    assert result.lines == [
        f"phrony-tui inbox: agent {sim.agents['approval'][:8]}: this API key may not read this "
        "agent (403): add the agent to the key's scope"
    ]
    result = phrony("inbox", "--json", env=env)
    assert result.code == 3
    assert chat in {r["runId"] for r in result.json()}
    error = result.error_json()
    assert error["exit"] == 3 and error["agent"] == sim.agents["approval"]


def test_the_first_failing_agent_gives_the_exit_code(
    phrony: Phrony, sim: SimServer, tmp_path: Path
) -> None:
    unknown = "00000000-0000-4000-8000-000000000404"
    path = agents_config(tmp_path, "default", unknown, sim.agents["chat"])
    result = phrony("inbox", env=env_with(sim, tmp_path, path))
    assert result.code == 4 and "no such agent (404)" in result.err
    chat_only = sim.api_key + "_chatonly"
    for first, code in ((unknown, 4), (sim.agents["approval"], 3)):
        second = sim.agents["approval"] if first == unknown else unknown
        both = agents_config(tmp_path, "default", first, second, sim.agents["chat"])
        result = phrony("inbox", env=env_with(sim, tmp_path, both, PHRONY_API_KEY=chat_only))
        assert result.code == code and len(result.lines) == 2
    path = agents_config(tmp_path, "default", unknown, sim.agents["chat"])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = env_with(sim, tmp_path, path, PHRONY_API_BASE=f"http://127.0.0.1:{port}")
    result = phrony("inbox", env=env)
    assert result.code == 7 and result.out == ""
    assert len(result.lines) == 2 and all("unreachable: " in line for line in result.lines)


def test_hostile_titles_through_a_pipe_are_inert(sim: SimServer, tmp_path: Path) -> None:
    run_id = start(sim, "hostile", "WaitingForHITL")
    path = agents_config(tmp_path, "default", sim.agents["hostile"])
    env = env_with(sim, tmp_path, path)
    proc = run_process("inbox", env=env)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout.decode("utf-8")
    assert run_id in text and not FORBIDDEN & set(text + proc.stderr.decode())
    proc = run_process("inbox", "--json", env=env)
    rows = json.loads(proc.stdout)
    assert any(r["rootRunId"] == run_id for r in rows)
    assert not FORBIDDEN & set(proc.stdout.decode())


def test_a_busy_server_is_asked_again(phrony: Phrony, sim: SimServer, tmp_path: Path) -> None:
    run_id = start(sim, "chat", "WaitingForResponse")
    path = agents_config(tmp_path, "default", sim.agents["chat"])
    sim.faults.retry_after = 0.1
    sim.faults.unavailable_next = 2
    result = phrony("inbox", "--json", env=env_with(sim, tmp_path, path))
    assert (result.code, result.err) == (0, "")
    assert run_id in {r["runId"] for r in result.json()}

"""``status``, ``tasks`` and ``sessions`` against the simulator, and the exit codes every
command shares: refused key, not found, unreachable, busy, interrupted."""

from __future__ import annotations

import signal
import socket
import time
from pathlib import Path

from phrony_tui.sim import SimServer
from tests.commands.conftest import FORBIDDEN, Phrony, run_process, settle, sim_env, spawn, start


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_status_plain_and_json(phrony: Phrony, sim: SimServer) -> None:
    run_id = start(sim, "chat", "WaitingForResponse")
    result = phrony("status", run_id)
    assert result.code == 0 and result.err == ""
    lines = result.out.splitlines()
    assert lines[:2] == [f"run     {run_id}", "status  WaitingForResponse"]
    assert lines[2].startswith("tokens  ")
    assert lines[3] == "output  \"Hello! Ask me anything. Say 'done' when you are finished.\""
    data = phrony("status", run_id, "--json").json()
    assert data["runId"] == run_id and data["status"] == "WaitingForResponse"
    assert "error" not in data or data["error"] is None


def test_status_of_a_failed_run_exits_1_with_the_error(phrony: Phrony, sim: SimServer) -> None:
    run_id = start(sim, "failing", "Failed")
    result = phrony("status", run_id)
    assert result.code == 1
    assert "status  Failed" in result.out
    assert "error   payments tool failed: credentials revoked" in result.out


def test_tasks_lists_every_pending_task_of_the_session(phrony: Phrony, sim: SimServer) -> None:
    run_id = start(sim, "forms", "WaitingForHITL")
    result = phrony("tasks", run_id)
    assert result.code == 0
    lines = result.out.splitlines()
    assert "  multi_option  run " in lines[0] and lines[0].endswith("Pick a channel")
    assert lines[1:] == [
        "  prompt: Which channel should the campaign use?",
        "  option 1: email (Email) — A weekly digest",
        "  option 2: sms (SMS) — Short alerts only",
        "  option 3: push (Push notification)",
    ]
    (task,) = phrony("tasks", run_id, "--json").json()
    assert task["kind"] == "multi_option" and task["runId"] == run_id
    assert [o["id"] for o in task["options"]] == ["email", "sms", "push"]


def test_tasks_shows_tool_and_arguments_and_sub_agent_runs(phrony: Phrony, sim: SimServer) -> None:
    run_id = start(sim, "multi-agent", "WaitingForHITL")
    tasks = phrony("tasks", run_id, "--json").json()
    assert {t["kind"] for t in tasks} >= {"anomaly_alert", "approval"}
    approval = next(t for t in tasks if t["kind"] == "approval")
    assert approval["runId"] != run_id  # the analyst sub-agent's
    assert approval["tool"] == {
        "name": "google_sheets",
        "operation_name": "append_row",
        "arguments": {"sheet": "Findings", "row": ["agents", "pause", "2026"]},
    }
    text = phrony("tasks", run_id).out
    assert "  tool: google_sheets · append_row" in text
    assert '  arguments: {"sheet":"Findings","row":["agents","pause","2026"]}' in text
    assert "  (can only be completed in the Phrony dashboard)" in text


def test_tasks_when_none_is_pending(phrony: Phrony, sim: SimServer) -> None:
    run_id = start(sim, "chat", "WaitingForResponse")
    assert phrony("tasks", run_id, "--json").json() == []
    plain = phrony("tasks", run_id)
    assert (plain.code, plain.out) == (0, "")
    assert plain.lines == [
        "phrony-tui tasks: no pending tasks",
        f"phrony-tui tasks: waiting for a chat reply to run {run_id}; "
        f"answer with phrony-tui reply {run_id} TEXT",
    ]
    timer = start(sim, "timer", "WaitingForTimer", {"seconds": 3600})
    assert phrony("tasks", timer).lines[-1] == (
        f"phrony-tui tasks: waiting for a timer on run {timer}; "
        f"end it now with phrony-tui skip-wait {timer}"
    )


def test_sessions_newest_first_with_limit_and_status(phrony: Phrony, sim: SimServer) -> None:
    agent = sim.agents["timer"]
    first = start(sim, "timer", "WaitingForTimer", {"seconds": 3600})
    second = start(sim, "timer", "WaitingForTimer", {"seconds": 3600})
    listing = phrony("sessions", agent, "--json").json()
    roots = [s["rootRunId"] for s in listing["items"]]
    assert roots.index(second) < roots.index(first)
    assert listing["total"] == len(listing["items"])
    limited = phrony("sessions", agent, "--limit", "1")
    assert limited.code == 0
    header, row = limited.out.splitlines()
    assert header.split()[:3] == ["SESSION", "ROOT", "RUN"]
    assert second in row and "WaitingForTimer" in row
    assert limited.lines == [
        f"phrony-tui sessions: 1 of {listing['total']} shown (--limit N for more)"
    ]
    done = phrony("sessions", agent, "--status", "Completed", "--json").json()
    assert all(s["status"] == "Completed" for s in done["items"])
    assert phrony("sessions", agent, "--limit", "0").code == 2


def test_not_found_is_4(phrony: Phrony, sim: SimServer) -> None:
    for args in (["status", "nope"], ["tasks", "nope"], ["export", "nope"], ["approve", "nope"]):
        result = phrony(*args)
        assert result.code == 4, (args, result)
        (line,) = result.lines
        assert line.endswith("run nope: the server answered 404: no run with this id")
    agent = phrony("sessions", "no-such-agent", "--json")
    assert agent.code == 4
    assert agent.error_json() == {
        "error": "agent no-such-agent: the server answered 404: no agent with this id",
        "exit": 4,
        "status": 404,
        "server_code": "agent_not_found",
    }


def test_a_refused_key_is_3(phrony: Phrony, sim: SimServer, tmp_path: Path) -> None:
    run_id = start(sim, "approval", "WaitingForHITL")
    wrong = phrony("status", run_id, env=sim_env(sim, tmp_path, PHRONY_API_KEY="phk_wrong_key"))
    assert wrong.code == 3 and "401" in wrong.err and "phk_wrong_key" not in wrong.err
    chat_only = sim.world.key_named("chat-only").secret
    scoped = phrony("approve", run_id, env=sim_env(sim, tmp_path, PHRONY_API_KEY=chat_only))
    assert scoped.code == 3 and "403" in scoped.err


def test_unreachable_is_7(phrony: Phrony, sim: SimServer, tmp_path: Path) -> None:
    env = sim_env(sim, tmp_path, PHRONY_API_BASE=f"http://127.0.0.1:{closed_port()}")
    result = phrony("status", "r1", "--json", env=env)
    assert result.code == 7
    assert "cannot reach" in result.lines[0]
    assert result.error_json()["exit"] == 7


def test_a_busy_server_is_asked_again_then_given_up_on(phrony: Phrony, sim: SimServer) -> None:
    run_id = start(sim, "chat", "WaitingForResponse")
    sim.faults.set("retry-after", 0.1)
    sim.faults.set("rate-limit-next", 1)
    sim.faults.set("unavailable-next", 1)
    assert phrony("status", run_id).code == 0
    sim.faults.set("unavailable-next", 100)
    busy = phrony("status", run_id)
    assert busy.code == 7 and "the server answered 503" in busy.err


def test_ctrl_c_exits_130_without_a_traceback(sim: SimServer, tmp_path: Path) -> None:
    run_id = start(sim, "chat", "WaitingForResponse")
    sim.faults.set("latency-ms", 30_000)
    before = sim.world.request_count
    proc = spawn("status", run_id, env=sim_env(sim, tmp_path))
    deadline = time.monotonic() + 60
    while sim.world.request_count == before and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, out, err) == (130, b"", b"")


def test_server_text_in_output_is_inert(phrony: Phrony, sim: SimServer) -> None:
    run_id = start(sim, "hostile", "WaitingForHITL")
    for args in (["status", run_id], ["tasks", run_id]):
        result = phrony(*args)
        assert result.code == 0
        assert not FORBIDDEN & set(result.out + result.err), args


def test_sessions_status_takes_the_consoles_words_and_exact_statuses(
    phrony: Phrony, sim: SimServer, tmp_path: Path
) -> None:
    agent = sim.agents["chat"]
    waiting = start(sim, "chat", "WaitingForResponse")
    finished = start(sim, "chat", "WaitingForResponse")
    assert phrony("reply", finished, "done").code == 0
    settle(sim, finished, "Completed")

    def roots(*args: str) -> list[str]:
        result = phrony("sessions", agent, *args, "--limit", "100", "--json")
        assert result.code == 0, result
        items = result.json()["items"]
        statuses = {s["status"] for s in items}
        return [s["rootRunId"] for s in items] + sorted(statuses)

    for word in ("waiting", "WAITING", "Waiting", "waitingforresponse", "WaitingForResponse"):
        listed = roots("--status", word)
        assert waiting in listed and finished not in listed, word
        assert "WaitingForResponse" in listed and "Completed" not in listed, word
    for word in ("completed", "Completed"):
        listed = roots("--status", word)
        assert finished in listed and waiting not in listed and "Completed" in listed, word
    assert {waiting, finished} <= set(roots("--status", "all"))
    bad = phrony("sessions", agent, "--status", "bogus", "--json")
    assert bad.code == 2
    assert (
        "'bogus' is not a status: use one of all, waiting, running, completed, failed,"
        in (bad.lines[0])
    )
    assert "WaitingForTimer" in bad.lines[0] and bad.error_json()["exit"] == 2
    env = sim_env(sim, tmp_path, _PHRONY_TUI_COMPLETE="bash_complete")
    asked = run_process(
        env=env | {"COMP_WORDS": f"phrony-tui sessions {agent} --status w", "COMP_CWORD": "4"}
    )
    offered = [line.split(",", 1)[1] for line in asked.stdout.decode().splitlines()]
    assert offered == [
        "waiting",
        "WaitingForResponse",
        "WaitingForHITL",
        "WaitingForAITL",
        "WaitingForTimer",
    ]

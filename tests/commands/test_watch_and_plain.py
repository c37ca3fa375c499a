"""``watch`` and plain mode, run as processes with pipes (what CI and ``tee`` see): one line
per step followed live with the console's feed, exit codes by how the session ended, not one
escape byte from the hostile agent, standard input never read."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import subprocess
from pathlib import Path

import pytest

from phrony_tui.api import PhronyClient
from phrony_tui.session import SessionState, build_answer
from phrony_tui.sim import SimServer
from tests.commands.conftest import FORBIDDEN, Phrony, run_process, settle, sim_env, spawn, start
from tests.conftest import TEST_SPEED, eventually, until_subscribed, wait_status
from tests.ui.test_crash import run_in_terminal


def test_watch_until_waiting_then_until_done(phrony: Phrony, sim: SimServer) -> None:
    run_id = start(sim, "approval", "WaitingForHITL")
    waiting = phrony("watch", run_id, "--until", "waiting")
    assert waiting.code == 6, waiting
    lines = waiting.out.splitlines()
    assert lines[0].split()[1:4] == [run_id[:8], "Ops", "notifier"]
    assert "UserTaskReq  approval Pending: Approval required: Telegram · Send Message" in lines[2]
    assert lines[3] == "waiting for a person (WaitingForHITL):"
    assert phrony("approve", run_id).code == 0
    done = phrony("watch", run_id)
    assert done.code == 0
    lines = done.out.splitlines()
    assert "approval approved: Approval required" in lines[2]
    assert lines[-2].endswith('SessionCompleted  Completed {"sent":true}')
    assert lines[-1] == 'session Completed: {"sent":true}'


def test_watch_until_waiting_says_a_chat_reply_is_awaited_and_how(
    phrony: Phrony, sim: SimServer
) -> None:
    run_id = start(sim, "chat", "WaitingForResponse")
    waiting = phrony("watch", run_id, "--until", "waiting")
    assert waiting.code == 6, waiting
    assert waiting.out.splitlines()[-1] == (
        f"waiting for a person (WaitingForResponse): a chat reply to run {run_id}; "
        f"answer with phrony-tui reply {run_id} TEXT"
    )
    as_json = phrony("watch", run_id, "--until", "waiting", "--json")
    last = json.loads(as_json.out.splitlines()[-1])
    assert last["tasks"] == []
    assert last["waitingRuns"] == [{"runId": run_id, "status": "WaitingForResponse"}]


def test_watch_shows_how_an_approval_was_answered(phrony: Phrony, sim: SimServer) -> None:
    run_id = start(sim, "approval", "WaitingForHITL", {"kind": "hitl"})
    assert phrony("reject", run_id).code == 0
    settle(sim, run_id, "Completed")
    lines = phrony("watch", run_id).out.splitlines()
    (task,) = [line for line in lines if "  UserTaskReq  " in line]
    assert task.endswith("hitl rejected: Review the tool call: Telegram · Send Message"), task


def test_watch_of_a_redacted_session_says_its_timeline_is_hidden(
    phrony: Phrony, sim: SimServer
) -> None:
    run_id = start(sim, "redacted", "Completed")
    done = phrony("watch", run_id)
    assert done.code == 0
    assert "the timeline of this session is hidden from API clients" in done.err
    assert "hidden" not in done.out  # standard output stays the steps


def test_watch_json_is_one_object_per_step_then_the_end(phrony: Phrony, sim: SimServer) -> None:
    run_id = start(sim, "failing", "Failed")
    result = phrony("watch", run_id, "--json")
    assert result.code == 1  # the session failed
    objects = [json.loads(line) for line in result.out.splitlines()]
    assert {o["kind"] for o in objects[:-1]} == {"step"}
    ordinals = [o["item"]["ordinal"] for o in objects[:-1]]
    assert ordinals == sorted(ordinals)
    assert objects[-1]["kind"] == "session" and objects[-1]["session"]["status"] == "Failed"
    waiting = phrony("watch", start(sim, "forms", "WaitingForHITL"), "--json", "--until", "waiting")
    assert waiting.code == 6
    last = json.loads(waiting.out.splitlines()[-1])
    assert last["kind"] == "waiting" and last["tasks"][0]["kind"] == "multi_option"


def test_watch_timeout_is_8(phrony: Phrony, sim: SimServer) -> None:
    run_id = start(sim, "timer", "WaitingForTimer", {"seconds": 3600})
    result = phrony("watch", run_id, "--timeout", "0.5", "--json")
    assert result.code == 8
    assert result.lines[-2] == "phrony-tui watch: --timeout reached: 0.5 s"
    alert, timer = (line.removeprefix("phrony-tui: ") for line in result.lines[:-2])
    assert alert.startswith("waiting for a person: ") and " anomaly_alert " in alert
    assert (
        timer
        == f"waiting for a timer on run {run_id}; end it now with phrony-tui skip-wait {run_id}"
    )
    assert result.error_json() == {"error": "--timeout reached: 0.5 s", "exit": 8}
    # a timer is not a person: --until waiting keeps following it
    assert phrony("watch", run_id, "--until", "waiting", "--timeout", "0.5").code == 8


@pytest.mark.parametrize("seconds", ["0", "-1", "nan", "NaN", "soon"])
def test_a_timeout_that_is_not_a_positive_number_is_a_usage_error(
    phrony: Phrony, sim: SimServer, seconds: str
) -> None:
    run_id = start(sim, "approval", "WaitingForHITL")
    result = phrony("watch", run_id, "--timeout", seconds)
    assert result.code == 2, result
    assert result.err.startswith("phrony-tui watch: error: Invalid value for '--timeout'")
    assert phrony("watch", "nope").code == 4


def test_watch_follows_a_live_run_to_its_end(sim: SimServer, tmp_path: Path) -> None:
    count = 300

    async def begin() -> str:
        async with PhronyClient(sim.base_url, sim.api_key) as client:
            started = await client.start_run(
                sim.agents["firehose"], {"count": count, "rate": 400, "wait_for_stream": 30}
            )
            return started.run_id

    run_id = asyncio.run(begin())
    proc = spawn("watch", run_id, env=sim_env(sim, tmp_path))
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    text = out.decode()
    steps = [line.split("  ")[-1] for line in text.splitlines() if "  reasoning  " in line]
    assert steps == [f"step {i} of {count}" for i in range(1, count + 1)]
    assert text.splitlines()[-1] == 'session Completed: {"steps":300}'


@pytest.mark.parametrize("plain", [False, True], ids=["watch", "plain-mode"])
def test_a_server_gone_for_good_ends_the_follow_with_7(tmp_path: Path, plain: bool) -> None:
    """A server that went away and stayed away kept ``watch`` (and plain mode) polling for
    good, and a CI job with it; past --offline-after without an answer it exits 7."""
    with SimServer(speed=TEST_SPEED, seed=9) as server:  # its own: every request fails
        run_id = start(server, "chat", "WaitingForResponse")
        args = [run_id, "--plain"] if plain else ["watch", run_id, "--offline-after", "2"]
        env = sim_env(server, tmp_path)
        if plain:
            env["PHRONY_TUI_OFFLINE_AFTER"] = "2"
        proc = spawn(*args, env=env)
        asyncio.run(until_subscribed(server, run_id))
        server.faults.set("error-5xx-rate", 1.0)  # from now on, nothing but 500 and 503
        server.end_streams(run_id)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 7, err
    assert b"Hello! Ask me anything." in out  # what it had followed stays printed
    last = err.decode().splitlines()[-1]
    assert "the server was unreachable or unavailable for" in last, last
    assert "Traceback" not in err.decode()


def test_plain_mode_says_on_standard_error_what_each_wait_needs(
    sim: SimServer, tmp_path: Path
) -> None:
    """``phrony-tui RUN_ID > out.txt`` went quiet while the chat waited, with nothing saying
    why: each wait is said on standard error, with the command that answers it."""
    run_id = start(sim, "chat", "WaitingForResponse")
    proc = spawn(run_id, env=sim_env(sim, tmp_path))

    async def chat() -> None:
        async with PhronyClient(sim.base_url, sim.api_key) as client:
            await until_subscribed(sim, run_id)
            await client.send_text(run_id, "hi")
            await eventually(  # answered, and waiting for the next message
                lambda: client.get_conversation(run_id),
                lambda c: (
                    c.session.status == "WaitingForResponse"
                    and sum(item.type == "output" for item in c.items) >= 2
                ),
            )
            await client.send_text(run_id, "done")

    asyncio.run(chat())
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    said = f"phrony-tui: waiting for a chat reply to run {run_id}; answer with phrony-tui reply"
    assert err.decode().count(said) >= 2, err  # the first wait, and the one after "hi"
    assert b"waiting for" not in out  # the steps stay alone on standard output


def answer_hostile(sim: SimServer, run_id: str) -> None:
    """Answer the hostile agent's questions through the API until its session ends."""

    async def go() -> None:
        async with PhronyClient(sim.base_url, sim.api_key) as client:
            await until_subscribed(sim, run_id)
            answered: set[str] = set()
            while True:
                conv = await wait_status(
                    client, run_id, lambda s: s == "Completed" or s == "WaitingForHITL"
                )
                if conv.session.status == "Completed":
                    return
                state = SessionState()
                state.apply_conversation(conv)
                for task in state.pending_tasks():
                    if task.id in answered or task.kind not in ("multi_option", "text"):
                        continue
                    answer = 3 if task.kind == "multi_option" else "fine"
                    await client.send_message(build_answer(task, answer))
                    answered.add(task.id)
                await asyncio.sleep(0.05)

    asyncio.run(go())


def test_plain_mode_through_a_pipe_over_the_hostile_agent(sim: SimServer, tmp_path: Path) -> None:
    run_id = start(sim, "hostile", "WaitingForHITL")
    # Standard input left open and unwritten: reading it would hang.
    proc = spawn(run_id, env=sim_env(sim, tmp_path), stdin=subprocess.PIPE)
    answer_hostile(sim, run_id)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert b"\x1b" not in out + err  # (C1 controls: checked on the decoded text)
    text = out.decode("utf-8")
    assert not FORBIDDEN & set(text + err.decode())
    assert "␛[2J␛[Hscreen cleared?" in text and "[@click=app.quit]click me[/]" in text
    assert text.splitlines()[-1] == 'session Completed: {"survived":true}'
    conv = settle(sim, run_id, "Completed")
    shown = [line for line in text.splitlines() if line[:2].isdigit()]
    assert len(shown) >= len(conv.items)  # every step (a task again when its status changes)


def test_plain_mode_never_waits_for_standard_input(sim: SimServer, tmp_path: Path) -> None:
    run_id = start(sim, "failing", "Failed")
    proc = spawn(run_id, env=sim_env(sim, tmp_path), stdin=subprocess.PIPE)
    out, err = proc.communicate(timeout=60)  # closes stdin only after the process exits
    assert proc.returncode == 1, err
    assert out.decode().splitlines()[-1].startswith("session Failed: payments tool failed")


def test_plain_flag_and_no_tui_in_a_terminal(sim: SimServer, tmp_path: Path) -> None:
    run_id = start(sim, "approval", "WaitingForHITL")
    assert run_process("approve", run_id, env=sim_env(sim, tmp_path)).returncode == 0
    settle(sim, run_id, "Completed")
    env = sim_env(sim, tmp_path) | {"TERM": "xterm-256color", "PATH": "/usr/bin:/bin"}
    code = f"import sys; from phrony_tui.cli import main; sys.exit(main({[run_id, '--plain']!r}))"
    for extra, script in (({}, code), ({"PHRONY_NO_TUI": "1"}, code.replace(", '--plain'", ""))):
        status, written = run_in_terminal(script, env | extra, timeout=60)
        assert status == 0, written[-500:]
        assert b"\x1b" not in written, written[:200]
        assert b'session Completed: {"sent":true}' in written


def test_watch_json_over_the_hostile_agent_is_inert_and_keeps_the_data(
    sim: SimServer, tmp_path: Path
) -> None:
    """Each step is written as the API gave it, one line each, with every control character
    escaped: the bytes are inert, the data parsed back is the server's."""
    run_id = start(sim, "hostile", "WaitingForHITL")
    proc = spawn("watch", run_id, "--json", env=sim_env(sim, tmp_path))
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # the steps overflow a pipe's buffer
        output = pool.submit(proc.communicate, timeout=120)
        answer_hostile(sim, run_id)
        out, err = output.result()
    assert proc.returncode == 0, err
    assert b"\x1b" not in out + err
    text = out.decode("utf-8")
    assert not FORBIDDEN & set(text)
    objects = [json.loads(line) for line in text.splitlines()]
    steps = {o["item"]["id"]: o["item"] for o in objects if o["kind"] == "step"}
    conv = settle(sim, run_id, "Completed")
    for item in conv.items:
        assert item.id in steps
        if item.content is not None and item.type != "user_task":  # tasks change as answered
            assert (
                steps[item.id]["content"] == item.model_dump(by_alias=True, mode="json")["content"]
            )
    assert "\\x1b[2J" in repr(steps)  # the hostile text is there as data, escaped on the wire

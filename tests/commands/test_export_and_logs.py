"""``export`` of a whole multi-agent session (every run and task), JSON exactly as the API
gives it, hostile text inert through a pipe; and the request log of ``--debug``,
``--log-file`` and ``PHRONY_TUI_LOG``, which never holds the key or a file's contents."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from phrony_tui.api import PhronyClient
from phrony_tui.session import SessionState, build_answer
from phrony_tui.sim import SimServer
from tests.commands.conftest import FORBIDDEN, Phrony, run_process, settle, sim_env, start
from tests.conftest import wait_status


def finished_multi_agent(sim: SimServer) -> str:
    """A multi-agent session answered to the end through the API: an approval in a child, an
    escalation in a grandchild, a dashboard-only alert left pending on the root."""

    async def go() -> str:
        async with PhronyClient(sim.base_url, sim.api_key) as client:
            started = await client.start_run(sim.agents["multi-agent"])
            answered: set[str] = set()
            while True:
                conv = await wait_status(
                    client,
                    started.run_id,
                    lambda s: s == "Completed" or s.startswith("Waiting"),
                )
                if conv.session.status == "Completed":
                    return started.run_id
                state = SessionState()
                state.apply_conversation(conv)
                for task in state.pending_tasks():
                    if task.id in answered or not task.api_completable:
                        continue
                    answer: Any = True if task.is_approval else "yes, about approvals"
                    await client.send_message(build_answer(task, answer))
                    answered.add(task.id)
                await asyncio.sleep(0.05)

    return asyncio.run(go())


def raw_conversation(sim: SimServer, run_id: str) -> Any:
    response = httpx.get(
        f"{sim.base_url}/v1/runs/{run_id}/conversation",
        params={"stepContent": "full"},
        headers={"X-API-Key": sim.api_key},
    )
    response.raise_for_status()
    return json.loads(response.content)


@pytest.fixture
def deep_json() -> Iterator[None]:
    """The hostile agent nests 1,000 lists: enough recursion to read and compare them."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)
    yield
    sys.setrecursionlimit(limit)


def test_markdown_export_of_a_multi_agent_session(phrony: Phrony, sim: SimServer) -> None:
    run_id = finished_multi_agent(sim)
    conv = raw_conversation(sim, run_id)
    result = phrony("export", run_id)
    assert result.code == 0 and result.err == ""
    text = result.out
    assert text.startswith(f"# Session {conv['session']['id']}\n")
    assert "| Status | Completed |" in text
    headings = re.findall(r"^## Run: (.+) \(`(.+)`\)$", text, flags=re.M)
    assert sorted(run for _, run in headings) == sorted(r["id"] for r in conv["runs"])
    assert {name for name, _ in headings} == {
        "Research lead",
        "Researcher",
        "Fact checker",
        "Analyst",
    }
    tasks = [i["content"] for i in conv["items"] if i["type"] == "UserTaskReq"]
    assert len(tasks) == 3
    for task in tasks:
        assert f"(`{task['user_task_id']}`)\n" in text
    assert '- Outcome: {"approved":true}' in text
    assert '- Outcome: {"textValue":"yes, about approvals"}' in text
    assert "- Completed only in the Phrony dashboard" in text
    # every step, once, under its run's heading, in order
    for item in conv["items"]:
        assert f"**#{item['ordinal']} · {item['type']}" in text
    assert '```json\n{\n  "sheet": "Findings",' in text  # a tool call's arguments, fenced
    assert "## Files\n\nNo files." in text


def test_json_export_is_the_conversation_as_the_api_gives_it(
    phrony: Phrony, sim: SimServer, tmp_path: Path
) -> None:
    run_id = finished_multi_agent(sim)
    target = tmp_path / "session.json"
    result = phrony("export", run_id, "--format", "json", "-o", str(target))
    assert (result.code, result.out, result.err) == (0, "", "")
    assert json.loads(target.read_text()) == raw_conversation(sim, run_id)
    assert phrony("export", run_id, "--json").json() == raw_conversation(sim, run_id)


@pytest.mark.usefixtures("deep_json")
def test_exports_of_the_hostile_agent_through_a_pipe_hold_no_escape_byte(
    sim: SimServer, tmp_path: Path
) -> None:
    run_id = start(sim, "hostile", "WaitingForHITL")
    env = sim_env(sim, tmp_path)
    for fmt in ("md", "json"):
        proc = run_process("export", run_id, "--format", fmt, env=env)
        assert proc.returncode == 0, proc.stderr
        text = proc.stdout.decode("utf-8")
        assert not FORBIDDEN & set(text), fmt
        assert "\x1b" not in text and "\x9b" not in text
    # the JSON is still exactly the server's values
    proc = run_process("export", run_id, "--format", "json", env=env)
    assert json.loads(proc.stdout) == raw_conversation(sim, run_id)
    md = run_process("export", run_id, env=env).stdout.decode()
    assert "␛[2J␛[Hscreen cleared?" in md and "[@click=app.quit]click me[/]" in md


def test_export_of_a_file_reply_lists_the_file(
    phrony: Phrony, sim: SimServer, tmp_path: Path
) -> None:
    run_id = start(sim, "chat", "WaitingForResponse")
    report = tmp_path / "report.csv"
    report.write_text("a,b\n1,2\n")
    assert phrony("reply", run_id, "the report", "--file", str(report)).code == 0
    settle(sim, run_id, "WaitingForResponse")
    text = phrony("export", run_id).out
    files = text.split("## Files\n\n", 1)[1]
    assert files.startswith("- report.csv (text/csv) `")


def test_debug_logs_one_line_per_request_without_the_key(phrony: Phrony, sim: SimServer) -> None:
    run_id = start(sim, "approval", "WaitingForHITL")
    sim.faults.set("retry-after", 0.1)
    sim.faults.set("rate-limit-next", 1)
    result = phrony("approve", run_id, "--debug")
    assert result.code == 0
    lines = [line.split(" ", 1)[1] for line in result.lines]
    path = f"/v1/runs/{run_id}/conversation"
    assert re.fullmatch(rf"GET {path} 429 \d+ms \d+B", lines[0]), lines
    assert re.fullmatch(rf"GET {path} 200 retry=1 \d+ms \d+B", lines[1]), lines
    assert re.fullmatch(r"POST /v1/runs/\S+/messages 202 \d+ms \d+B", lines[2]), lines
    assert sim.api_key not in result.err


def test_log_file_and_bodies_redact_the_key_and_file_contents(
    phrony: Phrony, sim: SimServer, tmp_path: Path
) -> None:
    run_id = start(sim, "chat", "WaitingForResponse")
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("TOP SECRET CONTENTS")
    log = tmp_path / "requests.log"
    args = ["reply", run_id, f"my key is {sim.api_key}", "--file", str(secret_file)]
    result = phrony(*args, "--log-file", str(log), "--log-bodies")
    assert result.code == 0 and result.err == ""
    text = log.read_text()
    assert "POST /v1/file-library/presign 200" in text
    assert "PUT <upload URL> 200" in text  # the storage URL itself is not logged
    assert "body: [file contents, 19 bytes]" in text
    assert '"runId"' in text and "[redacted]" in text
    assert sim.api_key not in text and "TOP SECRET CONTENTS" not in text
    env = sim_env(sim, tmp_path, PHRONY_TUI_LOG=str(log))
    before = len(log.read_text().splitlines())
    assert phrony("status", run_id, env=env).code == 0
    added = log.read_text().splitlines()[before:]
    assert len(added) == 1 and f"GET /v1/runs/{run_id} 200" in added[0]


def test_export_to_a_dash_is_standard_output_not_a_file_named_dash(
    phrony: Phrony, sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id = start(sim, "approval", "WaitingForHITL")
    monkeypatch.chdir(tmp_path)
    result = phrony("export", run_id, "-o", "-")
    assert result.code == 0, result
    assert result.out.startswith("# Session ")
    assert not (tmp_path / "-").exists()

"""The Runs API page's own examples, run as written against the simulator."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys

import pytest

from phrony_tui.api import PhronyClient
from phrony_tui.sim import SimServer
from tests.conftest import until_subscribed, wait_status

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")

# Verbatim from the Runs API page (seed), "Get conversation and stream (SSE)".
CONVERSATION = """
curl -sS -G "${PHRONY_API_BASE}/v1/runs/${RUN_ID}/conversation" \\
  --data-urlencode "stepContent=slim" \\
  -H "X-API-Key: ${PHRONY_API_KEY}"
"""
STREAM = """
curl -sSN "${PHRONY_API_BASE}/v1/runs/${RUN_ID}/stream" \\
  -H "X-API-Key: ${PHRONY_API_KEY}"
"""
# Verbatim from "Send a follow-up message".
MESSAGE = """
curl -sS -X POST "${PHRONY_API_BASE}/v1/runs/${RUN_ID}/messages" \\
  -H "Content-Type: application/json" \\
  -H "X-API-Key: ${PHRONY_API_KEY}" \\
  -d '{"runId":"'"${RUN_ID}"'","text":"My reply from curl"}'
"""


def env(sim: SimServer, run_id: str) -> dict[str, str]:
    return os.environ | {
        "PHRONY_API_BASE": sim.base_url,
        "PHRONY_API_KEY": sim.api_key,
        "RUN_ID": run_id,
    }


async def sh(script: str, environ: dict[str, str]) -> str:
    proc = await asyncio.create_subprocess_exec(
        "bash", "-c", script, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 0, err.decode()
    return out.decode()


async def test_curl_conversation_message_and_stream(client: PhronyClient, sim: SimServer) -> None:
    started = await client.start_run(sim.agents["chat"])
    await wait_status(client, started.run_id, "WaitingForResponse")
    environ = env(sim, started.run_id)
    conversation = json.loads(await sh(CONVERSATION, environ))
    assert conversation["session"]["status"] == "WaitingForResponse"
    assert "run_id" not in conversation["items"][0]["content"]  # slim
    stream = asyncio.create_task(sh(STREAM, environ))
    await until_subscribed(sim, started.run_id)
    assert json.loads(await sh(MESSAGE, environ)) == {"status": "Running"}
    conv = await wait_status(client, started.run_id, "WaitingForResponse")
    assert [i.content["text"] for i in conv.items if i.type == "UserMessage"] == [
        "My reply from curl"
    ]
    await client.send_text(started.run_id, "done")
    raw = await stream
    events = [json.loads(line[6:]) for line in raw.splitlines() if line.startswith("data: ")]
    assert events[0]["subject"] == "engine.step.UserMessage"
    assert events[-1]["subject"] == "engine.session.completed"


def test_sim_cli_json_line_drives_curl() -> None:
    """``phrony-tui sim --json``: the first line is the JSON a script needs."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "phrony_tui.cli",
            "sim",
            "--port",
            "0",
            "--json",
            "--speed",
            "100",
            "--fault",
            "latency-ms=1",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        assert set(info) == {"base_url", "api_key", "agents", "keys", "history"}
        assert info["base_url"].startswith("http://127.0.0.1:")
        start = subprocess.run(
            [
                "curl",
                "-sS",
                "-X",
                "POST",
                f"{info['base_url']}/v1/agents/{info['agents']['chat']}/runs",
                "-H",
                f"X-API-Key: {info['api_key']}",
                "-H",
                "Content-Type: application/json",
                "-d",
                "{}",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=20,
        )
        assert json.loads(start.stdout)["status"] == "Running"
    finally:
        proc.terminate()
        proc.wait(10)


def test_sim_cli_refuses_bad_faults() -> None:
    bad = subprocess.run(
        [sys.executable, "-m", "phrony_tui.cli", "sim", "--fault", "explode=1"],
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert bad.returncode == 2 and "unknown fault 'explode'" in bad.stderr


def test_the_readmes_curl_block_runs_as_pasted(sim: SimServer) -> None:
    """The README's "Try it with curl" block, against this simulator instead of ``make sim``
    (the same key and agent ids; only the address differs)."""
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme.split("### Try it with curl", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    assert "http://127.0.0.1:8765" in block
    script = block.replace("http://127.0.0.1:8765", sim.base_url)
    done = subprocess.run(
        ["bash", "-e", "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    posts = [r for r in sim.world.received if r.method == "POST" and r.path.endswith("/messages")]
    assert [(r.status, r.body["text"]) for r in posts[-1:]] == [(202, "Hello")]  # not a 409
    assert "data: " in done.stdout  # the stream's events, printed as they came
    assert '"text":"Hello"' in done.stdout.replace(" ", "")  # in the conversation

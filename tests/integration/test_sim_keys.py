"""Keys with their own agent scopes and upload flag: what each may reach, over HTTP, and how
``phrony-tui sim`` takes and lists them."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from phrony_tui.sim import SimServer

OPS = "phk_ops_key"
EVERY_NO_UPLOADS = "phk_readonly_key"


@pytest.fixture(scope="module")
def keyed() -> Iterator[SimServer]:
    with SimServer(
        speed=1000,
        seed=3,
        keys={
            OPS: "approval,timer",
            EVERY_NO_UPLOADS: ["*", "no-uploads"],
        },
    ) as server:
        yield server


def test_a_scoped_key_reaches_its_agents_only(keyed: SimServer) -> None:
    ops = httpx.Client(base_url=keyed.base_url, headers={"X-API-Key": OPS})
    main = httpx.Client(base_url=keyed.base_url, headers={"X-API-Key": keyed.api_key})
    approval, chat = keyed.agents["approval"], keyed.agents["chat"]
    started = ops.post(f"/v1/agents/{approval}/runs", json={"input": {}})
    assert started.status_code == 202
    assert ops.get(f"/v1/runs/{started.json()['runId']}").status_code == 200
    assert ops.get(f"/v1/agents/{approval}/sessions").json()["total"] == 1

    chat_run = main.post(f"/v1/agents/{chat}/runs", json={"input": {}}).json()["runId"]
    refused = [
        ops.post(f"/v1/agents/{chat}/runs", json={"input": {}}),
        ops.get(f"/v1/agents/{chat}/sessions"),
        ops.get(f"/v1/runs/{chat_run}"),
        ops.get(f"/v1/runs/{chat_run}/conversation"),
        ops.post(f"/v1/runs/{chat_run}/messages", json={"runId": chat_run, "text": "hi"}),
    ]
    assert [r.status_code for r in refused] == [403] * 5
    assert {r.json()["code"] for r in refused} == {"forbidden"}


def test_uploads_follow_the_key(keyed: SimServer) -> None:
    body = {"filename": "a.txt", "mediaType": "text/plain", "maxContentLength": 3}
    for key, status in ((OPS, 200), (EVERY_NO_UPLOADS, 403)):
        answer = httpx.post(
            f"{keyed.base_url}/v1/file-library/presign", json=body, headers={"X-API-Key": key}
        )
        assert answer.status_code == status
    refused = httpx.post(
        f"{keyed.base_url}/v1/file-library/presign",
        json=body,
        headers={"X-API-Key": EVERY_NO_UPLOADS},
    )
    assert refused.json()["code"] == "uploads_disabled"
    started = httpx.post(
        f"{keyed.base_url}/v1/agents/{keyed.agents['forms']}/runs",
        json={"input": {}},
        headers={"X-API-Key": EVERY_NO_UPLOADS},
    )
    assert started.status_code == 202  # every agent, only no uploads


def test_info_lists_every_key_with_its_scope(keyed: SimServer) -> None:
    keys = {k["name"]: k for k in keyed.info()["keys"]}
    assert keys["main"] == {
        "name": "main",
        "key": keyed.api_key,
        "agents": "*",
        "uploads": True,
    }
    assert keys["no-uploads"]["uploads"] is False and keys["no-uploads"]["agents"] == "*"
    assert keys["chat-only"]["agents"] == ["chat"]
    assert keys["key-1"] == {
        "name": "key-1",
        "key": OPS,
        "agents": ["approval", "timer"],
        "uploads": True,
    }
    assert keys["key-2"]["agents"] == "*" and keys["key-2"]["uploads"] is False


def test_an_agent_id_names_the_agent_as_its_scenario_name_does() -> None:
    forms = SimServer().agents["forms"]
    with SimServer(keys={"phk_by_id": forms}) as server:
        (info,) = [k for k in server.info()["keys"] if k["key"] == "phk_by_id"]
        assert info["agents"] == ["forms"]


@pytest.mark.parametrize(
    "spec, message",
    [
        ("nobody", "unknown agent 'nobody'"),
        ("", "name at least one agent"),
        ("no-uploads", "name at least one agent"),
    ],
)
def test_a_bad_scope_is_refused(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SimServer(keys={"phk_bad": spec})


@contextlib.contextmanager
def sim_cli(*args: str) -> Iterator[dict[str, Any] | subprocess.CompletedProcess[str]]:
    """The first JSON line of ``phrony-tui sim --json ARGS`` while it serves, or the finished
    process when it refused to start."""
    command = [sys.executable, "-m", "phrony_tui.cli", "sim", "--port", "0", "--json", *args]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            out, err = proc.communicate(timeout=20)
            yield subprocess.CompletedProcess(command, proc.returncode, out, err)
        else:
            yield json.loads(line)
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_sim_command_takes_scoped_keys_and_lists_them() -> None:
    args = ("--key", "phk_me", "--key", "phk_ops=approval,timer", "--key", "phk_ro=*,no-uploads")
    with sim_cli(*args) as info:
        assert isinstance(info, dict) and info["api_key"] == "phk_me"
        answer = httpx.get(
            f"{info['base_url']}/v1/agents/{info['agents']['chat']}/sessions",
            headers={"X-API-Key": "phk_ops"},
        )
        assert answer.status_code == 403
    keys = info["keys"]
    assert {
        "name": "key-1",
        "key": "phk_ops",
        "agents": ["approval", "timer"],
        "uploads": True,
    } in keys
    assert {"name": "key-2", "key": "phk_ro", "agents": "*", "uploads": False} in keys


@pytest.mark.parametrize(
    "args, message",
    [
        (("--key", "phk_a=nobody"), "unknown agent 'nobody'"),
        (("--key", "phk_a", "--key", "phk_b"), "only one main key"),
        (("--key", "phk_a=chat", "--key", "phk_a=forms"), "given twice"),
    ],
)
def test_the_sim_command_refuses_bad_keys(args: tuple[str, ...], message: str) -> None:
    with sim_cli(*args) as done:
        assert isinstance(done, subprocess.CompletedProcess)
        assert done.returncode == 2 and message in done.stderr


def test_the_sim_command_seeds_history() -> None:
    with sim_cli("--history", "8", "--waiting", "3", "--seed", "2") as info:
        assert isinstance(info, dict) and info["history"] == 8
        listing = httpx.get(
            f"{info['base_url']}/v1/agents/{info['agents']['forms']}/sessions",
            headers={"X-API-Key": info["api_key"]},
        ).json()
        waiting = [row for row in listing["items"] if row["status"].startswith("Waiting")]
        assert listing["total"] == 8 and len(waiting) == 3


def test_the_banner_lists_every_key_with_its_scope() -> None:
    from phrony_tui.commands.simulator import banner

    server = SimServer(key="phk_main_key", keys={"phk_ops": "approval,timer,no-uploads"})
    text = banner(server)
    assert "main         phk_main_key  *  uploads on" in text
    assert "chat-only    phk_main_key_chatonly  chat  uploads on" in text
    assert "key-1        phk_ops  approval,timer  uploads off" in text

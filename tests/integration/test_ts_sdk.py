"""The official TypeScript SDK accepts what the simulator sends: real responses, recorded over
HTTP, are assigned to the SDK's declared types in a generated ``.ts`` file that must pass
``tsc --strict``; then the SDK's own client (the unmodified source in ``ts_sdk/src``) drives the
simulator from node. TypeScript is installed once into ``~/.cache/phrony-tui-tests``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from phrony_tui.sim import SimServer

TYPESCRIPT = "5.7.3"  # the SDK's own devDependency range is ^5.7.2
HERE = Path(__file__).parent / "ts_sdk"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "phrony-tui-tests"

#: The SDK's narrow content types, by item type (they hold for full content only).
NARROW = {
    "llm_request_prepared": "LlmRequestPreparedContent",
    "reasoning": "ReasoningStepContent",
    "ToolCall": "ToolCallStepContent",
    "ToolResult": "ToolResultStepContent",
    "output": "OutputStepContent",
    "RunCompleted": "RunCompletedItemContent",
    "SessionCompleted": "SessionCompletedItemContent",
}

pytestmark = pytest.mark.skipif(
    not (shutil.which("node") and shutil.which("npm")),
    reason="node and npm are needed to type-check and run the TypeScript SDK",
)


def tsc() -> Path:
    """The TypeScript compiler, installed once per machine outside the repository."""
    prefix = CACHE / f"typescript-{TYPESCRIPT}"
    binary = prefix / "node_modules" / "typescript" / "bin" / "tsc"
    if not binary.exists():
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(prefix),
                "--no-audit",
                "--no-fund",
                "--no-save",
                f"typescript@{TYPESCRIPT}",
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    return binary


@pytest.fixture(scope="module")
def server() -> Iterator[SimServer]:
    with SimServer(speed=1000, seed=21, history=12, waiting=4) as sim:
        yield sim


class Recorder:
    """Real responses of the simulator, each with the SDK type it must fit."""

    def __init__(self, sim: SimServer) -> None:
        self.http = httpx.Client(base_url=sim.base_url, headers={"X-API-Key": sim.api_key})
        self.checks: list[tuple[str, Any]] = []

    def get(self, path: str, type_: str, **params: Any) -> Any:
        answer = self.http.get(path, params=params)
        assert answer.status_code == 200, answer.text
        self.checks.append((type_, answer.json()))
        return answer.json()

    def post(self, path: str, type_: str, body: Any = None) -> Any:
        answer = self.http.post(path, json=body) if body is not None else self.http.post(path)
        assert answer.status_code in (200, 202), answer.text
        self.checks.append((type_, answer.json()))
        return answer.json()

    def settle(self, run_id: str) -> dict[str, Any]:
        """The conversation once the session waits or has ended."""
        deadline = time.monotonic() + 20
        while True:
            conv: dict[str, Any] = self.http.get(f"/v1/runs/{run_id}/conversation").json()
            if conv["session"]["status"] != "Running" or time.monotonic() > deadline:
                return conv
            time.sleep(0.02)

    def conversation(self, run_id: str) -> None:
        full = self.get(f"/v1/runs/{run_id}/conversation", "ConversationResponse")
        self.get(f"/v1/runs/{run_id}/conversation", "ConversationResponse", stepContent="slim")
        self.get(f"/v1/runs/{run_id}", "RunStatus")
        for item in full["items"]:
            if item["type"] in NARROW and full["session"]["startContext"] is not None:
                self.checks.append((NARROW[item["type"]], item["content"]))


def record(sim: SimServer) -> list[tuple[str, Any]]:
    rec = Recorder(sim)
    inputs = {"big": {"items": 40}, "timer": {"seconds": 600}, "multi-agent": {}}
    for name, agent_id in sim.agents.items():
        if name == "hostile":
            continue  # it sends wrong types on purpose
        started = rec.post(
            f"/v1/agents/{agent_id}/runs", "StartRunResponse", {"input": inputs.get(name, {})}
        )
        rec.settle(started["runId"])
        rec.conversation(started["runId"])
        listing = rec.get(f"/v1/agents/{agent_id}/sessions", "ListSessionsResponse", take=100)
        for row in listing["items"]:
            if row["status"].startswith("Waiting") and row["rootRunId"] != started["runId"]:
                rec.conversation(row["rootRunId"])
                break
    chat = rec.post(f"/v1/agents/{sim.agents['chat']}/runs", "StartRunResponse", {"input": {}})
    rec.settle(chat["runId"])
    body = {"runId": chat["runId"], "text": "done"}
    rec.post(f"/v1/runs/{chat['runId']}/messages", "AcceptMessageResponse", body)
    rec.settle(chat["runId"])
    rec.conversation(chat["runId"])
    timer = rec.post(
        f"/v1/agents/{sim.agents['timer']}/runs", "StartRunResponse", {"input": {"seconds": 900}}
    )
    rec.settle(timer["runId"])
    rec.post(f"/v1/runs/{timer['runId']}/skip-agent-wait", "AcceptMessageResponse")
    presigned = rec.post(
        "/v1/file-library/presign",
        "PresignResponse",
        {"filename": "a.txt", "mediaType": "text/plain", "maxContentLength": 2},
    )
    httpx.put(presigned["uploadUrl"], content=b"hi", headers=presigned["requiredHeaders"])
    body = {"objectKey": presigned["objectKey"], "maxContentLength": 2}
    rec.post("/v1/file-library/finalize", "FinalizeResponse", body)
    hose = rec.post(
        f"/v1/agents/{sim.agents['multi-agent']}/runs", "StartRunResponse", {"input": {}}
    )
    with rec.http.stream("GET", f"/v1/runs/{hose['runId']}/stream") as stream:
        for line in stream.iter_lines():
            if line.startswith("data: "):
                event = json.loads(line[6:])
                rec.checks.append(("StreamEvent", event))
                if event["subject"] == "engine.user_task.created":
                    break
    return rec.checks


def check_file(checks: list[tuple[str, Any]]) -> str:
    types = sorted({t for t, _ in checks})
    lines = [f'import type {{ {", ".join(types)} }} from "./src/index.js";', ""]
    for index, (type_, value) in enumerate(checks):
        lines.append(f"export const v{index}: {type_} = {json.dumps(value)};")
    return "\n".join(lines) + "\n"


def test_the_sdk_types_accept_what_the_simulator_sends_and_its_client_works(
    server: SimServer, tmp_path: Path
) -> None:
    compiler = tsc()
    shutil.copytree(HERE / "src", tmp_path / "src")
    checks = record(server)
    assert {t for t, _ in checks} >= {
        "StartRunResponse",
        "RunStatus",
        "ConversationResponse",
        "ListSessionsResponse",
        "AcceptMessageResponse",
        "PresignResponse",
        "FinalizeResponse",
        "StreamEvent",
        *NARROW.values(),
    }
    (tmp_path / "check.ts").write_text(check_file(checks), encoding="utf-8")
    (tmp_path / "package.json").write_text('{"type": "module"}\n')
    config = {
        "compilerOptions": {
            "target": "ES2022",
            "lib": ["ES2022", "DOM"],
            "module": "NodeNext",
            "moduleResolution": "NodeNext",
            "strict": True,
            "skipLibCheck": True,
            "verbatimModuleSyntax": True,
            "outDir": "dist",
        },
        "include": ["src/**/*.ts", "check.ts"],
    }
    (tmp_path / "tsconfig.json").write_text(json.dumps(config))
    compiled = subprocess.run(
        ["node", str(compiler), "-p", str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert compiled.returncode == 0, compiled.stdout[-5000:] + compiled.stderr[-2000:]

    driven = subprocess.run(
        [
            "node",
            str(HERE / "drive.mjs"),
            (tmp_path / "dist" / "src" / "index.js").as_uri(),
            server.base_url,
            server.api_key,
            json.dumps(server.agents),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert driven.returncode == 0, driven.stderr[-3000:]
    out = json.loads(driven.stdout.strip().splitlines()[-1])
    assert out["answer"] == {"status": "Running"} and out["skip"] == {"status": "Running"}
    assert out["run"]["status"] == "Completed" and "error" not in out["run"]
    assert out["fullTypes"][-2:] == ["RunCompleted", "SessionCompleted"]
    assert out["waitingListed"] >= 4  # the seeded ones, and any left waiting above
    assert out["finalize"]["sizeBytes"] == "5" and out["finalize"]["alreadyFinalized"] is False
    assert out["withFile"] == "Running"
    assert out["missingFile"] == [True, 400, "file_not_found"]
    assert out["unauthorized"] == 401
    steps = [e for e in out["events"] if e.startswith("step engine.step.reasoning")]
    assert len(steps) == 25 and out["events"][-1] == "session engine.session.completed"

"""Running ``phrony-tui`` commands against the simulator: in this process (fast, output
captured), or as a separate process with pipes (what a script or CI job sees)."""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from phrony_tui.api import PhronyClient
from phrony_tui.cli import main
from phrony_tui.sim import SimServer
from tests.conftest import wait_status

#: Characters that drive a terminal (C0 but newline and tab, DEL, C1) or reorder text (bidi).
FORBIDDEN = {*map(chr, range(32)), "\x7f", *map(chr, range(0x80, 0xA0)), "\u202e"} - {"\n", "\t"}


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.err.splitlines()

    def json(self) -> Any:
        return json.loads(self.out)

    def error_json(self) -> Any:
        """The JSON object a failing command prints on standard error with ``--json``."""
        return json.loads(self.lines[-1])


def sim_env(sim: SimServer, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "PHRONY_API_BASE": sim.base_url,
        "PHRONY_API_KEY": sim.api_key,
        "PHRONY_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
        **extra,
    }


Phrony = Callable[..., Result]


@pytest.fixture
def phrony(
    sim: SimServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Phrony:
    """``phrony(*args, env=..., stdin=...)``: the command line in this process."""

    def run(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> Result:
        for name in list(os.environ):
            if name.startswith("PHRONY_"):
                monkeypatch.delenv(name)
        for name, value in (sim_env(sim, tmp_path) if env is None else env).items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


def _process_env(env: dict[str, str]) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PHRONY_", "TEXTUAL"))}
    return base | env


def spawn(
    *args: str, env: dict[str, str], stdin: int = subprocess.DEVNULL
) -> subprocess.Popen[bytes]:
    """``phrony-tui ARGS`` started as its own process, standard output and error pipes (no
    terminal), standard input ``stdin`` (nothing to read, by default)."""
    return subprocess.Popen(
        [sys.executable, "-m", "phrony_tui.cli", *args],
        env=_process_env(env),
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def run_process(
    *args: str, env: dict[str, str], stdin: bytes | None = None, timeout: float = 90
) -> subprocess.CompletedProcess[bytes]:
    """``phrony-tui ARGS`` as its own process, standard streams all pipes (no terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "phrony_tui.cli", *args],
        env=_process_env(env),
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        timeout=timeout,
    )


def start(sim: SimServer, scenario: str, status: str, run_input: Any = None) -> str:
    """Start a scenario's run and wait until its session has ``status``; the run id."""

    async def go() -> str:
        async with PhronyClient(sim.base_url, sim.api_key) as client:
            started = await client.start_run(sim.agents[scenario], run_input)
            await wait_status(client, started.run_id, status)
            return started.run_id

    return asyncio.run(go())


def settle(sim: SimServer, run_id: str, status: str) -> Any:
    async def go() -> Any:
        async with PhronyClient(sim.base_url, sim.api_key) as client:
            return await wait_status(client, run_id, status)

    return asyncio.run(go())


def messages_received(sim: SimServer, run_id: str) -> list[Any]:
    """The message bodies the simulator processed for a run."""
    return [
        r.body
        for r in sim.world.received
        if r.method == "POST"
        and r.path.endswith("/messages")
        and isinstance(r.body, dict)
        and r.body.get("runId") == run_id
    ]


@pytest.fixture
def credentials(tmp_path: Path, sim: SimServer) -> Iterator[Path]:
    path = tmp_path / "credentials"
    path.write_text(
        f'default = "local"\n\n[local]\napi_key = "{sim.api_key}"\napi_base = "{sim.base_url}"\n'
        f'\n[wrong]\napiKey = "phk_wrong"\napiBase = "{sim.base_url}"\n\n[keyless]\nx = 1\n'
    )
    path.chmod(0o600)
    yield path

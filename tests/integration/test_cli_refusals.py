"""What the command line prints before the full screen opens: every refusal is one clean line
(no escape byte from the server, the arguments or the environment, a bounded length), a
non-zero exit and no traceback; what can be refused locally sends nothing."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from phrony_tui.api import PhronyClient
from phrony_tui.preflight import ConsoleError, preflight
from phrony_tui.sim import SimServer

#: What a hostile server puts in its error bodies: a title change, a screen clear, a
#: clipboard write, a C1 CSI and a bidi override.
NASTY = "\x1b]0;TITLE\x07\x1b[2J\x1b]52;c;aGVsbG8=\x07\x9b31m\u202eevil"
#: The longest line the command line prints (the message, and its "phrony-tui: " prefix).
MAX_LINE = 320
#: Characters that drive a terminal (C0 but newline, DEL, C1) or reorder text (bidi).
FORBIDDEN = {*map(chr, range(32)), "\x7f", *map(chr, range(0x80, 0xA0)), "\u202e"} - {"\n"}


@dataclass
class Outcome:
    code: int
    out: bytes
    err: bytes

    @property
    def lines(self) -> list[str]:
        return self.err.decode("utf-8", "replace").splitlines()


def run_cli(
    *args: str, env: dict[str, str] | None = None, state: Path | None = None, timeout: float = 60
) -> Outcome:
    """``phrony-tui ARGS`` as a separate process, with only the given Phrony settings."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("PHRONY_")}
    if state is not None:
        base["XDG_STATE_HOME"] = str(state)
    proc = subprocess.run(
        [sys.executable, "-m", "phrony_tui.cli", *args],
        env=base | (env or {}),
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )
    return Outcome(proc.returncode, proc.stdout, proc.stderr)


def assert_clean(outcome: Outcome, *secrets: str) -> None:
    """No escape byte, no traceback, no secret, every line bounded."""
    for stream in (outcome.out, outcome.err):
        text = stream.decode("utf-8")
        assert not FORBIDDEN & set(text), text[:400]
        for secret in secrets:
            assert secret not in text
    assert b"Traceback" not in outcome.err
    assert all(len(line) <= MAX_LINE for line in outcome.lines), outcome.lines


def one_refusal(outcome: Outcome, code: int, *secrets: str) -> str:
    assert outcome.code == code, outcome
    assert_clean(outcome, *secrets)
    assert outcome.out == b""
    (line,) = outcome.lines
    assert line.startswith("phrony-tui")
    return line


# --- a server that answers every request with the same error -------------------------------


@dataclass
class Answer:
    status: int = 500
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    count: int = 0


@pytest.fixture
def hostile() -> Iterator[tuple[str, Answer]]:
    """A loopback HTTP server answering every request with ``Answer`` (set per test)."""
    answer = Answer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            answer.count += 1
            self.send_response(answer.status)
            for name, value in (answer.headers | {"Content-Type": "application/json"}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", answer
    finally:
        server.shutdown()
        server.server_close()


#: The exit code of each refusal at open: the same table as every command's.
CODES = {401: 3, 403: 3, 404: 4, 429: 7, 500: 7, 418: 1}


@pytest.mark.parametrize("status", sorted(CODES))
def test_an_error_body_with_escapes_prints_one_clean_line(
    hostile: tuple[str, Answer], status: int
) -> None:
    url, answer = hostile
    answer.status = status
    answer.body = json.dumps({"error": NASTY, "code": NASTY}).encode()
    outcome = run_cli("run-1", env={"PHRONY_API_BASE": url, "PHRONY_API_KEY": "phk_secret_1"})
    line = one_refusal(outcome, CODES[status], "phk_secret_1")
    if status != 404:  # "run … was not found" needs no server text
        assert "␛]0;TITLE␇␛[2J" in line  # shown, inert
    assert answer.count == 1  # a 429 without Retry-After is not asked again


def test_a_20_mb_error_message_is_cut(hostile: tuple[str, Answer]) -> None:
    url, answer = hostile
    answer.status = 500
    answer.body = json.dumps({"error": "x" * 20_000_000}).encode()
    outcome = run_cli("run-1", env={"PHRONY_API_BASE": url, "PHRONY_API_KEY": "phk_secret_1"})
    line = one_refusal(outcome, 7)
    # Only the first 64 KiB of an error body is read: the message is what that holds, cut.
    assert "the server answered 500: " in line and "xxxx" in line and line.endswith("…")
    assert len(line) <= 300


# --- refusals from the simulator and the command line itself ----------------------------------


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_refusals(sim: SimServer, tmp_path: Path) -> None:
    good = {"PHRONY_API_BASE": sim.base_url, "PHRONY_API_KEY": sim.api_key}
    cases: list[tuple[list[str], dict[str, str], int, str]] = [
        (["run-1"], {"PHRONY_API_BASE": sim.base_url}, 2, "no API key"),
        (["no-such-run"], good, 4, "run no-such-run was not found"),
        (["\x1b]0;T\x07\x1b[2Jrun"], good, 4, "run ␛]0;T␇␛[2Jrun was not found"),
        (["run-1"], good | {"PHRONY_API_KEY": "phk_wrong_key"}, 3, "API key was refused (401"),
        (
            ["run-1"],
            good | {"PHRONY_API_BASE": f"http://127.0.0.1:{closed_port()}"},
            7,
            "cannot reach",
        ),
        (["run-1"], good | {"PHRONY_API_BASE": "http://127.0.0.1:99999"}, 2, "Port out of range"),
        (["run-1"], good | {"PHRONY_API_BASE": "http://[::1"}, 2, "not a valid URL"),
        (["run-1"], good | {"PHRONY_API_BASE": "http://\udcff\x1b.x"}, 2, "not UTF-8"),
        (["run-1"], good | {"PHRONY_API_KEY": "phk_\udcff\x1b[2J"}, 2, "non-ASCII"),
        (["run\udcff\x1b[2J"], good, 2, "not UTF-8 text"),
        ([""], good, 2, "no run id given"),
        (["   "], good, 2, "no run id given"),
        (["--base-url", "ftp://host", "r"], good, 2, "https://host[:port]"),
        (["--base-url", "http://h\x1b[2J", "r"], good, 2, "control characters: 'http://h\\x1b"),
        (["sim", "--port", "99999"], {}, 2, "port must be between 0 and 65535, got 99999"),
        (["sim", "--port", "-5"], {}, 2, "port must be between 0 and 65535, got -5"),
        (["sim", "--port", "\x1b[2J"], {}, 2, "not a port number: '\\x1b[2J'"),
        (["sim", "--port", "0", "--key", "phk_\x1b[2J"], {}, 2, "--key must be printable"),
        (["sim", "--port", "0", "--host", "\x1b]0;T\x07"], {}, 1, "cannot listen on ␛]0;T␇:0"),
        (["demo", "--scenario", "\x1b]0;T\x07"], {}, 2, "unknown scenario"),
        (["r", "--bogus\x1b[2J"], {}, 2, "unrecognized arguments: --bogus␛[2J"),
    ]
    for args, env, code, expected in cases:
        before = sim.world.request_count
        outcome = run_cli(*args, env=env, state=tmp_path)
        line = one_refusal(outcome, code, sim.api_key)
        assert expected in line, (args, line)
        if code == 2 and args[0] not in ("sim", "demo"):
            assert sim.world.request_count == before, f"{args}: refused locally, nothing sent"


def test_a_busy_server_is_asked_again_at_open(sim: SimServer) -> None:
    sim.faults.set("retry-after", 0.2)
    sim.faults.set("rate-limit-next", 1)
    sim.faults.set("unavailable-next", 1)
    before = sim.world.request_count
    outcome = run_cli(
        "no-such-run", env={"PHRONY_API_BASE": sim.base_url, "PHRONY_API_KEY": sim.api_key}
    )
    assert outcome.code == 4  # asked again until it could say: not found
    assert_clean(outcome)
    assert outcome.lines == [
        "phrony-tui: server busy (429), retrying in 0.2 s…",
        "phrony-tui: server busy (503), retrying in 0.2 s…",
        f"phrony-tui: run no-such-run was not found at {sim.base_url}: check the id "
        "(it is the runId from starting a run)",
    ]
    assert sim.world.request_count == before + 3


def test_a_server_busy_for_longer_is_not_asked_forever(sim: SimServer) -> None:
    sim.faults.set("retry-after", 0.1)
    sim.faults.set("unavailable-next", 10)
    before = sim.world.request_count
    outcome = run_cli(
        "no-such-run", env={"PHRONY_API_BASE": sim.base_url, "PHRONY_API_KEY": sim.api_key}
    )
    assert outcome.code == 7  # unavailable after retries
    assert outcome.lines[-1].startswith("phrony-tui: the server answered 503")
    assert "try again later" in outcome.lines[-1]
    assert sim.world.request_count == before + 3


async def test_a_retry_after_too_long_is_not_waited_for(sim: SimServer) -> None:
    sim.faults.set("retry-after", 3600)
    sim.faults.set("rate-limit-next", 1)
    heard: list[str] = []
    async with PhronyClient(sim.base_url, sim.api_key) as client:
        with pytest.raises(ConsoleError, match="answered 429"):
            await preflight(client, "no-such-run", heard.append)
    assert heard == []


async def test_the_preflight_opens_a_run_after_429_and_503(
    sim: SimServer, client: PhronyClient
) -> None:
    started = await client.start_run(sim.agents["chat"])
    sim.faults.set("retry-after", 0.1)
    sim.faults.set("rate-limit-next", 1)
    sim.faults.set("unavailable-next", 1)
    heard: list[str] = []
    snapshot = await preflight(client, f" {started.run_id} ", heard.append)
    assert snapshot.session.id == started.session_id
    assert heard == [
        "server busy (429), retrying in 0.1 s…",
        "server busy (503), retrying in 0.1 s…",
    ]

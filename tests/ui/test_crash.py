"""An unexpected error, in the console or at the command line, ends with the terminal restored,
one line naming a crash report, and exit status 70; the report holds the traceback without
local variables, and neither it nor the terminal holds the key or what the person typed."""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from phrony_tui.api import PhronyClient
from phrony_tui.sim import SimServer
from phrony_tui.ui import main
from phrony_tui.ui.app import ConsoleApp
from phrony_tui.ui.widgets.pauses.reply import ReplyArea
from tests.conftest import wait_status
from tests.ui.helpers import SIZE, until

DRAFT = "my unsent draft about the merger"
#: Control characters a report or a terminal line must not carry (the report keeps newlines).
CONTROLS = {*map(chr, range(32)), "\x7f", *map(chr, range(0x80, 0xA0))} - {"\n", "\t"}


class Exploding(Static):
    """A widget with a bug: drawing it raises, with secrets and escapes in the message."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key

    def render(self) -> str:
        raise RuntimeError(f"boom \x1b]0;TITLE\x07 key={self.key} draft={DRAFT}")


def report_of(line: str) -> Path:
    assert line.startswith("phrony-tui: unexpected error; report written to "), line
    path = Path(line.rsplit(" ", 1)[1])
    assert path.is_file()
    assert path.stat().st_mode & 0o777 == 0o600
    return path


def check_report(path: Path, *secrets: str) -> str:
    text = path.read_text()
    assert "Traceback (most recent call last)" in text and "RuntimeError: boom" in text
    assert "phrony-tui " in text and "Python " in text and "Textual " in text
    assert "[redacted]" in text
    for secret in secrets:
        assert secret not in text
    assert not CONTROLS & set(text)
    assert "locals" not in text.lower() and "self = " not in text  # no local variables
    return text


async def chat_run(sim: SimServer) -> str:
    async with PhronyClient(sim.base_url, sim.api_key) as client:
        started = await client.start_run(sim.agents["chat"])
        await wait_status(client, started.run_id, "WaitingForResponse")
        return started.run_id


def test_a_crash_in_the_console_exits_70_with_a_redacted_report(
    sim: SimServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.setenv("PHRONY_TUI_CONFIG", "/nonexistent/phrony-tui.toml")
    run_id = asyncio.run(chat_run(sim))
    crashed: list[ConsoleApp] = []

    def run(app: ConsoleApp, *args: Any, **kwargs: Any) -> None:
        """The app as the terminal runs it, headless: a draft is typed, then a widget fails."""

        async def drive() -> None:
            async with app.run_test(size=SIZE) as pilot:
                await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="reply")
                await pilot.press(*DRAFT)
                await app.screen.mount(Exploding(sim.api_key))
                await pilot.pause()

        with pytest.raises(RuntimeError, match="boom"):  # run_test re-raises what crashed
            asyncio.run(drive())
        crashed.append(app)

    monkeypatch.setattr(ConsoleApp, "run", run)
    assert main.open_console(run_id, base_url=sim.base_url, api_key=sim.api_key) == 70
    (app,) = crashed
    assert app.return_code == 70
    out, err = capsys.readouterr()
    assert out == ""
    (line,) = err.splitlines()
    check_report(report_of(line), sim.api_key, DRAFT)


# --- the real entry point in a terminal ----------------------------------------------------


def run_in_terminal(code: str, env: dict[str, str], timeout: float = 90) -> tuple[int, bytes]:
    """``python -c code`` with a pseudo-terminal as its stdin, stdout and stderr, as a person
    runs it; returns the exit status and every byte it wrote."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    chunks: list[bytes] = []

    def read() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the last writer closed the terminal
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        code_ = proc.wait(timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    reader.join(10)
    os.close(master)
    return code_, b"".join(chunks)


def terminal_env(sim: SimServer, tmp_path: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PHRONY_", "TEXTUAL"))}
    return base | {
        "PHRONY_API_BASE": sim.base_url,
        "PHRONY_API_KEY": sim.api_key,
        "PHRONY_TUI_CONFIG": "/nonexistent/phrony-tui.toml",
        "XDG_STATE_HOME": str(tmp_path),
        "TERM": "xterm-256color",
        "COLUMNS": "100",
        "LINES": "30",
    }


#: A console whose screen fails once it is up: the failure is the only thing patched in.
CRASH_IN_APP = """
import sys
from textual.widgets import Static
import phrony_tui.ui.app as app_module
from phrony_tui.cli import main

class Exploding(Static):
    def render(self):
        raise RuntimeError("boom \\x1b]0;TITLE\\x07\\x1b[2J key=" + KEY)

class Crashing(app_module.ConsoleApp):
    def on_ready(self):
        self.set_timer(0.5, lambda: self.screen.mount(Exploding()))

app_module.ConsoleApp = Crashing
sys.exit(main([RUN_ID]))
"""


def test_the_entry_point_after_a_crash_in_the_console(sim: SimServer, tmp_path: Path) -> None:
    run_id = asyncio.run(chat_run(sim))
    code = CRASH_IN_APP.replace("KEY", repr(sim.api_key)).replace("RUN_ID", repr(run_id))
    status, written = run_in_terminal(code, terminal_env(sim, tmp_path))
    assert status == 70, written[-2000:]
    assert sim.api_key.encode() not in written
    assert b"Traceback" not in written and b"boom" not in written
    # The screen is left (alternate screen off, modes reset) before the one line is printed,
    # and nothing else follows.
    leave = written.rfind(b"\x1b[?1049l")
    assert leave >= 0, written[-2000:]
    tail = re.sub(r"\x1b\[\??[0-9;]*[a-zA-Z]", "", written[leave:].decode())
    assert not CONTROLS & set(tail.replace("\r\n", "\n")), tail
    (line,) = tail.splitlines()
    check_report(report_of(line), sim.api_key)


#: The command line fails before the console opens, in the pre-flight (which the full screen
#: and plain mode, chosen here since standard output is a pipe, share).
CRASH_IN_CLI = """
import sys
import phrony_tui.preflight as preflight
from phrony_tui.cli import main

async def failing(client, run_id, notice=None):
    raise RuntimeError("boom \\x1b]0;TITLE\\x07\\x1b[2J key=" + KEY)

preflight.preflight = failing
sys.exit(main(["some-run"]))
"""


def test_the_entry_point_after_a_crash_at_the_command_line(sim: SimServer, tmp_path: Path) -> None:
    code = CRASH_IN_CLI.replace("KEY", repr(sim.api_key))
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env=terminal_env(sim, tmp_path),
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert proc.returncode == 70, proc.stderr
    assert proc.stdout == b""
    err = proc.stderr.decode()
    assert not CONTROLS & set(err)
    assert sim.api_key not in err
    (line,) = err.splitlines()
    check_report(report_of(line), sim.api_key)


def test_ctrl_c_at_the_command_line_exits_130_quietly(sim: SimServer, tmp_path: Path) -> None:
    code = CRASH_IN_CLI.replace('raise RuntimeError("boom', 'raise KeyboardInterrupt("boom')
    proc = subprocess.run(
        [sys.executable, "-c", code.replace("KEY", repr(sim.api_key))],
        env=terminal_env(sim, tmp_path),
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (130, b"", b"")
    assert not (tmp_path / "phrony-tui").exists()  # no report for a person's Ctrl+C

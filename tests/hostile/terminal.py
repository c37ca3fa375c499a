"""The real command line in a pseudo-terminal, as a person runs it: a test reads every byte it
writes, types keys into it, and gets its exit status and peak memory when it ends.

    with Terminal.start([sys.executable, "-m", "phrony_tui.cli", run_id], env) as term:
        term.wait_for(lambda out: b"live" in out, timeout=20)
        term.send(b"\\x11")  # ctrl+q
        ended = term.finish(timeout=15)
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

#: What Textual writes itself, as seen in a run against the simulator: colours and cursor
#: moves, private modes on and off, mode queries, the keyboard protocol, and the pointer shape;
#: and the console's window title (the waiting count, no server text), pushed and popped.
OWN_SEQUENCES = re.compile(
    rb"\x1b\[[?<>]?[0-9;]*\$?[mHhlpu]|\x1b\]22;[a-z-]+\x07"
    rb"|\x1b\[2[23];0t|\x1b\]2;(\([0-9]+\) )?phrony-tui\x07"
)
#: Left once Textual's own sequences are taken out, none of these may be written: C0 but
#: carriage return and newline, ESC in particular; DEL; C1; bidi controls.
FORBIDDEN = re.compile(
    "[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
#: The sequences a hostile server sends (OSC title and clipboard, clear screen, C1 CSI),
#: each of which would act on the terminal if written.
SERVER_SEQUENCES = (b"\x1b]0;", b"\x1b]52;", b"\x1b[2J", b"\xc2\x9b", b"TITLE\x07")


def stray_controls(written: bytes) -> list[str]:
    """Every control character or sequence in ``written`` that Textual would not write."""
    found = [repr(seq) for seq in SERVER_SEQUENCES if seq in written]
    rest = OWN_SEQUENCES.sub(b"", written)
    try:
        text = rest.decode("utf-8")
    except UnicodeDecodeError as exc:
        found.append(f"bytes that are not UTF-8 at {exc.start}: {rest[exc.start : exc.end]!r}")
        text = rest.decode("utf-8", "replace")
    for match in FORBIDDEN.finditer(text):
        around = text[max(0, match.start() - 20) : match.end() + 20]
        found.append(f"{match.group()!r} in {around!r}")
    return found


@dataclass
class Ended:
    """How the process ended: exit status (-9 after a kill), peak resident memory, and whether
    it had to be killed."""

    status: int
    peak_rss_mib: float
    killed: bool


class Terminal:
    def __init__(self, proc: subprocess.Popen[bytes], master: int) -> None:
        self.proc = proc
        self.master = master
        self._chunks: list[bytes] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.ended: Ended | None = None
        self._peak_kib = 0

    @classmethod
    def start(
        cls, argv: Sequence[str], env: dict[str, str], size: tuple[int, int] = (100, 30)
    ) -> Terminal:
        master, slave = pty.openpty()
        columns, lines = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        proc = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        return cls(proc, master)

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:  # EIO: the last writer closed the terminal
                return
            if not data:
                return
            with self._lock:
                self._chunks.append(data)

    @property
    def written(self) -> bytes:
        with self._lock:
            return b"".join(self._chunks)

    @property
    def running(self) -> bool:
        if self.ended is not None:
            return False
        self._sample_peak()
        return self._reap(os.WNOHANG) is None

    def _sample_peak(self) -> None:
        """The child's own high-water mark (``wait4``'s figure includes the parent's memory at
        the fork), read while it runs: a peak is never lost, only the last moment's growth."""
        with contextlib.suppress(OSError):
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
            match = re.search(r"^VmHWM:\s*(\d+) kB", status, re.M)
            if match:
                self._peak_kib = max(self._peak_kib, int(match.group(1)))

    def wait_for(self, check: Callable[[bytes], bool], timeout: float) -> bool:
        """Whether ``check`` held on what was written before ``timeout`` or the process ended."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check(self.written):
                return True
            if not self.running:
                self._reader.join(5)
                return check(self.written)
            time.sleep(0.05)
        return False

    def send(self, keys: bytes) -> None:
        with contextlib.suppress(OSError):
            os.write(self.master, keys)

    def _reap(self, flags: int) -> Ended | None:
        pid, status, usage = os.wait4(self.proc.pid, flags)
        if pid == 0:
            return None
        code = os.waitstatus_to_exitcode(status)
        self.proc.returncode = code  # reaped here: Popen must not wait for it again
        peak = self._peak_kib or usage.ru_maxrss
        self.ended = Ended(code, peak / 1024, killed=False)
        return self.ended

    def finish(self, timeout: float) -> Ended:
        """Wait for the process to end; kill it (and say so) after ``timeout``."""
        if not self.wait_for(lambda _: False, timeout) and self.ended is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            ended = self._reap(0)
            assert ended is not None
            ended.killed = True
        self._reader.join(5)
        assert self.ended is not None
        return self.ended

    def __enter__(self) -> Terminal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.finish(0)
        with contextlib.suppress(OSError):
            os.close(self.master)

"""What the command line prints outside the full screen: one sanitized, bounded line per
message, and, after an unexpected error, a crash report on disk instead of a traceback (which
would show server text raw and, with local variables, the key and drafts)."""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from .text import clean, one_line

#: The exit status of an unexpected error (``EX_SOFTWARE`` in BSD's sysexits).
CRASH_EXIT = 70
#: The longest line printed for one message; server text can be megabytes.
LINE_LIMIT = 300
#: Shorter secrets are not redacted: blanking every "ok" would make the report unreadable.
MIN_SECRET = 4
REDACTED = "[redacted]"


def say(message: str, file: TextIO | None = None) -> None:
    """Print ``message`` as one clean line: no control byte, no undecodable character, at most
    ``LINE_LIMIT`` characters, whatever it quotes."""
    stream = file if file is not None else sys.stderr
    line = one_line(message, LINE_LIMIT)
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        line = line.encode(encoding, "backslashreplace").decode(encoding)
    except LookupError:
        line = line.encode("ascii", "backslashreplace").decode("ascii")
    print(line, file=stream, flush=True)


def _variants(secret: str) -> set[str]:
    """The forms a secret takes in a traceback: as is, as a ``repr`` or JSON body, line by
    line."""
    forms = {secret, repr(secret)[1:-1], json.dumps(secret)[1:-1]}
    forms.update(line.strip() for line in secret.splitlines())
    return {form for form in forms if len(form) >= MIN_SECRET}


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret (and its escaped forms) replaced by ``[redacted]``."""
    forms: set[str] = set()
    for secret in secrets:
        if secret:
            forms |= _variants(secret)
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, REDACTED)
    return text


def _versions() -> str:
    from . import __version__

    try:
        from importlib.metadata import version

        textual = version("textual")
    except Exception:  # a report must be written even from a broken install
        textual = "unknown"
    return (
        f"phrony-tui {__version__}\n"
        f"Python {platform.python_version()} ({platform.python_implementation()})\n"
        f"Textual {textual}\n"
        f"Platform {platform.platform()}\n"
    )


def report_text(error: BaseException, secrets: Iterable[str] = ()) -> str:
    """The report: versions and the traceback without local variables, redacted, cleaned of
    control characters so printing the file cannot drive the terminal either."""
    lines = traceback.format_exception(error)
    body = (
        "phrony-tui crash report\n"
        f"When: {time.strftime('%Y-%m-%d %H:%M:%S %z')}\n"
        f"{_versions()}\n"
        f"{''.join(lines)}"
    )
    return clean(redact(body, secrets))


def _report_dirs() -> list[Path]:
    dirs: list[Path] = []
    try:
        from platformdirs import user_state_path

        dirs.append(user_state_path("phrony-tui") / "crashes")
    except Exception:  # no usable home: the temporary directory still works
        pass
    uid = os.getuid() if hasattr(os, "getuid") else 0
    dirs.append(Path(tempfile.gettempdir()) / f"phrony-tui-{uid}")
    return dirs


def write_report(error: BaseException, secrets: Iterable[str] = ()) -> Path:
    """Write the report where the platform keeps state (else a private temporary directory),
    readable by its owner only; ``OSError`` if nowhere works."""
    text = report_text(error, secrets).encode("utf-8", "backslashreplace")
    prefix = time.strftime("crash-%Y%m%d-%H%M%S-")
    last: OSError | None = None
    for directory in _report_dirs():
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=prefix, suffix=".txt", dir=directory)  # 0600
        except OSError as exc:
            last = exc
            continue
        with os.fdopen(fd, "wb") as out:
            out.write(text)
        return Path(name)
    raise last or OSError("no directory for a crash report")


def report_crash(error: BaseException, secrets: Iterable[str] = ()) -> int:
    """Write the report, say where in one line, and give the exit status to use."""
    try:
        path = write_report(error, secrets)
    except OSError as exc:
        say(f"phrony-tui: unexpected error ({type(error).__name__}); no report written: {exc}")
    else:
        say(f"phrony-tui: unexpected error; report written to {path}")
    return CRASH_EXIT

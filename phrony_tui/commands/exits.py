"""Exit codes, the same for every command, and the one line that says why a command failed.

A script branches on the code; a person reads the line. With ``--json`` the same failure is
also one JSON object on standard error, so a program need not parse English.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..api.errors import PhronyError

DONE = 0
FAILED = 1
USAGE = 2
REFUSED_KEY = 3
NOT_FOUND = 4
CONFLICT = 5
PERSON_NEEDED = 6
UNAVAILABLE = 7
TIMEOUT = 8
INTERRUPTED = 130

#: Shown by ``--help`` and in the README.
EXIT_CODES_HELP = """\
Exit codes (the same for every command):
  0    done (watch: the session completed)
  1    the session failed or was cancelled
  2    usage error, or a request the server refused as invalid (400, 413, 422)
  3    the API key was refused (401, 403)
  4    not found (404: run, agent or task)
  5    conflict (409: the task is no longer pending, the run does not wait for that)
  6    a person is needed (watch --until waiting)
  7    server unreachable, or unavailable after retries (watch: for --offline-after)
  8    --timeout reached
  70   an unexpected error: one line names the crash report
  130  interrupted (Ctrl+C)"""

#: The server's own words are cut to this many characters in a message.
SERVER_TEXT = 200


class CommandError(Exception):
    """Why a command stops, with its exit code and, for ``--json``, details a program can use.
    The message may quote server text: it is sanitized when printed."""

    def __init__(self, message: str, code: int = FAILED, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.details = details
        #: Lines printed after the message (the tasks to choose from).
        self.lines: list[str] = []


def said(text: str) -> str:
    from ..text import one_line

    return one_line(text, SERVER_TEXT)


def code_for(error: PhronyError) -> int:
    from ..api.errors import (
        APIStatusError,
        AuthenticationError,
        ConfigError,
        ConflictError,
        NotFoundError,
        PermissionDeniedError,
    )

    if isinstance(error, ConfigError):
        return USAGE
    if isinstance(error, AuthenticationError | PermissionDeniedError):
        return REFUSED_KEY
    if isinstance(error, NotFoundError):
        return NOT_FOUND
    if isinstance(error, ConflictError):
        return CONFLICT
    if isinstance(error, APIStatusError):
        return USAGE if 400 <= error.status < 500 and error.status != 429 else UNAVAILABLE
    return UNAVAILABLE


def from_api(error: PhronyError, what: str = "") -> CommandError:
    """A client error as a command's failure: what was being done, what the server said."""
    from ..api.errors import (
        APIConnectionError,
        APIStatusError,
        AuthenticationError,
        ConfigError,
        PermissionDeniedError,
    )

    prefix = f"{what}: " if what else ""
    if isinstance(error, ConfigError):
        return CommandError(str(error), USAGE)
    if isinstance(error, APIStatusError):
        text = f"{prefix}the server answered {error.status}: {said(error.message or 'no message')}"
        if isinstance(error, AuthenticationError):
            text += " (the API key was refused: check PHRONY_API_KEY or the profile)"
        elif isinstance(error, PermissionDeniedError):
            text += " (this API key may not do this)"
        details: dict[str, Any] = {"status": error.status}
        if error.code:
            details["server_code"] = said(error.code)
        return CommandError(text, code_for(error), **details)
    if isinstance(error, APIConnectionError):
        return CommandError(f"{prefix}{said(str(error))}", UNAVAILABLE)
    return CommandError(f"{prefix}{said(str(error))}", code_for(error))


def report(prog: str, error: CommandError, *, as_json: bool = False) -> int:
    """Print the failure (one sanitized line, and a JSON object with ``--json``); the code."""
    from ..crash import say

    say(f"{prog}: {error}", sys.stderr)
    for line in error.lines:
        say(line, sys.stderr)
    if as_json:
        from ..crash import LINE_LIMIT
        from ..text import one_line

        body = {"error": one_line(str(error), LINE_LIMIT), "exit": error.code, **error.details}
        print(json.dumps(body, ensure_ascii=True, default=str), file=sys.stderr, flush=True)
    return error.code

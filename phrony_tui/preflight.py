"""Check a run before opening it, so a wrong id, key or server is one clear sentence and an exit
code, not a traceback. Shared by the command line and the console's "open run by id"; it draws
nothing itself, so it imports no Textual."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from .api import PhronyClient
from .api.compact import Snapshot
from .api.errors import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    PhronyError,
)
from .text import one_line

#: At open a busy server (429/503) is asked this many times in all, each wait at most
#: ``MAX_OPEN_WAIT`` seconds: longer than that, a person would rather be told and retry later.
OPEN_ATTEMPTS = 3
MAX_OPEN_WAIT = 10.0
#: How much of the server's own message a refusal repeats.
SERVER_TEXT = 200


class ConsoleError(Exception):
    """A reason the console cannot open, with the exit code to use. The message is already
    safe to print: server text in it is sanitized and cut."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def _said(text: str) -> str:
    return one_line(text, SERVER_TEXT)


def check_run_id(run_id: str) -> str:
    """The run id to request, stripped; refused here when no server could ever know it, so a
    blank id never becomes ``/v1/runs//conversation``."""
    run_id = run_id.strip()
    if not run_id:
        raise ConsoleError("no run id given: pass the runId from starting a run", code=2)
    try:
        run_id.encode("utf-8")
    except UnicodeEncodeError:
        shown = run_id.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
        raise ConsoleError(
            f"the run id {_said(shown)} holds bytes that are not UTF-8 text: check the id",
            code=2,
        ) from None
    return run_id


def _busy_wait(exc: APIStatusError, attempt: int) -> float | None:
    """Seconds to wait before asking again, or None when this answer is final: only a busy
    server that says when to come back is asked again."""
    wait = exc.retry_after
    if exc.status not in (429, 503) or wait is None or attempt + 1 >= OPEN_ATTEMPTS:
        return None
    return wait if wait <= MAX_OPEN_WAIT else None


async def preflight(
    client: PhronyClient, run_id: str, notice: Callable[[str], None] | None = None
) -> Snapshot:
    """The run's conversation, or ``ConsoleError`` saying why it cannot be opened. A busy
    server is asked again as it advises (bounded); ``notice`` hears about each wait."""
    run_id = check_run_id(run_id)
    for attempt in range(OPEN_ATTEMPTS):
        try:
            return await client.load_conversation(run_id)
        except APIStatusError as exc:
            wait = _busy_wait(exc, attempt)
            if wait is None:
                raise _refusal(exc, client, run_id) from None
            if notice is not None:
                notice(f"server busy ({exc.status}), retrying in {wait:g} s…")
            await asyncio.sleep(wait)
        except PhronyError as exc:
            raise _refusal(exc, client, run_id) from None
    raise AssertionError("unreachable: the last attempt returns or raises")


def _refusal(exc: PhronyError, client: PhronyClient, run_id: str) -> ConsoleError:
    base = _said(client.base_url)
    if isinstance(exc, NotFoundError):
        return ConsoleError(
            f"run {_said(run_id)} was not found at {base}: check the id "
            "(it is the runId from starting a run)",
            code=4,
        )
    if isinstance(exc, AuthenticationError):
        return ConsoleError(
            f"the API key was refused ({exc.status}: {_said(exc.message)}); check PHRONY_API_KEY",
            code=3,
        )
    if isinstance(exc, PermissionDeniedError):
        return ConsoleError(
            f"this API key may not open run {_said(run_id)} ({exc.status}: {_said(exc.message)})",
            code=3,
        )
    if isinstance(exc, APIStatusError):
        busy = " (the server is busy: try again later)" if exc.status in (429, 503) else ""
        code = 7 if exc.status in (429, 502, 503, 504) or exc.status >= 500 else 1
        return ConsoleError(
            f"the server answered {exc.status}: {_said(exc.message)}{busy}", code=code
        )
    if isinstance(exc, APIConnectionError):
        return ConsoleError(f"{_said(str(exc))}; check PHRONY_API_BASE ({base})", code=7)
    return ConsoleError(_said(str(exc)))


def checked(
    client: PhronyClient, run_id: str, notice: Callable[[str], None] | None = None
) -> Snapshot:
    """Pre-flight the run with ``client`` (closed afterwards); ``ConsoleError`` if it fails.

    The conversation leaves the event loop through a list, not as ``asyncio.run``'s return
    value: on Python 3.11 ``asyncio.run`` builds the ``repr`` of its finished task (result
    included) twice while restoring the SIGINT handler, seconds for a 100,000-step session.
    """
    box: list[Snapshot] = []

    async def main() -> None:
        async with client:
            box.append(await preflight(client, run_id, notice))

    asyncio.run(main())
    return box[0]

"""Reads for the commands: a GET is safe to repeat, so a busy server or a lost connection is
asked again a few times, as it advises, before the command gives up with exit code 7."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .exits import USAGE, CommandError, from_api
from .httplog import ATTEMPT

if TYPE_CHECKING:
    from ..api import PhronyClient
    from ..api.compact import Snapshot
    from ..session import SessionState

T = TypeVar("T")

READ_ATTEMPTS = 4
#: A wait the server asks for longer than this is not waited for: the command says so instead.
MAX_WAIT = 10.0


def _wait(error: Exception, attempt: int) -> float | None:
    """Seconds before asking again, or None when this failure is final."""
    from ..api.errors import APIConnectionError, APIStatusError

    if attempt + 1 >= READ_ATTEMPTS:
        return None
    if isinstance(error, APIStatusError):
        if error.status in (429, 503) and error.retry_after is not None:
            return error.retry_after if error.retry_after <= MAX_WAIT else None
        return 0.5 * (attempt + 1) if error.status in (502, 503, 504) else None
    if isinstance(error, APIConnectionError):
        return 0.5 * (attempt + 1)
    return None


async def read(call: Callable[[], Awaitable[T]], what: str) -> T:
    """``call()``'s result; a failure is a ``CommandError`` saying what was being read."""
    from ..api.errors import PhronyError

    for attempt in range(READ_ATTEMPTS):
        token = ATTEMPT.set(attempt)
        try:
            return await call()
        except PhronyError as exc:
            wait = _wait(exc, attempt)
            if wait is None:
                raise from_api(exc, what) from None
            await asyncio.sleep(wait)
        finally:
            ATTEMPT.reset(token)
    raise AssertionError("unreachable: the last attempt returns or raises")


def run_id_of(value: str) -> str:
    """A run id as typed, refused here when no server could know it."""
    run_id = value.strip()
    if not run_id:
        raise CommandError("no run id given: pass the runId from starting a run", USAGE)
    try:
        run_id.encode("utf-8")
    except UnicodeEncodeError:
        raise CommandError("the run id holds bytes that are not UTF-8 text", USAGE) from None
    return run_id


async def load(client: PhronyClient, run_id: str) -> Snapshot:
    return await read(lambda: client.load_conversation(run_id), f"run {run_id}")


async def load_state(client: PhronyClient, run_id: str) -> SessionState:
    """The session of ``run_id`` as the console holds it."""
    from ..session import SessionState

    state = SessionState()
    state.apply_conversation(await load(client, run_id))
    return state


def emit_json(value: Any) -> None:
    """One JSON document on standard output, ASCII only: no byte of it can drive a terminal,
    and its values are exactly the server's."""
    sys.stdout.write(json.dumps(value, ensure_ascii=True, default=str))
    sys.stdout.write("\n")
    sys.stdout.flush()

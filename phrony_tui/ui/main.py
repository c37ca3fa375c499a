"""Open the console: check the run first, so a wrong id, key or server is a clear message and a
non-zero exit, not a traceback."""

from __future__ import annotations

import asyncio
import sys

from ..api import PhronyClient
from ..api.compact import Snapshot
from ..api.errors import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    ConfigError,
    NotFoundError,
    PermissionDeniedError,
    PhronyError,
)
from .config import Settings, load_settings


class ConsoleError(Exception):
    """A reason the console cannot open, with the exit code to use."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


async def preflight(client: PhronyClient, run_id: str) -> Snapshot:
    try:
        return await client.load_conversation(run_id)
    except NotFoundError:
        raise ConsoleError(
            f"run {run_id} was not found at {client.base_url}: check the id "
            "(it is the runId from starting a run)"
        ) from None
    except AuthenticationError as exc:
        raise ConsoleError(
            f"the API key was refused ({exc.status}: {exc.message}); check PHRONY_API_KEY"
        ) from None
    except PermissionDeniedError as exc:
        raise ConsoleError(
            f"this API key may not open run {run_id} ({exc.status}: {exc.message})"
        ) from None
    except APIConnectionError as exc:
        raise ConsoleError(f"{exc}; check PHRONY_API_BASE ({client.base_url})") from None
    except APIStatusError as exc:
        raise ConsoleError(f"the server answered {exc.status}: {exc.message}") from None
    except PhronyError as exc:
        raise ConsoleError(str(exc)) from None


def open_console(
    run_id: str,
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    allow_insecure_http: bool = False,
    config: str | None = None,
    settings: Settings | None = None,
) -> int:
    """Run the console until the person quits; returns the exit code."""
    from .app import ConsoleApp

    try:
        settings = settings or load_settings(config)
        client = PhronyClient(base_url, api_key, allow_insecure_http=allow_insecure_http)
    except ConfigError as exc:
        print(f"phrony-tui: {exc}", file=sys.stderr)
        return 2
    run_id = run_id.strip()
    try:
        conversation = checked(client, run_id)
    except ConsoleError as exc:
        print(f"phrony-tui: {exc}", file=sys.stderr)
        return exc.code
    app = ConsoleApp(
        PhronyClient(base_url, api_key, allow_insecure_http=allow_insecure_http),
        run_id,
        settings=settings,
        initial=conversation,
    )
    app.run()
    return 0


def checked(client: PhronyClient, run_id: str) -> Snapshot:
    """Pre-flight the run with ``client`` (closed afterwards); ``ConsoleError`` if it fails.

    The conversation leaves the event loop through a list, not as ``asyncio.run``'s return
    value: on Python 3.11 ``asyncio.run`` builds the ``repr`` of its finished task (result
    included) twice while restoring the SIGINT handler, seconds for a 100,000-step session.
    """
    box: list[Snapshot] = []

    async def main() -> None:
        async with client:
            box.append(await preflight(client, run_id))

    asyncio.run(main())
    return box[0]

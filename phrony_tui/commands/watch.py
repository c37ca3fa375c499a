"""``phrony-tui watch`` and plain mode (``phrony-tui RUN_ID`` into a pipe, ``--plain``,
``PHRONY_NO_TUI=1``): the session as lines, one per step, followed live with the console's
own feed. Nothing here writes an escape sequence or reads standard input."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import TYPE_CHECKING, Any

import click

from ..text import inert_json_line_bytes
from .exits import (
    DONE,
    FAILED,
    NOT_FOUND,
    PERSON_NEEDED,
    REFUSED_KEY,
    TIMEOUT,
    UNAVAILABLE,
    USAGE,
    CommandError,
)
from .following import GIVE_UP_AFTER
from .options import Connection, api_command, connection_options, json_option, out
from .reading import load, run_id_of

if TYPE_CHECKING:
    from ..api import PhronyClient
    from ..api.compact import Snapshot
    from ..api.models import TimelineItem
    from ..live import Connection as Conn
    from ..session import SessionState
    from .following import Ending


def step_line(state: SessionState, item: TimelineItem) -> str:
    """``time  run  type  summary``: one line a log or a person can read."""
    from ..text import one_line
    from .describe import step_summary

    stamp = item.started_at or ""
    clock = stamp[11:19] if len(stamp) >= 19 else "--:--:--"
    node = state.runs.get(item.run_id)
    run = one_line(item.run_id[:8], 8)
    if node is not None and node.agent_name:
        run += f" {one_line(node.agent_name, 30)}"
    return f"{one_line(clock, 8)}  {run}  {one_line(item.type, 30)}  {step_summary(item)}"


def _json_line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True, default=str, separators=(",", ":")) + "\n"


def _emit_json(value: Any) -> None:
    sys.stdout.write(_json_line(value))
    sys.stdout.flush()


def show_plain(state: SessionState, ids: list[str]) -> None:
    for item_id in ids:
        out(step_line(state, state.items[item_id]))
    if ids:
        sys.stdout.flush()


def show_json(state: SessionState, ids: list[str]) -> None:
    """One line per step, the step's JSON as the API gave it (made inert: no control or
    bidirectional character is written as itself). A batch is written with one flush: a
    write per step costs a system call and a wake-up of the reader each."""
    if not ids:
        return
    steps = state.items
    sys.stdout.flush()  # what was written as text goes first
    out = sys.stdout.buffer
    out.write(
        b"".join(
            b'{"kind":"step","item":' + inert_json_line_bytes(steps.json_of(i)) + b"}\n"
            for i in ids
        )
    )
    out.flush()


def say_connection(update: Conn) -> None:
    """Connection trouble, on standard error: a log shows why it went quiet."""
    from ..crash import say
    from ..live import ConnState

    if update.state in (ConnState.RECONNECTING, ConnState.POLLING, ConnState.SILENT):
        detail = f": {update.detail}" if update.detail else ""
        say(f"phrony-tui: {update.state.value}{detail}")


class Waits:
    """Following to the end, each new wait is said once on standard error, with the command
    that answers it: a log or a pipe shows why the session went quiet. A wait that ends and
    comes back (the next chat reply) is said again: its run handed out a step in between."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self._told: set[str] = set()

    def tell(self, state: SessionState, ids: list[str]) -> None:
        statuses = [state.status or "", *(run.status for run in state.runs.values())]
        if not any(status.startswith("Waiting") for status in statuses):
            self._told.clear()
            return
        from ..crash import say
        from .describe import awaited_by_run, task_line

        moved = {step.run_id for step in map(state.items.get, ids) if step is not None}
        now = {
            task.id: f"waiting for a person: {task_line(task)} (phrony-tui tasks {self.run_id})"
            for task in state.pending_tasks()
        }
        now.update((run_id, f"waiting for {line}") for run_id, line in awaited_by_run(state))
        for key, text in now.items():
            if key not in self._told or key in moved:  # a run that moved waits anew
                say(f"phrony-tui: {text}")
        self._told = set(now)


def _offline_code(detail: str) -> int:
    status = detail.partition(":")[0]
    return {"401": REFUSED_KEY, "403": REFUSED_KEY, "404": NOT_FOUND}.get(status, UNAVAILABLE)


def ending_code(state: SessionState, ending: Ending) -> int:
    if ending.reason == "waiting":
        return PERSON_NEEDED
    if ending.reason == "offline":
        raise CommandError(f"the live feed stopped: {ending.detail}", _offline_code(ending.detail))
    return FAILED if state.status in ("Failed", "Cancelled") else DONE


def _final(state: SessionState, code: int, as_json: bool) -> None:
    from ..text import one_line
    from .describe import awaited, compact_json, task_json, task_lines

    session = state.session
    if code == PERSON_NEEDED:
        pending = state.pending_tasks()
        if as_json:
            runs = [r for r in state.runs_by_depth() if r.status.startswith("Waiting")]
            _emit_json(
                {
                    "kind": "waiting",
                    "status": state.status,
                    "tasks": [task_json(t) for t in pending],
                    "waitingRuns": [{"runId": r.id, "status": r.status} for r in runs],
                }
            )
            return
        head = f"waiting for a person ({one_line(state.status, 40)})"
        others = awaited(state)
        if not pending and len(others) == 1:
            out(f"{head}: {others[0]}")  # one line: what is awaited and how to give it
            return
        out(f"{head}:" if pending or others else head)
        for task in pending:
            for line in task_lines(task):
                out(f"  {line}")
        for line in others:
            out(f"  {line}")
        return
    if session is None:
        return
    if as_json:
        body = session.model_dump(by_alias=True, exclude_unset=True, mode="json")
        _emit_json({"kind": "session", "session": body})
    else:
        detail = session.error or (
            compact_json(session.output) if session.output is not None else ""
        )
        out(
            f"session {one_line(session.status, 40)}"
            + (f": {one_line(detail, 500)}" if detail else "")
        )


async def _watch(
    client: PhronyClient,
    run_id: str,
    snapshot: Snapshot,
    *,
    as_json: bool,
    until_waiting: bool,
    timeout: float | None,
    offline_after: float = GIVE_UP_AFTER,
) -> int:
    from ..crash import say
    from .describe import HIDDEN
    from .following import follow

    lines = show_json if as_json else show_plain
    told = False
    waits = None if until_waiting else Waits(run_id)  # --until waiting says it at the end

    def show(state: SessionState, ids: list[str]) -> None:
        nonlocal told
        if state.redacted and state.items and not told:  # an empty timeline proves nothing
            told = True
            say(f"phrony-tui: {HIDDEN}")  # as export says it
        lines(state, ids)
        if waits is not None:
            waits.tell(state, ids)

    job = follow(
        client,
        run_id,
        snapshot,
        show=show,
        connection=say_connection,
        until_waiting=until_waiting,
        give_up_after=offline_after,
    )
    try:
        state, ending = await asyncio.wait_for(job, timeout)
    except TimeoutError:
        raise CommandError(f"--timeout reached: {timeout:g} s", TIMEOUT) from None
    code = ending_code(state, ending)
    _final(state, code, as_json)
    return code


#: The default of --offline-after, which plain mode follows too.
OFFLINE_ENV = "PHRONY_TUI_OFFLINE_AFTER"


def _offline_after() -> float:
    """--offline-after for plain mode, which has the console's options: from the environment."""
    import os

    raw = os.environ.get(OFFLINE_ENV)
    if raw is None:
        return GIVE_UP_AFTER
    try:
        seconds: float = Seconds(min=0, min_open=True).convert(raw, None, None)
    except click.BadParameter as exc:
        raise CommandError(f"{OFFLINE_ENV}: {exc.message}", USAGE) from None
    return seconds


class Seconds(click.FloatRange):
    """A positive number of seconds: ``nan`` passes every range check, so it is named."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        seconds = super().convert(value, param, ctx)
        if seconds != seconds:
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        return seconds


@click.command(
    epilog="\b\nExamples:\n  phrony-tui watch RUN_ID\n"
    '  phrony-tui watch RUN_ID --until waiting --timeout 3600 || echo "exit $?"\n'
    "  phrony-tui watch RUN_ID --json | jq -c 'select(.kind == \"step\") | .item.type'"
)
@click.argument("run_id", metavar="RUN_ID")
@click.option(
    "--until",
    type=click.Choice(["done", "waiting"]),
    default="done",
    show_default=True,
    help="stop when the session ends, or as soon as a person is needed (exit 6)",
)
@click.option(
    "--timeout",
    metavar="S",
    type=Seconds(min=0, min_open=True),
    default=None,
    help="give up after S seconds (exit 8)",
)
@click.option(
    "--offline-after",
    metavar="S",
    type=Seconds(min=0, min_open=True),
    default=GIVE_UP_AFTER,
    envvar=OFFLINE_ENV,
    show_default=True,
    help=f"exit 7 once the server has not answered for S seconds (inf: never; or {OFFLINE_ENV})",
)
@connection_options
@json_option
@api_command
async def watch(
    conn: Connection,
    client: PhronyClient,
    run_id: str,
    until: str,
    timeout: float | None,
    offline_after: float,
    as_json: bool,
) -> int:
    """Follow a session: one line per step (time, run, type, summary), or one JSON object per
    step with --json, then how it ended. Exit 0 completed, 1 failed or cancelled, 6 a person
    is needed (--until waiting), 7 no answer from the server for --offline-after seconds,
    8 --timeout reached."""
    run_id = run_id_of(run_id)
    snapshot = await load(client, run_id)
    return await _watch(
        client,
        run_id,
        snapshot,
        as_json=as_json,
        until_waiting=until == "waiting",
        timeout=timeout,
        offline_after=offline_after,
    )


def run_plain(run_id: str, base_url: str, api_key: str, allow_insecure_http: bool) -> int:
    """Plain mode: the console's open (same checks, messages and exit codes), then the
    session as lines, followed until it ends."""
    from ..api import PhronyClient
    from ..api.errors import ConfigError, PhronyError
    from ..crash import say
    from ..preflight import ConsoleError, preflight
    from .options import run_async

    try:
        client = PhronyClient(base_url, api_key, allow_insecure_http=allow_insecure_http)
        offline_after = _offline_after()
    except ConfigError as exc:
        say(f"phrony-tui: {exc}")
        return 2
    except CommandError as exc:
        say(f"phrony-tui: {exc}")
        return exc.code

    async def main() -> int:
        async with client:
            snapshot = await preflight(client, run_id, lambda text: say(f"phrony-tui: {text}"))
            return await _watch(
                client,
                run_id.strip(),
                snapshot,
                as_json=False,
                until_waiting=False,
                timeout=None,
                offline_after=offline_after,
            )

    try:
        return run_async(main)
    except ConsoleError as exc:
        say(f"phrony-tui: {exc}")
        return exc.code
    except CommandError as exc:
        say(f"phrony-tui: {exc}")
        return exc.code
    except PhronyError as exc:
        say(f"phrony-tui: {exc}")
        return UNAVAILABLE

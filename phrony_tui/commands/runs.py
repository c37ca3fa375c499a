"""Commands that only read: ``status``, ``tasks`` and ``sessions``."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from .exits import DONE, FAILED, USAGE, CommandError
from .options import Connection, api_command, connection_options, json_option, out
from .reading import emit_json, load_state, read, run_id_of

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from ..api import PhronyClient

#: The session list's page size cap (API: ``take`` at most 100).
PAGE = 100


@click.command(
    epilog="\b\nExamples:\n  phrony-tui status RUN_ID\n"
    "  phrony-tui status RUN_ID --json | jq -r .status"
)
@click.argument("run_id", metavar="RUN_ID")
@connection_options
@json_option
@api_command
async def status(conn: Connection, client: PhronyClient, run_id: str, as_json: bool) -> int:
    """The run's status, tokens, and output or error (exit 1 if it failed or was cancelled).

    With --json, the run object as the API gives it.
    """
    from .describe import compact_json

    run_id = run_id_of(run_id)
    run = await read(lambda: client.get_run(run_id), f"run {run_id}")
    if as_json:
        emit_json(run.model_dump(by_alias=True, exclude_unset=True, mode="json"))
    else:
        from ..text import one_line

        out(f"run     {one_line(run.run_id, 100)}")
        out(f"status  {one_line(run.status, 100)}")
        if run.total_tokens_used is not None:
            out(f"tokens  {run.total_tokens_used:g}")
        if run.output is not None:
            out(f"output  {one_line(compact_json(run.output), 4000)}")
        if run.error:
            out(f"error   {one_line(run.error, 4000)}")
    return FAILED if run.status in ("Failed", "Cancelled") else DONE


@click.command(
    epilog="\b\nExamples:\n  phrony-tui tasks RUN_ID\n"
    "  phrony-tui tasks RUN_ID --json | jq -r '.[].id'"
)
@click.argument("run_id", metavar="RUN_ID")
@connection_options
@json_option
@api_command
async def tasks(conn: Connection, client: PhronyClient, run_id: str, as_json: bool) -> int:
    """The session's pending tasks, every run included: id, run, kind, title, prompt,
    options, tool and arguments."""
    from ..crash import say
    from .describe import awaited, task_json, task_lines

    state = await load_state(client, run_id_of(run_id))
    pending = state.pending_tasks()
    if as_json:
        emit_json([task_json(task) for task in pending])
        return DONE
    if not pending:
        say("phrony-tui tasks: no pending tasks")
    for task in pending:
        for line in task_lines(task):
            out(line)
    for line in awaited(state):
        say(f"phrony-tui tasks: waiting for {line}")
    return DONE


def _when(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None


def _duration(start: str | None, end: str | None) -> str:
    began, ended = _when(start), _when(end)
    if began is None or ended is None:
        return "-"
    seconds = int((ended - began).total_seconds())
    minutes, seconds = divmod(max(seconds, 0), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"


def _status_words() -> list[str]:
    from ..api.models.statuses import STATUS_FILTERS, Status

    return [*STATUS_FILTERS, *(s.value for s in Status if s.value.lower() not in STATUS_FILTERS)]


def _statuses(word: str | None) -> tuple[str | None, ...]:
    """The exact statuses ``--status WORD`` stands for (None: no filter)."""
    from ..api.models.statuses import STATUS_FILTERS, Status

    if word is None:
        return (None,)
    key = word.strip().lower()
    if key in STATUS_FILTERS:
        return tuple(s.value for s in STATUS_FILTERS[key]) or (None,)
    return next((s.value,) for s in Status if s.value.lower() == key)


class _StatusChoice(click.Choice[str]):
    """The choices, case-insensitive, built when first asked for (no API import at
    ``--help``)."""

    def __init__(self) -> None:
        super().__init__([], case_sensitive=False)

    @property  # type: ignore[override]
    def choices(self) -> list[str]:
        return _status_words()

    @choices.setter
    def choices(self, value: object) -> None:
        pass

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        from click.shell_completion import CompletionItem

        start = incomplete.lower()
        return [CompletionItem(c) for c in self.choices if c.lower().startswith(start)]

    def get_invalid_choice_message(self, value: Any, ctx: click.Context | None) -> str:
        from ..text import one_line

        return f"{one_line(str(value), 40)!r} is not a status: use one of {', '.join(self.choices)}"


@click.command(
    epilog="\b\nExamples:\n  phrony-tui sessions AGENT_ID\n"
    "  phrony-tui sessions AGENT_ID --status waiting --json\n"
    "  phrony-tui sessions AGENT_ID --status WaitingForHITL\n\n"
    "\b\n--status takes all, waiting (any of the four Waiting* statuses), running,\n"
    "completed, failed or cancelled, or an exact status (WaitingForResponse,\n"
    "WaitingForHITL, WaitingForAITL, WaitingForTimer); any letter case."
)
@click.argument("agent_id", metavar="AGENT_ID")
@click.option(
    "--status",
    "wanted",
    type=_StatusChoice(),
    metavar="STATUS",
    default=None,
    help="only sessions with this status (see below)",
)
@click.option(
    "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="at most N"
)
@connection_options
@json_option
@api_command
async def sessions(
    conn: Connection,
    client: PhronyClient,
    agent_id: str,
    wanted: str | None,
    limit: int,
    as_json: bool,
) -> int:
    """An agent's sessions, newest first: status, started, duration, tokens, trigger."""
    from ..text import one_line

    agent_id = agent_id.strip()
    if not agent_id:
        raise CommandError("no agent id given", USAGE)
    items: list[Any] = []
    seen: set[str] = set()
    total = 0
    statuses = _statuses(wanted)
    for status in statuses:
        found, count = await _sessions_of(client, agent_id, status, limit)
        items.extend(item for item in found if item.id not in seen)
        seen.update(item.id for item in found)
        total += count
    if len(statuses) > 1:
        items.sort(key=lambda item: item.started_at or "", reverse=True)
        del items[limit:]
    if as_json:
        rows = [item.model_dump(by_alias=True, exclude_unset=True, mode="json") for item in items]
        emit_json({"items": rows, "total": total})
        return DONE
    out(
        f"{'SESSION':<36}  {'ROOT RUN':<36}  {'STATUS':<18}  {'STARTED':<20}  "
        f"DURATION  {'TOKENS':>8}  TRIGGER"
    )
    for item in items:
        started = _when(item.started_at)
        out(
            f"{one_line(item.id, 36):<36}  {one_line(item.root_run_id or '-', 36):<36}  "
            f"{one_line(item.status, 18):<18}  "
            f"{started.strftime('%Y-%m-%d %H:%M:%S') if started else '-':<20}  "
            f"{_duration(item.started_at, item.finished_at):<8}  {item.total_tokens_used:>8g}  "
            f"{one_line(item.trigger_name or item.trigger_type or '-', 40)}"
        )
    if total > len(items):
        from ..crash import say

        say(f"phrony-tui sessions: {len(items)} of {total} shown (--limit N for more)")
    return DONE


async def _sessions_of(
    client: PhronyClient, agent_id: str, status: str | None, limit: int
) -> tuple[list[Any], int]:
    """The newest ``limit`` sessions of one status (None: any), and how many there are."""
    items: list[Any] = []
    total = 0
    while len(items) < limit:
        skip, take = len(items), min(PAGE, limit - len(items))
        page = await read(
            lambda skip=skip, take=take: client.list_sessions(  # type: ignore[misc]
                agent_id, skip=skip, take=take, status=status
            ),
            f"agent {agent_id}",
        )
        items.extend(page.items)
        total = page.total
        if len(page.items) < take:
            break
    return items, total

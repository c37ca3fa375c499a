"""``phrony-tui inbox``: what the home screen's inbox shows, printed once."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import click

from .exits import DONE, USAGE, CommandError, code_for
from .options import Connection, api_command, connection_options, json_option, out
from .reading import MAX_WAIT, READ_ATTEMPTS

if TYPE_CHECKING:
    from ..api import PhronyClient
    from ..api.errors import PhronyError
    from ..inbox.rows import InboxRow

EPILOG = """\b
Examples:
  phrony-tui inbox
  phrony-tui inbox --profile staging --json | jq -r '.[].runId'
  phrony-tui inbox --agent AGENT_ID --agent OTHER_AGENT_ID

\b
The agents come from config.toml, per profile of the credentials file:
  [profiles.default]
  agents = ["AGENT_ID", "OTHER_AGENT_ID"]
or from --agent (repeatable), which replaces that list.

\b
Exit codes: 0 every agent was read (whether or not anything waits); if an
agent could not be read, its error is on standard error, the other agents'
rows are still printed, and the code is that of the first failing agent:
3 refused key (401, 403), 4 unknown agent (404), 7 unreachable. 2 when no
agent is configured."""


@click.command(epilog=EPILOG)
@click.option(
    "--agent",
    "agent_ids",
    metavar="ID",
    multiple=True,
    help="watch this agent (repeatable); replaces the config's list",
)
@click.option(
    "--config", metavar="PATH", default=None, help="settings file (TOML) holding [profiles.NAME]"
)
@connection_options
@json_option
@api_command
async def inbox(
    conn: Connection,
    client: PhronyClient,
    agent_ids: tuple[str, ...],
    config: str | None,
    as_json: bool,
) -> int:
    """What waits for a person across the watched agents, oldest wait first: one line per
    pending task, chat reply or timer (agent, kind, run, waiting since, title).

    With --json, a JSON array of rows (task rows hold the task: id, options, tool and
    arguments).
    """
    from ..api.errors import ConfigError
    from ..inbox.agents import watched_agents
    from ..inbox.poller import InboxPoller, reason
    from ..inbox.settings import config_path, load_inbox_settings

    profile = conn.resolve().profile
    try:
        settings = load_inbox_settings(config)
    except ConfigError as exc:
        raise CommandError(str(exc), USAGE) from None
    agents = watched_agents(settings, profile, agent_ids)
    if not agents:
        return _no_agents(profile, str(config_path(config)), as_json)
    poller = InboxPoller(client, agents)
    snapshot = await poller.refresh()
    for attempt in range(READ_ATTEMPTS - 1):
        wait = _retry_wait(poller.failures.values(), attempt)
        if wait is None:
            break
        await asyncio.sleep(wait)
        snapshot = await poller.refresh()
    if as_json:
        from .reading import emit_json

        emit_json([row_json(row) for row in snapshot.rows])
    elif snapshot.rows:
        from ..inbox.rows import agent_names

        names = agent_names(snapshot.rows)
        out(f"{'WAITING SINCE':<19}  {'AGENT':<20}  {'KIND':<15}  {'RUN':<36}  TITLE")
        for row in snapshot.rows:
            out(row_line(row, names.get(row.agent.id)))
    elif not snapshot.errors:
        from ..crash import say

        say("phrony-tui inbox: nothing waits for a person")
    code = DONE
    for agent in agents:
        error = poller.failures.get(agent.id)
        if error is None:
            continue
        failure = CommandError(f"agent {agent.label}: {reason(error)}", code_for(error))
        failure.details["agent"] = agent.id
        _report(failure, as_json)
        code = code or failure.code
    return code


def _retry_wait(errors: Iterable[PhronyError], attempt: int) -> float | None:
    """Seconds before reading again when a failure may pass (a busy or unreachable server),
    as the other reading commands do; None when none may."""
    from ..api.errors import APIConnectionError, APIStatusError

    waits: list[float] = []
    for error in errors:
        if isinstance(error, APIStatusError) and error.status in (429, 502, 503, 504):
            if error.retry_after is not None and error.retry_after > MAX_WAIT:
                return None
            waits.append(error.retry_after or 0.5 * (attempt + 1))
        elif isinstance(error, APIConnectionError):
            waits.append(0.5 * (attempt + 1))
    return max(waits) if waits else None


def _report(error: CommandError, as_json: bool) -> None:
    from .exits import report

    report("phrony-tui inbox", error, as_json=as_json)


def _no_agents(profile: str | None, path: str, as_json: bool) -> int:
    """The config snippet to add, as it is to be typed (indented, line by line)."""
    from ..crash import say
    from ..inbox.agents import how_to_add
    from ..text import clean, one_line

    head, _, rest = how_to_add(profile, one_line(path, 200)).partition("\n")
    say(f"phrony-tui inbox: {head}")
    for line in rest.splitlines():
        print(clean(line), file=sys.stderr)
    if as_json:
        import json

        body = {"error": one_line(head), "exit": USAGE}
        print(json.dumps(body, ensure_ascii=True), file=sys.stderr, flush=True)
    return USAGE


def _cell(value: str, width: int) -> str:
    from ..text import one_line

    return f"{one_line(value, width):<{width}}"


def row_line(row: InboxRow, agent_name: str | None = None) -> str:
    """``since  agent  kind  run  title``: a sub-agent's run names itself before the title."""
    from ..text import one_line

    since = row.waiting_since.strftime("%Y-%m-%d %H:%M:%S") if row.waiting_since else "-"
    title = row.title if row.run_id == row.root_run_id else f"[{row.run_label}] {row.title}"
    return (
        f"{since:<19}  {_cell(row.agent.name or agent_name or row.agent.label, 20)}  "
        f"{_cell(row.kind, 15)}  "
        f"{_cell(row.run_id, 36)}  {one_line(title, 300)}"
    )


def row_json(row: InboxRow) -> dict[str, Any]:
    """A row with the server's values as they are (JSON output is ASCII: nothing in it can
    drive a terminal)."""
    from .describe import task_json

    return {
        "key": row.key,
        "agentId": row.agent.id,
        "agentName": row.agent.name,
        "sessionId": row.session_id,
        "rootRunId": row.root_run_id,
        "runId": row.run_id,
        "runLabel": row.run_label,
        "kind": row.kind,
        "title": row.title,
        "waitingSince": row.waiting_since.isoformat() if row.waiting_since else None,
        "answerableHere": row.answerable_here,
        "task": task_json(row.task) if row.task else None,
    }

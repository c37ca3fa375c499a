"""``phrony-tui export``: the whole session, as Markdown for a ticket or as the JSON the API
gives (every step's bytes as they came)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .exits import DONE, USAGE, CommandError
from .options import Connection, api_command, connection_options
from .reading import load, run_id_of

if TYPE_CHECKING:
    from ..api import PhronyClient
    from ..api.compact import Snapshot

#: Characters valid inside a JSON string that would reach a terminal raw: DEL, C1 controls,
#: bidi overrides and the two Unicode line separators. Written as ``\\uXXXX``, the same value.
_UNSAFE = [0x7F, *range(0x80, 0xA0), 0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F)]
_UNSAFE += [*range(0x2066, 0x206A), 0x2028, 0x2029]
_ESCAPES = {code: f"\\u{code:04x}" for code in _UNSAFE}


def inert(json_text: str) -> str:
    """JSON text with every character that could drive a terminal escaped. Outside strings
    JSON holds only ASCII punctuation, so this changes no value."""
    return json_text.translate(_ESCAPES)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"), default=str)


def conversation_json(snapshot: Snapshot) -> str:
    """The conversation as the API gave it: steps byte for byte, session and runs with the
    fields the server sent (``exclude_unset``), unknown ones included."""
    from ..api.compact import CompactConversation

    session = snapshot.session.model_dump(by_alias=True, exclude_unset=True, mode="json")
    runs = [r.model_dump(by_alias=True, exclude_unset=True, mode="json") for r in snapshot.runs]
    if isinstance(snapshot, CompactConversation):
        items = ",".join(inert(bytes(s.raw).decode("utf-8", "replace")) for s in snapshot.steps)
    else:
        items = ",".join(
            _dump(i.model_dump(by_alias=True, exclude_unset=True, mode="json"))
            for i in snapshot.items
        )
    return f'{{"session":{_dump(session)},"runs":{_dump(runs)},"items":[{items}]}}\n'


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    temporary = output.with_name(f".{output.name}.partial")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, output)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise CommandError(f"cannot write {output}: {exc.strerror or exc}", USAGE) from None


@click.command(
    epilog="\b\nExamples:\n  phrony-tui export RUN_ID -o run.md\n"
    "  phrony-tui export RUN_ID --format json | jq '.items | length'"
)
@click.argument("run_id", metavar="RUN_ID")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "json"]),
    default="md",
    show_default=True,
    help="Markdown for people, or the API's JSON",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="write to FILE instead of standard output",
)
@click.option("--json", "as_json", is_flag=True, help="the same as --format json")
@connection_options
@api_command
async def export(
    conn: Connection,
    client: PhronyClient,
    run_id: str,
    fmt: str,
    output: Path | None,
    as_json: bool,
) -> int:
    """The whole session of a run: header, runs tree, every step in order, tasks with their
    outcomes, and files. Markdown a person can read in a ticket (agent text cleaned of
    control characters), or with --format json the full conversation as the API gives it."""
    snapshot = await load(client, run_id_of(run_id))
    if as_json or fmt == "json":
        _write(conversation_json(snapshot), output)
        return DONE
    from ..session import SessionState
    from .markdown import render

    state = SessionState()
    state.apply_conversation(snapshot)
    _write(render(state), output)
    return DONE

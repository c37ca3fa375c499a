"""``phrony-tui export``: the whole session, as Markdown for a ticket or as the JSON the API
gives (every step's bytes as they came)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..text import inert_json
from .exits import DONE, USAGE, CommandError
from .options import Connection, api_command, connection_options
from .reading import load, read, run_id_of

if TYPE_CHECKING:
    from ..api import PhronyClient


async def raw_conversation(conn: Connection, run_id: str) -> bytes:
    """``/conversation``'s body exactly as the server sent it: the client's models would
    repair what they cannot read, and an export must not."""
    from urllib.parse import quote

    import httpx

    from ..api.body import DEFAULT_MAX_BODY_BYTES, read_body
    from ..api.client import DEFAULT_TIMEOUT
    from ..api.errors import APIConnectionError, APITimeoutError
    from ..api.wire import answer_error
    from .httplog import log_transport

    resolved = conn.resolve()
    transport = log_transport(
        debug=conn.debug,
        path=conn.log_file or os.environ.get("PHRONY_TUI_LOG") or None,
        bodies=False,
        secrets=[resolved.require_key().reveal()],
        base_url=resolved.base_url,
    )
    path = f"/v1/runs/{quote(run_id, safe='')}/conversation"
    headers = {"X-API-Key": resolved.require_key().reveal(), "Accept": "application/json"}
    headers["User-Agent"] = "phrony-tui"
    async with httpx.AsyncClient(
        timeout=DEFAULT_TIMEOUT, follow_redirects=False, transport=transport
    ) as http:
        try:
            request = http.build_request(
                "GET", resolved.base_url + path, params={"stepContent": "full"}, headers=headers
            )
            response = await http.send(request, stream=True)
            if not response.is_success:
                raise await answer_error(response, "GET", path, resolved.require_key())
            # Bounded as the client reads every body: decoded in pieces, stopped at the limit.
            return bytes(await read_body(response, DEFAULT_MAX_BODY_BYTES, what=f"GET {path}"))
        except httpx.TimeoutException:
            raise APITimeoutError(f"timed out on GET {path}", method="GET", path=path) from None
        except httpx.HTTPError as exc:
            raise APIConnectionError(
                f"cannot reach {resolved.base_url} on GET {path}: {type(exc).__name__}",
                method="GET",
                path=path,
                maybe_sent=not isinstance(exc, httpx.ConnectError),
            ) from None


def _write(text: str, output: Path | None) -> None:
    if output is None:
        # UTF-8 whatever the locale says, as in a file: ``> run.md`` and ``-o run.md`` agree.
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            sys.stdout.write(text)
        else:
            buffer.write(text.encode("utf-8"))
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
    type=click.Path(dir_okay=False, writable=True, allow_dash=True, path_type=Path),
    default=None,
    help="write to FILE instead of standard output (-: standard output)",
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
    run_id = run_id_of(run_id)
    if output is not None and str(output) == "-":
        output = None
    if as_json or fmt == "json":
        body = await read(lambda: raw_conversation(conn, run_id), f"run {run_id}")
        text = inert_json(body.decode("utf-8", "replace")).rstrip("\n") + "\n"
        _write(text, output)
        return DONE
    snapshot = await load(client, run_id)
    from ..session import SessionState
    from .markdown import render

    state = SessionState()
    state.apply_conversation(snapshot)
    _write(render(state), output)
    return DONE

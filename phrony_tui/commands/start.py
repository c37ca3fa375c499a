"""``phrony-tui start AGENT_ID``: start a run with its input and files, print its ids (or open
the console on it). The input, every file and where it goes are checked before anything is
sent (``phrony_tui.starting``)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, TextIO

import click

from .exits import DONE, UNAVAILABLE, USAGE, CommandError
from .options import Connection, api_command, connection_options, json_option, stdin_text

if TYPE_CHECKING:
    from ..api import PhronyClient
    from ..starting import InputFile

EPILOG = """\b
Examples:
  phrony-tui start AGENT_ID --input '{"topic": "agent runtimes"}'
  phrony-tui start AGENT_ID --input-file input.json --open
  jq -n '{topic: "Q3"}' | phrony-tui start AGENT_ID --input-file -
  phrony-tui start AGENT_ID --input '{"case": {"id": 7}}' \\
      --file case.evidence=photo.jpg --file 'docs[]=nda.pdf' --file 'docs[]=terms.pdf'

\b
--file FIELD=PATH uploads PATH through the file library and puts
{"phronyFile": true, "filename": ..., "mediaType": ...} at FIELD of the input.
FIELD is a path into the input: keys joined by dots (case.evidence), an array
item as [N] (docs[0]) or a new last item as [] (docs[]); objects and arrays on
the way are created. Uploads need a key with file uploads enabled.

\b
Prints {"runId", "sessionId", "status"} as one JSON line. Exit codes: 2 the
input or a file is wrong (nothing sent) or the server refused the input,
3 the key may not start this agent or upload, 4 no such agent, 7 unreachable.
"""


@click.command(epilog=EPILOG)
@click.argument("agent_id", metavar="AGENT_ID")
@click.option("--input", "input_json", metavar="JSON", default=None, help="the run's input")
@click.option(
    "--input-file",
    metavar="PATH",
    default=None,
    help="read the input from a JSON file (- for standard input)",
)
@click.option(
    "--file",
    "files",
    multiple=True,
    metavar="FIELD=PATH",
    help="upload PATH and reference it at FIELD of the input; repeatable",
)
@click.option("--open", "open_it", is_flag=True, help="open the console on the run instead")
@click.option("--config", default=None, help="settings file (TOML) of the console, for --open")
@connection_options
@json_option
def start(open_it: bool, config: str | None, **options: Any) -> int:
    """Start a run of an agent's deployed version (input and files checked first)."""
    started: list[str] = []
    code: int = _start(started=started, quiet=open_it, **options)
    if code != DONE or not open_it:
        return code
    from ..cli import open_run

    opened: int = click.get_current_context().invoke(
        open_run,
        run_id=started[0],
        profile=options.get("profile"),
        base_url=options.get("base_url"),
        config=config,
        allow_insecure_http=bool(options.get("allow_insecure_http")),
        plain=False,
    )
    return opened


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@api_command
async def _start(
    conn: Connection,
    client: PhronyClient,
    agent_id: str,
    input_json: str | None,
    input_file: str | None,
    files: tuple[str, ...],
    as_json: bool,
    started: list[str],
    quiet: bool,
) -> int:
    from ..crash import say
    from ..starting import StartError, StartUncertain, file_spec, parse_input, start_run
    from .reading import emit_json

    try:
        if input_json is not None and input_file is not None:
            raise StartError("give the input once: --input or --input-file, not both")
        text, what = input_json or "", "--input"
        if input_file is not None:
            text, what = _read_input(input_file), f"--input-file {input_file}"
        if (input_json is not None or input_file is not None) and not text.strip():
            # Given but empty is a broken pipeline upstream, not "no input": start nothing.
            raise StartError(f"the input is empty ({what}): give a JSON object, e.g. '{{}}'")
        run_input = parse_input(text, what)
        checked = [file_spec(spec) for spec in files]
    except StartError as exc:
        raise _usage(exc) from None
    progress = _Progress() if checked and _is_terminal(sys.stderr) else None
    try:
        run = await start_run(
            client,
            agent_id,
            run_input,
            checked,
            progress=progress,
            notice=lambda t: say(f"phrony-tui: {t}"),
        )
    except StartError as exc:
        raise _usage(exc) from None
    except StartUncertain as exc:
        raise CommandError(str(exc), UNAVAILABLE) from None
    finally:
        if progress is not None:
            progress.close()
    started.append(run.run_id)
    if not quiet:
        emit_json({"runId": run.run_id, "sessionId": run.session_id, "status": run.status})
    return DONE


def _read_input(path: str) -> str:
    from ..starting import read_input_file

    return read_input_file(path, stdin_text)


def _usage(error: Exception) -> CommandError:
    from ..starting import InvalidJSON

    details: dict[str, object] = {}
    if isinstance(error, InvalidJSON):
        details = {"line": error.line, "column": error.column, "offset": error.offset}
    return CommandError(str(error), USAGE, **details)


class _Progress:
    """Upload progress on standard error, one line redrawn in place (a terminal only)."""

    def __init__(self) -> None:
        self.drawn = False

    def __call__(self, file: InputFile, sent: int, total: int) -> None:
        from ..text import one_line

        percent = 100 * sent // total if total else 100
        line = f"Uploading {one_line(file.name, 60)} for {one_line(file.field, 40)}: {percent}%"
        sys.stderr.write(f"\r{line}\x1b[K")
        sys.stderr.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            sys.stderr.write("\n")
            sys.stderr.flush()

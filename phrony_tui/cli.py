"""``phrony-tui``: the command line, on click. Commands are imported when they run, so
``--help`` stays instant.

``phrony-tui RUN_ID`` opens the console: an argument that is not a command name is a run id
(so command names are reserved: ``phrony-tui help`` is help; ``phrony-tui open help`` opens a
run called "help"). Everything printed on failure is one sanitized, bounded line; an
unexpected error becomes a crash report and exit status 70; Ctrl+C exits 130 quietly.
"""

from __future__ import annotations

import importlib
import itertools
import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from . import __version__
from .commands.exits import EXIT_CODES_HELP, INTERRUPTED, USAGE

#: Every command: (module under ``phrony_tui``, or "" for this one; attribute; one-line help).
#: Listed here so the main help needs no import of the commands themselves.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "open": (
        "",
        "open_run",
        "open the console on a run (phrony-tui RUN_ID), or home (phrony-tui)",
    ),
    "status": ("commands.runs", "status", "the run's status, tokens, output or error"),
    "watch": ("commands.watch", "watch", "follow a session until it ends or needs a person"),
    "tasks": ("commands.runs", "tasks", "the session's pending tasks"),
    "reply": ("commands.answers", "reply", "send a chat reply, with files"),
    "approve": ("commands.answers", "approve", "approve a pending approval"),
    "reject": ("commands.answers", "reject", "reject a pending approval"),
    "answer": ("commands.answers", "answer", "answer an option, text or number task"),
    "ack": ("commands.answers", "ack", "acknowledge an anomaly alert"),
    "skip-wait": ("commands.answers", "skip_wait", "end a timer wait now"),
    "start": ("commands.start", "start", "start a run of an agent, with its input and files"),
    "sessions": ("commands.runs", "sessions", "list an agent's sessions, newest first"),
    "inbox": ("commands.inbox", "inbox", "what waits for a person across the watched agents"),
    "export": ("commands.export", "export", "the whole session as Markdown or JSON"),
    "completion": ("commands.completion", "completion", "shell completion for bash, zsh or fish"),
    "demo": ("demo", "demo", "open the console on the built-in simulator"),
    "sim": ("commands.simulator", "sim", "run the Phrony API simulator on loopback"),
    "help": ("", "help_command", "help on phrony-tui or one of its commands"),
}

ROOT_EPILOG = f"""\b
Examples:
  phrony-tui                              home: the inbox and sessions of your agents
  phrony-tui --agent AGENT_ID             the same, watching that agent
  phrony-tui RUN_ID                       open the console on a run
  phrony-tui RUN_ID > run.log             the same as plain lines, followed live
  phrony-tui watch RUN_ID --until waiting follow a run until a person is needed
  phrony-tui approve RUN_ID --comment ok  approve its one pending approval
  phrony-tui export RUN_ID -o run.md      save the transcript
  phrony-tui demo                         try it on the built-in simulator

\b
Environment:
  PHRONY_API_KEY           API key (phk_…), from Settings → API keys
  PHRONY_API_BASE          API base URL (default https://api.phrony.com)
  PHRONY_PROFILE           profile of the credentials file to use
  PHRONY_CREDENTIALS_FILE  credentials file (default ~/.phrony/credentials)
  PHRONY_TUI_LOG           append a log of every HTTP request to this file
  PHRONY_NO_TUI            1: plain lines instead of the full screen

\b
{EXIT_CODES_HELP}
"""


class Root(click.Group):
    """The group whose default command is ``open``."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module, attribute, _ = entry
        if not module:
            command: click.Command = globals()[attribute]
            return command
        loaded = importlib.import_module(f"phrony_tui.{module}")
        found: click.Command = getattr(loaded, attribute)
        return found

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, text) for name, (_, _, text) in COMMANDS.items()])

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        from .commands.mistyped import command_first

        bare = not args and not ctx.resilient_parsing  # completion asks with no words yet
        args = command_first(args, list(COMMANDS), open_run)
        if bare or (
            args and args[0] not in COMMANDS and args[0] not in ("-h", "--help", "--version")
        ):
            if not ctx.resilient_parsing:
                from .commands.mistyped import refuse_a_mistyped_command

                refuse_a_mistyped_command(ctx, args, list(COMMANDS), open_run)
            args = ["open", *args]
        return super().parse_args(ctx, args)


def _version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"phrony-tui {__version__}")
        ctx.exit(0)


@click.group(cls=Root, epilog=ROOT_EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version", is_flag=True, expose_value=False, is_eager=True, callback=_version, help="show it"
)
def cli() -> None:
    """A terminal console for Phrony agent runs, commands for scripts, and a local API
    simulator."""


@click.command(
    "open",
    epilog="\b\nExamples:\n  phrony-tui RUN_ID\n  phrony-tui open RUN_ID --profile staging\n"
    "  phrony-tui --agent AGENT_ID --agent OTHER_ID   home, watching two agents\n"
    "  phrony-tui RUN_ID | tee run.log        plain lines (also --plain, PHRONY_NO_TUI=1)",
)
@click.argument("run_id", metavar="[RUN_ID]", required=False)
@click.option(
    "--profile",
    metavar="NAME",
    default=None,
    shell_complete=lambda ctx, param, incomplete: _profiles(incomplete),
    help="profile of the credentials file",
)
@click.option(
    "--agent",
    "agents",
    metavar="AGENT_ID",
    multiple=True,
    help="an agent to watch at home (repeatable; instead of the config's list)",
)
@click.option("--base-url", metavar="URL", default=None, help="API base URL (or PHRONY_API_BASE)")
@click.option("--config", default=None, help="settings file (TOML)")
@click.option(
    "--allow-insecure-http",
    is_flag=True,
    help="allow plain http:// to a host other than loopback (the key travels in clear)",
)
@click.option(
    "--plain",
    is_flag=True,
    help="plain lines, one per step, instead of the full screen (the default into a pipe)",
)
def open_run(
    run_id: str | None,
    profile: str | None,
    agents: tuple[str, ...],
    base_url: str | None,
    config: str | None,
    allow_insecure_http: bool,
    plain: bool,
) -> int:
    """Open the console on a run (its whole session: every run, step and task), or, with no
    run id, on the home screen: the inbox and sessions of the watched agents.

    When standard output is not a terminal, or with --plain or PHRONY_NO_TUI=1, the session
    is printed as plain lines instead (time, run, type, summary), followed live until it
    ends; standard input is never read.
    """
    from .api.errors import ConfigError
    from .commands.options import SECRETS
    from .crash import say
    from .profiles import resolve

    try:
        resolved = resolve(base_url=base_url, profile=profile)
        key = resolved.require_key().reveal()
    except ConfigError as exc:
        say(f"phrony-tui: {exc}")
        return USAGE
    SECRETS.append(key)
    if plain or os.environ.get("PHRONY_NO_TUI", "") not in ("", "0") or not _is_terminal():
        if run_id is None:
            raise click.UsageError(
                "a RUN_ID is needed for plain lines; the home screen needs a terminal"
            )
        from .commands.watch import run_plain

        return run_plain(run_id, resolved.base_url, key, allow_insecure_http)
    from .ui.main import open_console

    return open_console(
        run_id,
        base_url=resolved.base_url,
        api_key=key,
        config=config,
        allow_insecure_http=allow_insecure_http,
        profile=resolved.profile,
        from_flags=bool(base_url),
        agents=agents,
    )


def _is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _profiles(incomplete: str) -> list[str]:
    from .profiles import profile_names

    return [name for name in profile_names() if name.startswith(incomplete)]


@click.command("help", epilog="\b\nExample:\n  phrony-tui help watch")
@click.argument(
    "command",
    required=False,
    shell_complete=lambda ctx, param, incomplete: [n for n in COMMANDS if n.startswith(incomplete)],
)
@click.pass_context
def help_command(ctx: click.Context, command: str | None) -> int:
    """Help on phrony-tui, or on one of its commands."""
    root = ctx.find_root()
    if command is None:
        click.echo(root.get_help())
        return 0
    found = cli.get_command(root, command)
    if found is None:
        raise click.UsageError(f"no command {command!r}; one of: {', '.join(COMMANDS)}", ctx)
    with found.make_context(command, [], parent=root, resilient_parsing=True) as sub:
        click.echo(found.get_help(sub))
    return 0


def _usage_message(exc: click.UsageError) -> str:
    if isinstance(exc, click.NoSuchOption):
        return f"unrecognized arguments: {exc.option_name}"
    return exc.format_message()


def _usage_line(exc: click.UsageError) -> str:
    path = exc.ctx.command_path if exc.ctx is not None else "phrony-tui"
    return f"{path}: error: {_usage_message(exc)} (see {path} --help)"


def run(args: list[str]) -> int:
    """Parse and run; click's own errors become one line and their exit code."""
    try:
        with cli.make_context("phrony-tui", args) as ctx:
            result: Any = cli.invoke(ctx)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.UsageError as exc:
        from .crash import say

        say(_usage_line(exc))
        if "--json" in args:
            import json

            from .text import one_line

            body = {"error": one_line(_usage_message(exc)), "exit": USAGE}
            print(json.dumps(body, ensure_ascii=True), file=sys.stderr, flush=True)
        return USAGE
    except click.ClickException as exc:
        from .crash import say

        say(f"phrony-tui: {exc.format_message()}")
        return exc.exit_code
    except click.Abort:
        return INTERRUPTED
    return result if isinstance(result, int) else 0


def main(argv: Sequence[str] | None = None) -> int:
    """The entry point: an exit status for every outcome, a traceback for none."""
    args = list(sys.argv[1:] if argv is None else argv)
    _printable_anywhere()
    if os.environ.get("_PHRONY_TUI_COMPLETE"):
        cli.main(args, prog_name="phrony-tui")  # answers the shell and exits
    try:
        return run(args)
    except KeyboardInterrupt:
        return INTERRUPTED
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as a tool killed by SIGPIPE.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except Exception as exc:
        from .api.config import ENV_KEY
        from .commands.options import SECRETS
        from .crash import report_crash

        return report_crash(exc, [os.environ.get(ENV_KEY, ""), *SECRETS, *_keys_in(args)])


def _printable_anywhere() -> None:
    """On a stream that is not UTF-8 (a Latin-1 locale, a Windows pipe), a character it
    cannot hold is written as an escape such as ``\\u2192`` instead of ending the program."""
    import codecs

    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "utf-8"
        reconfigure = getattr(stream, "reconfigure", None)
        try:
            utf8 = codecs.lookup(encoding).name == "utf-8"
        except LookupError:
            utf8 = False
        if not utf8 and reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _keys_in(args: list[str]) -> list[str]:
    """The ``--key`` values given to ``sim``: secrets a crash report must not hold."""
    keys = [value for flag, value in itertools.pairwise(args) if flag == "--key"]
    return keys + [arg.removeprefix("--key=") for arg in args if arg.startswith("--key=")]


if __name__ == "__main__":
    sys.exit(main())

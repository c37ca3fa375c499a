"""What every API command shares: the connection options, the client they build, and one
place that turns any failure into its exit code and one line.

Heavy modules (httpx, pydantic) are imported when a command runs, not when ``--help`` is
asked for.
"""

from __future__ import annotations

import asyncio
import functools
import os
import sys
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .exits import INTERRUPTED, USAGE, CommandError, from_api, report

if TYPE_CHECKING:
    from ..api import PhronyClient
    from ..profiles import Resolved

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

#: Secrets a crash report must redact: every key this process resolved.
SECRETS: list[str] = []


def _complete_profiles(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    from ..profiles import profile_names

    return [name for name in profile_names() if name.startswith(incomplete)]


def connection_options(func: F) -> F:
    """``--profile``, ``--base-url``, ``--allow-insecure-http`` and the request log."""
    options = [
        click.option(
            "--profile",
            metavar="NAME",
            default=None,
            shell_complete=_complete_profiles,
            help="profile of ~/.phrony/credentials to use (or PHRONY_PROFILE)",
        ),
        click.option(
            "--base-url", metavar="URL", default=None, help="API base URL (or PHRONY_API_BASE)"
        ),
        click.option(
            "--allow-insecure-http",
            is_flag=True,
            help="allow plain http:// to a host other than loopback (the key travels in clear)",
        ),
        click.option(
            "--debug", is_flag=True, help="log one line per HTTP request on standard error"
        ),
        click.option(
            "--log-file",
            metavar="PATH",
            default=None,
            help="append the request log to PATH (or PHRONY_TUI_LOG)",
        ),
        click.option(
            "--log-bodies",
            is_flag=True,
            help="log request and response bodies too (key and file contents redacted)",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def json_option(func: F) -> F:
    return click.option(
        "--json", "as_json", is_flag=True, help="print JSON (errors too, on standard error)"
    )(func)


@dataclass
class Connection:
    """The resolved connection options of one command run."""

    profile: str | None = None
    base_url: str | None = None
    allow_insecure_http: bool = False
    debug: bool = False
    log_file: str | None = None
    log_bodies: bool = False
    resolved: Resolved | None = field(default=None, repr=False)

    @classmethod
    def pop(cls, kwargs: dict[str, Any]) -> Connection:
        return cls(
            profile=kwargs.pop("profile", None),
            base_url=kwargs.pop("base_url", None),
            allow_insecure_http=kwargs.pop("allow_insecure_http", False),
            debug=kwargs.pop("debug", False),
            log_file=kwargs.pop("log_file", None),
            log_bodies=kwargs.pop("log_bodies", False),
        )

    def resolve(self) -> Resolved:
        from ..profiles import resolve

        if self.resolved is None:
            self.resolved = resolve(base_url=self.base_url, profile=self.profile)
            if self.resolved.api_key is not None:
                SECRETS.append(self.resolved.api_key.reveal())
        return self.resolved

    def client(self) -> PhronyClient:
        from ..api import PhronyClient
        from .httplog import log_transport

        resolved = self.resolve()
        key = resolved.require_key()
        transport = log_transport(
            debug=self.debug,
            path=self.log_file or os.environ.get("PHRONY_TUI_LOG") or None,
            bodies=self.log_bodies,
            secrets=[key.reveal()],
            base_url=resolved.base_url,
        )
        return PhronyClient(
            resolved.base_url,
            key,
            allow_insecure_http=self.allow_insecure_http,
            transport=transport,
        )


def run_async(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a command's coroutine; the result leaves the loop through a list (see
    ``preflight.checked`` for why)."""
    box: list[T] = []

    async def main() -> None:
        box.append(await factory())

    asyncio.run(main())
    return box[0]


def api_command(func: Callable[..., Awaitable[int]]) -> Callable[..., int]:
    """Make an ``async def cmd(conn, client, **options) -> exit code`` a click callback: the
    client is built from the connection options, and every failure becomes its exit code and
    one line (plus a JSON object with ``--json``), never a traceback."""

    @functools.wraps(func)
    def callback(**kwargs: Any) -> int:
        conn = Connection.pop(kwargs)
        as_json = bool(kwargs.get("as_json"))
        prog = click.get_current_context().command_path
        from ..api.errors import PhronyError

        try:
            _refuse_undecodable(kwargs)
            client = conn.client()

            async def main() -> int:
                async with client:
                    return await func(conn, client, **kwargs)

            return run_async(main)
        except CommandError as exc:
            return report(prog, exc, as_json=as_json)
        except PhronyError as exc:
            return report(prog, from_api(exc), as_json=as_json)
        except KeyboardInterrupt:
            if as_json:
                report(prog, CommandError("interrupted", INTERRUPTED), as_json=True)
            return INTERRUPTED

    return callback


def _refuse_undecodable(values: dict[str, Any]) -> None:
    """A value that holds bytes no UTF-8 decoder took (a Latin-1 argument, say) cannot go
    into a request: refused as a usage error, not left to fail as "cannot send"."""
    params = {p.name: p for p in click.get_current_context().command.params}
    for name, value in values.items():
        texts = value if isinstance(value, tuple) else (value,)
        if any(isinstance(t, str) and not is_utf8(t) for t in texts):
            param = params.get(name)
            shown = param.human_readable_name if param is not None else name
            if isinstance(param, click.Option):
                shown = param.opts[-1]
            raise usage(f"{shown} holds bytes that are not UTF-8 text")


def is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def stdin_text() -> str:
    """Standard input as text, refused when it is not UTF-8 (whatever the locale makes of
    it: an error, or bytes smuggled in as surrogates)."""
    try:
        text: str | None = sys.stdin.read()
    except UnicodeDecodeError:
        text = None
    if text is None or not is_utf8(text):
        raise usage("standard input holds bytes that are not UTF-8 text")
    return text


def usage(message: str, **details: Any) -> CommandError:
    return CommandError(message, USAGE, **details)


def out(line: str = "") -> None:
    """One line of a command's plain output, cleaned: server text never drives the
    terminal, whatever standard output is."""
    from ..text import clean

    text = clean(line)
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    text = text.encode(encoding, "backslashreplace").decode(encoding, "replace")
    print(text, flush=False)

"""A command name mistyped where ``phrony-tui RUN_ID`` is implied."""

from __future__ import annotations

import difflib

import click

from ..text import one_line


def refuse_a_mistyped_command(
    ctx: click.Context, args: list[str], commands: list[str], default: click.Command
) -> None:
    """``default`` (``open``) takes one RUN_ID: two words where it is implied are a command
    mistyped (``phrony-tui stauts RUN``), said as such rather than as an extra argument."""
    takes_value = {
        name
        for p in default.params
        if isinstance(p, click.Option) and not p.is_flag
        for name in p.opts
    }
    words: list[str] = []
    rest = iter(args)
    for arg in rest:
        if arg == "--":
            words.extend(rest)
        elif arg in takes_value:
            next(rest, None)
        elif not arg.startswith("-") or arg == "-":
            words.append(arg)
    if len(words) < 2:
        return
    word = words[0]
    close = difflib.get_close_matches(word, commands, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise click.UsageError(
        f"no such command {one_line(word, 40)!r}{hint}; the commands are: {', '.join(commands)}",
        ctx,
    )

"""Where ``phrony-tui RUN_ID`` is implied: a command name after options, or mistyped."""

from __future__ import annotations

import difflib

import click

from ..text import one_line


def _words(args: list[str], default: click.Command) -> list[tuple[int, str]]:
    """The positional words of ``args`` and where they are, read with ``default``'s options
    (an option's value is not a word)."""
    takes_value = {
        name
        for p in default.params
        if isinstance(p, click.Option) and not p.is_flag
        for name in p.opts
    }
    words: list[tuple[int, str]] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            words.extend((i, a) for i, a in enumerate(args[index + 1 :], index + 1))
            break
        if arg in takes_value:
            index += 1
        elif not arg.startswith("-") or arg == "-":
            words.append((index, arg))
        index += 1
    return words


def command_first(args: list[str], commands: list[str], default: click.Command) -> list[str]:
    """``phrony-tui --profile staging status RUN`` is ``status --profile staging RUN``: a
    command name is a reserved word wherever the options put it."""
    words = _words(args, default)
    if words and words[0][1] in commands:
        at = words[0][0]
        return [args[at], *args[:at], *args[at + 1 :]]
    return args


def refuse_a_mistyped_command(
    ctx: click.Context, args: list[str], commands: list[str], default: click.Command
) -> None:
    """``default`` (``open``) takes one RUN_ID: two words where it is implied are a command
    mistyped (``phrony-tui stauts RUN``), said as such rather than as an extra argument."""
    words = [word for _, word in _words(args, default)]
    if len(words) < 2:
        return
    word = words[0]
    close = difflib.get_close_matches(word, commands, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise click.UsageError(
        f"no such command {one_line(word, 40)!r}{hint}; the commands are: {', '.join(commands)}",
        ctx,
    )

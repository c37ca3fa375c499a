"""``phrony-tui completion``: click's own completion scripts (commands, flags, profile names),
printed for the shell to load."""

from __future__ import annotations

import click

#: The variable click's scripts set when they ask the program for completions.
COMPLETE_VAR = "_PHRONY_TUI_COMPLETE"

_SETUP = {
    "bash": 'eval "$(phrony-tui completion bash)"   # in ~/.bashrc',
    "zsh": 'eval "$(phrony-tui completion zsh)"    # in ~/.zshrc',
    "fish": "phrony-tui completion fish > ~/.config/fish/completions/phrony-tui.fish",
}


@click.command(
    epilog="\b\nExamples:\n  " + "\n  ".join(_SETUP.values()),
)
@click.argument("shell", type=click.Choice(list(_SETUP)))
def completion(shell: str) -> int:
    """Print the completion script for SHELL: commands, flags and profile names."""
    from click.shell_completion import get_completion_class

    root = click.get_current_context().find_root().command
    cls = get_completion_class(shell)
    assert cls is not None  # every choice is a shell click knows
    script = cls(root, {}, "phrony-tui", COMPLETE_VAR).source()
    click.echo(script)
    return 0

"""``?``: every key that works, with its binding id (for remapping in the config file)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..keys import KEY_HELP


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close")]

    def __init__(self, keymap: dict[str, str]) -> None:
        super().__init__()
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        table = Table(title="phrony-tui keys", expand=True, show_lines=False)
        table.add_column("keys", style="bold cyan", no_wrap=True)
        table.add_column("action")
        table.add_column("binding id (remap in config.toml)", style="dim")
        for section, rows in KEY_HELP.items():
            table.add_row(Text(section, style="bold underline"), "", "")
            for binding_id, keys, description in rows:
                table.add_row(self.keymap.get(binding_id, keys), description, binding_id)
        with VerticalScroll(id="help"):
            yield Static(table)
            yield Static(Text("Esc or ? closes this help.", style="dim"))

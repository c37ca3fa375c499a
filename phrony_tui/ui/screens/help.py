"""Help (F1 or ``?``): every action with the keys it has now, grouped by where they work, and
its binding id (for remapping in the config file). Made from the action registry."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..actions import ACTIONS, BUILTIN, Where
from ..keys import KeyLabels, bindings, show_key

#: Actions listed once for a family (the nine option digits).
_FOLDED = {f"task.option_{n}" for n in range(2, 10)}


class HelpScreen(ModalScreen[None]):
    BINDINGS = bindings(Where.HELP)

    def __init__(self, keys: KeyLabels, confirm_approvals: bool = True) -> None:
        super().__init__()
        self.keys = keys
        self.confirm_approvals = confirm_approvals

    def _description(self, action_id: str, description: str) -> str:
        if action_id in ("task.approve", "task.reject"):
            if self.confirm_approvals:
                return f"{description}, then {self.keys('confirm.yes')} to confirm"
            return f"{description} (sent at once: confirmations are off)"
        if action_id == "task.option_1":
            return f"{description} (the arrows select too)"
        if action_id in ("task.next", "task.previous"):
            # A letter types in a text field: there, only its keys with a modifier work.
            held = [show_key(k) for k in self.keys.keys(action_id) if "+" in k]
            return f"{description} (in a text field: {'/'.join(held)})" if held else description
        return description

    def _option_keys(self) -> str:
        firsts = [self.keys(f"task.option_{n}", first=True) for n in range(1, 10)]
        return "1-9" if firsts == [str(n) for n in range(1, 10)] else "/".join(firsts)

    def compose(self) -> ComposeResult:
        tables: list[Table] = []
        for where in Where:
            table = Table(
                title=where.value,
                title_justify="left",
                title_style="bold underline",
                expand=True,
                show_header=False,
                box=None,
                padding=(0, 1),
            )
            table.add_column("keys", style="bold", no_wrap=True, width=16)
            table.add_column("action", ratio=1)
            table.add_column("binding id", style="dim", no_wrap=True, width=22)
            if where is Where.ANYWHERE:
                for builtin, (key, description) in BUILTIN.items():
                    table.add_row(Text(show_key(key)), Text(description), Text(builtin))
            for entry in ACTIONS:
                if entry.where is where and entry.id not in _FOLDED:
                    keys = (
                        self._option_keys() if entry.id == "task.option_1" else self.keys(entry.id)
                    )
                    description = self._description(entry.id, entry.description)
                    # Text, not str: a remapped key such as "[/]" is shown, never parsed.
                    table.add_row(Text(keys), Text(description), Text(entry.id))
            tables.append(table)
        leave = self.keys("help.close")
        with VerticalScroll(id="help"):
            yield Static(Text("phrony-tui keys · binding ids remap in config.toml [keys]"))
            yield Static(Group(*tables))
            yield Static(Text(f"{leave} closes this help.", style="dim"))

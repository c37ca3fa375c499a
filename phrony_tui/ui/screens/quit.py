"""ctrl+q with something unsent asks once: quit and lose it, or stay."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from ..actions import Where
from ..keys import KeyLabels, bindings


class QuitConfirm(ModalScreen[bool]):
    BINDINGS = bindings(Where.QUIT)

    def __init__(self, what: str, keys: KeyLabels) -> None:
        super().__init__()
        self.what = what
        self.keys = keys

    def compose(self) -> ComposeResult:
        text = Text()
        text.append("Quit?\n", style="bold")
        text.append(f"{self.what} would be lost.\n\n")
        text.append(f"{self.keys('quit.yes')}: quit · {self.keys('quit.no')}: stay", style="dim")
        with Vertical(id="quit-confirm"):
            yield Static(text)

    def action_answer(self, quit_now: bool) -> None:
        self.dismiss(quit_now)

"""The open runs, to switch between them or close one: agent, run id, status, pending tasks,
and whether the run streams live or is polled."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..actions import Where
from ..keys import KeyLabels, bindings
from ..open_runs import RunEntry
from ..sanitize import one_line
from .quit import QuitConfirm


@dataclass(frozen=True)
class Choice:
    """What the person chose: show the run, or close it."""

    run_id: str
    close: bool = False


def label(entry: RunEntry) -> Content:
    """One line per run; everything in it is sanitized text, never markup."""
    mark = "▶" if entry.current else " "
    pending = f"{entry.pending} pending" if entry.pending else "no task"
    draft = " · draft" if entry.unsent else ""
    return Content(
        f"{mark} {entry.title[:22]:<22} {one_line(entry.run_id, 36):<36} "
        f"{(entry.status or '…')[:19]:<19} {pending:<10} {entry.streaming}{draft}"
    )


class RunSwitcher(ModalScreen[Choice | None]):
    BINDINGS = bindings(Where.SWITCHER)

    def __init__(self, entries: list[RunEntry], keys: KeyLabels) -> None:
        super().__init__()
        self.entries = entries
        self.keys = keys

    def compose(self) -> ComposeResult:
        options = [Option(label(e), id=e.run_id) for e in self.entries]
        hint = (
            f"{self.keys('switcher.open')}: switch · {self.keys('switcher.close')}: close the "
            f"run · {self.keys('switcher.cancel')}: back"
        )
        with Vertical(id="run-switcher"):
            yield Static(Text(f"Open runs ({len(self.entries)})", style="bold"))
            yield OptionList(*options, id="run-switcher-list")
            yield Static(Text(hint, style="dim"))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        current = next((i for i, e in enumerate(self.entries) if e.current), 0)
        options.highlighted = current
        options.focus()

    def _highlighted(self) -> str | None:
        options = self.query_one(OptionList)
        index = options.highlighted
        if index is None:
            return None
        return options.get_option_at_index(index).id

    def on_option_list_option_selected(self, message: OptionList.OptionSelected) -> None:
        if message.option.id:
            self.dismiss(Choice(message.option.id))

    def action_close_run(self) -> None:
        run_id = self._highlighted()
        if run_id:
            self.dismiss(Choice(run_id, close=True))

    def action_cancel(self) -> None:
        self.dismiss(None)


class CloseConfirm(QuitConfirm):
    """Closing a run with something unsent asks first, as quitting does."""

    def compose(self) -> ComposeResult:
        text = Text()
        text.append("Close this run?\n", style="bold")
        text.append(f"{self.what} would be lost.\n\n")
        text.append(f"{self.keys('quit.yes')}: close · {self.keys('quit.no')}: stay", style="dim")
        with Vertical(id="quit-confirm"):
            yield Static(text)

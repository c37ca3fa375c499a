"""Small prompts: a file path with completion, a run id."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from textual.actions import SkipAction
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Static

from ..clipboard import copy_text, write_file
from ..keys import binding, labels_of
from ..sanitize import plain
from ..textual_private import input_suggestion


class PathSuggester(Suggester):
    """Completes the last path segment from the file system (Tab or → accepts)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        expanded = os.path.expanduser(value)
        folder, _, stem = expanded.rpartition(os.sep)
        base = Path(folder or ".") if folder or not expanded.startswith(os.sep) else Path("/")
        try:
            names = sorted(
                p.name + (os.sep if p.is_dir() else "")
                for p in base.iterdir()
                if (p.name.startswith(stem) and not p.name.startswith("."))
                or (stem.startswith(".") and p.name.startswith(stem))
            )
        except OSError:
            return None
        if not names:
            return None
        return value[: len(value) - len(stem)] + names[0]


class PathInput(Input):
    """An input whose Tab completes the path (as → does) instead of moving focus."""

    BINDINGS = [binding("prompt.complete")]

    def action_complete(self) -> None:
        suggestion = input_suggestion(self)
        if not (suggestion and len(suggestion) > len(self.value)):
            raise SkipAction()  # nothing to complete: Tab keeps its usual meaning
        self.value = suggestion
        self.cursor_position = len(self.value)


class Prompt(ModalScreen[str | None]):
    """Ask for one line; Enter answers, Esc cancels."""

    BINDINGS = [binding("prompt.cancel")]

    def __init__(
        self, question: str, *, placeholder: str = "", paths: bool = False, value: str = ""
    ) -> None:
        super().__init__()
        self.question = question
        self.placeholder = placeholder
        self.paths = paths
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt"):
            yield Static(plain(self.question, "bold"))
            if self.paths:
                yield PathInput(self.value, placeholder=self.placeholder, suggester=PathSuggester())
            else:
                yield Input(self.value, placeholder=self.placeholder)
            keys = labels_of(self.app)
            hint = f"Enter: OK · {keys('prompt.cancel')}: cancel"
            if self.paths:
                hint += f" · {keys('prompt.complete')}/→: complete"
            yield Static(plain(hint, "dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


def copy_or_offer_file(app: App[Any], text: str, ordinal: int) -> None:
    """Copy a step; when it is too large for the terminal's clipboard, offer to write it to
    a file (never over an existing one)."""
    if copy_text(app, text, f"Step {ordinal}"):
        return

    def chosen(path: str | None) -> None:
        if path:
            write_file(app, path, text)

    question = f"Step {ordinal} is too large for the clipboard. Write it to a file:"
    app.push_screen(Prompt(question, paths=True, value=f"step-{ordinal}.json"), chosen)

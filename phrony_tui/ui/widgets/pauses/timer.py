"""A run waiting for a timer: the time left, and the key that skips the wait."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ...ages import span
from ...pauses import seconds_left
from .base import KeyLabel, PauseView


class TimerView(PauseView):
    def __init__(self, wait_until: str | None, label: KeyLabel) -> None:
        self.wait_until = wait_until
        self.label = label
        self.clock = Static(self._text(), classes="task-control timer")
        super().__init__([self.clock], None)

    def _text(self) -> Text:
        left = seconds_left(self.wait_until)
        shown = "unknown" if left is None else span(left)
        return Text.assemble(
            ("Waiting for a timer: ", "bold"),
            (f"{shown} left", "bold"),
            (f"   {self.label('task.skip_wait')}: skip the wait now", "dim"),
        )

    def tick(self) -> None:
        self.clock.update(self._text())

"""The status line: connection, run status, age of the last event, skipped events."""

from __future__ import annotations

import time

from rich.text import Text
from textual.widgets import Static

from ..format import status_badge
from ..sanitize import one_line

CONNECTION_STYLES = {
    "live": ("● live", "bold green"),
    "connecting": ("◌ connecting", "yellow"),
    "reconnecting": ("◌ reconnecting", "bold yellow"),
    "polling": ("◍ polling", "yellow"),
    "offline": ("○ offline", "bold red"),
    "finished": ("■ finished", "dim"),
}


class StatusLine(Static):
    """Drawn from plain fields; ``tick`` refreshes the ages once a second."""

    def __init__(self, *, id: str | None = None, show_age: bool = True) -> None:
        super().__init__(id=id)
        self.connection = "connecting"
        self.detail = ""
        self.retry_at: float | None = None
        self.run_status = ""
        self.filter_label = ""
        self.last_event: float | None = None
        self.malformed = 0
        self.show_age = show_age
        self._shown: Text | None = None

    def tick(self) -> None:
        label, style = CONNECTION_STYLES.get(self.connection, (self.connection, ""))
        text = Text()
        text.append(label, style=style)
        if self.connection == "reconnecting" and self.retry_at is not None:
            text.append(f" in {max(0, self.retry_at - time.monotonic()):.0f} s", style=style)
        if self.detail:
            text.append(f" ({one_line(self.detail, 80)})", style="dim")
        text.append("  │  ")
        text.append_text(status_badge(self.run_status or None))
        if self.show_age and self.last_event is not None:
            age = time.monotonic() - self.last_event
            text.append(f"  │  last event {age:.0f} s ago", style="dim")
        if self.malformed:
            text.append(f"  │  {self.malformed} malformed event(s) skipped", style="yellow")
        if self.filter_label:
            text.append(
                f"  │  showing {one_line(self.filter_label, 30)} only (A: all runs)", style="bold"
            )
        if text != self._shown:  # unchanged, it is not drawn again (a streaming run ticks a lot)
            self._shown = text
            self.update(text, layout=False)

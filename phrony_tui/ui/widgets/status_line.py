"""The status line: connection, run status, age of the last event, skipped events."""

from __future__ import annotations

import time

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from ..format import status_badge
from ..palette import TONE_CLASSES, Palette, palette_of
from ..sanitize import one_line

#: The label of each connection state and its palette tones (space separated).
CONNECTION_STYLES = {
    "live": ("● live", "success strong"),
    "connecting": ("◌ connecting", "warning"),
    "reconnecting": ("◌ reconnecting", "warning strong"),
    "polling": ("◍ polling", "warning"),
    "offline": ("○ offline", "error strong"),
    "finished": ("■ finished", "muted"),
}


def _tones(names: str, palette: Palette) -> Style:
    return Style.combine(palette.tone(name) for name in names.split())


class StatusLine(Static):
    """Drawn from plain fields; ``tick`` refreshes the ages once a second."""

    COMPONENT_CLASSES = set(TONE_CLASSES)

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
        self._shown: tuple[object, ...] | None = None

    def _fields(self) -> tuple[object, ...]:
        """What the line shows, ages in whole seconds."""
        now = time.monotonic()
        retry = None
        if self.connection == "reconnecting" and self.retry_at is not None:
            retry = f"{max(0, self.retry_at - now):.0f}"
        age = None
        if self.show_age and self.last_event is not None:
            age = f"{now - self.last_event:.0f}"
        return (
            self.connection,
            retry,
            self.detail,
            self.run_status,
            age,
            self.malformed,
            self.filter_label,
        )

    def tick(self) -> None:
        fields = self._fields()
        if fields != self._shown:  # unchanged, it is not drawn again (a streaming run ticks a lot)
            self._shown = fields
            self.refresh(layout=False)

    def render(self) -> Text:
        """Built at each drawing from the fields and the theme, so a theme change recolours
        it with nothing else to do."""
        connection, retry, detail, run_status, age, malformed, filter_label = self._fields()
        palette = palette_of(self)
        label, tones = CONNECTION_STYLES.get(str(connection), (str(connection), ""))
        style = _tones(tones, palette)
        text = Text()
        text.append(one_line(label, 40), style=style)
        if retry is not None:
            text.append(f" in {retry} s", style=style)
        if detail:
            text.append(f" ({one_line(str(detail), 80)})", style=palette.muted)
        text.append("  │  ")
        text.append_text(status_badge(str(run_status) or None, palette))
        if age is not None:
            text.append(f"  │  last event {age} s ago", style=palette.muted)
        if malformed:
            text.append(f"  │  {malformed} malformed event(s) skipped", style=palette.warning)
        if filter_label:
            shown = one_line(str(filter_label), 30)
            text.append(f"  │  showing {shown} only (A: all runs)", style=palette.strong)
        return text

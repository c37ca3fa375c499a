"""The status line: connection, run status, age of the last event, skipped events."""

from __future__ import annotations

import time

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from ...live import Connection, ConnState
from ...live.wording import connection_text
from ..format import status_badge
from ..palette import TONE_CLASSES, Palette, palette_of
from ..sanitize import one_line

#: The mark of each connection state and its palette tones (space separated).
CONNECTION_STYLES = {
    "live": ("●", "success strong"),
    "silent": ("◔", "warning"),
    "connecting": ("◌", "warning"),
    "reconnecting": ("◌", "warning strong"),
    "polling": ("◍", "warning"),
    "offline": ("○", "error strong"),
    "finished": ("■", "muted"),
}
#: States whose words do not already say why.
_SAYS_WHY = {"polling", "offline"}


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
        #: When the last event or heartbeat arrived, while the stream is silent.
        self.since: float | None = None
        #: The keys that show every run again (the filter's way out).
        self.all_runs_key = "A"
        self.run_status = ""
        self.filter_label = ""
        self.last_event: float | None = None
        self.malformed = 0
        self.show_age = show_age
        self._shown: tuple[object, ...] | None = None

    def _fields(self) -> tuple[object, ...]:
        """What the line shows, ages in whole seconds."""
        now = time.monotonic()
        try:
            state = ConnState(self.connection)
        except ValueError:
            state = ConnState.CONNECTING
        words = connection_text(Connection(state, self.detail, self.retry_at, self.since), now)
        age = None
        if self.show_age and self.last_event is not None:
            age = f"{now - self.last_event:.0f}"
        return (
            self.connection,
            words,
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
        connection, words, detail, run_status, age, malformed, filter_label = self._fields()
        palette = palette_of(self)
        mark, tones = CONNECTION_STYLES.get(str(connection), ("◌", ""))
        style = _tones(tones, palette)
        text = Text()
        text.append(f"{mark} {one_line(str(words), 120)}", style=style)
        if detail and connection not in _SAYS_WHY:
            text.append(f" ({one_line(str(detail), 80)})", style=palette.muted)
        text.append("  │  ")
        text.append_text(status_badge(str(run_status) or None, palette))
        if age is not None:
            text.append(f"  │  last event {age} s ago", style=palette.muted)
        if malformed:
            text.append(f"  │  {malformed} malformed event(s) skipped", style=palette.warning)
        if filter_label:
            shown = one_line(str(filter_label), 30)
            way_out = f"{one_line(self.all_runs_key, 20)}: all runs"
            text.append(f"  │  showing {shown} only ({way_out})", style=palette.strong)
        return text

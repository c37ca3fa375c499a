"""Left pane, top: the session header and the token mix by run. Both are drawn at each
refresh from the state they were shown and the theme's palette, so a theme change recolours
them with nothing else to do."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from ...session import SessionState
from ..format import status_badge, tokens, when
from ..palette import TONE_CLASSES, palette_of
from ..sanitize import one_line

#: Runs named in the token legend at most.
LEGEND_RUNS = 6


class SessionHeader(Static):
    """Status, tokens, who triggered it, when it started and finished, the model."""

    COMPONENT_CLASSES = set(TONE_CLASSES)

    _state: SessionState | None = None

    _lines = 0

    def show(self, state: SessionState) -> None:
        self._state = state
        # Laying out the screen costs milliseconds and a busy run redraws this often: only
        # when the text's height changes.
        lines = self.render().plain.count("\n") + 1
        self.refresh(layout=lines != self._lines)
        self._lines = lines

    def render(self) -> Text:
        palette = palette_of(self)
        state = self._state
        session = state.session if state is not None else None
        if state is None or session is None:
            return Text("Loading…", style=palette.muted)
        muted = palette.muted
        # Each line kept to the pane's width: a wrapped value would start under the labels.
        width = self.content_size.width or 200

        def row(label: str, value: str) -> Text:
            line = Text(f"{label:<9}", style=muted)
            line.append(value)
            return line

        head = Text()
        head.append_text(status_badge(session.status, palette))
        spent = f"{tokens(session.total_tokens_used) or 0}"
        lines = [head]
        if head.cell_len + len(f"   {spent} tokens") <= width:
            head.append(f"   {spent} tokens", style=palette.strong)
        else:
            lines.append(row("tokens", spent))
        lines += [
            row("trigger", one_line(session.trigger_name or session.trigger_type or "?", 200)),
            row("by", one_line(session.triggered_by or "—", 200)),
            row("started", when(session.started_at)),
            row("finished", when(session.finished_at)),
            row("model", one_line(session.llm_model or "—", 200)),
        ]
        for line in lines:
            line.truncate(width, overflow="ellipsis")
        if session.error:
            lines.append(Text(one_line(session.error, 200), style=palette.error + palette.strong))
        if state.redacted:
            lines.append(Text("Timeline hidden from API clients", style=palette.warning))
        return Text("\n").join(lines)


class TokenBar(Static):
    """Each run's share of the session's tokens, as one coloured bar with a legend. Legend
    entries wrap as wholes: an entry is never cut across two lines."""

    COMPONENT_CLASSES = set(TONE_CLASSES)

    _state: SessionState | None = None

    _lines = 0

    def show(self, state: SessionState) -> None:
        self._state = state
        # Laying out the screen costs milliseconds and a busy run redraws this often: only
        # when the text's height changes.
        lines = self.render().plain.count("\n") + 1
        self.refresh(layout=lines != self._lines)
        self._lines = lines

    def render(self) -> Text:
        palette = palette_of(self)
        runs = self._state.runs_by_depth() if self._state is not None else []
        total = sum(r.spent for r in runs)
        if total <= 0:
            return Text("no tokens yet", style=palette.muted)
        width = max(10, self.content_region.width or 30)
        text = Text()
        used = 0
        for index, run in enumerate(runs):
            cells = min(round(width * run.spent / total), width - used)
            text.append("█" * cells, style=palette.run(index))
            used += cells
        line = 0  # cells on the legend's current line
        for index, run in enumerate(runs[:LEGEND_RUNS]):
            name = one_line(run.agent_name or run.short_id, 14)
            label = f"{name} {100 * run.spent / total:.0f}%"
            cells = 2 + cell_len(label)
            if line and line + 2 + cells > width:
                line = 0
            text.append("\n" if line == 0 else "  ")
            text.append("■ ", style=palette.run(index))
            text.append(label)
            line += cells + (2 if line else 0)
        if len(runs) > LEGEND_RUNS:
            more = f"+{len(runs) - LEGEND_RUNS} more"
            text.append("\n" if line + 2 + len(more) > width else "  ")
            text.append(more, style=palette.muted)
        return text

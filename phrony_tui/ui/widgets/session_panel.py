"""Left pane, top: the session header and the token mix by run."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ...session import SessionState
from ..format import RUN_COLOURS, clock, status_badge, tokens
from ..sanitize import one_line


class SessionHeader(Static):
    """Status, tokens, who triggered it, when it started and finished, the model."""

    def show(self, state: SessionState) -> None:
        session = state.session
        if session is None:
            self.update(Text("Loading…", style="dim"))
            return
        text = Text()
        text.append_text(status_badge(session.status))
        text.append(f"   {tokens(session.total_tokens_used) or 0} tokens\n", style="bold")
        trigger = one_line(session.trigger_name or session.trigger_type or "?", 30)
        text.append("trigger  ", style="dim")
        text.append(trigger + "\n")
        text.append("by       ", style="dim")
        text.append(one_line(session.triggered_by or "—", 26) + "\n")
        text.append("started  ", style="dim")
        text.append(clock(session.started_at))
        text.append("\nfinished ", style="dim")
        text.append(clock(session.finished_at) if session.finished_at else "—")
        text.append("\nmodel    ", style="dim")
        text.append(one_line(session.llm_model or "—", 30))
        if session.error:
            text.append("\n" + one_line(session.error, 200), style="bold red")
        if state.redacted:
            text.append("\nTimeline hidden from API clients", style="italic yellow")
        self.update(text)


class TokenBar(Static):
    """Each run's share of the session's tokens, as one coloured bar with a legend."""

    def show(self, state: SessionState) -> None:
        runs = state.runs_by_depth()
        total = sum(r.tokens for r in runs)
        width = max(10, self.size.width or 30)
        text = Text()
        if total <= 0:
            self.update(Text("no tokens yet", style="dim"))
            return
        used = 0
        for index, run in enumerate(runs):
            cells = round(width * run.tokens / total)
            cells = min(cells, width - used)
            text.append("█" * cells, style=RUN_COLOURS[index % len(RUN_COLOURS)])
            used += cells
        text.append("\n")
        for index, run in enumerate(runs[:6]):
            share = 100 * run.tokens / total
            text.append("■ ", style=RUN_COLOURS[index % len(RUN_COLOURS)])
            text.append(f"{one_line(run.agent_name or run.short_id, 14)} {share:.0f}%  ")
        if len(runs) > 6:
            text.append(f"+{len(runs) - 6} more", style="dim")
        self.update(text)

"""How runs and statuses look: status badges, times, token counts. Steps are drawn by
``ui/render``; colours come from a ``Palette`` (the theme)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from markdown_it import MarkdownIt
from rich.markdown import Markdown
from rich.style import Style
from rich.text import Text

from ..api.models import is_terminal, is_waiting
from .ages import now, parse_time
from .palette import Palette
from .sanitize import one_line


class LiteralHTMLMarkdown(Markdown):
    """Rich's Markdown with raw HTML shown as text: ``<script>`` from an agent is displayed,
    not dropped (Rich renders no HTML, so an HTML-enabled parser would make it vanish)."""

    _parser = MarkdownIt("commonmark", {"html": False}).enable("strikethrough").enable("table")

    def __init__(self, markup: str, **options: Any) -> None:
        super().__init__("", **options)
        self.markup = markup
        self.parsed = self._parser.parse(markup)


def status_style(status: str | None, palette: Palette) -> Style:
    if status == "Completed":
        return palette.success
    if status in ("Failed", "Cancelled"):
        return palette.error
    if is_waiting(status):
        return palette.warning + palette.strong
    if status == "Running":
        return palette.primary
    return palette.muted


def status_icon(status: str | None) -> str:
    if status == "Running":
        return "●"
    if is_waiting(status):
        return "◆"
    if status == "Completed":
        return "✔"
    return "✖" if is_terminal(status) else "○"


def status_badge(status: str | None, palette: Palette) -> Text:
    shown = one_line(status or "unknown", 24)
    return Text(f"{status_icon(status)} {shown}", style=status_style(status, palette))


SHORT_STATUS = {
    "Running": "running",
    "WaitingForResponse": "reply",
    "WaitingForHITL": "HITL",
    "WaitingForAITL": "AITL",
    "WaitingForTimer": "timer",
    "Completed": "done",
    "Failed": "failed",
    "Cancelled": "cancelled",
}


def short_status_badge(status: str | None, palette: Palette) -> Text:
    """A compact badge for narrow places (the runs tree)."""
    word = SHORT_STATUS.get(status or "", one_line(status or "?", 10))
    return Text(f"{status_icon(status)} {word}", style=status_style(status, palette))


def clock(value: str | None) -> str:
    """HH:MM:SS of an ISO time, in local time; ``--:--:--`` when unknown or malformed."""
    if not value or not isinstance(value, str):
        return "--:--:--"
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return moment.astimezone().strftime("%H:%M:%S")
    except (ValueError, OverflowError, OSError):
        return "--:--:--"


def when(value: str | None) -> str:
    """When, in local time: ``09:30:01`` today, ``11-18 09:30:01`` earlier this year,
    ``2025-11-18 09:30`` before; ``—`` when unknown or malformed."""
    moment = parse_time(value)
    if moment is None:
        return "—"
    try:
        local, today = moment.astimezone(), now().astimezone()
        if local.date() == today.date():
            return local.strftime("%H:%M:%S")
        if local.year == today.year:
            return local.strftime("%m-%d %H:%M:%S")
        return f"{local.year:04d}-" + local.strftime("%m-%d %H:%M")  # %Y is unpadded below 1000
    except (ValueError, OverflowError, OSError):
        return "—"


def tokens(value: float | None) -> str:
    if not value:
        return ""
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    return f"{int(value)}"

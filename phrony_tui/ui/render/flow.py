"""How a run moves: sub-agents called and returning, waits, runs and sessions ending."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from ...api.models import (
    ItemType,
    RunCompletedContent,
    SessionCompletedContent,
    SubAgentCallContent,
    SubAgentResultContent,
    WaitContent,
)
from ..ages import span
from ..format import status_badge, when
from ..palette import Palette
from ..sanitize import one_line
from .base import Renderer, json_line


def _spawn(content: SubAgentCallContent, palette: Palette) -> Text:
    text = Text("→ " + one_line(content.agent_name or "sub-agent", 40), style=palette.strong)
    text.append(" " + json_line(content.arguments, 200))
    return text


def _child(content: SubAgentResultContent, palette: Palette) -> Text:
    return Text("← " + json_line(content.output, 300))


def _wait(content: WaitContent, palette: Palette) -> Text:
    """``wait 12d 2h until 12-14 12:54:00``: a long wait in days, its end with its day."""
    text = "wait" if content.seconds is None else f"wait {span(content.seconds)}"
    end = when(content.wait_until)
    return Text(text if end == "—" else f"{text} until {end}")


def _ended(content: RunCompletedContent | SessionCompletedContent, palette: Palette) -> Text:
    text = status_badge(content.status or None, palette)
    if content.error:
        shown = content.error if isinstance(content.error, str) else json_line(content.error)
        text.append(" " + one_line(shown, 200), style=palette.error)
    elif content.output is not None:
        output = content.output
        text.append(" " + (one_line(output) if isinstance(output, str) else json_line(output, 300)))
    return text


RENDERERS: dict[str, Renderer[Any]] = {
    ItemType.SUB_AGENT_CALL.lower(): Renderer(SubAgentCallContent, "SPAWN", "secondary", _spawn),
    ItemType.SUB_AGENT_RESULT.lower(): Renderer(
        SubAgentResultContent, "CHILD", "secondary", _child
    ),
    ItemType.WAIT.lower(): Renderer(WaitContent, "WAIT", "primary", _wait),
    ItemType.RUN_COMPLETED.lower(): Renderer(RunCompletedContent, "RUN END", "strong", _ended),
    ItemType.SESSION_COMPLETED.lower(): Renderer(
        SessionCompletedContent, "SESSION", "strong", _ended
    ),
}

"""What passes between the run and people (or another agent standing in for them): user tasks,
messages, AITL questions and answers."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from ...api.models import (
    AitlRequestContent,
    AitlResponseContent,
    ItemType,
    TaskOutcome,
    TaskStatus,
    UserMessageContent,
    UserTaskContent,
)
from ...session.tasks import answered_value
from ..palette import Palette
from ..sanitize import one_line
from .base import Renderer


def outcome_badge(outcome: TaskOutcome, palette: Palette) -> Text:
    """How a task was answered: a rejection reads as one."""
    if outcome.approved is False:
        return Text("✖ rejected", style=palette.error)
    if outcome.approved:
        return Text("✔ approved", style=palette.success)
    value = answered_value(outcome)
    shown = "acknowledged" if value is None else one_line(str(value), 60)
    return Text(f"✔ {shown}", style=palette.success)


def _task(content: UserTaskContent, palette: Palette) -> Text:
    text = Text()
    pending = content.status == TaskStatus.PENDING
    if pending:
        text.append("◆ pending ", style=palette.warning + palette.strong)
    elif content.outcome is not None:
        text.append_text(outcome_badge(content.outcome, palette))
        text.append(" ")
    else:
        text.append(f"○ {one_line(content.status, 12).lower()} ", style=palette.muted)
    text.append(one_line(content.title or content.kind or "task", 80))
    if pending:
        text.append(" — " + one_line(content.prompt or "", 120))
    return text


def _message(content: UserMessageContent, palette: Palette) -> Text:
    text = Text(one_line(content.text))
    if content.files:
        names = [one_line(f.filename or f.object_key or "file", 40) for f in content.files]
        text.append("  + files: " + ", ".join(names), style=palette.muted)
    return text


def _asks(content: AitlRequestContent, palette: Palette) -> Text:
    return Text("asks: " + one_line(content.question))


def _answer(content: AitlResponseContent, palette: Palette) -> Text:
    return Text("answer: " + one_line(content.answer))


RENDERERS: dict[str, Renderer[Any]] = {
    ItemType.USER_TASK_REQ.lower(): Renderer(UserTaskContent, "TASK", "warning strong", _task),
    ItemType.USER_MESSAGE.lower(): Renderer(UserMessageContent, "YOU", "primary strong", _message),
    ItemType.AITL_REQUEST.lower(): Renderer(AitlRequestContent, "AITL?", "warning", _asks),
    ItemType.AITL_RESPONSE.lower(): Renderer(AitlResponseContent, "AITL!", "warning", _answer),
}

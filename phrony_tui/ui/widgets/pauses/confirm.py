"""One confirmation of an approval or a rejection before it is sent."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from ....session import UserTask
from ...keys import binding
from ...sanitize import clean, one_line, to_json
from .base import KeyLabel, PauseView, hint


class ConfirmBar(Static, can_focus=True):
    """One confirmation: ``y`` or Enter confirms, ``n`` or Esc cancels."""

    BINDINGS = [
        binding("confirm.yes"),
        binding("confirm.no"),
    ]

    class Answered(Message):
        def __init__(self, confirmed: bool) -> None:
            super().__init__()
            self.confirmed = confirmed

    def action_answer(self, confirmed: bool) -> None:
        self.post_message(self.Answered(confirmed))


class ConfirmView(PauseView):
    def __init__(self, task: UserTask, approved: bool, comment: str, label: KeyLabel) -> None:
        verb = "Approve" if approved else "Reject"
        text = Text()
        text.append(f"{verb} ", style="bold")
        if task.tool is not None:
            text.append(one_line(task.tool.name, 60))
            if task.tool.operation_name:
                text.append(" · " + one_line(task.tool.operation_name, 60))
            if approved:
                arguments = to_json(task.tool.arguments, indent=None, limit=600)
                text.append(" with " + one_line(arguments, 600))
        if comment:
            text.append(f"\ncomment: {clean(comment)}", style="italic")
        text.append("\n")
        text.append_text(hint(label, ("confirm.yes", "confirm"), ("confirm.no", "cancel")))
        bar = ConfirmBar(text, classes="task-control confirm")
        super().__init__([bar], bar)

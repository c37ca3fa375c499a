"""An informational alert, acknowledged with one key."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from ....session import UserTask
from ...keys import binding
from .base import KeyLabel, PauseView, prompt


class AckControl(Static, can_focus=True):
    """An informational alert: ``k`` acknowledges it."""

    BINDINGS = [binding("task.acknowledge", action="ack"), binding("alert.acknowledge")]

    class Acknowledged(Message):
        pass

    def action_ack(self) -> None:
        self.post_message(self.Acknowledged())


class AlertView(PauseView):
    def __init__(self, task: UserTask, label: KeyLabel) -> None:
        text = Text(
            f"{label('task.acknowledge')}/{label('alert.acknowledge')}: acknowledge", style="bold"
        )
        control = AckControl(text, classes="task-control")
        super().__init__([prompt(task), control], control)

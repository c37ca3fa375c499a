"""A text, number or escalation answer typed in one line."""

from __future__ import annotations

from textual.widgets import Input

from ....api.models import TaskKind
from ....session import UserTask
from ...keys import binding
from .base import KeyLabel, PauseView, prompt


class AnswerInput(Input):
    """A text or number answer; Enter sends."""

    BINDINGS = [binding("composer.send", action="submit", show=False, priority=False)]

    def __init__(self, task: UserTask, value: str, send_keys: str) -> None:
        kind = "a number" if task.kind == TaskKind.NUMBER else "your answer"
        super().__init__(
            value=value, placeholder=f"Type {kind}, {send_keys} sends", classes="task-control"
        )
        self.user_task = task


class AnswerView(PauseView):
    def __init__(self, task: UserTask, value: str, label: KeyLabel) -> None:
        control = AnswerInput(task, value, label("composer.send"))
        super().__init__([prompt(task), control], control)

"""A task this console cannot answer: dashboard-only, or of a kind it does not know."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ....session import UserTask
from ...sanitize import one_line, plain
from .base import PauseView, prompt

DASHBOARD_ONLY = (
    "This task can only be completed in the Phrony dashboard; nothing is sent from here."
)


class UnanswerableView(PauseView):
    def __init__(self, task: UserTask) -> None:
        if not task.api_completable:
            note = Static(Text(DASHBOARD_ONLY), classes="task-control dashboard-only")
        else:
            kind = one_line(task.kind, 40)
            note = Static(
                plain(f"Unknown task kind {kind!r}: answer it in the Phrony dashboard."),
                classes="task-control",
            )
        super().__init__([prompt(task), note], None)

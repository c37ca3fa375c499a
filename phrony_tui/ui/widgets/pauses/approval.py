"""An approval: the held tool call, a comment, and a decision (approve or reject)."""

from __future__ import annotations

from rich.text import Text
from textual.actions import SkipAction
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from ....session import UserTask
from ...keys import binding
from ...sanitize import clean, one_line, to_json
from .base import KeyLabel, PauseView, hint


class ToolCard(Static):
    """The held tool call: name, operation and arguments, drawn literally."""

    def __init__(self, task: UserTask) -> None:
        tool = task.tool
        text = Text()
        if tool is not None:
            text.append(one_line(tool.name or "tool", 60), style="bold")
            if tool.operation_name:
                text.append(" · " + one_line(tool.operation_name, 60), style="bold")
            text.append("\n")
            text.append(to_json(tool.arguments, limit=2000))
        if task.prompt:
            text.append("\n" + clean(task.prompt[:2000]), style="italic")
        super().__init__(text, classes="tool-card")


class ApprovalControl(Vertical, can_focus=True):
    """``a`` approves, ``r`` rejects; each asks for one confirmation unless turned off."""

    BINDINGS = [
        binding("task.approve", action="decide(True)"),
        binding("task.reject", action="decide(False)"),
        # Priority: acted on as the key is read, so the letters typed right after it reach
        # the comment (a plain binding acts only once the key has come back up the tree).
        binding("task.comment", priority=True),
    ]

    class Decided(Message):
        def __init__(self, approved: bool) -> None:
            super().__init__()
            self.approved = approved

    def __init__(self, task: UserTask, comment: str = "") -> None:
        super().__init__(classes="task-control")
        self.user_task = task
        self.comment_input = Input(
            comment, placeholder="Comment (optional, saved with the decision)", id="comment"
        )
        self.parts = [ToolCard(task), self.comment_input]

    def action_decide(self, approved: bool) -> None:
        self.post_message(self.Decided(approved))

    def action_comment(self) -> None:
        if self.app.focused is not self or not self.comment_input.is_attached:
            raise SkipAction()  # typing in the comment: the letter is the comment's
        self.screen.set_focus(self.comment_input)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the comment goes back to the decision keys."""
        event.stop()
        self.focus()


class ApprovalView(PauseView):
    def __init__(self, task: UserTask, comment: str, label: KeyLabel) -> None:
        control = ApprovalControl(task, comment)
        actions = hint(
            label,
            ("task.approve", "approve"),
            ("task.reject", "reject"),
            ("task.comment", "comment"),
        )
        super().__init__([control, Static(actions, classes="hint")], control)
        self.approval = control

    def mount_into(self, parent: Widget) -> None:
        super().mount_into(parent)
        self.approval.mount_all(self.approval.parts)

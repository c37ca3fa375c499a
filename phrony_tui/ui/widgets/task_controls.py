"""The composer's controls, one per kind of pause. Each posts what the person chose; the
composer turns it into a message body."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from ...session import UserTask
from ..sanitize import clean, one_line, plain, to_json


class ReplyArea(TextArea):
    """Multi-line reply: Enter sends, ctrl+j inserts a newline (both remappable)."""

    BINDINGS = [
        # Priority: the text area would otherwise take Enter as a newline.
        Binding("enter", "submit", "Send", id="composer.send", priority=True),
        Binding("ctrl+j", "newline", "Newline", id="composer.newline"),
    ]

    class Submitted(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def action_submit(self) -> None:
        self.post_message(self.Submitted(self.text))

    def action_newline(self) -> None:
        self.insert("\n")


class FileChips(Horizontal):
    """Attached files, each removable (click its ✕, or ctrl+x removes the last)."""

    class Remove(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def show(self, names: list[str], progress: dict[str, str]) -> None:
        self.remove_children()
        chips: list[Static] = [
            Chip(f"{one_line(name, 40)} ✕", index) for index, name in enumerate(names)
        ]
        chips += [
            Static(plain(f"⇡ {one_line(name, 30)} {text}"), classes="chip uploading")
            for name, text in progress.items()
        ]
        if chips:
            self.mount_all(chips)
        self.display = bool(chips)


class Chip(Static):
    def __init__(self, label: str, index: int) -> None:
        super().__init__(plain(label), classes="chip")
        self.index = index

    def on_click(self) -> None:
        self.post_message(FileChips.Remove(self.index))


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
        Binding("a", "decide(True)", "Approve", id="task.approve"),
        Binding("r", "decide(False)", "Reject", id="task.reject"),
        Binding("c", "comment", "Comment", id="task.comment"),
    ]

    class Decided(Message):
        def __init__(self, approved: bool) -> None:
            super().__init__()
            self.approved = approved

    def __init__(self, task: UserTask, comment: str = "") -> None:
        super().__init__(classes="task-control")
        self.user_task = task
        self.draft_comment = comment

    def compose(self) -> ComposeResult:
        yield ToolCard(self.user_task)
        yield Input(
            self.draft_comment,
            placeholder="Comment (optional, saved with the decision)",
            id="comment",
        )

    @property
    def comment(self) -> str:
        return self.query_one("#comment", Input).value.strip()

    def action_decide(self, approved: bool) -> None:
        self.post_message(self.Decided(approved))

    def action_comment(self) -> None:
        self.query_one("#comment", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the comment goes back to the decision keys."""
        event.stop()
        self.focus()


class ConfirmBar(Static, can_focus=True):
    """One confirmation: ``y`` or Enter confirms, ``n`` or Esc cancels."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Confirm", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "Cancel", id="confirm.no"),
    ]

    class Answered(Message):
        def __init__(self, confirmed: bool) -> None:
            super().__init__()
            self.confirmed = confirmed

    def action_answer(self, confirmed: bool) -> None:
        self.post_message(self.Answered(confirmed))


class OptionsControl(OptionList):
    """Options 1-9: a digit or the arrows select, Enter sends."""

    BINDINGS = [
        Binding(str(n), f"pick({n})", show=False, id=f"task.option_{n}") for n in range(1, 10)
    ]

    def __init__(self, task: UserTask) -> None:
        prompts = []
        for index, option in enumerate(task.options):
            text = Text()
            text.append(f"{index + 1}. " if index < 9 else "   ", style="bold")
            text.append(one_line(option.label or option.id, 80))
            if option.description:
                text.append(" — " + one_line(option.description, 120), style="dim")
            prompts.append(Option(text, id=f"option-{index}"))
        super().__init__(*prompts, markup=False, classes="task-control")
        self.user_task = task

    def action_pick(self, number: int) -> None:
        if number <= self.option_count:
            self.highlighted = number - 1


class AnswerInput(Input):
    """A text or number answer; Enter sends."""

    def __init__(self, task: UserTask, value: str = "") -> None:
        kind = "a number" if task.kind == "number" else "your answer"
        super().__init__(
            value=value, placeholder=f"Type {kind}, Enter sends", classes="task-control"
        )
        self.user_task = task


class AckControl(Static, can_focus=True):
    """An informational alert: ``k`` acknowledges it."""

    BINDINGS = [Binding("k,enter", "ack", "Acknowledge", id="task.acknowledge")]

    class Acknowledged(Message):
        pass

    def action_ack(self) -> None:
        self.post_message(self.Acknowledged())

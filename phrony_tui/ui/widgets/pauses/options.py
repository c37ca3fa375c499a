"""A choice among options: a digit or the arrows select, Enter sends."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ....session import UserTask
from ...keys import binding
from ...sanitize import one_line
from .base import KeyLabel, PauseView, hint, prompt


class OptionsControl(OptionList):
    """Options 1-9: a digit or the arrows select, Enter sends."""

    BINDINGS = [
        binding("composer.send", action="select", show=False, priority=False),
        *[binding(f"task.option_{n}", action=f"pick({n})") for n in range(1, 10)],
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


class OptionsView(PauseView):
    def __init__(self, task: UserTask, label: KeyLabel) -> None:
        control = OptionsControl(task)
        keys = f"{label('task.option_1')}-{label('task.option_9')} or ↑↓"
        actions = hint(label, ("composer.send", "sends"))
        text = Text(f"{keys} select · ", style="dim") + actions
        super().__init__([prompt(task), control, Static(text, classes="hint")], control)

    def pick(self, number: int) -> None:
        control = self.control
        if isinstance(control, OptionsControl):
            control.action_pick(number)
            control.focus()

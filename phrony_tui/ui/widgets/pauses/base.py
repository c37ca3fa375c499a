"""What every pause view shares: its parts, its control, and hints that name the bound keys."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static

from ....session import UserTask
from ....session.drafts import DraftKey
from ...sanitize import plain

#: A binding id to the display text of the keys bound to it now ("task.approve" → "a").
KeyLabel = Callable[[str], str]

PROMPT_CHARS = 4000


def hint(label: KeyLabel, *actions: tuple[str, str], sep: str = " · ") -> Text:
    """``a approve · r reject``: each action after the keys bound to it now."""
    return Text(sep.join(f"{label(binding)} {what}" for binding, what in actions), style="dim")


def prompt(task: UserTask) -> Static:
    """The task's question, cut where it would crowd the controls."""
    text = task.prompt or ""
    if len(text) > PROMPT_CHARS:
        text = text[:PROMPT_CHARS] + " … (cut here: the task's step in the timeline has it all)"
    return Static(plain(text, "italic"), classes="prompt")


class PauseView(Vertical):
    """A pause's controls. ``control`` takes focus; ``parts`` are mounted with the view."""

    DEFAULT_CSS = "PauseView { height: auto; }"

    def __init__(self, parts: list[Widget], control: Widget | None) -> None:
        super().__init__(classes="pause-view")
        self.parts = parts
        self.control = control
        #: The pause these controls answer (set by the composer): a message from them goes to
        #: this pause, whatever is selected by the time it is handled.
        self.pause_key: DraftKey | None = None

    def mount_into(self, parent: Widget) -> None:
        """Mount the view and its parts at once (not in a later compose), so that the control
        can take focus before the next key is read."""
        parent.mount(self)
        self.mount_all(self.parts)

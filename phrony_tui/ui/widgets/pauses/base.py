"""What every pause view shares: its parts, its control, and hints that name the bound keys."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static

from ....session import UserTask
from ...sanitize import plain

#: A binding id to the display text of the keys bound to it now ("task.approve" → "a").
KeyLabel = Callable[[str], str]

PROMPT_CHARS = 4000
_SHOWN = {
    "enter": "Enter",
    "escape": "Esc",
    "tab": "Tab",
    "space": "Space",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "question_mark": "?",
    "slash": "/",
}


def key_display(keys: str) -> str:
    """``"y,enter"`` → ``"y/Enter"``: how a binding's keys read in a hint."""
    return "/".join(_SHOWN.get(key.strip(), key.strip()) for key in keys.split(",") if key.strip())


def key_labels(
    bindings: Iterable[Binding | tuple[str, ...]], keymap: Mapping[str, str] | None = None
) -> KeyLabel:
    """Labels from the bindings' own keys, with ``keymap`` (binding id → keys) over them."""
    keys: dict[str, str] = {}
    for binding in bindings:
        if isinstance(binding, Binding) and binding.id and binding.id not in keys:
            keys[binding.id] = binding.key
    keys.update(keymap or {})

    def label(binding_id: str) -> str:
        return key_display(keys.get(binding_id, "")) or "(unbound)"

    return label


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

    def mount_into(self, parent: Widget) -> None:
        """Mount the view and its parts at once (not in a later compose), so that the control
        can take focus before the next key is read."""
        parent.mount(self)
        self.mount_all(self.parts)

"""The full step: every field as pretty JSON, scrollable; ``y`` copies it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from ...api.models import TimelineItem
from ..sanitize import plain, to_json


def step_json(item: TimelineItem) -> str:
    """The step as the API sent it (wire names), pretty-printed and sanitized."""
    wire = item.model_dump(by_alias=True, mode="json", exclude={"content"})
    # ``content`` is passed as it came: pydantic's serializer refuses very deep values.
    return to_json({**wire, "content": item.content})


class StepDetail(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q", "dismiss", "Close", id="detail.close"),
        Binding("y", "copy", "Copy JSON", id="detail.copy"),
    ]

    def __init__(self, item: TimelineItem, title: str) -> None:
        super().__init__()
        self.item = item
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="detail"):
            yield Static(plain(self.title_text, "bold"), id="detail-title")
            yield Static(plain("y copies the JSON · Esc closes", "dim"))
            yield TextArea(
                step_json(self.item),
                read_only=True,
                id="detail-json",
                soft_wrap=True,
                show_line_numbers=True,
            )

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(step_json(self.item))
        self.notify("Step JSON copied to the clipboard", markup=False)

"""The full step: every field as pretty JSON, scrollable; ``y`` copies it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Log, Static, TextArea

from ...api.models import TimelineItem
from ..clipboard import exact_step_json
from ..keys import binding, labels_of
from ..sanitize import plain, to_json
from .prompts import copy_or_offer_file

#: Above this, the JSON is shown in a plain line viewer: a text area takes seconds to load
#: megabytes and tens of seconds to move to the end of a long line.
BIG_DETAIL = 256 * 1024
#: Lines of a big step are broken for display at this many characters.
LINE_CHUNK = 2000


def display_lines(text: str, width: int = LINE_CHUNK) -> list[str]:
    """``text``'s lines, each longer one broken into pieces of ``width`` characters."""
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
        else:
            out += [line[i : i + width] for i in range(0, len(line), width)]
    return out


def step_json(item: TimelineItem) -> str:
    """The step as the API sent it (wire names), pretty-printed and sanitized."""
    wire = item.model_dump(by_alias=True, mode="json", exclude={"content"})
    # ``content`` is passed as it came: pydantic's serializer refuses very deep values.
    return to_json({**wire, "content": item.content})


class StepDetail(ModalScreen[None]):
    BINDINGS = [
        binding("detail.close"),
        binding("detail.copy"),
    ]

    def __init__(self, item: TimelineItem, title: str) -> None:
        super().__init__()
        self.item = item
        self.title_text = title

    def compose(self) -> ComposeResult:
        text = step_json(self.item)
        big = len(text) > BIG_DETAIL
        keys = labels_of(self.app)
        hint = f"{keys('detail.copy')} copies the JSON · {keys('detail.close')} closes"
        if big:
            hint = (
                f"{len(text) / 1_048_576:.1f} MB: lines are broken every {LINE_CHUNK:,} "
                f"characters for display; {hint} (the copy is exact)"
            )
        with Vertical(id="detail"):
            yield Static(plain(self.title_text, "bold"), id="detail-title")
            yield Static(plain(hint, "dim"))
            if big:
                log = Log(id="detail-json", auto_scroll=False, highlight=False)
                log.can_focus = True
                self.call_after_refresh(log.write_lines, display_lines(text))
                yield log
            else:
                yield TextArea(
                    text,
                    read_only=True,
                    id="detail-json",
                    soft_wrap=True,
                    show_line_numbers=True,
                )

    def action_copy(self) -> None:
        copy_or_offer_file(self.app, exact_step_json(self.item), int(self.item.ordinal))

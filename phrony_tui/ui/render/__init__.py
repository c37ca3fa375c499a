"""One renderer per step type, built on the step's typed content (``TimelineItem.typed_content``);
a type nobody knows, or a content that does not fit its type, is shown as JSON.

- ``badge(type)``: the padded label and the tone names of the type's badge.
- ``summary(item, palette)``: the one-line summary of a row.
- ``body(item)``: what an expanded row shows (Markdown for reasoning, JSON otherwise).
"""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from rich.style import Style
from rich.text import Text

from ...api.models import TimelineItem
from ..palette import Palette
from ..sanitize import one_line
from . import flow, model, people, tools
from .base import Renderer, json_body, json_line

RENDERERS: dict[str, Renderer[Any]] = {
    **model.RENDERERS,
    **tools.RENDERERS,
    **people.RENDERERS,
    **flow.RENDERERS,
}
BADGE_WIDTH = 7
_ERRORS_IN_SUMMARY = frozenset(("toolresult",))

__all__ = ["BADGE_WIDTH", "RENDERERS", "Renderer", "badge", "badge_style", "body", "summary"]


def badge(item_type: str) -> tuple[str, str]:
    """The label, padded to ``BADGE_WIDTH``, and the palette tones (space separated)."""
    renderer = RENDERERS.get(item_type.lower())
    if renderer is None:
        return f"{one_line(item_type, BADGE_WIDTH).upper():<{BADGE_WIDTH}}", "muted"
    return f"{renderer.label:<{BADGE_WIDTH}}", renderer.tone


def badge_style(tone: str, palette: Palette) -> Style:
    return Style.combine(palette.tone(name) for name in tone.split())


def summary(item: TimelineItem, palette: Palette) -> Text:
    """The one-line summary of a step; an error the step carries follows it."""
    kind = item.type.lower()
    renderer = RENDERERS.get(kind)
    text: Text | None = None
    if renderer is not None:
        content = item.typed_content()
        if content is not None:
            text = renderer.line(content, palette)
    if text is None:
        text = Text(json_line(item.content), style=palette.muted)
    if item.error and kind not in _ERRORS_IN_SUMMARY:
        text.append("  ✖ " + one_line(item.error, 120), style=palette.error)
    return text


def body(item: TimelineItem) -> RenderableType:
    renderer = RENDERERS.get(item.type.lower())
    if renderer is None:
        return json_body(item)
    return renderer.expanded(item, item.typed_content())

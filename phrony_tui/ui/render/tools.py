"""Tool calls and their results."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from ...api.models import ItemType, ToolCallContent, ToolResultContent
from ..palette import Palette
from ..sanitize import one_line
from .base import Renderer, json_line


def _call(content: ToolCallContent, palette: Palette) -> Text:
    text = Text()
    name = one_line(content.name or "tool", 40)
    op = content.operation_name
    text.append(name + (f" · {one_line(op, 40)}" if op else ""), style=palette.strong)
    text.append(" " + json_line(content.arguments))
    return text


def _result(content: ToolResultContent, palette: Palette) -> Text:
    text = Text()
    result = content.result
    if result is not None and result.successful is False:
        text.append("✖ failed ", style=palette.error)
        text.append(json_line(result.error))
    else:
        text.append("✔ ", style=palette.success)
        text.append(json_line(result.data if result is not None else None))
    return text


RENDERERS: dict[str, Renderer[Any]] = {
    ItemType.TOOL_CALL.lower(): Renderer(ToolCallContent, "TOOL", "accent", _call),
    ItemType.TOOL_RESULT.lower(): Renderer(ToolResultContent, "RESULT", "accent", _result),
}

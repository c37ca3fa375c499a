"""Steps of the model itself: the request prepared, its reasoning, its output."""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from rich.text import Text

from ...api.models import (
    ItemType,
    LLMRequestContent,
    OutputContent,
    ReasoningContent,
    TimelineItem,
)
from ..format import LiteralHTMLMarkdown
from ..palette import Palette
from ..sanitize import clean, one_line
from .base import EXPANDED_CHARS, Renderer, json_body, json_line


def _llm(content: LLMRequestContent, palette: Palette) -> Text:
    return Text("model " + one_line(content.model or "?", 60), style=palette.muted)


def _reasoning(content: ReasoningContent, palette: Palette) -> Text:
    return Text(one_line(content.message or content.preview or ""))


def _reasoning_body(item: TimelineItem, content: ReasoningContent) -> RenderableType:
    if not content.message:
        return json_body(item)
    return LiteralHTMLMarkdown(clean(content.message[:EXPANDED_CHARS]), hyperlinks=False)


def _output(content: OutputContent, palette: Palette) -> Text:
    value = (content.model_extra or {}).get("output")
    return Text(one_line(value) if isinstance(value, str) else json_line(value))


RENDERERS: dict[str, Renderer[Any]] = {
    ItemType.LLM_REQUEST_PREPARED.lower(): Renderer(LLMRequestContent, "LLM", "muted", _llm),
    ItemType.REASONING.lower(): Renderer(
        ReasoningContent, "THINK", "secondary", _reasoning, _reasoning_body
    ),
    ItemType.OUTPUT.lower(): Renderer(OutputContent, "OUTPUT", "success", _output),
}

"""What a step renderer is: a badge, a one-line summary from the step's typed content, and
what the row shows when expanded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from rich.console import RenderableType
from rich.text import Text

from ...api.models import SnakeModel, TimelineItem
from ..palette import Palette
from ..sanitize import one_line, to_json

#: An expanded row shows at most this much of a step (Enter opens the rest).
EXPANDED_CHARS = 20_000

C = TypeVar("C", bound=SnakeModel)


def json_line(value: Any, limit: int = 400) -> str:
    """A value as one line of JSON, cut to ``limit`` characters."""
    return one_line(to_json(value, indent=None, limit=limit))


def json_body(item: TimelineItem) -> RenderableType:
    return Text(to_json(item.content, limit=EXPANDED_CHARS))


@dataclass(frozen=True)
class Renderer(Generic[C]):
    """How one step type looks. ``summary`` gets the content as its model (``model``)."""

    model: type[C]
    label: str
    tone: str
    summary: Callable[[C, Palette], Text]
    body: Callable[[TimelineItem, C], RenderableType] | None = None

    def line(self, content: SnakeModel, palette: Palette) -> Text | None:
        if not isinstance(content, self.model):
            return None
        return self.summary(content, palette)

    def expanded(self, item: TimelineItem, content: SnakeModel | None) -> RenderableType:
        if self.body is not None and isinstance(content, self.model):
            return self.body(item, content)
        return json_body(item)

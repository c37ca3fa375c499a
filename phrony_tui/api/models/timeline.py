"""One row of the merged timeline, and its ``content`` read as the typed model of its type."""

from __future__ import annotations

import copy

from pydantic import ValidationError

from ..numbers import OptionalTokenCount, Position
from ..tolerant import validate_tolerant
from .base import JSON, SnakeModel, WireModel
from .content import CONTENT_MODELS
from .kinds import same_type


class TimelineItem(WireModel):
    """One row of the merged timeline. Identity is ``id``; order is ``ordinal``."""

    id: str
    run_id: str
    sequence: Position = 0
    ordinal: Position = 0
    type: str = ""
    content: JSON = None
    tokens_used: OptionalTokenCount = None
    error: str | None = None
    started_at: str | None = None
    finished_at: str | None = None

    def is_type(self, known: str) -> bool:
        return same_type(self.type, known)

    def typed_content(self) -> SnakeModel | None:
        """``content`` as its known model (``ReasoningContent``, ``ToolCallContent``…), wrong
        types coerced where they can be; None for an unknown type or a content that is not
        an object. Unknown keys are kept as extras."""
        model = CONTENT_MODELS.get(self.type.lower())
        if model is None or not isinstance(self.content, dict):
            return None
        try:
            return model.model_validate(self.content)  # the common case: nothing to repair
        except ValidationError:
            pass
        except RecursionError:
            return None
        try:  # repairs edit the data in place: on a copy, never on the step itself
            return validate_tolerant(model, copy.deepcopy(self.content))
        except (ValueError, RecursionError):
            return None

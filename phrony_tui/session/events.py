"""Where server data enters the reducer: an event's ``data`` becomes its typed model here, or
is refused as malformed. Past this point the reducer trusts what it holds, so an exception
raised there is a bug in the console and is left to propagate, not turned into a reconcile."""

from __future__ import annotations

from pydantic import ValidationError

from ..api.compact import parse_model
from ..api.models import (
    AitlEventData,
    EventKind,
    RunSummary,
    SessionEventData,
    StepEvent,
    StreamEvent,
    SubagentSpawnedData,
    TimelineItem,
    UserTaskEventData,
)
from ..api.tolerant import validate_tolerant

EventData = (
    TimelineItem
    | RunSummary
    | SubagentSpawnedData
    | SessionEventData
    | UserTaskEventData
    | AitlEventData
)


class MalformedEventError(Exception):
    """The server sent data that does not fit the event's kind, even read tolerantly."""


def read_event(event: StreamEvent) -> EventData | None:
    """The typed data of ``event``; None for a kind this console does not know.

    Raises ``MalformedEventError`` when the data cannot be read as its kind (a missing id, a
    wrong shape, a nesting too deep to validate). A step kept as its JSON is read from it."""
    model: type[EventData]
    if event.kind == EventKind.STEP:
        model = TimelineItem
    elif event.kind == EventKind.RUN:
        spawned = event.subject.endswith("subagent.spawned")
        model = SubagentSpawnedData if spawned else RunSummary
    elif event.kind == EventKind.SESSION:
        model = SessionEventData
    elif event.kind == EventKind.USER_TASK:
        model = UserTaskEventData
    elif event.kind == EventKind.AITL:
        model = AitlEventData
    else:
        return None
    try:
        if isinstance(event, StepEvent):
            return parse_model(TimelineItem, event.raw_data)
        return validate_tolerant(model, event.data)
    except (ValidationError, ValueError, RecursionError) as exc:
        raise MalformedEventError(f"{event.kind} event: {type(exc).__name__}") from None

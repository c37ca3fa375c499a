"""Stream events and the ``data`` of each event kind. A step keeps the JSON it arrived in."""

from __future__ import annotations

from typing import Any

import msgspec
from pydantic import Field

from ..deep_json import loads as json_loads
from ..deep_json import loads_deep
from ..numbers import Depth, OptionalTokenCount
from .base import JSON, WireModel
from .content import HeldToolCall, TaskOption
from .kinds import EventKind
from .statuses import TaskStatus


class StreamEvent(WireModel):
    """One SSE event: ``{ts, kind, subject, data}``. ``id`` is the SSE ``id:`` line, if any."""

    ts: str | None = None
    kind: str = ""
    subject: str = ""
    data: dict[str, Any] = Field(default_factory=dict)
    event_id: str | None = Field(default=None, exclude=True)

    def payload(self) -> dict[str, Any]:
        """``data``, whichever way the event holds it."""
        return self.data

    @classmethod
    def from_json(cls, text: str | bytes, event_id: str | None = None) -> StreamEvent:
        """The event in ``text`` (its SSE ``id``: ``event_id``); raises ``ValidationError`` as
        ``model_validate_json``. A step comes back as a ``StepEvent``, its ``data`` kept as
        JSON."""
        raw = text.encode() if isinstance(text, str) else text
        try:
            step = _STEP_ENVELOPE.decode(raw)
        except (msgspec.DecodeError, RecursionError):
            step = None
        if step is not None and step.kind == EventKind.STEP:
            data = bytes(step.data)
            if data.startswith(b"{"):
                return StepEvent.model_validate(
                    {
                        "ts": step.ts,
                        "kind": step.kind,
                        "subject": step.subject,
                        "raw_data": data,
                        "event_id": event_id,
                    }
                )
        event = cls.model_validate_json(raw)
        event.event_id = event_id
        return event


class StepEvent(StreamEvent):
    """A step event whose ``data`` is kept as the JSON it arrived in, and ``data`` left empty:
    the session holds a step as those bytes (and a bounded cache of models), so it is not held
    as a dict of dicts as well, nor serialized again. Unknown keys beside ``data`` are not
    kept. Only ``from_json`` builds one; the server's keys never reach ``raw_data``."""

    raw_data: bytes = Field(exclude=True, repr=False)

    def payload(self) -> dict[str, Any]:
        try:
            value = json_loads(self.raw_data)
        except RecursionError:
            value = loads_deep(self.raw_data)
        return value if isinstance(value, dict) else {}


class _StepEnvelope(msgspec.Struct):
    kind: str = ""
    ts: str | None = None
    subject: str = ""
    data: msgspec.Raw = msgspec.Raw(b"")


_STEP_ENVELOPE = msgspec.json.Decoder(_StepEnvelope)


class SessionEventData(WireModel):
    session_id: str | None = None
    status: str = ""
    total_tokens_used: OptionalTokenCount = None
    output: JSON = None
    error: str | None = None


class SubagentSpawnedData(WireModel):
    parent_run_id: str | None = None
    run_id: str
    agent_name: str | None = None
    depth: Depth = 0


class UserTaskEventData(WireModel):
    user_task_id: str
    run_id: str | None = None
    kind: str = ""
    status: str = TaskStatus.PENDING
    title: str | None = None
    prompt: str | None = None
    options: list[TaskOption] | None = None
    tool: HeldToolCall | None = None
    api_completable: bool = True


class AitlEventData(WireModel):
    run_id: str | None = None
    parent_run_id: str | None = None
    request_id: str | None = None
    question: str | None = None
    answer: str | None = None

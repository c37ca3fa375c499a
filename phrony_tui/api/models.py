"""Pydantic models for every object of the Phrony public Runs API.

Every model keeps unknown fields (``extra="allow"``) and statuses, kinds and item types are
plain strings: the real service may add fields and values the simulator never sends, and a new
field must never crash the client. Wire names are camelCase; Python names are snake_case.
"""

from __future__ import annotations

import copy
from enum import StrEnum
from typing import Any, Literal

import msgspec
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from .deep_json import loads as json_loads
from .deep_json import loads_deep
from .numbers import (
    Depth,
    OptionalDepth,
    OptionalTokenCount,
    Position,
    TokenCount,
)
from .tolerant import validate_tolerant

JSON = Any


class WireModel(BaseModel):
    """Base for API objects: camelCase on the wire, tolerant of unknown keys."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        alias_generator=to_camel,
        protected_namespaces=(),
        allow_inf_nan=False,
    )

    def to_wire(self) -> dict[str, Any]:
        """The JSON body for this object, with unset optional fields left out."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


class SnakeModel(BaseModel):
    """Base for step ``content`` objects, whose keys are snake_case on the wire."""

    model_config = ConfigDict(
        extra="allow", populate_by_name=True, protected_namespaces=(), allow_inf_nan=False
    )


class Status(StrEnum):
    """Run and session statuses the simulator uses (API.md 10.2). The wire may carry others."""

    RUNNING = "Running"
    WAITING_FOR_RESPONSE = "WaitingForResponse"
    WAITING_FOR_HITL = "WaitingForHITL"
    WAITING_FOR_AITL = "WaitingForAITL"
    WAITING_FOR_TIMER = "WaitingForTimer"
    COMPLETED = "Completed"
    FAILED = "Failed"
    CANCELLED = "Cancelled"


TERMINAL_STATUSES = frozenset({Status.COMPLETED, Status.FAILED, Status.CANCELLED})


def is_waiting(status: str | None) -> bool:
    """Any ``Waiting*`` status, known or not, means the run waits for something."""
    return bool(status) and str(status).startswith("Waiting")


def is_terminal(status: str | None) -> bool:
    return status in TERMINAL_STATUSES


class TaskStatus(StrEnum):
    PENDING = "Pending"
    COMPLETED = "Completed"
    CANCELLED = "Cancelled"


class TaskKind(StrEnum):
    """User task kinds (API.md section 8). Unknown kinds are kept as plain strings."""

    APPROVAL = "approval"
    HITL = "hitl"
    MULTI_OPTION = "multi_option"
    TEXT = "text"
    NUMBER = "number"
    AITL_ESCALATION = "aitl_escalation"
    ANOMALY_REVIEW = "anomaly_review"
    ANOMALY_ALERT = "anomaly_alert"


class ItemType(StrEnum):
    """Timeline item types the simulator emits (API.md 10.3). Compare case-insensitively."""

    LLM_REQUEST_PREPARED = "llm_request_prepared"
    REASONING = "reasoning"
    TOOL_CALL = "ToolCall"
    TOOL_RESULT = "ToolResult"
    OUTPUT = "output"
    USER_TASK_REQ = "UserTaskReq"
    USER_MESSAGE = "UserMessage"
    SUB_AGENT_CALL = "SubAgentCall"
    SUB_AGENT_RESULT = "SubAgentResult"
    AITL_REQUEST = "AitlRequest"
    AITL_RESPONSE = "AitlResponse"
    WAIT = "Wait"
    RUN_COMPLETED = "RunCompleted"
    SESSION_COMPLETED = "SessionCompleted"


def same_type(wire_type: str | None, known: str) -> bool:
    """Item types are compared case-insensitively (``Reasoning`` and ``reasoning`` are one)."""
    return (wire_type or "").lower() == known.lower()


COMPLETION_TYPES = frozenset({ItemType.RUN_COMPLETED.lower(), ItemType.SESSION_COMPLETED.lower()})
HEADER_KEYS = ("session_id", "run_id", "tenant_id", "agent_id", "agent_version_id", "event_id")


class StartContext(WireModel):
    version: JSON = None
    user_input: JSON = None
    llm_model: str | None = None
    instructions: str | None = None
    temperature: int | float | None = None
    top_p: int | float | None = None
    top_k: int | float | None = None
    max_depth: int | None = None
    can_execute_sub_agents: bool | None = None
    sub_agent_execution_model: str | None = None
    agent_execution_mode: str | None = None
    root_agent_execution_mode: str | None = None


class Session(WireModel):
    id: str
    tenant_id: str | None = None
    agent_id: str | None = None
    agent_version_id: str | None = None
    llm_model: str | None = None
    trigger_type: str | None = None
    triggered_by: str | None = None
    trigger_id: str | None = None
    trigger_name: str | None = None
    status: str = ""
    total_tokens_used: TokenCount = 0
    output: JSON = None
    error: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    input: JSON = None
    start_context: StartContext | None = None


class SessionListItem(Session):
    root_run_id: str | None = None
    run_count: int = 0
    entry_run_id: str | None = None


class SessionList(WireModel):
    items: list[SessionListItem] = Field(default_factory=list)
    total: int = 0


class RunSummary(WireModel):
    """One run of a session (the root or a sub-agent), as in ``conversation.runs[]``."""

    id: str
    session_id: str | None = None
    agent_id: str | None = None
    agent_version_id: str | None = None
    parent_run_id: str | None = None
    depth: Depth = 0
    status: str = ""
    total_tokens_used: TokenCount = 0
    output: JSON = None
    error: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    trigger_type: str | None = None
    triggered_by: str | None = None
    trigger_id: str | None = None
    trigger_name: str | None = None
    input: JSON = None
    llm_model: str | None = None
    agent_name: str | None = None
    version_label: str | None = None


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
            return validate_tolerant(model, copy.deepcopy(self.content))
        except (ValueError, RecursionError):
            return None


class Conversation(WireModel):
    session: Session
    runs: list[RunSummary] = Field(default_factory=list)
    items: list[TimelineItem] = Field(default_factory=list)


class RunInfo(WireModel):
    """``GET /v1/runs/{runId}``: the polling view of a run. Never redacted."""

    run_id: str
    status: str = ""
    output: JSON = None
    error: str | None = None
    session_id: str | None = None
    total_tokens_used: OptionalTokenCount = None
    agent_id: str | None = None
    parent_run_id: str | None = None
    depth: OptionalDepth = None


class StartRunResponse(WireModel):
    session_id: str
    run_id: str
    status: str = ""
    total_tokens_used: TokenCount = 0
    output: JSON = None
    error: str | None = None
    agent_id: str | None = None
    trigger_id: str | None = None
    duplicate_delivery: bool | None = None


class Accepted(WireModel):
    """The 202 body of messages/input and skip-agent-wait."""

    status: str = ""
    error: str | None = None


class FileRef(WireModel):
    """A file attached to a message: referenced by ``objectKey`` (API.md section 7)."""

    phrony_file: Literal[True] = True
    object_key: str
    filename: str | None = None
    media_type: str | None = None


class InputFileRef(WireModel):
    """A file in a run's ``input``: referenced by the leaf ``filename`` (API.md 3.1)."""

    phrony_file: Literal[True] = True
    filename: str
    media_type: str


class MessageBody(WireModel):
    """The body of ``POST /v1/runs/{runId}/messages`` (API.md section 7)."""

    run_id: str
    user_task_id: str | None = None
    approved: bool | None = None
    selected_option_id: str | None = None
    text_value: str | None = None
    number_value: int | float | None = None
    metadata: dict[str, Any] | None = None
    text: str | None = None
    message: str | None = None
    files: list[FileRef] | None = None


class PresignResponse(WireModel):
    object_key: str
    upload_url: str
    http_method: str = "PUT"
    required_headers: dict[str, str] = Field(default_factory=dict)
    expires_in_seconds: int | None = None


class FinalizeResponse(WireModel):
    object_key: str
    size_bytes: str = "0"
    already_finalized: bool = False


# --- step content -----------------------------------------------------------------------------


class TaskOption(SnakeModel):
    id: str
    label: str = ""
    description: str | None = None


class HeldToolCall(SnakeModel):
    """The tool call an approval task holds until a person decides."""

    name: str = ""
    operation_name: str | None = None
    arguments: JSON = None


class TaskOutcome(SnakeModel):
    """How a completed task was answered. camelCase keys, as API.md 10.4 gives them."""

    model_config = ConfigDict(
        extra="allow", populate_by_name=True, alias_generator=to_camel, protected_namespaces=()
    )

    approved: bool | None = None
    selected_option_id: str | None = None
    text_value: str | None = None
    number_value: int | float | None = None
    metadata: dict[str, Any] | None = None


class UserTaskContent(SnakeModel):
    """``content`` of a ``UserTaskReq`` row (API.md 10.4)."""

    user_task_id: str
    kind: str = ""
    status: str = TaskStatus.PENDING
    title: str | None = None
    prompt: str | None = None
    options: list[TaskOption] | None = None
    tool: HeldToolCall | None = None
    question_for_user: str | None = None
    api_completable: bool = True
    outcome: TaskOutcome | None = None


class LLMRequestContent(SnakeModel):
    model: str | None = None


class ReasoningContent(SnakeModel):
    message: str = ""
    preview: str | None = None
    tokens_used: OptionalTokenCount = None


class ToolCallContent(SnakeModel):
    name: str = ""
    arguments: JSON = None
    tool_call_id: str | None = None
    operation_name: str | None = None


class ToolResultBody(SnakeModel):
    data: JSON = None
    error: JSON = None
    log_id: str | None = None
    successful: bool | None = None


class ToolResultContent(SnakeModel):
    tool_call_id: str | None = None
    result: ToolResultBody | None = None


class OutputContent(SnakeModel):
    """Where the output value itself sits is open (API.md 4.5): it is kept as an extra."""

    tokens_used: OptionalTokenCount = None
    total_tokens_used: OptionalTokenCount = None


class UserMessageContent(SnakeModel):
    """A conversational turn: the text verbatim and the files, as they were sent."""

    text: str = ""
    files: list[FileRef] = Field(default_factory=list)


class SubAgentCallContent(SnakeModel):
    agent_name: str | None = None
    child_run_id: str | None = None
    arguments: JSON = None


class SubAgentResultContent(SnakeModel):
    child_run_id: str | None = None
    output: JSON = None


class AitlRequestContent(SnakeModel):
    request_id: str | None = None
    question: str = ""


class AitlResponseContent(SnakeModel):
    request_id: str | None = None
    answer: str = ""


class WaitContent(SnakeModel):
    wait_until: str | None = None
    seconds: int | float | None = None


class RunCompletedContent(SnakeModel):
    run_id: str | None = None
    status: str = ""
    output: JSON = None
    error: JSON = None
    total_tokens_used: OptionalTokenCount = None


class SessionCompletedContent(SnakeModel):
    session_id: str | None = None
    status: str = ""
    output: JSON = None
    error: JSON = None
    total_tokens_used: OptionalTokenCount = None


#: The known ``content`` shapes by item type (lower case), API.md 4.5 and 10.3-10.4.
CONTENT_MODELS: dict[str, type[SnakeModel]] = {
    ItemType.LLM_REQUEST_PREPARED.lower(): LLMRequestContent,
    ItemType.REASONING.lower(): ReasoningContent,
    ItemType.TOOL_CALL.lower(): ToolCallContent,
    ItemType.TOOL_RESULT.lower(): ToolResultContent,
    ItemType.OUTPUT.lower(): OutputContent,
    ItemType.USER_TASK_REQ.lower(): UserTaskContent,
    ItemType.USER_MESSAGE.lower(): UserMessageContent,
    ItemType.SUB_AGENT_CALL.lower(): SubAgentCallContent,
    ItemType.SUB_AGENT_RESULT.lower(): SubAgentResultContent,
    ItemType.AITL_REQUEST.lower(): AitlRequestContent,
    ItemType.AITL_RESPONSE.lower(): AitlResponseContent,
    ItemType.WAIT.lower(): WaitContent,
    ItemType.RUN_COMPLETED.lower(): RunCompletedContent,
    ItemType.SESSION_COMPLETED.lower(): SessionCompletedContent,
}


# --- stream -----------------------------------------------------------------------------------


class EventKind(StrEnum):
    STEP = "step"
    SESSION = "session"
    RUN = "run"
    USER_TASK = "user_task"
    AITL = "aitl"


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
    def from_json(cls, text: str | bytes) -> StreamEvent:
        """The event in ``text``; raises ``ValidationError`` as ``model_validate_json``. A step
        comes back as a ``StepEvent``, its ``data`` kept as JSON."""
        raw = text.encode() if isinstance(text, str) else text
        try:
            step = _STEP_ENVELOPE.decode(raw)
        except (msgspec.DecodeError, RecursionError):
            step = None
        if step is None or step.kind != EventKind.STEP:
            return cls.model_validate_json(raw)
        data = bytes(step.data)
        if not data.startswith(b"{"):
            return cls.model_validate_json(raw)
        fields = {"ts": step.ts, "kind": step.kind, "subject": step.subject, "raw_data": data}
        return StepEvent.model_validate(fields)


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

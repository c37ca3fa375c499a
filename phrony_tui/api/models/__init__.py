"""Pydantic models for every object of the Phrony public Runs API.

Every model keeps unknown fields (``extra="allow"``) and statuses, kinds and item types are
plain strings: the real service may add fields and values the simulator never sends, and a new
field must never crash the client. Wire names are camelCase; Python names are snake_case.
"""

from __future__ import annotations

from .base import JSON, SnakeModel, WireModel
from .content import (
    CONTENT_MODELS,
    AitlRequestContent,
    AitlResponseContent,
    HeldToolCall,
    LLMRequestContent,
    OutputContent,
    ReasoningContent,
    RunCompletedContent,
    SessionCompletedContent,
    SubAgentCallContent,
    SubAgentResultContent,
    TaskOption,
    TaskOutcome,
    ToolCallContent,
    ToolResultBody,
    ToolResultContent,
    UserMessageContent,
    UserTaskContent,
    WaitContent,
)
from .events import (
    AitlEventData,
    SessionEventData,
    StepEvent,
    StreamEvent,
    SubagentSpawnedData,
    UserTaskEventData,
)
from .files import FileRef, FinalizeResponse, InputFileRef, PresignResponse
from .kinds import COMPLETION_TYPES, HEADER_KEYS, EventKind, ItemType, TaskKind, same_type
from .messages import Accepted, MessageBody
from .sessions import (
    Conversation,
    RunInfo,
    RunSummary,
    Session,
    SessionList,
    SessionListItem,
    StartContext,
    StartRunResponse,
)
from .statuses import TERMINAL_STATUSES, Status, TaskStatus, is_terminal, is_waiting
from .timeline import TimelineItem

__all__ = [
    "COMPLETION_TYPES",
    "CONTENT_MODELS",
    "HEADER_KEYS",
    "JSON",
    "TERMINAL_STATUSES",
    "Accepted",
    "AitlEventData",
    "AitlRequestContent",
    "AitlResponseContent",
    "Conversation",
    "EventKind",
    "FileRef",
    "FinalizeResponse",
    "HeldToolCall",
    "InputFileRef",
    "ItemType",
    "LLMRequestContent",
    "MessageBody",
    "OutputContent",
    "PresignResponse",
    "ReasoningContent",
    "RunCompletedContent",
    "RunInfo",
    "RunSummary",
    "Session",
    "SessionCompletedContent",
    "SessionEventData",
    "SessionList",
    "SessionListItem",
    "SnakeModel",
    "StartContext",
    "StartRunResponse",
    "Status",
    "StepEvent",
    "StreamEvent",
    "SubAgentCallContent",
    "SubAgentResultContent",
    "SubagentSpawnedData",
    "TaskKind",
    "TaskOption",
    "TaskOutcome",
    "TaskStatus",
    "TimelineItem",
    "ToolCallContent",
    "ToolResultBody",
    "ToolResultContent",
    "UserMessageContent",
    "UserTaskContent",
    "UserTaskEventData",
    "WaitContent",
    "WireModel",
    "is_terminal",
    "is_waiting",
    "same_type",
]

"""The kinds the wire names: user task kinds, timeline item types, stream event kinds, and the
header keys every step carries. Unknown values stay plain strings."""

from __future__ import annotations

from enum import StrEnum


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


class EventKind(StrEnum):
    STEP = "step"
    SESSION = "session"
    RUN = "run"
    USER_TASK = "user_task"
    AITL = "aitl"

"""The typed ``content`` of each timeline item type (API.md 4.5 and 10.3-10.4). Keys are
snake_case on the wire, except a task's outcome."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field
from pydantic.alias_generators import to_camel

from ..numbers import OptionalTokenCount
from .base import JSON, SnakeModel
from .files import FileRef
from .kinds import ItemType
from .statuses import TaskStatus


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

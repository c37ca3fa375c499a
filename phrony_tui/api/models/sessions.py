"""Sessions, their runs and the conversation that holds both: the shapes of the read routes
and of starting a run."""

from __future__ import annotations

from pydantic import Field

from ..numbers import Depth, OptionalDepth, OptionalTokenCount, TokenCount
from .base import JSON, WireModel
from .timeline import TimelineItem


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

"""What a caller sends to a waiting run, and the 202 it gets back."""

from __future__ import annotations

from typing import Any

from .base import WireModel
from .files import FileRef


class Accepted(WireModel):
    """The 202 body of messages/input and skip-agent-wait."""

    status: str = ""
    error: str | None = None


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

"""Checks of a message body against the run's pause, as API.md sections 7, 8 and 10 decide."""

from __future__ import annotations

import math
from typing import Any

from ..api.models import Status, TaskKind, TaskStatus
from .records import Run
from .tasks import Task
from .world import World

ANSWER_FIELDS = ("approved", "selectedOptionId", "textValue", "numberValue")
FIELD_FOR_KIND: dict[str, str | None] = {
    TaskKind.APPROVAL: "approved",
    TaskKind.HITL: "approved",
    TaskKind.ANOMALY_REVIEW: "approved",
    TaskKind.MULTI_OPTION: "selectedOptionId",
    TaskKind.TEXT: "textValue",
    TaskKind.AITL_ESCALATION: "textValue",
    TaskKind.NUMBER: "numberValue",
    TaskKind.ANOMALY_ALERT: None,
}


class Refusal(Exception):
    """A request the simulator refuses: HTTP status, snake_case code and a human message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _text(body: dict[str, Any]) -> str:
    for name in ("text", "message"):
        value = body.get(name)
        if value is not None and not isinstance(value, str):
            raise Refusal(400, "invalid_field", f"{name} must be a string")
    return str(body.get("text") or body.get("message") or "")


def check_files(world: World, body: dict[str, Any]) -> list[dict[str, Any]]:
    files = body.get("files")
    if files is None:
        return []
    if not isinstance(files, list):
        raise Refusal(400, "invalid_field", "files must be an array")
    out = []
    for i, entry in enumerate(files):
        if not isinstance(entry, dict) or entry.get("phronyFile") is not True:
            raise Refusal(400, "invalid_file", f"files[{i}] needs phronyFile: true")
        key = entry.get("objectKey")
        if not isinstance(key, str) or not key:
            raise Refusal(400, "invalid_file", f"files[{i}] needs a string objectKey")
        stored = world.files.get(key)
        if stored is None:
            raise Refusal(404, "file_not_found", f"files[{i}]: no file with objectKey {key}")
        if not stored.finalized:
            raise Refusal(400, "file_not_finalized", f"files[{i}]: {key} was never finalized")
        out.append(
            {
                "phronyFile": True,
                "objectKey": key,
                "filename": entry.get("filename") or stored.filename,
                "mediaType": entry.get("mediaType") or stored.media_type,
            }
        )
    return out


def check_input_files(world: World, value: Any) -> None:
    """Resolve every ``{"phronyFile": true, "filename", "mediaType"}`` in a start-run ``input``
    (at any depth) to a finalized file of the workspace, as Phrony does before a run starts.
    ``filename`` is the leaf of the file's ``objectKey``; uploads need not be allowed."""
    stack: list[tuple[str, Any]] = [("input", value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, list):
            stack.extend((f"{path}[{i}]", child) for i, child in enumerate(node))
            continue
        if not isinstance(node, dict):
            continue
        if "phronyFile" not in node:
            stack.extend((f"{path}.{key}", child) for key, child in node.items())
            continue
        leaf, media = node.get("filename"), node.get("mediaType")
        if node["phronyFile"] is not True or not isinstance(leaf, str) or not leaf:
            raise Refusal(
                400, "invalid_file", f"{path} needs phronyFile: true and a string filename"
            )
        if not isinstance(media, str) or not media:
            raise Refusal(400, "invalid_file", f"{path} needs a string mediaType")
        stored = world.files.get(world.leaves.get(leaf, ""))
        if stored is None:
            hint = ""
            if any(f.filename == leaf for f in world.files.values()):
                hint = " (give the last part of the file's objectKey, not its original name)"
            raise Refusal(400, "file_not_found", f"{path}: no file {leaf!r} in the workspace{hint}")
        if not stored.finalized:
            raise Refusal(400, "file_not_finalized", f"{path}: {leaf} was never finalized")


def check_answer(task: Task, run: Run, body: dict[str, Any]) -> dict[str, Any]:
    """The outcome to record for a task completion, or a ``Refusal``."""
    if task.run_id != run.id:
        raise Refusal(
            409, "wrong_run", f"user task {task.id} belongs to run {task.run_id}; post it there"
        )
    if task.status != TaskStatus.PENDING:
        raise Refusal(
            409, "task_not_pending", f"user task {task.id} is no longer pending ({task.status})"
        )
    if not task.api_completable:
        raise Refusal(
            409, "dashboard_only", "this task can only be completed in the Phrony dashboard"
        )
    if _text(body) or body.get("files"):
        raise Refusal(
            400,
            "wrong_answer_field",
            "text and files are for conversational replies, not user tasks",
        )
    wanted = FIELD_FOR_KIND.get(task.kind, "approved")
    for name in ANSWER_FIELDS:
        if name != wanted and body.get(name) is not None:
            raise Refusal(
                400,
                "wrong_answer_field",
                f"a {task.kind} task is answered with {wanted or 'userTaskId alone'}, not {name}",
            )
    outcome: dict[str, Any] = {}
    value = body.get(wanted) if wanted else None
    if wanted == "approved":
        if value is not None and not isinstance(value, bool):
            raise Refusal(400, "invalid_field", "approved must be true or false")
        outcome["approved"] = True if value is None else value
    elif wanted == "selectedOptionId":
        ids = [str(o.get("id")) for o in task.options or []]
        if not isinstance(value, str):
            raise Refusal(400, "missing_answer", "selectedOptionId is required for multi_option")
        if value not in ids:
            raise Refusal(
                400, "unknown_option", f"option {value!r} is not offered; options: {', '.join(ids)}"
            )
        outcome["selectedOptionId"] = value
    elif wanted == "textValue":
        if not isinstance(value, str) or not value.strip():
            raise Refusal(400, "missing_answer", f"textValue is required for {task.kind}")
        outcome["textValue"] = value
    elif wanted == "numberValue":
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise Refusal(400, "missing_answer", "numberValue must be a finite number")
        outcome["numberValue"] = value
    metadata = body.get("metadata")
    if metadata is not None:
        outcome["metadata"] = metadata
    return outcome


def check_message(body: Any, run_id: str) -> dict[str, Any]:
    """Shape checks that do not depend on the run's state."""
    if not isinstance(body, dict):
        raise Refusal(400, "invalid_body", "the body must be a JSON object")
    if "runId" not in body:
        raise Refusal(400, "missing_run_id", "runId is required and must equal the path's runId")
    if body.get("runId") != run_id:
        raise Refusal(400, "run_id_mismatch", "runId in the body differs from the path's runId")
    if body.get("skipAgentWait") is not None:
        raise Refusal(
            400,
            "skip_agent_wait_not_allowed",
            "skipAgentWait is for the dashboard; call POST /v1/runs/{runId}/skip-agent-wait",
        )
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise Refusal(400, "invalid_field", "metadata must be an object")
    task_id = body.get("userTaskId")
    if task_id is not None and not isinstance(task_id, str):
        raise Refusal(400, "invalid_field", "userTaskId must be a string")
    if not task_id and any(body.get(name) is not None for name in ANSWER_FIELDS):
        raise Refusal(400, "missing_user_task_id", "answer fields need the userTaskId they answer")
    if not task_id and not _text(body) and not body.get("files"):
        raise Refusal(
            400,
            "empty_message",
            "send a userTaskId, a non-empty text or message, or at least one file",
        )
    return body


def check_reply(run: Run) -> None:
    if run.status != Status.WAITING_FOR_RESPONSE:
        raise Refusal(
            409,
            "not_waiting_for_response",
            f"run {run.id} is {run.status}, not waiting for a text reply",
        )

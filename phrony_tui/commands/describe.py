"""Tasks, runs and steps as a command prints them: a JSON object with the server's values, or
short plain lines with every piece of server text made inert (``one_line``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..api.models import HEADER_KEYS

if TYPE_CHECKING:
    from ..api.models import TimelineItem
    from ..session import SessionState, UserTask


def _one(text: Any, limit: int = 300) -> str:
    from ..text import one_line

    return one_line(text if isinstance(text, str) else compact_json(text), limit)


def compact_json(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    except (ValueError, RecursionError):
        return "(not displayable as JSON)"


def task_json(task: UserTask) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": task.id,
        "runId": task.run_id,
        "kind": task.kind,
        "status": task.status,
        "title": task.title,
        "prompt": task.prompt,
        "options": [o.model_dump(exclude_none=True) for o in task.options],
        "tool": task.tool.model_dump(by_alias=True, exclude_none=True) if task.tool else None,
        "apiCompletable": task.api_completable,
    }
    if task.outcome is not None:
        body["outcome"] = task.outcome.model_dump(by_alias=True, exclude_none=True)
    return body


def task_line(task: UserTask) -> str:
    """``ID  kind  run 1a2b3c4d  title``: enough to pick one by its id."""
    title = _one(task.title or task.prompt or "", 120)
    return f"{_one(task.id, 80)}  {_one(task.kind, 30)}  run {_one(task.run_id, 80)}  {title}"


def task_lines(task: UserTask) -> list[str]:
    lines = [task_line(task)]
    if task.prompt:
        lines.append(f"  prompt: {_one(task.prompt, 2000)}")
    for number, option in enumerate(task.options, 1):
        extra = f" — {_one(option.description, 200)}" if option.description else ""
        lines.append(f"  option {number}: {_one(option.id, 80)} ({_one(option.label, 120)}){extra}")
    if task.tool is not None:
        name = task.tool.name + (
            f" · {task.tool.operation_name}" if task.tool.operation_name else ""
        )
        lines.append(f"  tool: {_one(name, 120)}")
        lines.append(f"  arguments: {_one(task.tool.arguments, 2000)}")
    if not task.api_completable:
        lines.append("  (can only be completed in the Phrony dashboard)")
    return lines


#: What a redacted session's steps say of it (API.md 4.7).
HIDDEN = "the timeline of this session is hidden from API clients; only its completions show"


def awaited(state: SessionState) -> list[str]:
    """What the session's runs wait for that no task stands for, and the command that gives
    it: ``tasks`` and ``watch`` would otherwise say nothing about a chat reply."""
    return [line for _, line in awaited_by_run(state)]


def awaited_by_run(state: SessionState) -> list[tuple[str, str]]:
    """``awaited``, each line with the id of the run that waits."""
    lines = []
    for run in state.runs_by_depth():
        run_id = _one(run.id, 80)
        if run.status == "WaitingForResponse":
            line = f"a chat reply to run {run_id}; answer with phrony-tui reply {run_id} TEXT"
        elif run.status == "WaitingForTimer":
            line = f"a timer on run {run_id}; end it now with phrony-tui skip-wait {run_id}"
        else:
            continue
        lines.append((run.id, line))
    return lines


def step_summary(item: TimelineItem) -> str:
    """What one step did, in a line: the text, the tool and its arguments, the answer."""
    content = item.content
    if not isinstance(content, dict):
        return _one(content if content is not None else "", 200)
    kind = item.type.lower()
    if kind == "reasoning":
        return _one(content.get("message") or content.get("preview") or "", 200)
    if kind == "toolcall":
        name = str(content.get("name", ""))
        if content.get("operation_name"):
            name += f" · {content['operation_name']}"
        return _one(f"{name} {compact_json(content.get('arguments'))}", 200)
    if kind == "toolresult":
        result = content.get("result")
        if isinstance(result, dict):
            ok = "error" if result.get("successful") is False or result.get("error") else "ok"
            data = result.get("error") if ok == "error" else result.get("data")
            return _one(f"{ok} {compact_json(data)}", 200)
        return _one(result, 200)
    if kind == "usertaskreq":
        status = _answered(content) or content.get("status", "Pending")
        title = content.get("title") or content.get("prompt") or content.get("kind", "")
        return _one(f"{content.get('kind', '')} {status}: {title}", 200)
    if kind == "usermessage":
        files = content.get("files") or []
        suffix = f" (+{len(files)} file{'s' * (len(files) != 1)})" if files else ""
        return _one(f"{content.get('text', '')}{suffix}", 200)
    if kind == "subagentcall":
        return _one(f"{content.get('agent_name', '')} → {content.get('child_run_id', '')}", 200)
    if kind in ("runcompleted", "sessioncompleted"):
        detail = content.get("error") or content.get("output")
        return _one(f"{content.get('status', '')} {compact_json(detail)}", 200)
    if kind == "aitlrequest":
        return _one(content.get("question", ""), 200)
    if kind == "aitlresponse":
        return _one(content.get("answer", ""), 200)
    if kind == "wait":
        return _one(f"until {content.get('wait_until', '')}", 200)
    if kind == "output" and "output" in content:
        return _one(content["output"], 200)
    if kind == "llm_request_prepared" and content.get("model"):
        return _one(str(content["model"]), 200)
    return _one(_own(content), 200)


def _answered(content: dict[str, Any]) -> str:
    """A completed task's outcome ("rejected", "answered sms"), or "" when unknown."""
    from pydantic import ValidationError

    from ..api.models import TaskOutcome
    from ..session.tasks import outcome_text

    outcome = content.get("outcome")
    if content.get("status") != "Completed" or not isinstance(outcome, dict):
        return ""
    try:
        return outcome_text(TaskOutcome.model_validate(outcome))
    except ValidationError:
        return ""


#: Keys the engine puts on every step's content: where it ran, not what it did.
_HEADER = frozenset(
    {*HEADER_KEYS, "sequence", "iteration", "step_kind", "tokens_used", "total_tokens_used"}
)


def _own(content: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in content.items() if k not in _HEADER}

"""A session as Markdown a person can read in a ticket: a header, the runs tree, a heading per
run with its steps in order (tool calls and results as fenced JSON), the tasks with their
outcomes, and the files. Server text is cleaned (``clean``/``one_line``): no control byte, so
printing the file cannot drive a terminal either."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..api.models import TimelineItem
    from ..session import SessionState

_TICKS = re.compile(r"`+")


def _one(value: Any, limit: int = 200) -> str:
    from ..text import one_line

    return one_line(value if isinstance(value, str) else _json(value, None), limit)


def _cell(value: Any, limit: int = 200) -> str:
    return _one(value, limit).replace("|", "\\|")


def _json(value: Any, indent: int | None = 2) -> str:
    from ..text import clean

    separators = (",", ":") if indent is None else None
    try:
        text = json.dumps(
            value, indent=indent, separators=separators, ensure_ascii=False, default=str
        )
    except (ValueError, RecursionError):
        text = "(not displayable as JSON)"
    return clean(text)


def fenced(text: str, lang: str = "json") -> list[str]:
    """A code block whose fence no backtick run inside can close."""
    longest = max((len(m) for m in _TICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{lang}", text, fence, ""]


def quoted(text: str) -> list[str]:
    from ..text import clean

    lines = clean(text).splitlines() or [""]
    return [f"> {line}".rstrip() for line in lines] + [""]


def _time(stamp: str | None) -> str:
    if not stamp:
        return ""
    return stamp[11:19] if len(stamp) >= 19 and stamp[10] in "T " else _one(stamp, 40)


def _header(state: SessionState) -> Iterator[str]:
    session = state.session
    assert session is not None
    root = state.root
    yield f"# Session {_one(session.id, 80)}"
    yield ""
    yield "| | |"
    yield "|---|---|"
    agent = root.agent_name if root and root.agent_name else ""
    rows = [
        ("Agent", f"{agent} ({session.agent_id})" if agent else session.agent_id),
        ("Status", session.status),
        ("Tokens", f"{session.total_tokens_used:g}"),
        ("Started", session.started_at),
        ("Finished", session.finished_at),
        ("Trigger", " · ".join(filter(None, [session.trigger_type, session.trigger_name]))),
        ("Triggered by", session.triggered_by),
        ("Model", session.llm_model),
    ]
    for name, value in rows:
        if value:
            yield f"| {name} | {_cell(value)} |"
    yield ""
    if state.redacted:
        from .describe import HIDDEN

        yield f"_{HIDDEN[:1].upper()}{HIDDEN[1:]}._"
        yield ""
    for name, value in (("Input", session.input), ("Output", session.output)):
        if value is not None:
            yield f"**{name}**"
            yield ""
            yield from fenced(_json(value))
    if session.error:
        yield "**Error**"
        yield ""
        yield from quoted(session.error)


def _runs_tree(state: SessionState) -> Iterator[str]:
    yield "## Runs"
    yield ""
    for node in state.runs_by_depth():
        name = _one(node.agent_name or "run", 80)
        yield (
            f"{'  ' * node.depth}- {name} `{_one(node.id, 80)}` · {_one(node.status, 40)} · "
            f"{node.tokens:g} tokens"
        )
    yield ""


def _step(item: TimelineItem) -> Iterator[str]:
    content = item.content if isinstance(item.content, dict) else None
    kind = item.type.lower()
    title = f"**#{item.ordinal:g} · {_one(item.type, 60)}"
    when = _time(item.started_at)
    if kind == "toolcall" and content is not None:
        name = str(content.get("name", ""))
        if content.get("operation_name"):
            name += f" · {content['operation_name']}"
        title += f" · {_one(name, 120)}"
    yield f"{title}**" + (f" · {when}" if when else "")
    yield ""
    if content is None:
        if item.content is not None:
            yield from fenced(_json(item.content))
        return
    text_keys = {
        "reasoning": "message",
        "usermessage": "text",
        "aitlrequest": "question",
        "aitlresponse": "answer",
    }
    if kind in text_keys:
        yield from quoted(str(content.get(text_keys[kind]) or content.get("preview") or ""))
        files = content.get("files") if kind == "usermessage" else None
        for ref in files if isinstance(files, list) else []:
            if isinstance(ref, dict):
                yield f"- file: {_one(ref.get('filename') or ref.get('objectKey', ''), 200)}"
        if files:
            yield ""
    elif kind == "toolcall":
        yield from fenced(_json(content.get("arguments")))
    elif kind == "toolresult":
        yield from fenced(_json(content.get("result")))
    elif kind == "output":
        value = content.get("output", {k: v for k, v in content.items() if "tokens" not in k})
        yield from quoted(value) if isinstance(value, str) else fenced(_json(value))
    elif kind == "usertaskreq":
        yield (
            f"{_one(content.get('kind', ''), 40)} task "
            f"“{_one(content.get('title') or '', 200)}” "
            f"({_one(content.get('status', 'Pending'), 40)}): see Tasks"
        )
        yield ""
    else:
        yield from fenced(_json(content))


def _runs(state: SessionState) -> Iterator[str]:
    by_run: dict[str, list[TimelineItem]] = {}
    for item in state.timeline:
        by_run.setdefault(item.run_id, []).append(item)
    order = [node.id for node in state.runs_by_depth()]
    order += [run_id for run_id in by_run if run_id not in order]
    for run_id in order:
        node = state.runs.get(run_id)
        name = _one(node.agent_name or "run", 80) if node else "run"
        yield f"## Run: {name} (`{_one(run_id, 80)}`)"
        yield ""
        if node is not None:
            parent = f", sub-agent of `{_one(node.parent_id, 80)}`" if node.parent_id else ""
            yield f"{_one(node.status, 40)} · {node.tokens:g} tokens{parent}"
            yield ""
        for item in by_run.get(run_id, []):
            yield from _step(item)


def _tasks(state: SessionState) -> Iterator[str]:
    yield "## Tasks"
    yield ""
    if not state.tasks:
        yield "No tasks."
        yield ""
    for task in state.tasks.values():
        yield f"### {_one(task.title or task.kind, 200)} (`{_one(task.id, 80)}`)"
        yield ""
        yield f"- Kind: {_one(task.kind, 40)}"
        yield f"- Run: `{_one(task.run_id, 80)}`"
        yield f"- Status: {_one(task.status, 40)}"
        if not task.api_completable:
            yield "- Completed only in the Phrony dashboard"
        if task.prompt:
            yield f"- Prompt: {_one(task.prompt, 2000)}"
        for option in task.options:
            yield f"- Option `{_one(option.id, 80)}`: {_one(option.label, 200)}"
        if task.outcome is not None:
            outcome = task.outcome.model_dump(by_alias=True, exclude_none=True)
            yield f"- Outcome: {_one(outcome, 2000)}"
        yield ""
        if task.tool is not None:
            tool = task.tool.name + (
                f" · {task.tool.operation_name}" if task.tool.operation_name else ""
            )
            yield f"Tool: {_one(tool, 200)}"
            yield ""
            yield from fenced(_json(task.tool.arguments))


def _files(state: SessionState) -> Iterator[str]:
    rows: list[str] = []
    for item in state.timeline:
        content = item.content if isinstance(item.content, dict) else {}
        files = content.get("files") if item.type.lower() == "usermessage" else None
        for ref in files if isinstance(files, list) else []:
            if isinstance(ref, dict):
                name = _one(ref.get("filename") or "", 200)
                media = _one(ref.get("mediaType") or "", 80)
                key = _one(ref.get("objectKey") or "", 300)
                rows.append(f"- {name} ({media}) `{key}` · run `{_one(item.run_id, 80)}`")
    yield "## Files"
    yield ""
    yield from rows or ["No files."]
    yield ""


def render(state: SessionState) -> str:
    parts = [_header(state), _runs_tree(state), _runs(state), _tasks(state), _files(state)]
    return "\n".join(line for part in parts for line in part).rstrip() + "\n"

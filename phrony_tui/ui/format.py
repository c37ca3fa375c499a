"""How runs, statuses and timeline items look: badges, times, one-line previews."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from markdown_it import MarkdownIt
from rich.markdown import Markdown
from rich.style import Style
from rich.text import Text

from ..api.models import ItemType, TimelineItem, is_terminal, is_waiting
from .sanitize import one_line, to_json

TYPE_BADGES: dict[str, tuple[str, str]] = {
    ItemType.LLM_REQUEST_PREPARED.lower(): ("LLM", "dim"),
    ItemType.REASONING.lower(): ("THINK", "magenta"),
    ItemType.TOOL_CALL.lower(): ("TOOL", "cyan"),
    ItemType.TOOL_RESULT.lower(): ("RESULT", "cyan"),
    ItemType.OUTPUT.lower(): ("OUTPUT", "green"),
    ItemType.USER_TASK_REQ.lower(): ("TASK", "bold yellow"),
    ItemType.USER_MESSAGE.lower(): ("YOU", "bold blue"),
    ItemType.SUB_AGENT_CALL.lower(): ("SPAWN", "bright_magenta"),
    ItemType.SUB_AGENT_RESULT.lower(): ("CHILD", "bright_magenta"),
    ItemType.AITL_REQUEST.lower(): ("AITL?", "yellow"),
    ItemType.AITL_RESPONSE.lower(): ("AITL!", "yellow"),
    ItemType.WAIT.lower(): ("WAIT", "blue"),
    ItemType.RUN_COMPLETED.lower(): ("RUN END", "bold"),
    ItemType.SESSION_COMPLETED.lower(): ("SESSION", "bold"),
}
RUN_COLOURS = ("#5fafff", "#d787ff", "#87d75f", "#ffaf5f", "#5fd7d7", "#ff87af", "#d7d75f")


_BADGE_STYLES: dict[str, Style] = {}


class LiteralHTMLMarkdown(Markdown):
    """Rich's Markdown with raw HTML shown as text: ``<script>`` from an agent is displayed,
    not dropped (Rich renders no HTML, so an HTML-enabled parser would make it vanish)."""

    _parser = MarkdownIt("commonmark", {"html": False}).enable("strikethrough").enable("table")

    def __init__(self, markup: str, **options: Any) -> None:
        super().__init__("", **options)
        self.markup = markup
        self.parsed = self._parser.parse(markup)


def badge_of(item_type: str) -> tuple[str, Style]:
    """The padded label and the style of a step type's badge."""
    label, style = TYPE_BADGES.get(item_type.lower(), (one_line(item_type, 8).upper(), "dim"))
    parsed = _BADGE_STYLES.get(style)
    if parsed is None:
        parsed = _BADGE_STYLES[style] = Style.parse(style)
    return f"{label:<7}", parsed


def type_badge(item_type: str) -> Text:
    label, style = badge_of(item_type)
    return Text(label, style=style)


def status_style(status: str | None) -> str:
    if status == "Completed":
        return "green"
    if status in ("Failed", "Cancelled"):
        return "red"
    if is_waiting(status):
        return "bold yellow"
    if status == "Running":
        return "cyan"
    return "dim"


def status_badge(status: str | None) -> Text:
    shown = one_line(status or "unknown", 24)
    icon = (
        "●"
        if status == "Running"
        else "◆"
        if is_waiting(status)
        else ("✔" if status == "Completed" else "✖" if is_terminal(status) else "○")
    )
    return Text(f"{icon} {shown}", style=status_style(status))


SHORT_STATUS = {
    "Running": "running",
    "WaitingForResponse": "reply",
    "WaitingForHITL": "HITL",
    "WaitingForAITL": "AITL",
    "WaitingForTimer": "timer",
    "Completed": "done",
    "Failed": "failed",
    "Cancelled": "cancelled",
}


def short_status_badge(status: str | None) -> Text:
    """A compact badge for narrow places (the runs tree)."""
    badge = status_badge(status)
    word = SHORT_STATUS.get(status or "", one_line(status or "?", 10))
    return Text(f"{badge.plain[:1]} {word}", style=status_style(status))


def clock(value: str | None) -> str:
    """HH:MM:SS of an ISO time, in local time; ``--:--:--`` when unknown or malformed."""
    if not value or not isinstance(value, str):
        return "--:--:--"
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return moment.astimezone().strftime("%H:%M:%S")
    except (ValueError, OverflowError, OSError):
        return "--:--:--"


def tokens(value: float | None) -> str:
    if not value:
        return ""
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    return f"{int(value)}"


def _get(content: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(content, dict):
            return None
        content = content.get(key)
    return content


def preview(item: TimelineItem) -> Text:
    """The one-line summary of a step, by type; unknown types show their JSON."""
    content = item.content
    kind = item.type.lower()
    text = Text()
    if kind == "llm_request_prepared":
        text.append("model " + one_line(str(_get(content, "model") or "?"), 60), style="dim")
    elif kind == "reasoning":
        text.append(one_line(str(_get(content, "message") or _get(content, "preview") or "")))
    elif kind == "toolcall":
        name = one_line(str(_get(content, "name") or "tool"), 40)
        op = _get(content, "operation_name")
        text.append(name + (f" · {one_line(str(op), 40)}" if op else ""), style="bold")
        text.append(" " + one_line(to_json(_get(content, "arguments"), indent=None, limit=400)))
    elif kind == "toolresult":
        result = _get(content, "result")
        ok = _get(result, "successful")
        if ok is False:
            text.append("✖ failed ", style="red")
            text.append(one_line(to_json(_get(result, "error"), indent=None, limit=400)))
        else:
            text.append("✔ ", style="green")
            text.append(one_line(to_json(_get(result, "data"), indent=None, limit=400)))
    elif kind == "output":
        value = _get(content, "output")
        shown = value if isinstance(value, str) else to_json(value, indent=None, limit=400)
        text.append(one_line(shown))
    elif kind == "usertaskreq":
        status = str(_get(content, "status") or "Pending")
        outcome = _get(content, "outcome")
        if status == "Pending":
            text.append("◆ pending ", style="bold yellow")
        elif isinstance(outcome, dict):
            text.append(f"✔ {describe_outcome(outcome)} ", style="green")
        else:
            text.append(f"○ {one_line(status, 12).lower()} ", style="dim")
        text.append(one_line(str(_get(content, "title") or _get(content, "kind") or "task"), 80))
        if status == "Pending":
            text.append(" — " + one_line(str(_get(content, "prompt") or ""), 120))
    elif kind == "usermessage":
        text.append(one_line(str(_get(content, "text") or "")))
        files = _get(content, "files")
        if isinstance(files, list) and files:
            names = [
                one_line(str(_get(f, "filename") or _get(f, "objectKey") or "file"), 40)
                for f in files
            ]
            text.append("  + files: " + ", ".join(names), style="dim")
    elif kind == "subagentcall":
        text.append(
            "→ " + one_line(str(_get(content, "agent_name") or "sub-agent"), 40), style="bold"
        )
        text.append(" " + one_line(to_json(_get(content, "arguments"), indent=None, limit=200)))
    elif kind == "subagentresult":
        text.append("← " + one_line(to_json(_get(content, "output"), indent=None, limit=300)))
    elif kind == "aitlrequest":
        text.append("asks: " + one_line(str(_get(content, "question") or "")))
    elif kind == "aitlresponse":
        text.append("answer: " + one_line(str(_get(content, "answer") or "")))
    elif kind == "wait":
        seconds = one_line(str(_get(content, "seconds")), 20)
        text.append(f"wait {seconds} s until {clock(_get(content, 'wait_until'))}")
    elif kind in ("runcompleted", "sessioncompleted"):
        status = _get(content, "status")
        text.append_text(status_badge(str(status) if status else None))
        error = _get(content, "error")
        if error:
            text.append(" " + one_line(str(error), 200), style="red")
        else:
            output = _get(content, "output")
            if output is not None:
                shown = (
                    output if isinstance(output, str) else to_json(output, indent=None, limit=300)
                )
                text.append(" " + one_line(shown))
    else:
        text.append(one_line(to_json(content, indent=None, limit=400)), style="dim")
    if item.error and kind != "toolresult":
        text.append("  ✖ " + one_line(item.error, 120), style="red")
    return text


def describe_outcome(outcome: dict[str, Any]) -> str:
    if "approved" in outcome:
        return "approved" if outcome["approved"] else "rejected"
    for key in ("selectedOptionId", "textValue", "numberValue"):
        if key in outcome:
            return one_line(str(outcome[key]), 60)
    return "acknowledged"

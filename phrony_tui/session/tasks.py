"""User tasks and the answer builder: the exact message body for each kind (API.md 8, 10.4).

An invalid answer is refused here, with a message a person can act on, before anything is sent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..api.errors import PhronyError
from ..api.models import (
    FileRef,
    HeldToolCall,
    MessageBody,
    TaskKind,
    TaskOption,
    TaskOutcome,
    TimelineItem,
    UserTaskContent,
)

APPROVAL_KINDS = frozenset({TaskKind.APPROVAL, TaskKind.HITL, TaskKind.ANOMALY_REVIEW})
TEXT_KINDS = frozenset({TaskKind.TEXT, TaskKind.AITL_ESCALATION})


class InvalidAnswerError(PhronyError):
    """The answer does not fit the task; nothing was sent."""


@dataclass
class UserTask:
    """A person's task as the console needs it."""

    id: str
    kind: str
    status: str
    run_id: str
    item_id: str
    title: str | None
    prompt: str | None
    options: list[TaskOption]
    tool: HeldToolCall | None
    api_completable: bool
    outcome: TaskOutcome | None = None

    @classmethod
    def from_content(cls, content: UserTaskContent, item: TimelineItem) -> UserTask:
        return cls(
            id=content.user_task_id,
            kind=content.kind,
            status=content.status,
            run_id=item.run_id,
            item_id=item.id,
            title=content.title,
            prompt=content.prompt or content.question_for_user,
            options=list(content.options or []),
            tool=content.tool,
            api_completable=content.api_completable,
            outcome=content.outcome,
        )

    @property
    def is_approval(self) -> bool:
        return self.kind in APPROVAL_KINDS


def answered_value(outcome: TaskOutcome) -> str | int | float | None:
    """The value a task was answered with (an option, a text, a number), if any."""
    values = (outcome.selected_option_id, outcome.text_value, outcome.number_value)
    return next((value for value in values if value is not None), None)


def outcome_text(outcome: TaskOutcome) -> str:
    """How a completed task was answered, in a word or two: a rejected approval reads as
    one, not as "Completed". Plain text; the caller makes the value inert."""
    if outcome.approved is not None:
        return "approved" if outcome.approved else "rejected"
    value = answered_value(outcome)
    return "acknowledged" if value is None else f"answered {value}"


def build_answer(
    task: UserTask, answer: Any = None, *, metadata: dict[str, Any] | None = None
) -> MessageBody:
    """The message body completing ``task`` with ``answer``, posted to the task's own run.

    ``answer`` by kind: approval/hitl/anomaly_review a bool (approve or reject); multi_option an
    option id (or its 1-based number as an int); text/aitl_escalation a non-empty string; number
    a number or a string holding one; anomaly_alert nothing (acknowledge).
    """
    if not task.api_completable:
        raise InvalidAnswerError(
            f"“{task.title or task.kind}” can only be completed in the Phrony dashboard"
        )
    if task.status != "Pending":
        raise InvalidAnswerError(f"this task is no longer pending ({task.status})")
    body = MessageBody(run_id=task.run_id, user_task_id=task.id, metadata=metadata or None)
    kind = task.kind
    if kind in APPROVAL_KINDS:
        if not isinstance(answer, bool):
            raise InvalidAnswerError("approve (true) or reject (false)")
        body.approved = answer
    elif kind == TaskKind.MULTI_OPTION:
        body.selected_option_id = _option_id(task, answer)
    elif kind in TEXT_KINDS:
        text = answer if isinstance(answer, str) else ""
        if not text.strip():
            raise InvalidAnswerError("type an answer first; it must not be empty")
        body.text_value = text
    elif kind == TaskKind.NUMBER:
        body.number_value = _number(answer)
    elif kind == TaskKind.ANOMALY_ALERT:
        pass  # acknowledged by userTaskId alone
    else:
        raise InvalidAnswerError(f"tasks of kind {kind!r} are not known to this console")
    return body


def build_reply(run_id: str, text: str, files: list[FileRef] | None = None) -> MessageBody:
    """A conversational reply (``WaitingForResponse``): text and/or files."""
    if not text.strip() and not files:
        raise InvalidAnswerError("type a message or attach a file first")
    return MessageBody(run_id=run_id, text=text if text.strip() else None, files=files or None)


def _option_id(task: UserTask, answer: Any) -> str:
    ids = [o.id for o in task.options]
    if isinstance(answer, int) and not isinstance(answer, bool):
        if 1 <= answer <= len(ids):
            return ids[answer - 1]
        raise InvalidAnswerError(f"pick an option from 1 to {len(ids)}")
    if isinstance(answer, str) and answer in ids:
        return answer
    offered = ", ".join(ids) or "none"
    raise InvalidAnswerError(f"{answer!r} is not one of the options offered ({offered})")


#: The API's numberValue is a double (the TypeScript SDK's ``number``): whole numbers are
#: exact up to this one (JavaScript's ``Number.MAX_SAFE_INTEGER``).
EXACT_INTEGERS = 2**53 - 1


def _number(answer: Any) -> int | float:
    """The answer as the number the API will hold: refused, never rounded silently, when a
    double cannot carry it as written. A whole number is sent as that integer up to
    ±(2^53 - 1); a decimal must be the shortest form of a double (``0.1`` is,
    ``1.0000000000000001`` is not: it would arrive as ``1.0``)."""
    if isinstance(answer, bool):
        raise InvalidAnswerError("this task needs a number")
    if isinstance(answer, int | float):
        text = repr(answer)
        if isinstance(answer, float) and not math.isfinite(answer):
            raise InvalidAnswerError("the number must be finite")
        exact = Decimal(answer) if isinstance(answer, int) else Decimal(text)
    else:
        text = str(answer if answer is not None else "").strip().replace("_", "")
        try:
            exact = Decimal(text)
        except InvalidOperation:
            shown = text if len(text) <= 40 else text[:40] + "…"
            raise InvalidAnswerError(
                f"{shown!r} is not a number; type digits, like 42 or 3.5"
            ) from None
        if not exact.is_finite():
            raise InvalidAnswerError("the number must be finite")
    shown = text if len(text) <= 24 else text[:24] + "…"
    if text.lstrip("+-").isdigit():
        if abs(exact) > EXACT_INTEGERS:
            raise InvalidAnswerError(
                f"{shown} is too large to send exactly: the API holds numbers as doubles, "
                f"exact for whole numbers up to ±{EXACT_INTEGERS} (2^53 - 1)"
            )
        return int(exact)
    value = float(exact)
    if math.isinf(value):
        raise InvalidAnswerError(f"{shown} is too large: numbers go up to about ±1.8e308")
    if value == 0 and exact != 0:
        raise InvalidAnswerError(f"{shown} is too close to zero: a double would hold 0")
    if Decimal(repr(value)) != exact:
        raise InvalidAnswerError(
            f"{shown} has more digits than the API keeps (numbers are doubles): "
            f"it would arrive as {value!r}"
        )
    if exact == exact.to_integral_value() and abs(exact) <= EXACT_INTEGERS:
        return int(exact)
    return value

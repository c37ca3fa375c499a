"""The answer builder gives the exact body per task kind and refuses bad answers before sending."""

from __future__ import annotations

import re
from typing import Any

import pytest

from phrony_tui.api.models import HeldToolCall, TaskOption
from phrony_tui.session import InvalidAnswerError, UserTask, build_answer, build_reply


def task(kind: str, **kw: Any) -> UserTask:
    base: dict[str, Any] = dict(
        id="t1",
        kind=kind,
        status="Pending",
        run_id="child-run",
        item_id="i",
        title="T",
        prompt="P",
        options=[],
        tool=None,
        api_completable=True,
    )
    base.update(kw)
    return UserTask(**base)


OPTIONS = [TaskOption(id="email", label="Email"), TaskOption(id="sms", label="SMS")]


@pytest.mark.parametrize(
    ("kind", "answer", "wire"),
    [
        ("approval", True, {"approved": True}),
        ("hitl", False, {"approved": False}),
        ("anomaly_review", True, {"approved": True}),
        ("multi_option", "sms", {"selectedOptionId": "sms"}),
        ("multi_option", 1, {"selectedOptionId": "email"}),
        ("text", "hello [b]x", {"textValue": "hello [b]x"}),
        ("aitl_escalation", "yes", {"textValue": "yes"}),
        ("number", "42", {"numberValue": 42}),
        ("number", " 3.5 ", {"numberValue": 3.5}),
        ("number", 7, {"numberValue": 7}),
        ("number", "0.1", {"numberValue": 0.1}),
        ("number", "2.50", {"numberValue": 2.5}),
        ("number", "1e20", {"numberValue": 1e20}),
        ("number", "9007199254740991", {"numberValue": 9007199254740991}),
        ("anomaly_alert", None, {}),
    ],
)
def test_body_per_kind(kind: str, answer: Any, wire: dict[str, Any]) -> None:
    body = build_answer(task(kind, options=OPTIONS, tool=HeldToolCall(name="x")), answer)
    assert body.to_wire() == {"runId": "child-run", "userTaskId": "t1", **wire}


def test_metadata_goes_along() -> None:
    body = build_answer(task("approval"), True, metadata={"comment": "ok"})
    assert body.to_wire()["metadata"] == {"comment": "ok"}


@pytest.mark.parametrize(
    ("kind", "answer", "message"),
    [
        ("number", "abc", "'abc' is not a number"),
        ("number", "nan", "finite"),
        ("number", True, "needs a number"),
        ("number", "9007199254740992", "up to ±9007199254740991 (2^53 - 1)"),
        ("number", "1.0000000000000001", "it would arrive as 1.0"),
        ("number", "123456789012345678.5", "arrive as 1.2345678901234568e+17"),
        ("multi_option", "fax", "not one of the options offered (email, sms)"),
        ("multi_option", 3, "from 1 to 2"),
        ("text", "   ", "must not be empty"),
        ("approval", "yes", "approve (true) or reject (false)"),
        ("brand_new_kind", 1, "not known"),
    ],
)
def test_invalid_answers_are_refused(kind: str, answer: Any, message: str) -> None:
    with pytest.raises(InvalidAnswerError, match=re.escape(message)):
        build_answer(task(kind, options=OPTIONS), answer)


def test_dashboard_only_and_finished_tasks_are_refused() -> None:
    with pytest.raises(InvalidAnswerError, match="dashboard"):
        build_answer(task("anomaly_alert", api_completable=False))
    with pytest.raises(InvalidAnswerError, match="no longer pending"):
        build_answer(task("approval", status="Completed"), True)


def test_reply() -> None:
    assert build_reply("r", "hi").to_wire() == {"runId": "r", "text": "hi"}
    with pytest.raises(InvalidAnswerError):
        build_reply("r", "  ")

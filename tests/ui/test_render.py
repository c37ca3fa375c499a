"""Step renderers: each type from its typed content, unknown types and odd contents as JSON;
and times as the panes show them."""

from __future__ import annotations

import time
from typing import Any

import pytest
from rich.style import Style

from phrony_tui.api.models import TimelineItem
from phrony_tui.ui import render
from phrony_tui.ui.palette import PLAIN, Palette

PALETTE = Palette.of(
    [Style(color=c) for c in ("green", "red", "yellow", "cyan", "blue", "magenta", "grey50")]
    + [Style(bold=True)],
    [Style(color="blue")],
)


def step(type_: str, content: Any, **fields: Any) -> TimelineItem:
    return TimelineItem(id="i", run_id="r", type=type_, content=content, **fields)


def styles_of(text: Any, word: str) -> list[Style]:
    start = text.plain.index(word)
    return [s.style for s in text.spans if s.start <= start < s.end]


def test_a_rejection_reads_as_one() -> None:
    content = {"user_task_id": "u", "kind": "approval", "status": "Completed"}
    rejected = render.summary(
        step("UserTaskReq", {**content, "outcome": {"approved": False}}), PALETTE
    )
    assert rejected.plain.startswith("✖ rejected")
    assert styles_of(rejected, "rejected") == [PALETTE.error]
    approved = render.summary(
        step("UserTaskReq", {**content, "outcome": {"approved": True}}), PALETTE
    )
    assert approved.plain.startswith("✔ approved")
    assert styles_of(approved, "approved") == [PALETTE.success]
    chosen = render.summary(
        step("UserTaskReq", {**content, "outcome": {"selectedOptionId": "b"}}), PALETTE
    )
    assert chosen.plain.startswith("✔ b")


def test_each_known_type_has_its_summary() -> None:
    cases = {
        "llm_request_prepared": ({"model": "gpt"}, "model gpt"),
        "Reasoning": ({"message": "think [b]hard[/b]"}, "think [b]hard[/b]"),
        "ToolCall": (
            {"name": "mail", "operation_name": "send", "arguments": {"a": 1}},
            'mail · send {"a": 1}',
        ),
        "ToolResult": ({"result": {"successful": False, "error": "boom"}}, '✖ failed "boom"'),
        "output": ({"output": "done"}, "done"),
        "UserMessage": (
            {"text": "hi", "files": [{"objectKey": "k", "filename": "a.txt"}]},
            "hi  + files: a.txt",
        ),
        "SubAgentCall": ({"agent_name": "Analyst", "arguments": {}}, "→ Analyst {}"),
        "SubAgentResult": ({"output": 3}, "← 3"),
        "AitlRequest": ({"question": "why?"}, "asks: why?"),
        "AitlResponse": ({"answer": "because"}, "answer: because"),
        "RunCompleted": ({"status": "Failed", "error": "no"}, "✖ Failed no"),
    }
    for type_, (content, expected) in cases.items():
        assert render.summary(step(type_, content), PLAIN).plain == expected, type_


def test_unknown_types_and_odd_contents_are_shown_as_json() -> None:
    assert render.summary(step("Telepathy", {"x": 1}), PLAIN).plain == '{"x": 1}'
    assert render.badge("Telepathy")[0] == "TELEPA…"
    assert render.summary(step("reasoning", ["not", "an", "object"]), PLAIN).plain == (
        '["not", "an", "object"]'
    )
    failed = render.summary(step("Telepathy", None, error="lost"), PALETTE)
    assert failed.plain.endswith("✖ lost") and styles_of(failed, "lost") == [PALETTE.error]


@pytest.mark.parametrize(
    ("content", "shown"),
    [
        (
            {"seconds": 1047192, "wait_until": "2026-12-10T12:54:00Z"},
            "wait 12d 2h until 12-10 12:54:00",
        ),
        ({"seconds": 90, "wait_until": "2026-11-28T12:01:30Z"}, "wait 1m 30s until 12:01:30"),
        ({"seconds": 5}, "wait 5s"),
        ({"wait_until": "2027-01-02T08:00:00Z"}, "wait until 2027-01-02 08:00"),
    ],
)
def test_a_wait_says_how_long_and_until_which_day(
    content: dict[str, Any], shown: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A twelve-day wait read "wait 1047192 s until 12:54", with no day."""
    from datetime import UTC, datetime

    from phrony_tui.ui import ages

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    ages.fix_clock(datetime(2026, 11, 28, 12, 0, tzinfo=UTC))
    try:
        assert render.summary(step("Wait", content), PLAIN).plain == shown
    finally:
        ages.fix_clock(None)
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2026-11-28T09:30:01Z", "09:30:01"),
        ("2026-11-18T07:25:55Z", "11-18 07:25:55"),
        ("2025-11-18T07:25:55Z", "2025-11-18 07:25"),
        ("0999-04-30T10:00:00Z", "0999-04-30 10:00"),
        ("not a time", "—"),
        (None, "—"),
    ],
)
def test_a_time_says_its_day_unless_it_is_today(
    value: str | None, shown: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A week-old session's panel said "started 07:25:55", as if it were today."""
    from datetime import UTC, datetime

    from phrony_tui.ui import ages
    from phrony_tui.ui.format import when

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    ages.fix_clock(datetime(2026, 11, 28, 12, 0, tzinfo=UTC))
    try:
        assert when(value) == shown
    finally:
        ages.fix_clock(None)
        monkeypatch.undo()
        time.tzset()

"""Numbers from the server reach the console finite and bounded, whatever was sent: counts of
400 digits, 1.7e308, sums that would overflow, numbers sent as strings, 1e400."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from phrony_tui.api import Conversation, StreamEvent
from phrony_tui.api.compact import parse_conversation
from phrony_tui.api.models import RunInfo, TimelineItem
from phrony_tui.api.numbers import NUMBER_LIMIT
from phrony_tui.session import SessionState
from phrony_tui.ui.format import tokens

HUGE = "9" * 400


def conversation_text(
    run_tokens: list[str], ordinals: list[str], session_tokens: str = "0", item_tokens: str = "1"
) -> str:
    parents = ["null"] + ['"r0"'] * len(run_tokens)
    runs = ",".join(
        f'{{"id":"r{n}","parentRunId":{parents[n]},"depth":{min(n, 1)},'
        f'"status":"Running","totalTokensUsed":{value}}}'
        for n, value in enumerate(run_tokens)
    )
    items = ",".join(
        f'{{"id":"i{n}","runId":"r0","ordinal":{value},"sequence":{value},"type":"reasoning",'
        f'"tokensUsed":{item_tokens},"content":{{"message":"m","tokens_used":{item_tokens}}}}}'
        for n, value in enumerate(ordinals)
    )
    return (
        f'{{"session":{{"id":"s","status":"Running","totalTokensUsed":{session_tokens}}},'
        f'"runs":[{runs}],"items":[{items}]}}'
    )


def event(kind: str, subject: str, data: str) -> StreamEvent:
    return StreamEvent.model_validate_json(
        f'{{"ts":"t","kind":"{kind}","subject":"{subject}","data":{data}}}'
    )


def assert_sane(state: SessionState) -> None:
    """What the console does with the numbers: int(), formatting, shares of a sum."""
    assert state.session is not None
    counts = [state.session.total_tokens_used] + [r.tokens for r in state.runs_by_depth()]
    counts += [i.tokens_used or 0 for i in state.timeline]
    for count in counts:
        assert math.isfinite(count) and 0 <= count <= NUMBER_LIMIT
        assert isinstance(tokens(count), str) and int(count) >= 0
    total = sum(r.tokens for r in state.runs_by_depth())
    assert math.isfinite(total)
    for run in state.runs_by_depth():
        if total:
            assert 0 <= round(30 * run.tokens / total) <= 30
            assert f"{100 * run.tokens / total:.0f}"
    for item in state.timeline:
        assert math.isfinite(item.ordinal) and abs(item.ordinal) <= NUMBER_LIMIT
        assert len(f"{int(item.ordinal):>6}") <= 17
        assert math.isfinite(item.sequence)
    assert math.isfinite(state.last_ordinal())


def states_of(text: str) -> list[SessionState]:
    """The state from the body both ways the client reads one (models, and compact)."""
    out = []
    compact = parse_conversation(text.encode())
    for snapshot in (Conversation.model_validate_json(text), compact):
        if snapshot is not None:
            state = SessionState()
            state.apply_conversation(snapshot)
            out.append(state)
    return out


def test_token_counts_of_400_digits_and_near_the_float_limit() -> None:
    text = conversation_text([HUGE, "1.7e308", "1e308", "1e308"], ["1", "2"], HUGE, HUGE)
    for state in states_of(text):
        assert_sane(state)
        assert state.session is not None and state.session.total_tokens_used == NUMBER_LIMIT
        assert [r.tokens for r in state.runs_by_depth()] == [NUMBER_LIMIT] * 4
        assert tokens(state.session.total_tokens_used) == "1000000000.0M"


def test_ordinals_beyond_any_float_keep_their_order_and_stay_finite() -> None:
    text = conversation_text(["5"], ["1e400", "-1e400", HUGE, "3", "1.7e308"])
    (state,) = states_of(text)  # 1e400 is no float: only the tolerant models read it
    assert_sane(state)
    assert state.timeline_ids()[:2] == ["i1", "i3"]
    assert {state.items[i].ordinal for i in ("i0", "i2", "i4")} == {NUMBER_LIMIT}
    compact = parse_conversation(conversation_text(["5"], [HUGE, "2"]).encode())
    assert compact is not None and [s.ordinal for s in compact.steps] == [NUMBER_LIMIT, 2]
    assert [s.model().ordinal for s in compact.steps] == [NUMBER_LIMIT, 2]


def test_a_token_count_sent_as_a_500_digit_string_in_a_session_event() -> None:
    (state,) = states_of(conversation_text(["1"], ["1"]))[:1]
    change = state.apply_event(
        event("session", "engine.session.status_changed", '{"totalTokensUsed":"%s"}' % ("9" * 500))
    )
    assert change.session and not change.reconcile
    assert state.session is not None and state.session.total_tokens_used == NUMBER_LIMIT
    assert_sane(state)
    state.apply_event(
        event("session", "engine.session.status_changed", '{"totalTokensUsed":"12 tokens"}')
    )
    assert state.session.total_tokens_used == NUMBER_LIMIT  # not a number: nothing changes


def test_run_and_step_events_with_overflowing_numbers() -> None:
    (state,) = states_of(conversation_text(["1"], ["1"]))[:1]
    state.apply_event(
        event(
            "run",
            "engine.run.status_changed",
            f'{{"id":"r1","parentRunId":"r0","depth":{HUGE},"totalTokensUsed":1e400}}',
        )
    )
    state.apply_event(
        event(
            "step",
            "engine.step.reasoning",
            '{"id":"x","runId":"r0","ordinal":1e400,"tokensUsed":"-5","content":{}}',
        )
    )
    assert state.runs["r1"].tokens == NUMBER_LIMIT and state.runs["r1"].depth == NUMBER_LIMIT
    assert state.items["x"].ordinal == NUMBER_LIMIT and state.items["x"].tokens_used == 0
    assert_sane(state)
    info = RunInfo.model_validate_json('{"runId":"r","totalTokensUsed":"NaN","depth":"1e999"}')
    assert info.total_tokens_used is None and info.depth == NUMBER_LIMIT


NUMBERS = st.one_of(
    st.integers(min_value=-(10**500), max_value=10**500).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["1e400", "-1e400", "1.7e308", "1e308", "0", "-0.0", "null", "true"]),
    st.text(max_size=30).map(json.dumps),
    st.integers(min_value=0, max_value=10**600).map(lambda n: f'"{n}"'),
)


@settings(max_examples=150, deadline=None)
@given(
    runs=st.lists(NUMBERS, min_size=1, max_size=4),
    ordinals=st.lists(NUMBERS, max_size=5),
    session_tokens=NUMBERS,
    item_tokens=NUMBERS,
    event_tokens=NUMBERS,
)
def test_any_number_anywhere_stays_finite(
    runs: list[str], ordinals: list[str], session_tokens: str, item_tokens: str, event_tokens: str
) -> None:
    text = conversation_text(runs, ordinals, session_tokens, item_tokens)
    for state in states_of(text):
        assert_sane(state)
        session = f'{{"status":"Running","totalTokensUsed":{event_tokens}}}'
        state.apply_event(event("session", "x.session", session))
        state.apply_event(
            event(
                "step",
                "engine.step.reasoning",
                f'{{"id":"e","runId":"r0","ordinal":{event_tokens},"tokensUsed":{event_tokens}}}',
            )
        )
        assert_sane(state)


def test_a_model_read_is_bounded_whatever_the_field_gets() -> None:
    values: list[Any] = [10**400, -(10**400), float("inf"), "1e999", [1], {"a": 1}, True]
    for value in values:
        item = TimelineItem.model_validate({"id": "i", "runId": "r", "ordinal": value})
        assert math.isfinite(item.ordinal) and abs(item.ordinal) <= NUMBER_LIMIT

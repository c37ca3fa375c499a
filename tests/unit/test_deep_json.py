"""Over-deep JSON is read with its deep parts cut, without touching the interpreter's
recursion limit (it belongs to the whole process, not to this library)."""

from __future__ import annotations

import json
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phrony_tui.api.deep_json import CUT, MAX_DEPTH, cap_depth, cut_deep_text, loads_deep


def dumps_deep(levels: int) -> str:
    """``levels`` of objects and lists in turn, with brackets and escapes inside strings, as
    JSON text (``json.dumps`` itself would recurse)."""
    opens = ['{"k[": ' if i % 2 == 0 else "[" for i in range(levels)]
    closes = [', "s": "]}\\\\\\"["}' if i % 2 == 0 else "]" for i in reversed(range(levels))]
    return "".join(opens) + '"bottom"' + "".join(closes)


@pytest.fixture
def recursion_limit_untouchable(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(limit: int) -> None:
        raise AssertionError(f"the recursion limit was set to {limit}")

    monkeypatch.setattr(sys, "setrecursionlimit", refuse)


@pytest.mark.usefixtures("recursion_limit_untouchable")
@pytest.mark.parametrize("levels", [1000, 100_000])
def test_deep_json_is_cut_without_raising_the_recursion_limit(levels: int) -> None:
    for raw in (dumps_deep(levels), dumps_deep(levels).encode()):
        value = loads_deep(raw)
        depth = 0
        while isinstance(value, dict | list):
            value = value["k["] if isinstance(value, dict) else value[0]
            depth += 1
        assert depth == MAX_DEPTH and value == CUT


@given(
    st.recursive(
        st.none() | st.text(alphabet='ab"\\[]{}é') | st.integers(),
        lambda c: (
            st.lists(c, max_size=3) | st.dictionaries(st.text(alphabet='k"[]{}\\'), c, max_size=3)
        ),
        max_leaves=40,
    ),
    st.integers(min_value=0, max_value=6),
)
def test_cutting_the_text_equals_cutting_the_value(value: object, limit: int) -> None:
    text = json.dumps(value)
    assert json.loads(cut_deep_text(text, limit)) == cap_depth(value, limit)


@pytest.mark.parametrize("raw", ['["unterminated', "[1, 2", '{"a": "b\\"]', "not json"])
def test_what_is_not_json_is_a_value_error(raw: str) -> None:
    with pytest.raises(ValueError):
        loads_deep(raw)


def test_a_body_refused_for_another_reason_and_too_deep_for_json_still_reads() -> None:
    """Pydantic stopped at a 5,000-digit ordinal before it reached the depth, and ``json`` then
    ran out of recursion: the conversation never loaded. It reads, its deep part cut."""
    from phrony_tui.api.compact import parse_model
    from phrony_tui.api.models import Conversation

    deep = "[" * 3000 + "1" + "]" * 3000
    body = (
        '{"session": {"id": "s", "status": "Running"}, "runs": [{"id": "r1"}], "items": ['
        f'{{"id": "a", "runId": "r1", "ordinal": -{"9" * 5000}, "type": "ToolCall", '
        f'"content": {deep}}}]}}'
    ).encode()
    conversation = parse_model(Conversation, body)
    (item,) = conversation.items
    assert item.id == "a" and CUT in json.dumps(item.content, ensure_ascii=False)

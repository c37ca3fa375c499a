"""A step from the stream is kept as the JSON it arrived in and read the same as before."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from phrony_tui.api import Conversation, StreamEvent, TimelineItem
from phrony_tui.api.deep_json import CUT
from phrony_tui.api.models import StepEvent
from phrony_tui.session import SessionState


def step_text(data: Any, **envelope: Any) -> str:
    body = {"ts": "t", "kind": "step", "subject": "engine.step.reasoning", "data": data}
    return json.dumps(body | envelope)


def state() -> SessionState:
    out = SessionState()
    body = {"session": {"id": "s"}, "runs": [{"id": "r"}], "items": []}
    out.apply_conversation(Conversation.model_validate_json(json.dumps(body)))
    return out


def test_a_step_keeps_its_data_as_json_and_reads_as_the_model() -> None:
    data = {"id": "a", "runId": "r", "ordinal": 3, "type": "reasoning", "content": {"message": "m"}}
    event = StreamEvent.from_json(step_text(data, rawData="not this"))
    assert isinstance(event, StepEvent) and event.data == {}
    assert json.loads(event.raw_data) == data == event.payload()
    held = state()
    change = held.apply_event(event)
    assert change.items_added == {"a"} and not change.reconcile
    assert held.items["a"] == TimelineItem.model_validate(data)


def test_other_events_and_odd_steps_take_the_models_as_before() -> None:
    run = StreamEvent.from_json('{"kind":"run","subject":"x","data":{"id":"r"}}')
    assert type(run) is StreamEvent and run.data == {"id": "r"} == run.payload()
    with pytest.raises(ValidationError):
        StreamEvent.from_json(step_text({"id": "a"}, ts=5))
    with pytest.raises(ValidationError):
        StreamEvent.from_json(step_text([1, 2]))
    with pytest.raises(ValidationError):
        StreamEvent.from_json('{"kind":"step","data":{"id":')


def test_wrong_types_and_deep_content_are_read_tolerantly() -> None:
    deep: Any = "bottom"
    for _ in range(300):
        deep = {"d": deep}
    data = {"id": "a", "runId": "r", "ordinal": "2", "type": 7, "content": deep}
    event = StreamEvent.from_json(step_text(data))
    held = state()
    assert not held.apply_event(event).reconcile
    item = held.items["a"]
    assert (item.ordinal, item.type) == (2, "7")
    assert CUT in json.dumps(item.content, ensure_ascii=False)
    missing = StreamEvent.from_json(step_text({"ordinal": 1}))
    assert held.apply_event(missing).reconcile

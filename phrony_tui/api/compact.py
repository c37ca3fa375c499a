"""A conversation held as the bytes it arrived in.

A 100,000-step conversation is 66 MB of JSON, and 500 MB as one model per step: each step's
content becomes dicts, strings and a model around them. The console needs, for every step,
only what orders and filters the timeline (id, run, ordinal, type); the rest matters for the
few steps on screen or opened. So the body is split without being built: each step keeps a
zero-copy slice of the body (``msgspec.Raw``) and those four fields, and becomes a
``TimelineItem`` only when asked for (``StepRecord.model``).

Anything the fast path cannot read (a wrong type, an over-deep document) goes the tolerant
way: the whole body through the models, as before.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeVar

import msgspec
import pydantic_core
from pydantic import BaseModel, ValidationError

from .deep_json import cap_depth, loads_deep
from .deep_json import loads as json_loads
from .models import Conversation, RunSummary, Session, TimelineItem
from .numbers import NUMBER_LIMIT, bounded_number
from .tolerant import validate_tolerant

M = TypeVar("M", bound=BaseModel)


def brief(exc: ValidationError) -> str:
    """The first error, without the input: ``str(exc)`` builds a repr of the whole body first
    (four characters a binary byte, gigabytes for a 256 MB body) only to cut it."""
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    first = errors[0] if errors else {"loc": (), "msg": "invalid"}
    where = ".".join(map(str, first["loc"]))
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where + ': ' if where else ''}{first['msg']}{more}"[:300]


def parse_model(model: type[M], raw: bytes | bytearray) -> M:
    """``model`` from JSON bytes: strict and fast first, then tolerant (wrong types repaired,
    over-deep parts cut). ``ValueError`` if the bytes are not JSON at all."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        deep = "recursion limit" in brief(exc)  # else refused for another reason first
    if not deep:
        try:
            return validate_tolerant(model, json_loads(raw))
        except RecursionError:
            pass  # deeper than ``json`` reads: cut below
    return validate_tolerant(model, loads_deep(raw))


class _Envelope(msgspec.Struct):
    session: msgspec.Raw
    runs: msgspec.Raw = msgspec.Raw(b"[]")
    items: list[msgspec.Raw] = []


class _Head(msgspec.Struct, rename="camel"):
    id: str
    run_id: str
    ordinal: int | float = 0
    type: str = ""
    tokens_used: int | float | None = None


class StepRecord:
    """One step: where it sits and what it is, plus its JSON, parsed on demand."""

    __slots__ = ("id", "ordinal", "raw", "run_id", "tokens", "type")

    def __init__(
        self,
        id: str,
        run_id: str,
        ordinal: float,
        type: str,
        raw: msgspec.Raw | bytes,
        tokens: float = 0,
    ) -> None:
        self.id = id
        self.run_id = run_id
        self.ordinal = ordinal
        self.type = type
        self.raw = raw
        self.tokens = tokens

    @classmethod
    def of(cls, item: TimelineItem) -> StepRecord:
        """A model held as its JSON (a step from an event)."""
        try:
            raw = msgspec.Raw(pydantic_core.to_json(item, by_alias=True))
        except (pydantic_core.PydanticSerializationError, ValueError, RecursionError):
            # Content nested deeper than the serializer goes: held cut, as the console shows it.
            wire = item.model_dump(by_alias=True, mode="json", exclude={"content"})
            wire["content"] = cap_depth(item.content)
            raw = msgspec.Raw(json.dumps(wire, default=str).encode())
        return cls(item.id, item.run_id, item.ordinal, item.type, raw, item.tokens_used or 0)

    def model(self) -> TimelineItem:
        return parse_model(TimelineItem, bytes(self.raw))


@dataclass
class CompactConversation:
    """``Conversation`` with its steps as ``StepRecord``s."""

    session: Session
    runs: list[RunSummary] = field(default_factory=list)
    steps: list[StepRecord] = field(default_factory=list)


#: A conversation as the console holds it.
Snapshot = CompactConversation | Conversation


def steps_of(snapshot: Snapshot) -> Iterator[StepRecord]:
    """A conversation's steps as records, whichever way it was read."""
    if isinstance(snapshot, CompactConversation):
        yield from snapshot.steps
    else:
        for item in snapshot.items:
            yield StepRecord.of(item)


def parse_conversation(body: bytes | bytearray) -> CompactConversation | None:
    """Split a ``/conversation`` body; None when it needs the tolerant path instead."""
    try:
        envelope = msgspec.json.decode(body, type=_Envelope)
        session = Session.model_validate_json(bytes(envelope.session))
        runs = [RunSummary.model_validate(r) for r in json_loads(bytes(envelope.runs))]
    except (msgspec.DecodeError, ValidationError, ValueError, TypeError, RecursionError):
        return None
    shared: dict[str, str] = {}  # one string per run id and type, not one per step
    steps: list[StepRecord] = []
    decode = msgspec.json.Decoder(_Head).decode
    for raw in envelope.items:
        try:
            head = decode(raw)
        except (msgspec.DecodeError, RecursionError):
            return None
        run_id = shared.setdefault(head.run_id, head.run_id)
        kind = shared.setdefault(head.type, head.type)
        ordinal = bounded_number(head.ordinal, -NUMBER_LIMIT) or 0  # as the model reads it
        tokens = bounded_number(head.tokens_used) or 0
        steps.append(StepRecord(head.id, run_id, ordinal, kind, raw, tokens))
    return CompactConversation(session, runs, steps)

"""What each scenario accepts as ``input``, and the 400 message for anything else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..records import Agent
from .people import APPROVAL_TITLES


@dataclass(frozen=True)
class InputField:
    type: type
    minimum: float = 0
    maximum: float = 10_000_000
    choices: tuple[str, ...] = ()  # for a ``str`` field


#: The ``input`` each scenario accepts (anything else is a 400 ``invalid_input``).
INPUT_SCHEMAS: dict[str, dict[str, InputField]] = {
    "firehose": {
        "count": InputField(int, 1, 5_000_000),
        "rate": InputField(float, 0, 1_000_000),
        "wait_for_stream": InputField(float, 0, 60),
    },
    "big": {"items": InputField(int, 2, 5_000_000)},
    "timer": {"seconds": InputField(float, 0, 86_400)},
    "hostile": {"mb": InputField(float, 0, 64)},
    "multi-agent": {"chatter": InputField(int, 0, 100_000)},
    "approval": {"kind": InputField(str, choices=tuple(APPROVAL_TITLES))},
}


#: Agents whose input may carry other fields besides those checked (the agent ignores them).
OPEN_INPUTS = {"approval"}


def validate_input(agent: Agent, value: dict[str, Any]) -> str | None:
    """The error message for an input that does not fit the agent's schema, else None."""
    schema = INPUT_SCHEMAS.get(agent.key)
    if schema is None:
        return None
    for name, raw in value.items():
        spec = schema.get(name)
        if spec is None:
            if agent.key in OPEN_INPUTS:
                continue
            return f"input.{name} is not a field of {agent.name}; known: {', '.join(schema)}"
        if spec.type is str:
            if raw not in spec.choices:
                return f"input.{name} must be one of: {', '.join(spec.choices)}"
            continue
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            return f"input.{name} must be a number"
        if spec.type is int and not float(raw).is_integer():
            return f"input.{name} must be an integer"
        if not spec.minimum <= raw <= spec.maximum:
            return f"input.{name} must be between {spec.minimum:g} and {spec.maximum:g}"
    return None

"""Scripted agents of the simulator, grouped by what they exercise: ``people`` (waits for a
person), ``teams`` (sub-agents), ``volume`` (many steps), ``unattended`` (runs alone to an end);
``catalog`` names them all, ``inputs`` checks what each accepts."""

from __future__ import annotations

from .catalog import AGENTS, AGENTS_BY_ID, SCENARIOS
from .inputs import INPUT_SCHEMAS, OPEN_INPUTS, InputField, validate_input

__all__ = [
    "AGENTS",
    "AGENTS_BY_ID",
    "INPUT_SCHEMAS",
    "OPEN_INPUTS",
    "SCENARIOS",
    "InputField",
    "validate_input",
]

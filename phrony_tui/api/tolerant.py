"""Validation that survives wrong types: the real service may send a number where a string
was documented, or garbage where a number was. The fast path is plain pydantic; only when that
fails are the offending values coerced (or, when nothing can be saved, their list entry
dropped) and validation tried again."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)
ROUNDS = 4


def validate_tolerant(model: type[M], data: Any) -> M:
    for _ in range(ROUNDS):
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            if not _repair(data, exc.errors()):
                raise
    return model.model_validate(data)


def _coerce(kind: str, value: Any) -> Any:
    if kind.startswith("string"):
        if value is None:
            return ""
        if isinstance(value, dict | list):
            return json.dumps(value, default=str)[:10_000]
        return str(value)
    if kind.startswith(("float", "int", "decimal", "finite")):
        return 0
    if kind.startswith("bool"):
        return bool(value)
    if kind in ("dict_type", "model_type", "list_type"):
        return None
    raise KeyError(kind)


def _repair(data: Any, errors: list[Any]) -> bool:
    """Fix each reported location in place; True when anything changed."""
    changed = False
    drops: dict[int, tuple[list[Any], set[int]]] = {}
    for error in errors:
        loc = [part for part in error["loc"] if not isinstance(part, str) or "[" not in part]
        if not loc:
            return False
        parent: Any = data
        try:
            for part in loc[:-1]:
                parent = parent[part]
            if not isinstance(loc[-1], int):
                parent[loc[-1]] = _coerce(error["type"], error.get("input"))
                changed = True
                continue
        except (KeyError, IndexError, TypeError):
            pass
        # Nothing to coerce (a required field is missing): drop the enclosing list entry.
        container: Any = data
        for index, part in enumerate(loc):
            if isinstance(part, int) and isinstance(container, list):
                entry = drops.setdefault(id(container), (container, set()))
                entry[1].add(part)
                changed = True
                break
            try:
                container = container[part]
            except (KeyError, IndexError, TypeError):
                return False
            if index == len(loc) - 1:
                return False
        else:
            return False
    for container, indexes in drops.values():
        for index in sorted(indexes, reverse=True):
            del container[index]
    return changed

"""The two bases of every API object: the wire's spelling of keys and its tolerance of unknown
ones live here, once."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

JSON = Any


class WireModel(BaseModel):
    """Base for API objects: camelCase on the wire, tolerant of unknown keys."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        alias_generator=to_camel,
        protected_namespaces=(),
        allow_inf_nan=False,
    )

    def to_wire(self) -> dict[str, Any]:
        """The JSON body for this object, with unset optional fields left out."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


class SnakeModel(BaseModel):
    """Base for step ``content`` objects, whose keys are snake_case on the wire."""

    model_config = ConfigDict(
        extra="allow", populate_by_name=True, protected_namespaces=(), allow_inf_nan=False
    )

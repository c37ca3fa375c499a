"""Numbers from the server, bounded where they are read.

A token count of 400 digits, ``1.7e308`` (two of them sum to infinity), ``1e400`` or a number
sent as a 500-digit string must not reach ``int()``, formatting or a sum unbounded. So every
count and position is read into a finite range here, and the rest of the console never checks.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BeforeValidator

#: The largest count or position taken from the server. Far above anything real, small enough
#: that ``int()``, formatting, products and sums of many of them stay finite.
NUMBER_LIMIT = 10**15
_TEXT_LIMIT = 400  # characters of a number sent as a string that are worth reading


def bounded_number(value: Any, low: int = 0, high: int = NUMBER_LIMIT) -> int | float | None:
    """A server number made safe for everything downstream: within ``low..high`` (beyond
    either end it saturates, so an overflow to infinity is simply "a lot"), None when it is no
    number at all (NaN, a boolean, an object, a string that does not read as one)."""
    if type(value) is int:
        return value if low <= value <= high else min(max(value, low), high)
    if isinstance(value, str):
        text = value.strip()[: _TEXT_LIMIT + 1]
        try:
            value = int(text) if len(text) <= _TEXT_LIMIT else float(text)
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return min(max(value, low), high)


def _count(value: Any) -> int | float:
    """Token counts: never negative, never missing where the model needs one."""
    bounded = bounded_number(value)
    return 0 if bounded is None else bounded


def _position(value: Any) -> int | float:
    """Ordinals and sequences order the timeline; they may be negative but never endless."""
    bounded = bounded_number(value, -NUMBER_LIMIT)
    return 0 if bounded is None else bounded


def _optional_depth(value: Any) -> int | None:
    bounded = bounded_number(value)
    return None if bounded is None else int(bounded)


def _depth(value: Any) -> int:
    return _optional_depth(value) or 0


TokenCount = Annotated[int | float, BeforeValidator(_count)]
OptionalTokenCount = Annotated[int | float | None, BeforeValidator(bounded_number)]
Position = Annotated[int | float, BeforeValidator(_position)]
Depth = Annotated[int, BeforeValidator(_depth)]
OptionalDepth = Annotated[int | None, BeforeValidator(_optional_depth)]

"""Peak memory of one awaited call, as Python's allocator saw it (every thread counts, the
server's included, so a bound here is a bound on both)."""

from __future__ import annotations

import tracemalloc
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def peak_during(call: Awaitable[T]) -> tuple[T | BaseException, int]:
    """``call``'s result (or the exception it raised) and the peak bytes allocated meanwhile."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    outcome: T | BaseException
    try:
        outcome = await call
    except BaseException as exc:  # the caller asserts on it
        outcome = exc
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return outcome, peak

"""Deterministic ids and timestamps for the simulator."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

_NAMESPACE = uuid.UUID("6b7f2f8e-6f0e-4b43-9d5e-2f1c6a0c9a11")


def fixed_id(name: str) -> str:
    """A UUID that depends on ``name`` only: agent, trigger and tenant ids stay the same across
    runs, seeds and machines, so scripts and docs can name them."""
    return str(uuid.uuid5(_NAMESPACE, name))


class IdFactory:
    """Random-looking version-4 UUIDs from a seed: the same seed gives the same ids."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def new(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))


def now_iso() -> str:
    return iso(datetime.now(UTC))


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def iso_at(epoch: float) -> str:
    """``iso`` of a moment given in seconds since the epoch."""
    return iso(datetime.fromtimestamp(epoch, UTC))


class Clock:
    """Wall-clock time, or a fixed one that ticks a second per reading (for screenshots that must
    not change between runs)."""

    def __init__(self, fixed: datetime | None = None) -> None:
        self._fixed = fixed

    def now(self) -> datetime:
        if self._fixed is None:
            return datetime.now(UTC)
        self._fixed += timedelta(seconds=1)
        return self._fixed

    def iso(self, after_seconds: float = 0) -> str:
        return iso(self.now() + timedelta(seconds=after_seconds))

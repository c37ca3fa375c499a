from __future__ import annotations

from collections.abc import Iterator

import pytest

from phrony_tui.sim import SimServer


@pytest.fixture
def faulty() -> Iterator[SimServer]:
    """A simulator of its own: these tests restart it, revoke its keys, change its scopes."""
    with SimServer(speed=20, seed=3) as server:
        server.faults.set("retry-ms", 10)
        yield server

"""One hostile server per test session; each test registers the answers it needs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.hostile.server import HostileServer

KEY = "phk_hostile_secret_key_0123456789"


@pytest.fixture(scope="session")
def hostile_server() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


@pytest.fixture
def hostile(hostile_server: HostileServer) -> Iterator[HostileServer]:
    hostile_server.reset()
    yield hostile_server
    hostile_server.reset()

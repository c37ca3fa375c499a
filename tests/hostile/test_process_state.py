"""The client leaves process-wide state alone unless asked: the garbage collector keeps
running while it builds a large conversation, unless the caller passes ``manage_gc=True``."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from typing import Any

import pytest

from phrony_tui.api import PhronyClient
from tests.hostile.conftest import KEY
from tests.hostile.server import HostileServer, Reply

STEPS = 20_000


def conversation() -> bytes:
    items = [
        {
            "id": f"i{n}",
            "runId": "r1",
            "ordinal": n,
            "type": "ToolCall",
            "content": {"name": "t", "arguments": {"n": n, "tags": ["a", "b"]}},
        }
        for n in range(STEPS)
    ]
    return json.dumps({"session": {"id": "s1"}, "runs": [], "items": items}).encode()


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """Counts the collector's passes while the test runs (it can only pass when enabled)."""
    seen = [0]

    def count(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            seen[0] += 1

    gc.callbacks.append(count)
    yield seen
    gc.callbacks.remove(count)


@pytest.mark.parametrize("call", ["get_conversation", "load_conversation"])
async def test_the_collector_runs_unless_the_caller_opts_in(
    hostile: HostileServer, collections: list[int], call: str
) -> None:
    hostile.respond("GET", "/v1/runs/*/conversation", Reply.json(conversation()))
    counts = {}
    for manage_gc in (False, True):
        async with PhronyClient(hostile.base_url, KEY, manage_gc=manage_gc) as client:
            collections[0] = 0
            loaded = await getattr(client, call)("r1")
            counts[manage_gc] = collections[0]
        assert len(getattr(loaded, "items", None) or loaded.steps) == STEPS
        assert gc.isenabled()
    assert counts[False] >= 10  # a pass every 700 new objects, while the steps were built
    assert counts[True] < counts[False]

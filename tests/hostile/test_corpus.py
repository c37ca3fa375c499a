"""Every corpus case through the client's public methods: nothing but a ``PhronyError``
escapes, memory stays bounded, and the key is in no error and no result."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from phrony_tui.api import MessageBody, PhronyClient
from phrony_tui.api.errors import PhronyError
from tests.hostile.bombs import MIB
from tests.hostile.conftest import KEY
from tests.hostile.corpus import CASES, Case
from tests.hostile.memory import peak_during
from tests.hostile.server import HostileServer

Call = Callable[[PhronyClient], Awaitable[Any]]


async def read_stream(client: PhronyClient) -> list[Any]:
    items: list[Any] = []
    async with client.stream("r1", last_event_id="7") as stream:
        async for item in stream:
            items.append(item)
            if len(items) > 10_000:
                break
    if stream.retry_ms is not None:
        items.append(stream.retry_ms / 1000)  # the console's use of it
    return [*items, stream.last_event_id]


def calls(area: str, upload: Path) -> dict[str, Call]:
    everything: dict[str, Call] = {
        "get_run": lambda c: c.get_run("r1"),
        "get_conversation": lambda c: c.get_conversation("r1"),
        "load_conversation": lambda c: c.load_conversation("r1"),
        "stream": read_stream,
        "send_message": lambda c: c.send_message(MessageBody(run_id="r1", text="hi")),
        "start_run": lambda c: c.start_run("a1", {"x": 1}),
        "skip_agent_wait": lambda c: c.skip_agent_wait("r1"),
        "upload_file": lambda c: c.upload_file(upload),
    }
    by_area = {
        "conversation": ["get_conversation", "load_conversation"],
        "run": ["get_run"],
        "stream": ["stream"],
        "presign": ["upload_file"],
    }
    return {name: everything[name] for name in by_area.get(area, everything)}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_no_case_escapes_as_anything_but_a_typed_error(
    hostile: HostileServer, case: Case, tmp_path: Path
) -> None:
    case.install(hostile)
    upload = tmp_path / "a.txt"
    upload.write_text("hello")
    async with PhronyClient(
        hostile.base_url, KEY, max_body_bytes=32 * MIB, max_event_bytes=4 * MIB, timeout=10
    ) as client:
        for name, call in calls(case.area, upload).items():
            outcome, peak = await peak_during(call(client))
            if isinstance(outcome, BaseException) and not isinstance(outcome, PhronyError):
                raise AssertionError(
                    f"{case.name}: {name} raised {type(outcome).__name__}"
                ) from outcome
            assert peak < 96 * MIB, f"{case.name}: {name} peaked at {peak // MIB} MiB"
            shown = f"{outcome}{outcome!r}"
            if isinstance(outcome, PhronyError):
                shown += repr(vars(outcome))
            assert KEY not in shown, f"{case.name}: {name} shows the key"

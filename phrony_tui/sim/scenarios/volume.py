"""Scenarios of volume: a firehose of steps as fast as the server can send them, and a session
finished at once with a very long timeline."""

from __future__ import annotations

import asyncio
from typing import Any

from ...api.models import ItemType
from ..context import RunContext


async def firehose(ctx: RunContext) -> Any:
    """Emits ``count`` reasoning steps as fast as the server can, or at ``rate`` per second.
    With ``wait_for_stream`` set, it waits (up to that many seconds) for a stream to listen."""
    count = int(ctx.input.get("count", 1000))
    rate = float(ctx.input.get("rate", 0))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + float(ctx.input.get("wait_for_stream", 0))
    while not ctx.session.subscribers and loop.time() < deadline:
        await asyncio.sleep(0.01)
    start = loop.time()
    for i in range(count):
        ctx.step(
            ItemType.REASONING,
            {"message": f"step {i + 1} of {count}", "preview": f"step {i + 1}"},
            tokens=1,
        )
        if rate > 0:
            delay = start + (i + 1) / rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
        elif i % 200 == 199:
            await asyncio.sleep(0)
    ctx.output({"steps": count})
    return {"steps": count}


async def big(ctx: RunContext) -> Any:
    """A session finished at once with ``items`` timeline rows (100,000 and more)."""
    total = int(ctx.input.get("items", 1000))
    session, run = ctx.session, ctx.run
    kinds = (ItemType.REASONING, ItemType.TOOL_CALL, ItemType.TOOL_RESULT, ItemType.OUTPUT)
    for i in range(max(0, total - 2)):
        kind = kinds[i % 4]
        if kind == ItemType.REASONING:
            content: dict[str, Any] = {"message": f"Thinking about row {i}.", "preview": f"row {i}"}
        elif kind == ItemType.TOOL_CALL:
            content = {"name": "lookup", "arguments": {"row": i}, "tool_call_id": f"call_{i}"}
        elif kind == ItemType.TOOL_RESULT:
            content = {
                "tool_call_id": f"call_{i - 1}",
                "result": {
                    "data": {"row": i - 1, "value": i * 7},
                    "error": None,
                    "successful": True,
                },
            }
        else:
            content = {"output": f"row {i} done"}
        session.add_item(run, kind, content, tokens=3, emit=False)
    run.output = {"rows": total}
    return {"rows": total}

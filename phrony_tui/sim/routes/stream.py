"""``GET /v1/runs/{runId}/stream``: a session's events as SSE, with the stream faults of
``world.faults`` (resets, drops, stalls, malformed and oversized events)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Scope

from ..reset import reset
from ..session import SimSession
from .base import Handlers

#: The start of an event that never ends: the stream is cut in the middle of it.
PARTIAL_EVENT = b'data: {"kind": "st'


class DropConnection(Exception):
    """Raised inside a stream to cut the connection without finishing the chunked body."""


class StreamRoutes(Handlers):
    async def stream(self, request: Request) -> Response:
        run, _ = self.run(request)
        after: int | None = None
        last = request.headers.get("last-event-id", "")
        if self.world.replay and last.isdigit():
            after = int(last)
        return StreamingResponse(
            self._events(run.session, after, request.scope),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    async def _events(
        self, session: SimSession, after: int | None, scope: Scope
    ) -> AsyncIterator[bytes]:
        faults = self.world.faults
        sub = session.subscribe(after)
        sent = 0
        try:
            yield f"retry: {faults.retry_ms}\n\n".encode()
            if faults.reset_stream:
                yield PARTIAL_EVENT
                await self._reset(scope)
            if faults.trickle_stream:
                yield b"data: "
                while faults.trickle_stream:  # bytes, never a whole event nor a heartbeat
                    await asyncio.sleep(0.05)
                    yield b"x"
                return
            while True:
                if session.ended.is_set() and sub.queue.empty():
                    await asyncio.sleep(2.0 / max(1.0, session.engine.speed))
                    if sub.queue.empty():
                        return
                try:
                    event = await asyncio.wait_for(sub.queue.get(), timeout=faults.heartbeat_s)
                except TimeoutError:
                    yield b": ping\n\n"
                    continue
                if event is None:
                    return
                if faults.stall_after and sent >= faults.stall_after:
                    await asyncio.sleep(3600)
                if faults.malformed_every and (sent + 1) % faults.malformed_every == 0:
                    yield b'data: {"ts": "broken", "kind": \n\n'
                if faults.oversized_every and (sent + 1) % faults.oversized_every == 0:
                    yield b"data: " + b"x" * faults.oversized_bytes + b"\n\n"
                sent += 1
                yield event.wire
                if (faults.drop_stream_every and sent % faults.drop_stream_every == 0) or (
                    faults.drop_stream_random and faults.rng.random() < faults.drop_stream_random
                ):
                    self.world.drops += 1
                    raise DropConnection
                if faults.reset_stream_every and sent % faults.reset_stream_every == 0:
                    yield PARTIAL_EVENT
                    await self._reset(scope)
                if faults.end_stream_every and sent % faults.end_stream_every == 0:
                    return  # a clean end: the chunked body is finished properly
        finally:
            session.unsubscribe(sub)

    async def _reset(self, scope: Scope) -> None:
        """A moment for the partial event to reach the client, then a TCP reset."""
        await asyncio.sleep(0.05)
        reset(scope)
        self.world.drops += 1
        raise DropConnection

"""Faults injected in front of every API route: latency, 429s and 5xx, per ``world.faults``."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from .routes.base import error
from .world import World


class FaultMiddleware:
    """Injected latency, 429s and 5xx on the API routes (``/v1``), per ``world.faults``."""

    def __init__(self, app: ASGIApp, world: World) -> None:
        self.app = app
        self.world = world

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        faults = self.world.faults
        self.world.request_count += 1
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        retry = {"Retry-After": f"{faults.retry_after:g}"}
        response: Response | None = None
        is_message = scope["method"] == "POST" and scope["path"].endswith(("/messages", "/input"))
        if faults.rate_limit_next:
            faults.rate_limit_next -= 1
            response = error(429, "rate_limited", "rate limit exceeded; retry later", retry)
        elif faults.unavailable_next and faults.unavailable_path in scope["path"]:
            faults.unavailable_next -= 1
            response = error(503, "unavailable", "service unavailable (injected)", retry)
        elif faults.rate_limit_every and self.world.request_count % faults.rate_limit_every == 0:
            response = error(429, "rate_limited", "rate limit exceeded; retry later", retry)
        elif faults.fail_stream and scope["path"].endswith("/stream"):
            response = error(500, "internal_error", "the stream is unavailable (injected)")
        elif is_message and faults.fail_next:
            faults.fail_next -= 1
            response = error(500, "internal_error", "injected failure; nothing was processed")
        elif is_message and faults.fail_after_accept:
            faults.fail_after_accept -= 1

            async def swallow(message: Any) -> None:
                """The message is processed; its answer is lost."""

            await self.app(scope, receive, swallow)
            response = error(500, "internal_error", "injected failure after processing")
        elif faults.error_5xx_rate and faults.rng.random() < faults.error_5xx_rate:
            if faults.rng.random() < 0.5:
                response = error(500, "internal_error", "injected server error")
            else:
                response = error(503, "unavailable", "service unavailable (injected)", retry)
        if response is not None:
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

"""The simulator's HTTP surface: every route of API.md on one table, on Starlette. The handlers
live in ``routes``, one module per resource."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from .fault_middleware import FaultMiddleware
from .reset import TransportInScope
from .routes.base import error
from .routes.files import UPLOAD_PREFIX, FileRoutes
from .routes.messages import MessageRoutes
from .routes.runs import RunRoutes, conversation
from .routes.sessions import SessionRoutes
from .routes.stream import DropConnection, StreamRoutes
from .validation import Refusal
from .world import World

__all__ = ["DropConnection", "build_app", "conversation"]


def _guard(
    handler: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except Refusal as exc:
            return error(exc.status, exc.code, exc.message)

    return wrapped


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return error(exc.status_code, code, str(exc.detail))


def build_app(world: World) -> ASGIApp:
    sessions, runs = SessionRoutes(world), RunRoutes(world)
    messages, stream, files = MessageRoutes(world), StreamRoutes(world), FileRoutes(world)
    g = _guard
    routes = [
        Route("/v1/agents/{agent_id}/runs", g(sessions.start_run), methods=["POST"]),
        Route("/v1/agents/{agent_id}/sessions", g(sessions.list_sessions), methods=["GET"]),
        Route("/v1/runs/{run_id}", g(runs.get_run), methods=["GET"]),
        Route("/v1/runs/{run_id}/conversation", g(runs.conversation), methods=["GET"]),
        Route("/v1/runs/{run_id}/stream", g(stream.stream), methods=["GET"]),
        Route("/v1/runs/{run_id}/messages", g(messages.messages), methods=["POST"]),
        Route("/v1/runs/{run_id}/input", g(messages.messages), methods=["POST"]),
        Route("/v1/runs/{run_id}/skip-agent-wait", g(messages.skip_wait), methods=["POST"]),
        Route("/v1/file-library/presign", g(files.presign), methods=["POST"]),
        Route("/v1/file-library/finalize", g(files.finalize), methods=["POST"]),
        Route(UPLOAD_PREFIX + "{token}", files.upload, methods=["PUT"]),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(FaultMiddleware, world=world)],
        exception_handlers={HTTPException: _http_error},
    )
    app.router.redirect_slashes = False  # a trailing slash is a 404 with an error body, not a 307
    return TransportInScope(app)

"""``GET /v1/runs/{runId}`` and its conversation: a run read back, slimmed and redacted."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ...api.models import HEADER_KEYS, ItemType
from ..session import SimSession
from ..validation import Refusal
from ..wire import WireJSONResponse as JSONResponse
from .base import Handlers


class RunRoutes(Handlers):
    async def get_run(self, request: Request) -> Response:
        run, _ = self.run(request)
        body = {
            "runId": run.id,
            "status": run.status,
            "output": run.output,
            "sessionId": run.session.id,
            "totalTokensUsed": run.tokens,
            "agentId": run.agent.id,
            "parentRunId": run.parent_id,
            "depth": run.depth,
        }
        if run.error is not None:
            body["error"] = run.error  # the SDK's RunStatus has ``error?: string``: no null
        return JSONResponse(body)

    async def conversation(self, request: Request) -> Response:
        run, _ = self.run(request)
        mode = request.query_params.get("stepContent", "full")
        if mode not in ("slim", "full"):
            raise Refusal(400, "invalid_query", "stepContent must be slim or full")
        return JSONResponse(conversation(run.session, slim=mode == "slim"))


def conversation(session: SimSession, *, slim: bool) -> dict[str, Any]:
    """``{session, runs, items}``, slimmed and redacted as API.md 4.6, 4.7 and 10.6 say."""
    redacted = not session.agent.expose_timeline
    snap = session.snapshot()
    runs = [run.summary() for run in session.runs.values()]
    items = session.items
    if redacted:
        snap["input"] = None
        snap["startContext"] = None
        for r in runs:
            r["output"] = r["error"] = r["input"] = None
        root = session.root.id
        items = [
            i
            for i in items
            if i["type"] == ItemType.SESSION_COMPLETED
            or (i["type"] == ItemType.RUN_COMPLETED and i["runId"] == root)
        ]
    if slim:
        items = [_slim(i) for i in items]
    return {"session": snap, "runs": runs, "items": items}


def _slim(item: dict[str, Any]) -> dict[str, Any]:
    content = item["content"]
    if not isinstance(content, dict):
        return item
    return {**item, "content": {k: v for k, v in content.items() if k not in HEADER_KEYS}}

"""``/v1/agents/{agentId}/…``: starting a run (a new session) and listing an agent's sessions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

from starlette.requests import Request
from starlette.responses import Response

from ..past import Past
from ..scenarios import AGENTS_BY_ID, validate_input
from ..session import SimSession
from ..validation import Refusal, check_input_files
from ..wire import WireJSONResponse as JSONResponse
from .base import Handlers


class SessionRoutes(Handlers):
    async def start_run(self, request: Request) -> Response:
        key = self.key(request)
        agent = AGENTS_BY_ID.get(request.path_params["agent_id"])
        if agent is None:
            raise Refusal(404, "agent_not_found", "no agent with this id")
        if agent.trigger_id is None:
            raise Refusal(
                403, "no_api_trigger", "this agent runs only as a sub-agent and has no API trigger"
            )
        if not key.covers(agent):
            raise Refusal(403, "forbidden", "this API key is not scoped to this agent's trigger")
        body = await self.body(request)
        if body is not None and not isinstance(body, dict):
            raise Refusal(400, "invalid_body", "the body must be a JSON object")
        value = (body or {}).get("input")
        value = {} if value is None else value
        if not isinstance(value, dict):
            raise Refusal(400, "invalid_input", "input must be an object")
        problem = validate_input(agent, value)
        if problem:
            raise Refusal(400, "invalid_input", problem)
        check_input_files(self.world, value)
        session = self.world.engine.start_session(agent, self.world.tenant_id, key.id, value)
        self.record(request, 202, body)
        return JSONResponse(
            {
                "sessionId": session.id,
                "runId": session.root.id,
                "status": session.root.status,
                "totalTokensUsed": 0,
                "output": None,
                "agentId": agent.id,
                "triggerId": agent.trigger_id,
            },
            status_code=202,
        )

    async def list_sessions(self, request: Request) -> Response:
        key = self.key(request)
        agent = AGENTS_BY_ID.get(request.path_params["agent_id"])
        if agent is None:
            raise Refusal(404, "agent_not_found", "no agent with this id")
        if not any(scope[0] == agent.id for scope in key.scopes):
            raise Refusal(403, "forbidden", "this API key is not scoped to this agent")
        q = request.query_params
        skip = _int_param(q.get("skip"), "skip", 0, 0, None)
        take = _int_param(q.get("take"), "take", 20, 1, 100)
        engine = self.world.engine
        past = engine.history.rows(agent.id) if engine.history else []
        live = engine.started.get(agent.id, [])
        version, status = q.get("versionId"), q.get("status")
        if version or status:
            newest: list[Past | SimSession] = [*live[::-1], *past[::-1]]
            rows: Sequence[Past | SimSession] = [
                row
                for row in newest
                if (not version or row.agent.version_id == version)
                and (not status or _status(row) == status)
            ]
        else:
            rows = _Newest(live, past)  # no copy: a page of thousands costs as much as of ten
        items = [self._row(rows[i]) for i in range(skip, min(skip + take, len(rows)))]
        return JSONResponse({"items": items, "total": len(rows)})

    def _row(self, row: Past | SimSession) -> dict[str, Any]:
        if isinstance(row, SimSession):
            return row.list_item()
        return row.list_item(self.world.tenant_id)


def _status(row: Past | SimSession) -> str:
    return row.status if isinstance(row, SimSession) else row.current_status


class _Newest(Sequence["Past | SimSession"]):
    """The sessions started here (newest first), then the seeded ones (newest first)."""

    def __init__(self, live: list[SimSession], past: list[Past]) -> None:
        self.live, self.past = live, past

    def __len__(self) -> int:
        return len(self.live) + len(self.past)

    @overload
    def __getitem__(self, index: int) -> Past | SimSession: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Past | SimSession]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < len(self.live):
            return self.live[-1 - index]
        return self.past[-1 - (index - len(self.live))]


def _int_param(raw: str | None, name: str, default: int, low: int, high: int | None) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Refusal(400, "invalid_query", f"{name} must be an integer") from None
    if value < low or (high is not None and value > high):
        limit = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise Refusal(400, "invalid_query", f"{name} must be {limit}")
    return value

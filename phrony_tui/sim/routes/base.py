"""What every route does first: find the API key, look up the run, read the JSON body, and
record what was received; and the API's error body."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..records import Run
from ..validation import Refusal
from ..wire import WireJSONResponse as JSONResponse
from ..world import Received, SimKey, World


def error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"error": message, "code": code}, status_code=status, headers=headers)


class Handlers:
    """Route handlers over one ``World``."""

    def __init__(self, world: World) -> None:
        self.world = world

    def key(self, request: Request) -> SimKey:
        secret = request.headers.get("x-api-key", "")
        key = self.world.keys.get(secret)
        if not secret or key is None:
            raise Refusal(401, "unauthorized", "missing or invalid API key (X-API-Key)")
        if not key.active:
            raise Refusal(401, "key_revoked", "this API key has been revoked")
        return key

    def run(self, request: Request) -> tuple[Run, SimKey]:
        key = self.key(request)
        run = self.world.engine.find_run(request.path_params["run_id"])
        if run is None:
            raise Refusal(404, "run_not_found", "no run with this id")
        if not key.covers(run.session.agent):
            raise Refusal(403, "forbidden", "this API key is not scoped to the run's agent")
        return run, key

    async def body(self, request: Request) -> Any:
        raw = await request.body()
        if not raw.strip():
            return None
        try:
            value = json.loads(raw, parse_constant=_reject_constant)
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except (ValueError, RecursionError, UnicodeError):
            raise Refusal(400, "invalid_json", "the body is not valid JSON") from None
        return value

    def record(self, request: Request, status: int, body: Any) -> None:
        self.world.received.append(
            Received(
                request.method, request.url.path, status, body, request.headers.get("content-type")
            )
        )


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")

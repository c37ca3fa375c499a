"""The simulator's HTTP surface: every route of API.md, on Starlette."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ..api.models import HEADER_KEYS, ItemType
from .records import Run, Turn
from .reset import TransportInScope, reset
from .scenarios import AGENTS_BY_ID, validate_input
from .session import SimSession
from .validation import Refusal, check_answer, check_files, check_message, check_reply
from .wire import WireJSONResponse as JSONResponse
from .world import MAX_UPLOAD_BYTES, UPLOAD_EXPIRES_S, Received, SimKey, StoredFile, World

UPLOAD_PREFIX = "/_uploads/"
BLOCKED_MEDIA = re.compile(
    r"^(text/html|application/xhtml\+xml|image/svg\+xml|application/x-msdownload|"
    r"application/x-msdos-program|application/x-executable|application/x-sh|"
    r"application/x-dosexec|application/vnd\.microsoft\.portable-executable|"
    r"application/java-archive|application/x-mach-binary)$",
    re.I,
)
REQUIRED_SSE = "AES256"


def error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"error": message, "code": code}, status_code=status, headers=headers)


#: The start of an event that never ends: the stream is cut in the middle of it.
PARTIAL_EVENT = b'data: {"kind": "st'


class DropConnection(Exception):
    """Raised inside a stream to cut the connection without finishing the chunked body."""


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
        elif faults.unavailable_next:
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


class SimApp:
    """Route handlers over one ``World``."""

    def __init__(self, world: World) -> None:
        self.world = world

    # --- auth and lookup ------------------------------------------------------------------

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
        run = self.world.engine.runs.get(request.path_params["run_id"])
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

    # --- agents ---------------------------------------------------------------------------

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
        rows = [s for s in self.world.engine.sessions.values() if s.agent.id == agent.id]
        if q.get("versionId"):
            rows = [s for s in rows if s.agent.version_id == q["versionId"]]
        if q.get("status"):
            rows = [s for s in rows if s.status == q["status"]]
        rows.reverse()  # newest first
        page = rows[skip : skip + take]
        return JSONResponse({"items": [s.list_item() for s in page], "total": len(rows)})

    # --- runs -----------------------------------------------------------------------------

    async def get_run(self, request: Request) -> Response:
        run, _ = self.run(request)
        return JSONResponse(
            {
                "runId": run.id,
                "status": run.status,
                "output": run.output,
                "error": run.error,
                "sessionId": run.session.id,
                "totalTokensUsed": run.tokens,
                "agentId": run.agent.id,
                "parentRunId": run.parent_id,
                "depth": run.depth,
            }
        )

    async def conversation(self, request: Request) -> Response:
        run, _ = self.run(request)
        mode = request.query_params.get("stepContent", "full")
        if mode not in ("slim", "full"):
            raise Refusal(400, "invalid_query", "stepContent must be slim or full")
        return JSONResponse(conversation(run.session, slim=mode == "slim"))

    async def messages(self, request: Request) -> Response:
        run, _ = self.run(request)
        raw = await self.body(request)
        try:
            body = check_message(raw, run.id)
            body.pop("completedByEmail", None)  # never trusted from an API key
            files = check_files(self.world, body)
            session = run.session
            task_id = body.get("userTaskId")
            if task_id:
                task = session.tasks.get(task_id)
                if task is None:
                    raise Refusal(404, "task_not_found", f"no user task {task_id} in this session")
                outcome = check_answer(task, run, body)
                session.end_task(task, "Completed", outcome)
            else:
                check_reply(run)
                text = str(body.get("text") or body.get("message") or "")
                session.deliver_turn(run, Turn(text, files))
        except Refusal as exc:
            self.record(request, exc.status, raw)
            raise
        self.record(request, 202, raw)
        return JSONResponse({"status": "Running"}, status_code=202)

    async def skip_wait(self, request: Request) -> Response:
        run, _ = self.run(request)
        if run.status != "WaitingForTimer":
            self.record(request, 400, None)
            raise Refusal(
                400, "not_waiting_for_timer", f"run {run.id} is {run.status}, not WaitingForTimer"
            )
        run.session.skip_timer(run)
        self.record(request, 202, None)
        return JSONResponse({"status": "Running"}, status_code=202)

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

    # --- file library ---------------------------------------------------------------------

    async def presign(self, request: Request) -> Response:
        key = self.key(request)
        if not key.uploads:
            raise Refusal(403, "uploads_disabled", "file uploads are not enabled for this API key")
        body = await self.body(request)
        if not isinstance(body, dict):
            raise Refusal(400, "invalid_body", "the body must be a JSON object")
        filename, media, size = (
            body.get("filename"),
            body.get("mediaType"),
            body.get("maxContentLength"),
        )
        if not isinstance(filename, str) or not 1 <= len(filename) <= 512:
            raise Refusal(400, "invalid_filename", "filename must be 1 to 512 characters")
        if not isinstance(media, str) or "/" not in media:
            raise Refusal(400, "invalid_media_type", "mediaType must be a type/subtype string")
        if BLOCKED_MEDIA.match(media.split(";")[0].strip()):
            raise Refusal(400, "media_type_not_allowed", f"media type {media} is not allowed")
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise Refusal(
                400,
                "invalid_max_content_length",
                "maxContentLength must be an integer of at least 1",
            )
        if size > MAX_UPLOAD_BYTES:
            raise Refusal(
                400,
                "max_content_length_too_large",
                f"maxContentLength exceeds the limit of {MAX_UPLOAD_BYTES} bytes",
            )
        ids = self.world.engine.ids
        ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
        ext = re.sub(r"[^a-z0-9]", "", ext)[:10] or "bin"
        object_key = f"tenants/{self.world.tenant_id}/files/{ids.new()}.{ext}"
        token = ids.new().replace("-", "")
        self.world.files[object_key] = StoredFile(
            object_key, filename, media, size, token, time.monotonic() + UPLOAD_EXPIRES_S
        )
        self.world.uploads[token] = object_key
        base = str(request.base_url).rstrip("/")
        return JSONResponse(
            {
                "objectKey": object_key,
                "uploadUrl": f"{base}{UPLOAD_PREFIX}{token}",
                "httpMethod": "PUT",
                "requiredHeaders": {
                    "Content-Type": media,
                    "x-amz-server-side-encryption": REQUIRED_SSE,
                },
                "expiresInSeconds": UPLOAD_EXPIRES_S,
            }
        )

    async def upload(self, request: Request) -> Response:
        object_key = self.world.uploads.get(request.path_params["token"])
        stored = self.world.files.get(object_key or "")
        if stored is None:
            return error(404, "upload_not_found", "no such upload URL")
        if stored.finalized:
            return error(409, "already_finalized", "this file is finalized; presign a new one")
        if self.world.expired(stored):
            return error(403, "upload_url_expired", "the presigned URL has expired")
        if (
            request.headers.get("content-type") != stored.media_type
            or request.headers.get("x-amz-server-side-encryption") != REQUIRED_SSE
        ):
            return error(
                403, "signature_mismatch", "send every requiredHeaders entry exactly as given"
            )
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > stored.max_content_length:
            return error(413, "too_large", "body larger than maxContentLength")
        data = bytearray()
        async for chunk in request.stream():
            data.extend(chunk)
            if len(data) > stored.max_content_length:
                return error(413, "too_large", "body larger than maxContentLength")
        stored.data = bytes(data)
        return Response(status_code=200)

    async def finalize(self, request: Request) -> Response:
        key = self.key(request)
        if not key.uploads:
            raise Refusal(403, "uploads_disabled", "file uploads are not enabled for this API key")
        body = await self.body(request)
        if not isinstance(body, dict) or not isinstance(body.get("objectKey"), str):
            raise Refusal(400, "invalid_body", "objectKey is required")
        stored = self.world.files.get(body["objectKey"])
        if stored is None:
            raise Refusal(404, "object_not_found", "no presigned file with this objectKey")
        size = body.get("maxContentLength")
        if size != stored.max_content_length:
            raise Refusal(
                400,
                "max_content_length_mismatch",
                "maxContentLength must be the value given at presign",
            )
        if stored.data is None:
            raise Refusal(400, "not_uploaded", "nothing was uploaded for this objectKey")
        already = stored.finalized
        stored.finalized = True
        return JSONResponse(
            {
                "objectKey": stored.object_key,
                "sizeBytes": str(len(stored.data)),
                "alreadyFinalized": already,
            }
        )


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


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _slim(item: dict[str, Any]) -> dict[str, Any]:
    content = item["content"]
    if not isinstance(content, dict):
        return item
    return {**item, "content": {k: v for k, v in content.items() if k not in HEADER_KEYS}}


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
    sim = SimApp(world)
    g = _guard
    routes = [
        Route("/v1/agents/{agent_id}/runs", g(sim.start_run), methods=["POST"]),
        Route("/v1/agents/{agent_id}/sessions", g(sim.list_sessions), methods=["GET"]),
        Route("/v1/runs/{run_id}", g(sim.get_run), methods=["GET"]),
        Route("/v1/runs/{run_id}/conversation", g(sim.conversation), methods=["GET"]),
        Route("/v1/runs/{run_id}/stream", g(sim.stream), methods=["GET"]),
        Route("/v1/runs/{run_id}/messages", g(sim.messages), methods=["POST"]),
        Route("/v1/runs/{run_id}/input", g(sim.messages), methods=["POST"]),
        Route("/v1/runs/{run_id}/skip-agent-wait", g(sim.skip_wait), methods=["POST"]),
        Route("/v1/file-library/presign", g(sim.presign), methods=["POST"]),
        Route("/v1/file-library/finalize", g(sim.finalize), methods=["POST"]),
        Route(UPLOAD_PREFIX + "{token}", sim.upload, methods=["PUT"]),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(FaultMiddleware, world=world)],
        exception_handlers={HTTPException: _http_error},
    )
    app.router.redirect_slashes = False  # a trailing slash is a 404 with an error body, not a 307
    return TransportInScope(app)

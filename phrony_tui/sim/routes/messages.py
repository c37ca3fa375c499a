"""``POST /v1/runs/{runId}/messages`` (and ``/input``): answering a task or replying to a run;
``skip-agent-wait``: ending a timer early."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..records import Turn
from ..validation import Refusal, check_answer, check_files, check_message, check_reply
from ..wire import WireJSONResponse as JSONResponse
from .base import Handlers


class MessageRoutes(Handlers):
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

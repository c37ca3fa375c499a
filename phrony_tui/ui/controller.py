"""The controller: the only place the console calls the API. Intents in, results out.

A POST is retried automatically only when it surely did not reach the server (a connect
error) or the server said so (429/503 with ``Retry-After``); anything else keeps the draft and
shows the error.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from textual.message import Message

from ..api import PhronyClient
from ..api.compact import steps_of
from ..api.errors import (
    APIConnectionError,
    APIStatusError,
    ConflictError,
    PhronyError,
    RateLimitError,
    ServerError,
)
from ..api.models import ItemType, MessageBody, same_type
from ..preflight import ConsoleError, preflight
from ..session.drafts import DraftKey, DraftKind, SendOutcome, UploadId
from .messages import Reconcile, RunChecked, SendResult, SnapshotLoaded, UploadDone, UploadProgress
from .sanitize import one_line

MAX_RETRY_AFTER = 10.0
SEND_ATTEMPTS = 3
#: After an ambiguous failure the timeline is read at these delays (s) before "not
#: delivered" is concluded: the API answers 202 and may apply a message a moment later.
ARRIVAL_CHECKS = (0.0, 0.5, 1.5)


def describe(error: BaseException) -> str:
    """A short, safe sentence for the status area (the key never appears in errors)."""
    if isinstance(error, APIStatusError):
        return one_line(f"{error.status}: {error.message or 'request failed'}", 300)
    return one_line(str(error) or type(error).__name__, 300)


_ANSWER_FIELDS = ("approved", "selectedOptionId", "textValue", "numberValue")


def _other_answer(body: MessageBody, outcome: object) -> bool:
    """Whether a completed task's ``outcome`` holds an answer that differs from ``body``'s."""
    if not isinstance(outcome, dict):
        return False  # no outcome to compare: assume ours
    ours = body.to_wire()
    return any(
        key in ours and key in outcome and outcome[key] != ours[key] for key in _ANSWER_FIELDS
    )


class Controller:
    arrival_checks: tuple[float, ...] = ARRIVAL_CHECKS

    def __init__(
        self,
        client: PhronyClient,
        run_id: str,
        post: Callable[[Message], bool],
        events_applied: Callable[[], int],
    ) -> None:
        self.client = client
        self.run_id = run_id
        self.post = post
        self.events_applied = events_applied

    async def snapshot(self) -> None:
        start = self.events_applied()
        try:
            conversation = await self.client.load_conversation(self.run_id)
        except PhronyError:
            return  # the stream worker reports connection trouble
        self.post(SnapshotLoaded(conversation, start))

    async def check_run(self, run_id: str) -> None:
        """Load another run for the console to switch to, or say why it cannot be opened."""
        try:
            conversation = await preflight(self.client, run_id)
        except ConsoleError as exc:
            self.post(RunChecked(run_id, None, str(exc)))
            return
        self.post(RunChecked(run_id, conversation))

    async def send(self, body: MessageBody, draft_key: DraftKey, since_ordinal: float = 0) -> None:
        """Post once; retry only what surely did not arrive or what the server asked to retry.
        After an ambiguous failure, look at the timeline to tell whether it arrived."""
        for attempt in range(SEND_ATTEMPTS):
            last = attempt + 1 == SEND_ATTEMPTS
            try:
                await self.client.send_message(body)
            except ConflictError as exc:
                message = f"{describe(exc)} — the task is no longer pending; refreshed."
                self.post(SendResult(draft_key, SendOutcome.CONFLICT, message))
                self.post(Reconcile("conflict"))
                return
            except (RateLimitError, ServerError) as exc:
                wait = exc.retry_after
                if exc.status in (429, 503) and wait is not None and wait <= MAX_RETRY_AFTER:
                    if not last:
                        await asyncio.sleep(wait)
                        continue
                    self.post(SendResult(draft_key, SendOutcome.FAILED, self._kept(exc)))
                    return
                if isinstance(exc, ServerError):
                    await self._ambiguous(body, draft_key, since_ordinal, exc)
                else:
                    self.post(SendResult(draft_key, SendOutcome.FAILED, self._kept(exc)))
                return
            except APIConnectionError as exc:
                if not exc.maybe_sent and not last:
                    await asyncio.sleep(0.5 * (attempt + 1))
                    continue
                if exc.maybe_sent:
                    await self._ambiguous(body, draft_key, since_ordinal, exc)
                else:
                    self.post(SendResult(draft_key, SendOutcome.FAILED, self._kept(exc)))
                return
            except PhronyError as exc:
                self.post(SendResult(draft_key, SendOutcome.FAILED, self._kept(exc)))
                return
            self.post(SendResult(draft_key, SendOutcome.SENT))
            self.post(Reconcile("sent"))
            return

    @staticmethod
    def _kept(error: BaseException) -> str:
        return f"Not sent: {describe(error)}. Your draft is kept."

    async def _ambiguous(
        self, body: MessageBody, draft_key: DraftKey, since: float, error: PhronyError
    ) -> None:
        arrived = SendOutcome.UNKNOWN
        for delay in self.arrival_checks:
            await asyncio.sleep(delay)
            arrived = await self.arrived(body, since)
            if arrived in (SendOutcome.ARRIVED_AFTER_ALL, SendOutcome.ANSWERED_ELSEWHERE):
                break
        # Only the last look counts: "not yet" followed by "cannot tell" is "cannot tell".
        if arrived is SendOutcome.ANSWERED_ELSEWHERE:
            text = (
                f"{describe(error)}; meanwhile the task was answered differently, elsewhere "
                "(its outcome is in the timeline). It is no longer pending; refreshed."
            )
            self.post(SendResult(draft_key, arrived, text))
        elif arrived is SendOutcome.ARRIVED_AFTER_ALL:
            self.post(SendResult(draft_key, arrived))
        elif arrived is SendOutcome.NOT_DELIVERED:
            text = f"Not delivered ({describe(error)}). Your draft is kept: send it again."
            self.post(SendResult(draft_key, arrived, text))
        else:
            text = (
                f"{describe(error)}: it may or may not have arrived, and the timeline "
                "cannot be checked now. Your draft is kept; look before sending again."
            )
            self.post(SendResult(draft_key, SendOutcome.UNKNOWN, text))
        self.post(Reconcile("ambiguous send"))

    async def arrived(self, body: MessageBody, since: float) -> SendOutcome:
        """Whether the server has ``body`` (``ARRIVED_AFTER_ALL``): its task is no longer
        pending, or a user turn with its text appeared after ordinal ``since``.
        ``ANSWERED_ELSEWHERE`` when the task ended with another answer than ours,
        ``NOT_DELIVERED`` when it is not there, ``UNKNOWN`` when the timeline cannot be read."""
        try:
            conversation = await self.client.load_conversation(body.run_id)
        except PhronyError:
            return SendOutcome.UNKNOWN
        for step in steps_of(conversation):
            if body.user_task_id:
                if not same_type(step.type, ItemType.USER_TASK_REQ):
                    continue
            elif not (
                same_type(step.type, ItemType.USER_MESSAGE)
                and step.run_id == body.run_id
                and step.ordinal > since
            ):
                continue
            item = step.model()
            content = item.content if isinstance(item.content, dict) else {}
            if body.user_task_id:
                if content.get("user_task_id") == body.user_task_id:
                    if content.get("status", "Pending") == "Pending":
                        return SendOutcome.NOT_DELIVERED
                    if _other_answer(body, content.get("outcome")):
                        return SendOutcome.ANSWERED_ELSEWHERE
                    return SendOutcome.ARRIVED_AFTER_ALL
            elif content.get("text", "") == (body.text or body.message or ""):
                return SendOutcome.ARRIVED_AFTER_ALL
        return SendOutcome.NOT_DELIVERED

    async def skip_wait(self, run_id: str) -> None:
        key = DraftKey(DraftKind.TIMER, run_id)
        try:
            await self.client.skip_agent_wait(run_id)
        except PhronyError as exc:
            self.post(SendResult(key, SendOutcome.FAILED, describe(exc)))
            self.post(Reconcile("skip failed"))
            return
        self.post(SendResult(key, SendOutcome.SENT))
        self.post(Reconcile("skipped"))

    async def upload(self, path: str, upload_id: UploadId) -> None:
        file = Path(path)
        last = 0.0

        def progress(sent: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if sent in (0, total) or now - last > 0.1:
                last = now
                self.post(UploadProgress(upload_id, sent, total))

        try:
            ref = await self.client.upload_file(file, progress=progress)
        except PhronyError as exc:
            self.post(UploadDone(upload_id, file.name or path, error=describe(exc)))
            return
        self.post(UploadDone(upload_id, file.name or path, ref=ref))

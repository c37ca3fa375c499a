"""The controller: the only place the console calls the API. Intents in, results out.

Sending follows the rules the commands follow (``commands.sending``): a POST is retried only
when it surely did not reach the server or the server said so; anything else keeps the draft
and shows the error.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from textual.message import Message

from ..api import PhronyClient
from ..api.errors import PhronyError
from ..api.models import MessageBody
from ..commands.sending import ARRIVAL_CHECKS, Delivery, Outcome, send_message
from ..commands.sending import skip_wait as skip_timer
from ..live.describe import describe
from ..preflight import ConsoleError, preflight
from ..session.drafts import DraftKey, DraftKind, SendOutcome, UploadId
from .messages import Reconcile, RunChecked, SendResult, SnapshotLoaded, UploadDone, UploadProgress

_OUTCOMES = {
    Outcome.SENT: SendOutcome.SENT,
    Outcome.ARRIVED: SendOutcome.ARRIVED_AFTER_ALL,
    Outcome.CONFLICT: SendOutcome.CONFLICT,
    Outcome.ELSEWHERE: SendOutcome.ANSWERED_ELSEWHERE,
    Outcome.NOT_DELIVERED: SendOutcome.NOT_DELIVERED,
    Outcome.UNKNOWN: SendOutcome.UNKNOWN,
    Outcome.REFUSED: SendOutcome.FAILED,
}


def _explain(delivery: Delivery) -> str:
    """What the composer says about a send that did not simply go through."""
    error = delivery.error
    why = describe(error) if error is not None else ""
    match delivery.outcome:
        case Outcome.SENT | Outcome.ARRIVED:
            return ""
        case Outcome.CONFLICT:
            return f"{why} — the task is no longer pending; refreshed."
        case Outcome.ELSEWHERE:
            return (
                f"{why}; meanwhile the task was answered differently, elsewhere "
                "(its outcome is in the timeline). It is no longer pending; refreshed."
            )
        case Outcome.NOT_DELIVERED:
            return f"Not delivered ({why}). Your draft is kept: send it again."
        case Outcome.UNKNOWN:
            return (
                f"{why}: it may or may not have arrived, and the timeline cannot be checked "
                "now. Your draft is kept; look before sending again."
            )
    return f"Not sent: {why}. Your draft is kept."


class Controller:
    arrival_checks: tuple[float, ...] = ARRIVAL_CHECKS

    def __init__(
        self,
        client: PhronyClient,
        run_id: str,
        post: Callable[[Message], bool],
    ) -> None:
        self.client = client
        self.run_id = run_id
        self.post = post

    async def snapshot(self, after_seq: int) -> None:
        """The conversation, fetched while the stream worker is stopped; ``after_seq`` is the
        last event number applied when the fetch began."""
        try:
            conversation = await self.client.load_conversation(self.run_id)
        except PhronyError:
            return  # the stream worker reported why it stopped
        self.post(SnapshotLoaded(conversation, after_seq))

    async def check_run(self, run_id: str) -> None:
        """Load another run for the console to switch to, or say why it cannot be opened."""
        try:
            conversation = await preflight(self.client, run_id)
        except ConsoleError as exc:
            self.post(RunChecked(run_id, None, str(exc)))
            return
        self.post(RunChecked(run_id, conversation))

    async def send(self, body: MessageBody, draft_key: DraftKey, since_ordinal: float = 0) -> None:
        """Post once under the rules the commands follow too (``commands.sending``): retried
        only when it surely did not arrive or the server asked; after an ambiguous failure the
        timeline says whether it arrived. The result names what became of the draft."""
        delivery = await send_message(self.client, body, since_ordinal, checks=self.arrival_checks)
        outcome = _OUTCOMES[delivery.outcome]
        self.post(SendResult(draft_key, outcome, _explain(delivery)))
        if delivery.outcome is not Outcome.REFUSED:
            self.post(Reconcile(delivery.outcome.value))

    async def skip_wait(self, run_id: str) -> None:
        """End a timer's wait, under the same rules as a message."""
        key = DraftKey(DraftKind.TIMER, run_id)
        delivery = await skip_timer(self.client, run_id, checks=self.arrival_checks)
        self.post(SendResult(key, _OUTCOMES[delivery.outcome], _explain(delivery)))
        self.post(Reconcile(delivery.outcome.value))

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

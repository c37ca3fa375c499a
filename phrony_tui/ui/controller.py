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
from ..api.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ConflictError,
    PhronyError,
    RateLimitError,
    ServerError,
)
from ..api.models import MessageBody
from .messages import Reconcile, SendResult, SnapshotLoaded, UploadDone, UploadProgress
from .sanitize import one_line

MAX_RETRY_AFTER = 10.0
SEND_ATTEMPTS = 3


def describe(error: BaseException) -> str:
    """A short, safe sentence for the status area (the key never appears in errors)."""
    if isinstance(error, APIStatusError):
        return one_line(f"{error.status}: {error.message or 'request failed'}", 300)
    return one_line(str(error) or type(error).__name__, 300)


class Controller:
    def __init__(self, client: PhronyClient, run_id: str, post: Callable[[Message], bool]):
        self.client = client
        self.run_id = run_id
        self.post = post

    async def snapshot(self) -> None:
        try:
            conversation = await self.client.get_conversation(self.run_id)
        except PhronyError:
            return  # the stream worker reports connection trouble
        self.post(SnapshotLoaded(conversation))

    async def send(self, body: MessageBody, draft_key: str) -> None:
        for attempt in range(SEND_ATTEMPTS):
            try:
                await self.client.send_message(body)
            except ConflictError as exc:
                message = f"{describe(exc)} — the task is no longer pending; refreshed."
                self.post(SendResult(draft_key, ok=False, error=message, conflict=True))
                self.post(Reconcile("conflict"))
                return
            except (RateLimitError, ServerError) as exc:
                wait = exc.retry_after
                retryable = (
                    exc.status in (429, 503) and wait is not None and (wait <= MAX_RETRY_AFTER)
                )
                if retryable and wait is not None and attempt + 1 < SEND_ATTEMPTS:
                    await asyncio.sleep(wait)
                    continue
                self.post(SendResult(draft_key, ok=False, error=self._kept(exc)))
                return
            except APITimeoutError as exc:
                self.post(SendResult(draft_key, ok=False, error=self._kept(exc)))
                self.post(Reconcile("ambiguous send"))
                return
            except APIConnectionError as exc:
                if attempt + 1 < SEND_ATTEMPTS:
                    await asyncio.sleep(0.5 * (attempt + 1))
                    continue
                self.post(SendResult(draft_key, ok=False, error=self._kept(exc)))
                return
            except PhronyError as exc:
                self.post(SendResult(draft_key, ok=False, error=self._kept(exc)))
                return
            self.post(SendResult(draft_key, ok=True))
            self.post(Reconcile("sent"))
            return

    @staticmethod
    def _kept(error: BaseException) -> str:
        return f"Not sent: {describe(error)}. Your draft is kept."

    async def skip_wait(self, run_id: str) -> None:
        try:
            await self.client.skip_agent_wait(run_id)
        except PhronyError as exc:
            self.post(SendResult(f"timer:{run_id}", ok=False, error=describe(exc)))
            self.post(Reconcile("skip failed"))
            return
        self.post(SendResult(f"timer:{run_id}", ok=True))
        self.post(Reconcile("skipped"))

    async def upload(self, path: str) -> None:
        file = Path(path).expanduser()
        name = file.name or path
        last = 0.0

        def progress(sent: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if sent in (0, total) or now - last > 0.1:
                last = now
                self.post(UploadProgress(name, sent, total))

        try:
            ref = await self.client.upload_file(file, progress=progress)
        except PhronyError as exc:
            self.post(UploadDone(name, error=describe(exc)))
            return
        self.post(UploadDone(name, ref=ref))

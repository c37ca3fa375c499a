"""Messages between the stream worker, the controller and the widgets (data flows one way)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from textual.message import Message

from ..api.compact import Snapshot
from ..api.models import FileRef, MessageBody
from ..live import Update
from ..session.drafts import DraftKey, SendOutcome, UploadId


class FeedUpdate(Message, bubble=False):
    """One update of the stream worker (events, a fresh conversation, the connection).
    ``applied`` is set once the screen has handled it: the worker pulls the next batch only
    then, so a burst that arrives while the screen is busy becomes one batch."""

    def __init__(self, update: Update) -> None:
        super().__init__()
        self.update = update
        self.applied = asyncio.Event()


class SnapshotLoaded(Message, bubble=False):
    """A ``/conversation`` fetched outside the stream worker (after it stopped).
    ``after_seq`` is the last event number applied when the fetch began."""

    def __init__(self, conversation: Snapshot, after_seq: int) -> None:
        super().__init__()
        self.conversation = conversation
        self.after_seq = after_seq


class OpenRun(Message):
    """Open ``run_id`` beside the runs open already, or show it if it is one of them (its
    conversation is loaded already); ``focus`` names the pause to select first (the inbox row
    it was opened from)."""

    def __init__(self, run_id: str, conversation: Snapshot, focus: DraftKey | None = None) -> None:
        super().__init__()
        self.run_id = run_id
        self.conversation = conversation
        self.focus = focus


class CloseRun(Message, bubble=False):
    """Close the open run ``run_id`` (the app asks first if something in it is unsent)."""

    def __init__(self, run_id: str) -> None:
        super().__init__()
        self.run_id = run_id


class RunChecked(Message, bubble=False):
    """Another run the person asked to open: its conversation, or why it cannot be opened."""

    def __init__(self, run_id: str, conversation: Snapshot | None, error: str = "") -> None:
        super().__init__()
        self.run_id = run_id
        self.conversation = conversation
        self.error = error


# --- intents: widgets ask, the controller acts -----------------------------------------------


@dataclass
class Send(Message):
    """Post ``body`` (a reply or a task completion); ``draft_key`` names the draft it came from."""

    body: MessageBody
    draft_key: DraftKey
    summary: str


@dataclass
class SkipWait(Message):
    run_id: str


@dataclass
class AttachFile(Message):
    """Upload the file at ``path`` (checked to be a readable file) for ``upload``'s draft."""

    path: str
    upload: UploadId


@dataclass
class Reconcile(Message, bubble=False):
    reason: str = ""


# --- results: the controller answers ---------------------------------------------------------


@dataclass
class SendResult(Message, bubble=False):
    """How a send (or a timer skip) for ``draft_key``'s pause ended; ``error`` says why not."""

    draft_key: DraftKey
    outcome: SendOutcome
    error: str = ""


@dataclass
class UploadProgress(Message, bubble=False):
    upload: UploadId
    sent: int
    total: int


@dataclass
class UploadDone(Message, bubble=False):
    upload: UploadId
    name: str
    ref: FileRef | None = None
    error: str = ""

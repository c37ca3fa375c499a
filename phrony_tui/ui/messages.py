"""Messages between the stream worker, the controller and the widgets (data flows one way)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from ..api.compact import Snapshot
from ..api.models import FileRef, MessageBody, StreamEvent
from ..session.drafts import DraftKey, SendOutcome, UploadId


class StreamBatch(Message):
    """Events the stream worker parsed since its last post (a few tens of milliseconds)."""

    def __init__(self, events: list[StreamEvent], malformed: int) -> None:
        super().__init__()
        self.events = events
        self.malformed = malformed


class ConnectionChanged(Message):
    """live / connecting / reconnecting / polling / offline / finished, with a detail."""

    def __init__(self, state: str, detail: str = "", retry_in: float | None = None) -> None:
        super().__init__()
        self.state = state
        self.detail = detail
        self.retry_in = retry_in


class SnapshotLoaded(Message):
    """A fresh ``/conversation``: the truth to rebuild from. ``start`` is the number of events
    the app had applied when the fetch began: later ones may be newer than the snapshot."""

    def __init__(self, conversation: Snapshot, start: int) -> None:
        super().__init__()
        self.conversation = conversation
        self.start = start


class OpenRun(Message):
    """Open ``run_id`` in place of the current run (its conversation is loaded already)."""

    def __init__(self, run_id: str, conversation: Snapshot) -> None:
        super().__init__()
        self.run_id = run_id
        self.conversation = conversation


class RunChecked(Message):
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
class Reconcile(Message):
    reason: str = ""


# --- results: the controller answers ---------------------------------------------------------


@dataclass
class SendResult(Message):
    """How a send (or a timer skip) for ``draft_key``'s pause ended; ``error`` says why not."""

    draft_key: DraftKey
    outcome: SendOutcome
    error: str = ""


@dataclass
class UploadProgress(Message):
    upload: UploadId
    sent: int
    total: int


@dataclass
class UploadDone(Message):
    upload: UploadId
    name: str
    ref: FileRef | None = None
    error: str = ""

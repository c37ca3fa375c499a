"""Drafts: what a person typed, attached or is uploading for each pause, until the server has it.

Pure data, no Textual: the composer edits it, the crash report redacts from it, and quitting
asks before it is lost. Nothing typed is lost: a send removes from the draft only what was
sent, and only once the server has it; whatever was typed or attached meanwhile stays.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import Enum, StrEnum

from ..api.models import FileRef


class DraftKind(StrEnum):
    """What a draft answers: a run waiting for a reply, a person's task, or a timer."""

    REPLY = "reply"
    TASK = "task"
    TIMER = "timer"


class Slot(StrEnum):
    """The text fields of one pause: its answer and, for an approval, a comment."""

    TEXT = "text"
    COMMENT = "comment"


@dataclass(frozen=True)
class DraftKey:
    """One pause's draft: ``id`` is the run's id (reply, timer) or the task's id (task)."""

    kind: DraftKind
    id: str
    slot: Slot = Slot.TEXT

    @property
    def pause(self) -> DraftKey:
        """The key of the pause this field belongs to (its text slot)."""
        return self if self.slot is Slot.TEXT else replace(self, slot=Slot.TEXT)

    @property
    def comment(self) -> DraftKey:
        return replace(self, slot=Slot.COMMENT)


@dataclass(frozen=True)
class UploadId:
    """One file on its way to one pause's draft (the same file twice to one draft is one)."""

    key: DraftKey
    path: str


@dataclass
class Upload:
    name: str
    sent: int = 0
    total: int = 0

    @property
    def fraction(self) -> float:
        return min(1.0, self.sent / self.total) if self.total > 0 else 0.0


class SendOutcome(Enum):
    """How a send ended, as far as the console can know."""

    SENT = "sent"
    #: The request failed ambiguously, but the timeline shows the server has it.
    ARRIVED_AFTER_ALL = "arrived after all"
    #: The request failed ambiguously and the timeline shows it did not arrive.
    NOT_DELIVERED = "not delivered"
    #: The request failed ambiguously and the timeline could not be read.
    UNKNOWN = "unknown"
    #: 409: the task is no longer pending.
    CONFLICT = "conflict"
    #: The task ended meanwhile with another answer than this one.
    ANSWERED_ELSEWHERE = "answered elsewhere"
    #: Surely not sent (refused, unreachable, rate limited past the retries).
    FAILED = "failed"

    @property
    def delivered(self) -> bool:
        return self in (SendOutcome.SENT, SendOutcome.ARRIVED_AFTER_ALL)

    @property
    def task_ended(self) -> bool:
        """The pause is gone: nothing more can be sent to it."""
        return self in (SendOutcome.CONFLICT, SendOutcome.ANSWERED_ELSEWHERE)


@dataclass(frozen=True)
class Outgoing:
    """What one send carries, as it was when it left."""

    text: str
    files: tuple[FileRef, ...]
    comment: str


@dataclass
class Draft:
    text: str = ""
    files: list[FileRef] = field(default_factory=list)


class DraftStore:
    """Every pause's draft, its uploads and what is on its way to the server."""

    def __init__(self) -> None:
        self._drafts: dict[DraftKey, Draft] = {}
        self._uploads: dict[UploadId, Upload] = {}
        self._sending: dict[DraftKey, Outgoing] = {}

    # --- text and files ------------------------------------------------------------------------

    def text(self, key: DraftKey) -> str:
        draft = self._drafts.get(key)
        return draft.text if draft else ""

    def set_text(self, key: DraftKey, text: str) -> None:
        self._draft(key).text = text

    def files(self, key: DraftKey) -> tuple[FileRef, ...]:
        draft = self._drafts.get(key.pause)
        return tuple(draft.files) if draft else ()

    def attach(self, key: DraftKey, ref: FileRef) -> None:
        self._draft(key.pause).files.append(ref)

    def remove_file(self, key: DraftKey, index: int) -> bool:
        """Drop the ``index``-th attached file (-1: the last); False when there is none."""
        files = self._draft(key.pause).files
        if not -len(files) <= index < len(files):
            return False
        del files[index]
        return True

    def _draft(self, key: DraftKey) -> Draft:
        return self._drafts.setdefault(key, Draft())

    # --- uploads -------------------------------------------------------------------------------

    def start_upload(self, upload: UploadId, name: str) -> bool:
        """False when that file is on its way to that draft already."""
        if upload in self._uploads:
            return False
        self._uploads[upload] = Upload(name)
        return True

    def progress(self, upload: UploadId, sent: int, total: int) -> bool:
        """False for an upload not known (one that finished or was never started)."""
        entry = self._uploads.get(upload)
        if entry is None:
            return False
        entry.sent, entry.total = max(0, sent), max(0, total)
        return True

    def finish_upload(self, upload: UploadId, ref: FileRef | None) -> Upload | None:
        """The upload ends; with a ``ref`` the file joins its draft. None if not known."""
        entry = self._uploads.pop(upload, None)
        if entry is not None and ref is not None:
            self.attach(upload.key, ref)
        return entry

    def uploads(self, key: DraftKey) -> list[tuple[UploadId, Upload]]:
        return [(u, entry) for u, entry in self._uploads.items() if u.key.pause == key.pause]

    def uploading(self, key: DraftKey | None = None) -> bool:
        """Whether a file is on its way to ``key``'s draft (to any draft without a key)."""
        return any(key is None or u.key.pause == key.pause for u in self._uploads)

    # --- sending -------------------------------------------------------------------------------

    def outgoing(self, key: DraftKey) -> Outgoing:
        """What a send for ``key``'s pause would carry now."""
        pause = key.pause
        return Outgoing(self.text(pause), self.files(pause), self.text(pause.comment))

    def mark_sending(self, key: DraftKey, outgoing: Outgoing) -> bool:
        """False when a send for this pause is on its way already (one at a time)."""
        if key.pause in self._sending:
            return False
        self._sending[key.pause] = outgoing
        return True

    def is_sending(self, key: DraftKey) -> bool:
        return key.pause in self._sending

    def settle(self, key: DraftKey, outcome: SendOutcome) -> None:
        """The send for ``key``'s pause ended. Delivered: what it carried leaves the draft,
        anything typed or attached meanwhile stays. Otherwise the draft stays whole."""
        sent = self._sending.pop(key.pause, None)
        if sent is None or not outcome.delivered:
            return
        pause = key.pause
        draft = self._drafts.get(pause)
        if draft is not None:
            draft.text = _after(draft.text, sent.text)
            draft.files = [f for f in draft.files if f not in sent.files]
        comment = self._drafts.get(pause.comment)
        if comment is not None:
            comment.text = _after(comment.text, sent.comment)

    # --- what would be lost --------------------------------------------------------------------

    def has_unsent(self, pending: Iterable[DraftKey]) -> bool:
        """Whether closing now would lose something: text typed or files attached for a pause
        still ``pending`` (drafts of pauses that ended cannot be sent any more), a file on its
        way to any draft, or a send whose outcome is not known yet."""
        return bool(self.unsent(pending))

    def unsent(self, pending: Iterable[DraftKey]) -> list[str]:
        """What closing now would lose, as ``has_unsent`` counts it, in words: "an unsent
        draft", "an attached file", "an upload in progress", "a send in progress"."""
        keys = {key.pause for key in pending}
        kept = [draft for key, draft in self._drafts.items() if key.pause in keys]
        parts = [
            ("an unsent draft", any(draft.text.strip() for draft in kept)),
            ("an attached file", any(draft.files for draft in kept)),
            ("an upload in progress", bool(self._uploads)),
            ("a send in progress", bool(self._sending)),
        ]
        return [words for words, present in parts if present]

    def secrets(self) -> list[str]:
        """Every draft's text: what a crash report must not contain."""
        texts = [draft.text for draft in self._drafts.values()]
        texts += [sent.text for sent in self._sending.values()]
        texts += [sent.comment for sent in self._sending.values()]
        return sorted({text for text in texts if text.strip()}, key=len, reverse=True)


def _after(current: str, sent: str) -> str:
    """``current`` without the ``sent`` text it starts with; whole if it no longer does (it
    was edited while on its way: keep everything rather than guess)."""
    if not sent or not current.startswith(sent):
        return current
    return current[len(sent) :].lstrip("\n")

"""The draft store: nothing typed is lost, a send removes only what it carried."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from phrony_tui.api.models import FileRef
from phrony_tui.session.drafts import (
    DraftKey,
    DraftKind,
    DraftStore,
    SendOutcome,
    Slot,
    UploadId,
)

REPLY = DraftKey(DraftKind.REPLY, "run-1")
TASK = DraftKey(DraftKind.TASK, "task-1")


def ref(name: str) -> FileRef:
    return FileRef(object_key=f"uploads/{name}", filename=name)


def test_keys_are_values_and_a_comment_belongs_to_its_pause() -> None:
    assert DraftKey(DraftKind.TASK, "task-1") == TASK
    assert TASK.comment.slot is Slot.COMMENT and TASK.comment.pause == TASK
    assert TASK.comment != TASK and DraftKey(DraftKind.TIMER, "run-1") != REPLY


def test_a_delivered_reply_keeps_what_was_typed_and_attached_meanwhile() -> None:
    store = DraftStore()
    store.set_text(REPLY, "first")
    store.attach(REPLY, ref("a.txt"))
    assert store.mark_sending(REPLY, store.outgoing(REPLY))
    assert not store.mark_sending(REPLY, store.outgoing(REPLY))  # one at a time
    store.set_text(REPLY, "first\nsecond")
    store.attach(REPLY, ref("b.txt"))
    store.settle(REPLY, SendOutcome.SENT)
    assert store.text(REPLY) == "second"
    assert store.files(REPLY) == (ref("b.txt"),)
    assert not store.is_sending(REPLY)


def test_an_undelivered_send_keeps_the_whole_draft() -> None:
    for outcome in SendOutcome:
        if outcome.delivered:
            continue
        store = DraftStore()
        store.set_text(TASK, "42")
        store.set_text(TASK.comment, "why")
        store.mark_sending(TASK, store.outgoing(TASK))
        store.settle(TASK, outcome)
        assert (store.text(TASK), store.text(TASK.comment)) == ("42", "why"), outcome


def test_an_approval_sent_clears_its_comment() -> None:
    store = DraftStore()
    store.set_text(TASK.comment, "looks fine")
    store.mark_sending(TASK, store.outgoing(TASK))
    store.settle(TASK, SendOutcome.ARRIVED_AFTER_ALL)
    assert store.text(TASK.comment) == ""
    assert store.secrets() == []


def test_a_settle_without_a_send_changes_nothing() -> None:
    store = DraftStore()
    store.set_text(REPLY, "kept")
    store.settle(REPLY, SendOutcome.SENT)  # e.g. a timer's result, or a late duplicate
    assert store.text(REPLY) == "kept"


def test_uploads_join_their_draft_and_count_as_unsent() -> None:
    store = DraftStore()
    upload = UploadId(REPLY, "/tmp/a.txt")
    assert store.start_upload(upload, "a.txt")
    assert not store.start_upload(upload, "a.txt")  # the same file twice is one upload
    assert store.has_unsent([]) and store.uploading(REPLY) and not store.uploading(TASK)
    assert store.progress(upload, 50, 200)
    ((shown, entry),) = store.uploads(REPLY)
    assert shown == upload and entry.fraction == 0.25
    assert store.finish_upload(upload, ref("a.txt")) is not None
    assert store.files(REPLY) == (ref("a.txt"),) and not store.uploading()
    assert not store.progress(upload, 1, 2)  # a late progress report is ignored
    assert store.finish_upload(upload, None) is None


def test_a_failed_upload_attaches_nothing() -> None:
    store = DraftStore()
    upload = UploadId(REPLY, "/tmp/a.txt")
    store.start_upload(upload, "a.txt")
    store.finish_upload(upload, None)
    assert store.files(REPLY) == () and not store.has_unsent([REPLY])


def test_removing_files() -> None:
    store = DraftStore()
    assert not store.remove_file(REPLY, -1)
    store.attach(REPLY, ref("a"))
    store.attach(REPLY, ref("b"))
    store.attach(REPLY, ref("c"))
    assert store.remove_file(REPLY, 1) and store.files(REPLY) == (ref("a"), ref("c"))
    assert store.remove_file(REPLY, -1) and store.files(REPLY) == (ref("a"),)
    assert not store.remove_file(REPLY, 5)


def test_only_drafts_of_pending_pauses_are_unsent() -> None:
    store = DraftStore()
    store.set_text(TASK.comment, "a comment")
    store.set_text(REPLY, "   ")
    assert store.has_unsent([TASK]) and not store.has_unsent([REPLY])
    store.attach(REPLY, ref("a"))
    assert store.has_unsent([REPLY])
    assert not store.has_unsent([DraftKey(DraftKind.TASK, "another")])


def test_secrets_hold_every_draft_text_longest_first() -> None:
    store = DraftStore()
    store.set_text(REPLY, "my password is hunter2")
    store.set_text(TASK.comment, "short")
    store.set_text(TASK, " ")
    assert store.secrets() == ["my password is hunter2", "short"]


@given(
    sent=st.text(min_size=1),
    typed=st.text(),
    outcome=st.sampled_from(list(SendOutcome)),
)
def test_what_was_typed_while_sending_is_never_lost(
    sent: str, typed: str, outcome: SendOutcome
) -> None:
    store = DraftStore()
    store.set_text(REPLY, sent)
    store.mark_sending(REPLY, store.outgoing(REPLY))
    store.set_text(REPLY, sent + typed)
    store.settle(REPLY, outcome)
    left = store.text(REPLY)
    if outcome.delivered:
        assert left == typed.lstrip("\n")
    else:
        assert left == sent + typed


@given(sent=st.text(min_size=1), edited=st.text())
def test_a_draft_edited_while_sending_is_kept_whole(sent: str, edited: str) -> None:
    store = DraftStore()
    store.set_text(REPLY, sent)
    store.mark_sending(REPLY, store.outgoing(REPLY))
    store.set_text(REPLY, edited)
    store.settle(REPLY, SendOutcome.SENT)
    left = store.text(REPLY)
    # Either exactly what was sent came off the front, or nothing was removed.
    assert left == edited or (edited.startswith(sent) and left == edited[len(sent) :].lstrip("\n"))

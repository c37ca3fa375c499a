"""The composer: exactly the controls the selected pause needs, and nothing is lost.

Drafts live in a ``DraftStore`` until the server has them; a failed send keeps the draft and
shows why. The composer never calls HTTP: it posts ``Send``/``SkipWait``/``AttachFile``
intents and the screen hands it the controller's results (``settle``, ``upload_progress``,
``upload_done``).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static, TextArea

from ...api.models import MessageBody, TaskKind
from ...session import InvalidAnswerError, SessionState, build_answer, build_reply
from ...session.drafts import DraftKey, DraftKind, DraftStore, SendOutcome, UploadId
from ..keys import KeyLabels
from ..messages import AttachFile, Send, SendResult, SkipWait, UploadDone, UploadProgress
from ..pauses import Pause, after_end, headline, pauses
from ..sanitize import one_line, plain
from .pauses.alert import AckControl
from .pauses.answer import AnswerInput
from .pauses.approval import ApprovalControl
from .pauses.base import KeyLabel, PauseView
from .pauses.choose import view_for
from .pauses.confirm import ConfirmBar
from .pauses.options import OptionsControl, OptionsView
from .pauses.reply import FileChips, ReplyArea, ReplyView, file_problem
from .pauses.timer import TimerView

IDLE = "No input needed right now."
CARRY_ERROR = 20.0


class Composer(Vertical):
    """Bottom pane: says what the run waits for and offers the controls for it."""

    class PauseOpened(Message):
        """A pause began; ``pause`` is the one selected now (the screen may refresh its
        footer: other keys apply)."""

        def __init__(self, pause: Pause) -> None:
            super().__init__()
            self.pause = pause

    def __init__(
        self,
        state: SessionState,
        *,
        confirm_approvals: bool = True,
        key_label: KeyLabel | None = None,
    ) -> None:
        super().__init__(id="composer")
        self.state = state
        self.confirm_approvals = confirm_approvals
        self.key_label = key_label or KeyLabels()
        self.drafts = DraftStore()
        self.pauses: list[Pause] = []
        self.selected_key: DraftKey | None = None
        self._decision: bool | None = None
        self._shown: tuple[DraftKey, bool | None] | None = None
        self._view: PauseView | None = None
        #: An error that outlives its pause (a 409: the task ended elsewhere, and the refresh
        #: that follows removes it), shown until the next send or for ``CARRY_ERROR`` s.
        self._carried = ("", 0.0)

    def compose(self) -> ComposeResult:
        yield Static(id="composer-title")
        yield Vertical(id="composer-body")
        yield Static(id="composer-error")

    # --- pauses -----------------------------------------------------------------------------

    @property
    def selected(self) -> Pause | None:
        return next((p for p in self.pauses if p.key == self.selected_key), None)

    @property
    def pending_decision(self) -> bool | None:
        """An approval (True) or rejection (False) waiting for its confirmation."""
        return self._decision

    def refresh_pauses(self) -> bool:
        """Recompute the pauses; True when a new one began (the caller may move focus)."""
        before = [p.key for p in self.pauses]
        self.pauses = pauses(self.state)
        keys = [p.key for p in self.pauses]
        new = [k for k in keys if k not in before]
        if self.selected_key not in keys:
            self.selected_key = after_end(self.pauses, before, self.selected_key)
            self._decision = None
        self._redraw()
        pause = self.selected
        if new and pause is not None:
            self.post_message(self.PauseOpened(pause))
        return bool(new)

    def select(self, delta: int) -> None:
        """``n``/``N``: the next or previous pause."""
        if not self.pauses:
            return
        keys = [p.key for p in self.pauses]
        index = keys.index(self.selected_key) if self.selected_key in keys else -1
        self.selected_key = keys[(index + delta) % len(keys)]
        self._decision = None
        self._carried = ("", 0.0)  # it was about the pause that ended, not the one chosen
        self._redraw()
        self.focus_control()

    def _redraw(self) -> None:
        pause = self.selected
        title = self.query_one("#composer-title", Static)
        if pause is None:
            title.update(Text(IDLE, style="dim italic"))
        else:
            text = Text()
            text.append_text(plain(headline(pause, self.state), "bold"))
            if len(self.pauses) > 1:
                index = [p.key for p in self.pauses].index(pause.key) + 1
                label = self.key_label
                moves = f"{label('task.next')} next · {label('task.previous')} previous"
                text.append(f"   ({index} of {len(self.pauses)} · {moves})", "dim")
            if self.drafts.is_sending(pause.key):
                text.append("   sending…", "italic")
            title.update(text)
        shown = None if pause is None else (pause.key, self._decision)
        if shown != self._shown:
            self._shown = shown
            self._build_body(pause)

    def _build_body(self, pause: Pause | None) -> None:
        body = self.query_one("#composer-body", Vertical)
        body.remove_children()
        carried, until = self._carried
        self.set_error(carried if time.monotonic() < until else "")
        self._view = (
            None if pause is None else view_for(pause, self.drafts, self._decision, self.key_label)
        )
        if self._view is not None:
            self._view.pause_key = pause.key if pause is not None else None
            self._view.mount_into(body)
            self._show_files()

    def tick(self) -> None:
        if isinstance(self._view, TimerView):
            self._view.tick()

    # --- focus ------------------------------------------------------------------------------

    def focus_control(self) -> bool:
        """Focus the control of the selected pause now. Its view is mounted in the same step as
        it is built, so a key read next goes to it. False when the pause has no control to
        focus (a timer): the caller decides where the keys go."""
        control = self._view.control if self._view is not None else None
        if control is None or not control.focusable:
            return False
        if control.is_attached:
            control.screen.set_focus(control)
        return True

    def set_error(self, message: str) -> None:
        error = self.query_one("#composer-error", Static)
        error.update(plain(message, "bold") if message else "")  # coloured by the stylesheet
        error.display = bool(message)

    # --- files ------------------------------------------------------------------------------

    def _reply_key(self) -> DraftKey | None:
        pause = self.selected
        return pause.key if pause is not None and pause.kind is DraftKind.REPLY else None

    def _show_files(self) -> None:
        key = self._reply_key()
        if key is not None and isinstance(self._view, ReplyView):
            self._view.show_files(self.drafts.files(key), self.drafts.uploads(key))

    @property
    def wants_files(self) -> bool:
        """The selected pause is a reply, which can carry files."""
        return self._reply_key() is not None

    def attach(self, path: str) -> None:
        """Start uploading ``path`` for the selected reply, once it is known to be a readable
        file; the screen runs the upload (``AttachFile``) and reports back."""
        key = self._reply_key()
        if key is None:
            return
        file = Path(path).expanduser()
        problem = file_problem(file)
        if problem:
            self.set_error(problem)
            return
        upload = UploadId(key, str(file))
        if self.drafts.start_upload(upload, file.name or str(file)):
            self.set_error("")
            self._show_files()
            self.post_message(AttachFile(str(file), upload))

    def upload_progress(self, message: UploadProgress) -> None:
        if self.drafts.progress(message.upload, message.sent, message.total):
            self._show_files()

    def upload_done(self, message: UploadDone) -> None:
        if self.drafts.finish_upload(message.upload, message.ref) is None:
            return
        self._show_files()
        if message.ref is None:
            self.set_error(f"Upload of {one_line(message.name, 60)} failed: {message.error}")

    def on_file_chips_remove(self, message: FileChips.Remove) -> None:
        key = self._reply_key()
        if key is not None and self.drafts.remove_file(key, message.index):
            self._show_files()

    def remove_last_file(self) -> bool:
        """Drop the last file attached to the selected reply; False when there is none."""
        key = self._reply_key()
        if key is None or not self.drafts.remove_file(key, -1):
            return False
        self._show_files()
        return True

    def unsent(self) -> list[str]:
        """What would be lost if the console closed, in words ("an unsent draft", "an attached
        file"…): typed, attached or on its way for a pause still pending (drafts of pauses
        that ended can no longer be sent)."""
        return self.drafts.unsent(p.key for p in self.pauses)

    def secrets(self) -> list[str]:
        """Every draft's text, for a crash report to redact."""
        return self.drafts.secrets()

    # --- answering --------------------------------------------------------------------------

    def _send(self, pause: Pause, build: Callable[[], MessageBody], summary: str) -> None:
        key = pause.key
        if self.drafts.is_sending(key):
            return
        outgoing = self.drafts.outgoing(key)
        try:
            body = build()
        except InvalidAnswerError as exc:
            self.set_error(str(exc))
            return
        self.drafts.mark_sending(key, outgoing)
        self._carried = ("", 0.0)
        self.set_error("")
        self._redraw()
        self.post_message(Send(body, key, summary))

    def _pause_of(self, control: Widget) -> Pause | None:
        """The pause whose controls ``control`` belongs to, while it is pending: a message
        queued before the selection moved still goes to its own pause, never another."""
        for node in control.ancestors_with_self:
            if isinstance(node, PauseView):
                return next((p for p in self.pauses if p.key == node.pause_key), None)
        return None

    def on_reply_area_submitted(self, message: ReplyArea.Submitted) -> None:
        message.stop()
        pause = self._pause_of(message.area)
        if pause is None or pause.kind is not DraftKind.REPLY:
            return
        key = pause.key
        if self.drafts.uploading(key):
            self.set_error("wait for the upload to finish first")
            return
        self.drafts.set_text(key, message.text)
        files = list(self.drafts.files(key))
        self._send(pause, lambda: build_reply(pause.run_id, message.text, files), "reply")

    def on_text_area_changed(self, message: TextArea.Changed) -> None:
        if not isinstance(message.text_area, ReplyArea):
            return
        pause = self._pause_of(message.text_area)
        if pause is not None and pause.kind is DraftKind.REPLY:
            self.drafts.set_text(pause.key, message.text_area.text)

    def on_input_changed(self, message: Input.Changed) -> None:
        pause = self._pause_of(message.input)
        if pause is None:
            return
        if isinstance(message.input, AnswerInput):
            self.drafts.set_text(pause.key, message.value)
        elif message.input.id == "comment":
            self.drafts.set_text(pause.key.comment, message.value)

    def on_input_submitted(self, message: Input.Submitted) -> None:
        if not isinstance(message.input, AnswerInput):
            return
        pause = self._pause_of(message.input)
        if pause is None or pause.task is None:
            return
        message.stop()
        task = pause.task
        self.drafts.set_text(pause.key, message.value)
        self._send(pause, lambda: build_answer(task, message.value), "answer")

    def on_option_list_option_selected(self, message: OptionList.OptionSelected) -> None:
        if not isinstance(message.option_list, OptionsControl):
            return
        pause = self._pause_of(message.option_list)
        if pause is None:
            return
        message.stop()
        shown = message.option_list.user_task  # the options on screen, not a newer copy
        option = shown.options[message.option_index]
        self._send(pause, lambda: build_answer(shown, option.id), "option")

    def on_approval_control_decided(self, message: ApprovalControl.Decided) -> None:
        message.stop()
        self.decide(message.approved)

    def decide(self, approved: bool) -> None:
        pause = self.selected
        task = pause.task if pause is not None else None
        if pause is None or task is None or not (task.is_approval and task.api_completable):
            return
        if self.confirm_approvals:
            self._decision = approved
            self._redraw()
            self.focus_control()
        else:
            self._send_decision(pause, approved)

    def on_confirm_bar_answered(self, message: ConfirmBar.Answered) -> None:
        message.stop()
        pause = self.selected
        decision, self._decision = self._decision, None
        if pause is not None and decision is not None and message.confirmed:
            self._send_decision(pause, decision)
        self._redraw()
        self.focus_control()

    def _send_decision(self, pause: Pause, approved: bool) -> None:
        task = pause.task
        assert task is not None
        comment = self.drafts.text(pause.key.comment).strip()
        metadata = {"comment": comment} if comment else None
        summary = "approval" if approved else "rejection"
        self._send(pause, lambda: build_answer(task, approved, metadata=metadata), summary)

    def on_ack_control_acknowledged(self, message: AckControl.Acknowledged) -> None:
        message.stop()
        self.acknowledge()

    def acknowledge(self) -> None:
        pause = self.selected
        task = pause.task if pause is not None else None
        if pause is None or task is None:
            return
        if task.kind == TaskKind.ANOMALY_ALERT and task.api_completable:
            self._send(pause, lambda: build_answer(task), "acknowledgement")

    def skip_wait(self) -> None:
        pause = self.selected
        timer = (
            pause
            if pause is not None and pause.kind is DraftKind.TIMER
            else next((p for p in self.pauses if p.kind is DraftKind.TIMER), None)
        )
        if timer is not None and not self.drafts.is_sending(timer.key):
            self.drafts.mark_sending(timer.key, self.drafts.outgoing(timer.key))
            self.post_message(SkipWait(timer.run_id))

    def pick_option(self, number: int) -> None:
        if isinstance(self._view, OptionsView):
            self._view.pick(number)

    def settle(self, result: SendResult) -> None:
        """The controller's answer to a send: the draft loses what the server has, and the
        person is told what happened."""
        outcome, key = result.outcome, result.draft_key
        self.drafts.settle(key, outcome)
        if outcome.delivered:
            self.set_error("")
            if isinstance(self._view, ReplyView) and self._reply_key() == key:
                self._view.show_text(self.drafts.text(key))
                self._show_files()
        else:
            self.set_error(result.error)
        if outcome.task_ended:
            self._carried = (result.error, time.monotonic() + CARRY_ERROR)
            self.notify(result.error, severity="warning", timeout=8, markup=False)
        elif outcome is SendOutcome.ARRIVED_AFTER_ALL:
            self.notify("The server had received it after all; nothing was sent twice.", timeout=5)
        elif outcome is SendOutcome.SENT and key.kind is not DraftKind.REPLY:
            self.notify("Sent", timeout=2)
        with contextlib.suppress(NoMatches):  # a late answer while the console closes
            self._redraw()

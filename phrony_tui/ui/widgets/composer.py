"""The composer: exactly the controls the selected pause needs, and nothing is lost.

Drafts are kept per pause (``draft_key``) until the server accepted them; a failed send keeps
the draft and shows why. The composer never calls HTTP: it posts ``Send``/``SkipWait``/
``AttachFile`` intents and the controller answers with results.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static, TextArea

from ...api.models import FileRef, TaskKind
from ...session import InvalidAnswerError, SessionState, build_answer, build_reply
from ..messages import Send, SendResult, SkipWait
from ..pauses import Pause, headline, pauses, seconds_left
from ..sanitize import clean, one_line, plain, to_json
from .task_controls import (
    AckControl,
    AnswerInput,
    ApprovalControl,
    ConfirmBar,
    FileChips,
    OptionsControl,
    ReplyArea,
)

IDLE = "No input needed right now."
CARRY_ERROR = 20.0
PROMPT_CHARS = 4000


class Composer(Vertical):
    """Bottom pane: says what the run waits for and offers the controls for it."""

    def __init__(self, state: SessionState, *, confirm_approvals: bool = True) -> None:
        super().__init__(id="composer")
        self.state = state
        self.confirm_approvals = confirm_approvals
        self.pauses: list[Pause] = []
        self.selected_key: str | None = None
        self.drafts: dict[str, str] = {}
        self.files: dict[str, list[FileRef]] = {}
        self.uploading: dict[str, tuple[str, str]] = {}
        self._in_flight: dict[str, tuple[str, list[FileRef]]] = {}
        self.sending: set[str] = set()
        self.pending_decision: bool | None = None
        self._shown_key: str | None = "∅"
        self._control: Widget | None = None
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

    def refresh_pauses(self) -> bool:
        """Recompute the pauses; True when a new one began (the caller may move focus)."""
        before = {p.key for p in self.pauses}
        self.pauses = pauses(self.state)
        keys = [p.key for p in self.pauses]
        new = [k for k in keys if k not in before]
        if self.selected_key not in keys:
            self.selected_key = new[0] if new else (keys[0] if keys else None)
            self.pending_decision = None
        self._redraw()
        return bool(new)

    def select(self, delta: int) -> None:
        """``n``/``N``: the next or previous pause."""
        if not self.pauses:
            return
        keys = [p.key for p in self.pauses]
        index = keys.index(self.selected_key) if self.selected_key in keys else -1
        self.selected_key = keys[(index + delta) % len(keys)]
        self.pending_decision = None
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
                text.append(f"   ({index} of {len(self.pauses)} · n/N: next/previous)", "dim")
            if pause.key in self.sending:
                text.append("   sending…", "italic")
            title.update(text)
        key = None if pause is None else f"{pause.key}:{self.pending_decision}"
        if key != self._shown_key:
            self._shown_key = key
            self._build_body(pause)

    def _build_body(self, pause: Pause | None) -> None:
        body = self.query_one("#composer-body", Vertical)
        body.remove_children()
        carried, until = self._carried
        self.set_error(carried if time.monotonic() < until else "")
        self._control = None
        if pause is None:
            return
        widgets: list[Widget] = []
        if pause.kind == "reply":
            area = ReplyArea(
                self.drafts.get(pause.key, ""), soft_wrap=True, show_line_numbers=False
            )
            widgets += [
                area,
                FileChips(),
                Static(
                    Text("Enter sends · ctrl+j newline · ctrl+o attach a file", style="dim"),
                    classes="hint",
                ),
            ]
        elif pause.kind == "timer":
            widgets.append(Static(self._timer_text(pause), classes="task-control timer"))
        else:
            widgets += self._task_widgets(pause)
        self._control = next((w for w in widgets if w.can_focus), None)
        body.mount_all(widgets)
        if pause.kind == "reply":
            self.show_files()

    def _task_widgets(self, pause: Pause) -> list[Widget]:
        task = pause.task
        assert task is not None
        text = task.prompt or ""
        if len(text) > PROMPT_CHARS:
            text = text[:PROMPT_CHARS] + " … (cut here: the task's step in the timeline has it all)"
        prompt = Static(plain(text, "italic"), classes="prompt")
        if not task.api_completable:
            note = (
                "This task can only be completed in the Phrony dashboard; "
                "nothing is sent from here."
            )
            return [
                prompt,
                Static(Text(note, style="yellow"), classes="task-control dashboard-only"),
            ]
        if task.is_approval:
            if self.pending_decision is not None:
                return [self._confirm_bar(pause, self.pending_decision)]
            control = ApprovalControl(task, self.drafts.get(pause.key + ":comment", ""))
            return [
                control,
                Static(Text("a approve · r reject · c comment", style="dim"), classes="hint"),
            ]
        if task.kind == TaskKind.MULTI_OPTION:
            return [
                prompt,
                OptionsControl(task),
                Static(Text("1-9 or ↑↓ select · Enter sends", style="dim"), classes="hint"),
            ]
        if task.kind in (TaskKind.TEXT, TaskKind.AITL_ESCALATION, TaskKind.NUMBER):
            return [prompt, AnswerInput(task, self.drafts.get(pause.key, ""))]
        if task.kind == TaskKind.ANOMALY_ALERT:
            return [
                prompt,
                AckControl(Text("k or Enter: acknowledge", style="bold"), classes="task-control"),
            ]
        return [
            prompt,
            Static(
                plain(
                    f"Unknown task kind {one_line(task.kind, 40)!r}: "
                    "answer it in the Phrony dashboard."
                ),
                classes="task-control",
            ),
        ]

    def _confirm_bar(self, pause: Pause, approved: bool) -> ConfirmBar:
        task = pause.task
        assert task is not None
        verb = "Approve" if approved else "Reject"
        text = Text()
        text.append(f"{verb} ", style="bold green" if approved else "bold red")
        if task.tool is not None:
            text.append(one_line(task.tool.name, 60))
            if task.tool.operation_name:
                text.append(" · " + one_line(task.tool.operation_name, 60))
            if approved:
                text.append(
                    " with " + one_line(to_json(task.tool.arguments, indent=None, limit=600), 600)
                )
        comment = self.drafts.get(pause.key + ":comment", "")
        if comment:
            text.append(f"\ncomment: {clean(comment)}", style="italic")
        text.append("\ny or Enter: confirm · n or Esc: cancel", style="dim")
        return ConfirmBar(text, classes="task-control confirm")

    def _timer_text(self, pause: Pause) -> Text:
        left = seconds_left(pause.wait_until)
        shown = "unknown" if left is None else f"{int(left) // 60}:{int(left) % 60:02d}"
        return Text.assemble(
            ("Waiting for a timer: ", "bold"),
            (f"{shown} left", "bold cyan"),
            ("   s: skip the wait now", "dim"),
        )

    def tick(self) -> None:
        pause = self.selected
        if pause is not None and pause.kind == "timer":
            for timer in self.query(".timer").results(Static):
                timer.update(self._timer_text(pause))

    # --- focus ------------------------------------------------------------------------------

    def focus_control(self, *, unless: Callable[[], bool] | None = None) -> None:
        """Focus the control of the selected pause, once the body has been mounted; not if
        ``unless()`` holds by then (the person started something else meanwhile)."""
        self.call_after_refresh(self._focus_now, 0, unless, self.app.focused)

    def _focus_now(
        self,
        tries: int = 0,
        unless: Callable[[], bool] | None = None,
        was: Widget | None = None,
    ) -> None:
        control = self._control
        if control is None or not control.focusable or (unless is not None and unless()):
            return
        now = self.app.focused
        if unless is not None and now is not was and now is not None and self not in now.ancestors:
            return  # the person moved focus themselves meanwhile: leave it there
        if control.is_mounted:
            control.focus()
        elif tries < 20:
            self.call_after_refresh(self._focus_now, tries + 1, unless, was)

    def set_error(self, message: str) -> None:
        error = self.query_one("#composer-error", Static)
        error.update(plain(message, "bold red") if message else "")
        error.display = bool(message)

    # --- files ------------------------------------------------------------------------------

    def show_files(self) -> None:
        pause = self.selected
        key = pause.key if pause is not None else ""
        names = [f.filename or f.object_key for f in self.files.get(key, [])]
        progress = {name: text for k, (name, text) in self.uploading.items() if k.startswith(key)}
        for chips in self.query(FileChips).results(FileChips):
            chips.show(names, progress)

    def uploads_pending(self, key: str) -> bool:
        return any(upload_id.startswith(key + "|") for upload_id in self.uploading)

    def add_file(self, draft_key: str, ref: FileRef) -> None:
        self.files.setdefault(draft_key, []).append(ref)
        self.show_files()

    def on_file_chips_remove(self, message: FileChips.Remove) -> None:
        pause = self.selected
        files = self.files.get(pause.key, []) if pause is not None else []
        if 0 <= message.index < len(files):
            del files[message.index]
            self.show_files()

    def has_unsent(self) -> bool:
        """Whether anything typed, attached or uploading for a pause still pending would be
        lost if the console closed (drafts of pauses that ended can no longer be sent)."""
        keys = {p.key for p in self.pauses}
        typed = any(
            text.strip() and key.removesuffix(":comment") in keys
            for key, text in self.drafts.items()
        )
        attached = any(files for key, files in self.files.items() if key in keys)
        return typed or attached or bool(self.uploading)

    def remove_last_file(self) -> bool:
        """Drop the last file attached to the selected reply; False when there is none."""
        pause = self.selected
        files = self.files.get(pause.key, []) if pause is not None else []
        if not files:
            return False
        files.pop()
        self.show_files()
        return True

    # --- answering --------------------------------------------------------------------------

    def _send(self, pause: Pause, build: Any, summary: str) -> None:
        if pause.key in self.sending:
            return
        try:
            body = build()
        except InvalidAnswerError as exc:
            self.set_error(str(exc))
            return
        self.sending.add(pause.key)
        self._carried = ("", 0.0)
        self.set_error("")
        self._redraw()
        self.post_message(Send(body, pause.key, summary))

    def on_reply_area_submitted(self, message: ReplyArea.Submitted) -> None:
        message.stop()
        pause = self.selected
        if pause is None or pause.kind != "reply":
            return
        if self.uploads_pending(pause.key):
            self.set_error("wait for the upload to finish first")
            return
        files = list(self.files.get(pause.key, []))
        self._in_flight[pause.key] = (message.text, files)
        self._send(pause, lambda: build_reply(pause.run_id, message.text, files), "reply")

    def on_text_area_changed(self, message: TextArea.Changed) -> None:
        pause = self.selected
        if pause is not None and pause.kind == "reply":
            self.drafts[pause.key] = message.text_area.text

    def on_input_changed(self, message: Input.Changed) -> None:
        pause = self.selected
        if pause is None:
            return
        suffix = ":comment" if message.input.id == "comment" else ""
        self.drafts[pause.key + suffix] = message.value

    def on_input_submitted(self, message: Input.Submitted) -> None:
        pause = self.selected
        if pause is None or pause.task is None or not isinstance(message.input, AnswerInput):
            return
        message.stop()
        task = pause.task
        self._send(pause, lambda: build_answer(task, message.value), "answer")

    def on_option_list_option_selected(self, message: OptionList.OptionSelected) -> None:
        pause = self.selected
        if (
            pause is None
            or pause.task is None
            or not isinstance(message.option_list, OptionsControl)
        ):
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
        if pause is None or pause.task is None or not pause.task.is_approval:
            return
        if not pause.task.api_completable:
            return
        if self.confirm_approvals:
            self.pending_decision = approved
            self._redraw()
            self.focus_control()
        else:
            self._send_decision(pause, approved)

    def on_confirm_bar_answered(self, message: ConfirmBar.Answered) -> None:
        message.stop()
        pause = self.selected
        decision, self.pending_decision = self.pending_decision, None
        if pause is not None and decision is not None and message.confirmed:
            self._send_decision(pause, decision)
        self._redraw()
        self.focus_control()

    def _send_decision(self, pause: Pause, approved: bool) -> None:
        task = pause.task
        assert task is not None
        comment = self.drafts.get(pause.key + ":comment", "").strip()
        metadata = {"comment": comment} if comment else None
        summary = "approval" if approved else "rejection"
        self._send(pause, lambda: build_answer(task, approved, metadata=metadata), summary)

    def on_ack_control_acknowledged(self, message: AckControl.Acknowledged) -> None:
        message.stop()
        self.acknowledge()

    def acknowledge(self) -> None:
        pause = self.selected
        if (
            pause is not None
            and pause.task is not None
            and (pause.task.kind == TaskKind.ANOMALY_ALERT and pause.task.api_completable)
        ):
            task = pause.task
            self._send(pause, lambda: build_answer(task), "acknowledgement")

    def skip_wait(self) -> None:
        pause = self.selected
        timer = (
            pause
            if pause is not None and pause.kind == "timer"
            else next((p for p in self.pauses if p.kind == "timer"), None)
        )
        if timer is not None:
            self.post_message(SkipWait(timer.run_id))

    def pick_option(self, number: int) -> None:
        for options in self.query(OptionsControl).results(OptionsControl):
            options.action_pick(number)
            options.focus()

    def _forget_sent(self, key: str, text: str, files: list[FileRef]) -> None:
        """Remove what was sent from the draft, and only that: anything typed or attached
        while the message was on its way stays."""
        draft = self.drafts.get(key, "")
        rest = draft[len(text) :].lstrip("\n") if draft.startswith(text) else draft
        self.drafts[key] = rest
        self.files[key] = [f for f in self.files.get(key, []) if f not in files]
        pause = self.selected
        if pause is not None and pause.key == key:
            for area in self.query(ReplyArea).results(ReplyArea):
                if area.text != rest:
                    area.load_text(rest)
            self.show_files()

    def on_send_result(self, result: SendResult) -> None:
        self.sending.discard(result.draft_key)
        sent_text, sent_files = self._in_flight.pop(result.draft_key, ("", []))
        if result.ok:
            self.drafts.pop(result.draft_key + ":comment", None)
            if result.draft_key.startswith("reply:"):
                self._forget_sent(result.draft_key, sent_text, sent_files)
            else:
                self.drafts.pop(result.draft_key, None)
            self.set_error("")
        else:
            self.set_error(result.error)
            if result.conflict:
                self._carried = (result.error, time.monotonic() + CARRY_ERROR)
        self._redraw()

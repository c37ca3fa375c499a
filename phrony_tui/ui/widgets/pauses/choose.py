"""Which view a pause gets."""

from __future__ import annotations

from ....api.models import TaskKind
from ....session.drafts import DraftKind, DraftStore
from ...pauses import Pause
from .alert import AlertView
from .answer import AnswerView
from .approval import ApprovalView
from .base import KeyLabel, PauseView
from .confirm import ConfirmView
from .options import OptionsView
from .reply import ReplyView
from .timer import TimerView
from .unanswerable import UnanswerableView


def view_for(pause: Pause, drafts: DraftStore, decision: bool | None, label: KeyLabel) -> PauseView:
    """The controls for ``pause``, filled from its drafts; ``decision`` is an approval or a
    rejection waiting for its confirmation."""
    key = pause.key
    if pause.kind is DraftKind.REPLY:
        return ReplyView(drafts.text(key), label)
    if pause.kind is DraftKind.TIMER or pause.task is None:
        return TimerView(pause.wait_until, label)
    task = pause.task
    if not task.api_completable:
        return UnanswerableView(task)
    if task.is_approval:
        comment = drafts.text(key.comment)
        if decision is not None:
            return ConfirmView(task, decision, comment, label)
        return ApprovalView(task, comment, label)
    if task.kind == TaskKind.MULTI_OPTION:
        return OptionsView(task, label)
    if task.kind in (TaskKind.TEXT, TaskKind.AITL_ESCALATION, TaskKind.NUMBER):
        return AnswerView(task, drafts.text(key), label)
    if task.kind == TaskKind.ANOMALY_ALERT:
        return AlertView(task, label)
    return UnanswerableView(task)

"""Which view a pause gets, and the keys its hints name by default."""

from __future__ import annotations

from collections.abc import Mapping

from ....api.models import TaskKind
from ....session.drafts import DraftKind, DraftStore
from ...keys import APP_BINDINGS
from ...pauses import Pause
from .alert import AckControl, AlertView
from .answer import AnswerInput, AnswerView
from .approval import ApprovalControl, ApprovalView
from .base import KeyLabel, PauseView, key_labels
from .confirm import ConfirmBar, ConfirmView
from .options import OptionsControl, OptionsView
from .reply import ReplyArea, ReplyView
from .timer import TimerView
from .unanswerable import UnanswerableView

#: Every binding whose keys a composer hint names, with its default keys.
HINTED_BINDINGS = [
    *APP_BINDINGS,
    *ReplyArea.BINDINGS,
    *ApprovalControl.BINDINGS,
    *ConfirmBar.BINDINGS,
    *OptionsControl.BINDINGS,
    *AnswerInput.BINDINGS,
    *AckControl.BINDINGS,
]


def default_key_labels(keymap: Mapping[str, str] | None = None) -> KeyLabel:
    """Hint labels from the default keys, with a config's ``[keys]`` remapping over them."""
    return key_labels(HINTED_BINDINGS, keymap)


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

"""Session state: a pure reducer over conversation snapshots and stream events. No Textual."""

from .change import Change
from .rebase import Rebaser
from .runs import RunNode
from .state import SessionState
from .tasks import InvalidAnswerError, UserTask, build_answer, build_reply

__all__ = [
    "Change",
    "InvalidAnswerError",
    "Rebaser",
    "RunNode",
    "SessionState",
    "UserTask",
    "build_answer",
    "build_reply",
]

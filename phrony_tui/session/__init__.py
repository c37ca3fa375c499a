"""Session state: a pure reducer over conversation snapshots and stream events. No Textual."""

from .runs import RunNode
from .state import Change, SessionState
from .tasks import InvalidAnswerError, UserTask, build_answer, build_reply

__all__ = [
    "Change",
    "InvalidAnswerError",
    "RunNode",
    "SessionState",
    "UserTask",
    "build_answer",
    "build_reply",
]

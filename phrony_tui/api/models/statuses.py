"""Run, session and task statuses, and what a status means to a caller (waiting, finished)."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Run and session statuses the simulator uses (API.md 10.2). The wire may carry others."""

    RUNNING = "Running"
    WAITING_FOR_RESPONSE = "WaitingForResponse"
    WAITING_FOR_HITL = "WaitingForHITL"
    WAITING_FOR_AITL = "WaitingForAITL"
    WAITING_FOR_TIMER = "WaitingForTimer"
    COMPLETED = "Completed"
    FAILED = "Failed"
    CANCELLED = "Cancelled"


TERMINAL_STATUSES = frozenset({Status.COMPLETED, Status.FAILED, Status.CANCELLED})


def is_waiting(status: str | None) -> bool:
    """Any ``Waiting*`` status, known or not, means the run waits for something."""
    return bool(status) and str(status).startswith("Waiting")


def is_terminal(status: str | None) -> bool:
    return status in TERMINAL_STATUSES


class TaskStatus(StrEnum):
    PENDING = "Pending"
    COMPLETED = "Completed"
    CANCELLED = "Cancelled"


#: The words a person filters sessions by, lowercase as the console's status filter shows
#: them: each stands for the exact statuses the API filters on (none for "all").
STATUS_FILTERS: dict[str, tuple[Status, ...]] = {
    "all": (),
    "waiting": (
        Status.WAITING_FOR_RESPONSE,
        Status.WAITING_FOR_HITL,
        Status.WAITING_FOR_AITL,
        Status.WAITING_FOR_TIMER,
    ),
    "running": (Status.RUNNING,),
    "completed": (Status.COMPLETED,),
    "failed": (Status.FAILED,),
    "cancelled": (Status.CANCELLED,),
}

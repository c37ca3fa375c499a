"""The shapes of the action registry (``actions.py``): where an action's keys work, what the
run screen shows as far as availability cares, and one action."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from textual.binding import Binding


class Where(Enum):
    """Where an action's keys work; the help screen has one section each."""

    ANYWHERE = "Anywhere, even while typing"
    RUN = "Anywhere but in a text field (there, letters type)"
    TIMELINE = "Timeline"
    COMPOSER = "Composer"
    SEARCH = "Search"
    PROMPT = "Prompts"
    DETAIL = "Step detail"
    HOME = "Home (inbox and sessions)"
    HOME_LIST = "Home lists"
    HELP = "Help"
    QUIT = "Quit confirmation"
    NEW_RUN = "New run form"
    SWITCHER = "Open runs"
    API_LOG = "API log"


@dataclass(frozen=True)
class Situation:
    """What the run screen shows now, as far as actions care: availability is computed from
    it, so the footer is never stale."""

    pause: str | None = None  # "reply" | "task" | "timer"
    task_kind: str | None = None
    completable: bool = False
    approval: bool = False
    deciding: bool = False
    pauses: int = 0
    timers: int = 0
    files: bool = False
    filtered: bool = False
    typing: bool = False
    home_below: bool = False


Check = Callable[[Situation], bool]


@dataclass(frozen=True)
class Action:
    id: str
    keys: str
    action: str
    label: str
    description: str
    where: Where
    show: bool = True
    priority: bool = False
    palette: bool = False
    when: Check | None = None

    def binding(self) -> Binding:
        return Binding(
            self.keys,
            self.action,
            self.label,
            show=self.show,
            priority=self.priority,
            id=self.id,
            tooltip=self.description,
        )

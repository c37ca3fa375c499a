"""The one registry of the console's actions: id, default keys, what it does, where it works and
when it is available. Bindings, help, the command palette, the footer and every on-screen hint
are made from it, so a key is spelled once (here) and a remapped key shows everywhere.
"""

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
    HELP = "Help"
    QUIT = "Quit confirmation"
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


Check = Callable[[Situation], bool]


def _approval(s: Situation) -> bool:
    return s.approval and s.completable and not s.deciding


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


A = Action
W = Where
ACTIONS: tuple[Action, ...] = (
    # Anywhere, even while typing.
    A("app.help", "f1,question_mark", "help", "Help", "every key and where it works", W.ANYWHERE),
    A(
        "app.quit",
        "ctrl+q",
        "quit",
        "Quit",
        "quit (asks first if something is unsent)",
        W.ANYWHERE,
        show=False,
        priority=True,
    ),
    A(
        "app.leave_input",
        "escape",
        "leave_input",
        "Leave input",
        "leave the text field (the draft stays) and go to the timeline",
        W.ANYWHERE,
        when=lambda s: s.typing,
    ),
    A(
        "task.next",
        "n,ctrl+n",
        "next_pause",
        "Next task",
        "next pending task",
        W.ANYWHERE,
        palette=True,
        when=lambda s: s.pauses > 1,
    ),
    A(
        "task.previous",
        "N,ctrl+b",
        "previous_pause",
        "Prev task",
        "previous pending task",
        W.ANYWHERE,
        show=False,
        palette=True,
        when=lambda s: s.pauses > 1,
    ),
    A(
        "composer.attach",
        "ctrl+o",
        "attach",
        "Attach file",
        "attach a file to the reply (path with Tab completion)",
        W.ANYWHERE,
        palette=True,
        when=lambda s: s.pause == "reply",
    ),
    A(
        "composer.remove_file",
        "ctrl+x",
        "remove_file",
        "Remove file",
        "remove the last attached file (or click its ✕)",
        W.ANYWHERE,
        show=False,
        priority=True,
        when=lambda s: s.pause == "reply" and s.files,
    ),
    A(
        "app.runs",
        "ctrl+t",
        "switch_runs",
        "Runs",
        "the open runs: switch to one, or close one",
        W.ANYWHERE,
        show=False,
        palette=True,
    ),
    A(
        "app.api_log",
        "f12",
        "api_log",
        "API log",
        "the API log: this console's recent HTTP requests",
        W.ANYWHERE,
        show=False,
        palette=True,
    ),
    A(
        "app.toggle_pane",
        "ctrl+l",
        "toggle_pane",
        "Left pane",
        "show or hide the left pane (session, tokens, runs)",
        W.ANYWHERE,
        show=False,
        palette=True,
    ),
    A(
        "app.reconnect",
        "ctrl+r",
        "reconnect",
        "Reconnect",
        "reconnect the live stream now",
        W.ANYWHERE,
        show=False,
        palette=True,
    ),
    # Anywhere but in a text field.
    A(
        "task.approve",
        "a",
        "approve",
        "Approve",
        "approve the tool call",
        W.RUN,
        palette=True,
        when=_approval,
    ),
    A(
        "task.reject",
        "r",
        "reject",
        "Reject",
        "reject the tool call",
        W.RUN,
        palette=True,
        when=_approval,
    ),
    A(
        "task.acknowledge",
        "k",
        "acknowledge",
        "Acknowledge",
        "acknowledge the alert",
        W.RUN,
        palette=True,
        when=lambda s: s.task_kind == "anomaly_alert" and s.completable,
    ),
    A(
        "task.skip_wait",
        "s",
        "skip_wait",
        "Skip wait",
        "skip the timer's wait",
        W.RUN,
        palette=True,
        when=lambda s: s.timers > 0,
    ),
    *(
        A(
            f"task.option_{n}",
            str(n),
            f"pick_option({n})",
            f"Option {n}",
            "select an option; Enter sends",
            W.RUN,
            show=False,
            when=lambda s: s.task_kind == "multi_option",
        )
        for n in range(1, 10)
    ),
    A(
        "app.focus_composer",
        "i",
        "focus_composer",
        "Composer",
        "focus the composer",
        W.RUN,
        show=False,
    ),
    A(
        "app.focus_timeline",
        "t",
        "focus_timeline",
        "Timeline",
        "focus the timeline",
        W.RUN,
        show=False,
    ),
    A(
        "app.all_runs",
        "A",
        "show_all_runs",
        "All runs",
        "show every run's steps again (after selecting one in the tree)",
        W.RUN,
        palette=True,
        when=lambda s: s.filtered,
    ),
    A("app.search", "slash", "search", "Search", "search the timeline", W.RUN, palette=True),
    A(
        "app.open_run",
        "o",
        "open_run",
        "Open run",
        "open a run by id (of this session: filter to it; another: open it too)",
        W.RUN,
        show=False,
        palette=True,
    ),
    A(
        "app.close_run",
        "X",
        "close_run",
        "Close run",
        "close this run (asks first if something is unsent)",
        W.RUN,
        show=False,
        palette=True,
    ),
    # The timeline.
    A("timeline.up", "up", "cursor(-1)", "Up", "previous step", W.TIMELINE, show=False),
    A("timeline.down", "down", "cursor(1)", "Down", "next step", W.TIMELINE, show=False),
    A("timeline.page_up", "pageup", "page(-1)", "Page up", "a page up", W.TIMELINE, show=False),
    A(
        "timeline.page_down",
        "pagedown",
        "page(1)",
        "Page down",
        "a page down",
        W.TIMELINE,
        show=False,
    ),
    A("timeline.first", "home,g", "first", "First", "first step", W.TIMELINE, show=False),
    A(
        "timeline.latest",
        "end,G",
        "latest",
        "Latest",
        "latest step, and follow new ones",
        W.TIMELINE,
    ),
    A(
        "timeline.open",
        "enter",
        "open",
        "Open step",
        "open the step (a sub-agent call opens its run)",
        W.TIMELINE,
    ),
    A(
        "timeline.expand",
        "space",
        "expand",
        "Expand",
        "expand or collapse the step in place",
        W.TIMELINE,
    ),
    A("timeline.copy", "y", "copy", "Copy JSON", "copy the step's JSON", W.TIMELINE),
    # The composer's controls.
    A("composer.send", "enter", "submit", "Send", "send the reply", W.COMPOSER, priority=True),
    A("composer.newline", "ctrl+j", "newline", "Newline", "a new line in the reply", W.COMPOSER),
    A("task.comment", "c", "comment", "Comment", "add a comment to the decision", W.COMPOSER),
    A(
        "confirm.yes",
        "y,enter",
        "answer(True)",
        "Confirm",
        "confirm the approval or rejection",
        W.COMPOSER,
    ),
    A("confirm.no", "n,escape", "answer(False)", "Cancel", "cancel the confirmation", W.COMPOSER),
    A(
        "alert.acknowledge",
        "enter",
        "ack",
        "Acknowledge",
        "acknowledge the focused alert",
        W.COMPOSER,
    ),
    # Screens.
    A(
        "search.next",
        "down",
        "step(1)",
        "Next match",
        "next match",
        W.SEARCH,
        show=False,
    ),
    A(
        "search.previous",
        "up",
        "step(-1)",
        "Previous match",
        "previous match",
        W.SEARCH,
        show=False,
    ),
    A("search.close", "escape", "close", "Close search", "close the search", W.SEARCH),
    A("prompt.cancel", "escape", "cancel", "Cancel", "cancel the prompt", W.PROMPT),
    A("prompt.complete", "tab", "complete", "Complete", "complete the path", W.PROMPT, show=False),
    A("detail.copy", "y", "copy", "Copy JSON", "copy the step's JSON", W.DETAIL),
    A("detail.close", "escape,q", "dismiss", "Close", "close", W.DETAIL),
    A("help.close", "escape,q,question_mark,f1", "dismiss", "Close", "close this help", W.HELP),
    A("switcher.open", "enter", "select", "Switch", "show the highlighted run", W.SWITCHER),
    A("switcher.close", "x,delete", "close_run", "Close", "close the highlighted run", W.SWITCHER),
    A("switcher.cancel", "escape", "cancel", "Back", "back to the run on screen", W.SWITCHER),
    A("api_log.close", "escape,q", "dismiss", "Close", "close the API log", W.API_LOG),
    A("quit.yes", "y", "answer(True)", "Quit", "quit and lose what is unsent", W.QUIT),
    A("quit.no", "n,escape", "answer(False)", "Stay", "stay", W.QUIT),
)
BY_ID: dict[str, Action] = {a.id: a for a in ACTIONS}
#: Actions of the app itself (bound on it, so they work on every screen).
APP_WIDE = ("app.help", "app.quit", "app.runs", "app.api_log")
#: Bindings that are not ours but worth listing in help (Textual's own).
BUILTIN = {"command_palette": ("ctrl+p", "command palette: every action, the themes")}

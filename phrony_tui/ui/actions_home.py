"""The home screen's entries of the action registry (``actions.py`` lists them with the rest).
Their availability is the home screen's own (``HomeScreen.check_action``)."""

from __future__ import annotations

from .action_types import Action, Where

A = Action
W = Where
HOME_ACTIONS: tuple[Action, ...] = (
    A("home.inbox", "i", "tab('inbox')", "Inbox", "show the inbox", W.HOME),
    A("home.sessions", "s", "tab('sessions')", "Sessions", "show the sessions", W.HOME),
    A("home.up", "up,k", "cursor(-1)", "Up", "previous row", W.HOME_LIST, show=False),
    A("home.down", "down,j", "cursor(1)", "Down", "next row", W.HOME_LIST, show=False),
    A("home.page_up", "pageup", "page(-1)", "Page up", "a page up", W.HOME_LIST, show=False),
    A("home.page_down", "pagedown", "page(1)", "Page down", "a page down", W.HOME_LIST, show=False),
    A("home.first", "home,g", "first", "First", "first row", W.HOME_LIST, show=False),
    A(
        "home.last",
        "end,G",
        "last",
        "Last",
        "last row (loads the rest as it goes)",
        W.HOME_LIST,
        show=False,
    ),
    A(
        "home.open",
        "enter",
        "open",
        "Open",
        "open the row's run (focused on its task)",
        W.HOME_LIST,
    ),
    A(
        "home.approve",
        "a",
        "decide(True)",
        "Approve",
        "approve the selected approval from the inbox",
        W.HOME,
        palette=True,
    ),
    A(
        "home.reject",
        "r",
        "decide(False)",
        "Reject",
        "reject the selected approval from the inbox",
        W.HOME,
        palette=True,
    ),
    A(
        "home.agent",
        "A",
        "cycle_agent",
        "Agent",
        "sessions of one agent after another, then of all merged",
        W.HOME,
        palette=True,
    ),
    A(
        "home.status",
        "f",
        "cycle_status",
        "Status",
        "filter the sessions by status: all, waiting, running, completed, failed, cancelled",
        W.HOME,
        palette=True,
    ),
    A(
        "home.refresh",
        "ctrl+r",
        "refresh",
        "Refresh",
        "read the inbox or the sessions again now",
        W.HOME,
        show=False,
        palette=True,
    ),
    A(
        "home.new_run",
        "n",
        "new_run",
        "New run",
        "start a run of the selected agent",
        W.HOME,
        palette=True,
    ),
    A(
        "home.open_run",
        "o",
        "open_run",
        "Open run",
        "open a run by id",
        W.HOME,
        show=False,
        palette=True,
    ),
)

"""The left pane: session header, token mix and runs tree, redrawn at most every
``PANEL_EVERY`` seconds. While a run streams each step changes a token count, and redrawing the
pane per batch cost more than the step itself."""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer

from ...session import SessionState
from .runs_tree import RunsTree
from .session_panel import SessionHeader, TokenBar

PANEL_EVERY = 0.25


class LeftPane(Vertical):
    def __init__(self, state: SessionState, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = state
        self._due: set[str] = set()
        self._at = 0.0
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield SessionHeader(id="session-header")
        yield TokenBar(id="token-bar")
        yield RunsTree(id="runs")

    def changed(self, *, session: bool, runs: bool, at_once: bool = False) -> None:
        """Note what changed; draw now if the last drawing is old enough (or ``at_once``)."""
        if session or runs:
            self._due.add("panel")
        if runs:
            self._due.add("tree")
        self._show(at_once)

    def _show(self, at_once: bool = False) -> None:
        if not self._due:
            return
        wait = self._at + PANEL_EVERY - time.monotonic()
        if not at_once and wait > 0:
            if self._timer is None:
                self._timer = self.set_timer(wait, self._fired)
            return
        self._at = time.monotonic()
        if "panel" in self._due:
            self.query_one(SessionHeader).show(self.state)
            self.query_one(TokenBar).show(self.state)
        if "tree" in self._due:
            self.query_one(RunsTree).show(self.state)
        self._due = set()

    def _fired(self) -> None:
        self._timer = None
        if self.is_attached:
            self._show()

    def select_run(self, run_id: str) -> None:
        self.query_one(RunsTree).select_run(run_id)

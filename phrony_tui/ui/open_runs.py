"""The runs open in the console. Each keeps its ``RunScreen`` (drafts, selection, stream),
installed in the app under its own name so that switching away neither removes it nor stops
it. Streams are bounded: the runs viewed most recently stay live, the others are polled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from textual.app import App
from textual.screen import ModalScreen

from ..api.compact import Snapshot
from ..api.models import is_terminal
from ..session.drafts import DraftKey
from .sanitize import one_line
from .screens.run import RunScreen

#: How many open runs keep a live stream by default.
LIVE_RUNS = 5


@dataclass(frozen=True)
class RunEntry:
    """One open run as the switcher lists it: plain values, sanitized."""

    run_id: str
    title: str
    status: str
    pending: int
    live: bool
    current: bool
    unsent: bool

    @property
    def streaming(self) -> str:
        if is_terminal(self.status):
            return "ended"
        return "live" if self.live else "polled, not live"


def screen_name(run_id: str) -> str:
    return f"run {run_id}"


class OpenRuns:
    """The open runs, in the order they were opened, and the order they were viewed."""

    def __init__(
        self,
        app: App[Any],
        make: Callable[[str, Snapshot | None, DraftKey | None], RunScreen],
        live_limit: int = LIVE_RUNS,
    ) -> None:
        self.app = app
        self.make = make
        self.live_limit = max(1, live_limit)
        self._screens: dict[str, RunScreen] = {}
        self._viewed: list[str] = []  # most recent last

    def __iter__(self) -> Iterator[RunScreen]:
        return iter(list(self._screens.values()))

    def __len__(self) -> int:
        return len(self._screens)

    def find(self, run_id: str) -> RunScreen | None:
        """The screen of ``run_id``: the run it was opened on, or a run of its session."""
        screen = self._screens.get(run_id)
        if screen is not None:
            return screen
        for screen in self._screens.values():
            if run_id in screen.state.runs:
                return screen
        return None

    def current(self) -> RunScreen | None:
        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, RunScreen):
                return screen
        return None

    def live(self, screen: RunScreen) -> bool:
        """Whether ``screen`` is among the most recently viewed runs that stream."""
        recent = list(reversed(self._viewed))[: self.live_limit]
        return screen.run_id in recent

    # --- opening, switching, closing ---------------------------------------------------------

    async def open(
        self, run_id: str, conversation: Snapshot | None, focus: DraftKey | None = None
    ) -> RunScreen:
        """Show ``run_id``: its screen if open (filtered to it when it is a sub-agent's run),
        else a new one; ``focus`` is the pause to select (an inbox row's)."""
        screen = self.find(run_id)
        if screen is None:
            screen = self.make(run_id, conversation, focus)
            self._screens[run_id] = screen
            self.app.install_screen(screen, screen_name(run_id))
            await self.show(screen)
        else:
            await self.show(screen)
            if run_id != screen.run_id:
                screen.filter_run(run_id)
            if focus is not None:
                screen.select_pause(focus)
        return screen

    async def show(self, screen: RunScreen) -> None:
        """Make ``screen`` the one on screen; dialogs open over the current one close."""
        app = self.app
        while len(app.screen_stack) > 1 and isinstance(app.screen, ModalScreen):
            await app.pop_screen()
        name = screen_name(screen.run_id)
        if app.screen is not screen:
            if isinstance(app.screen, RunScreen):
                await app.switch_screen(name)
            else:
                await app.push_screen(name)
        self._viewed = [r for r in self._viewed if r != screen.run_id] + [screen.run_id]
        self._balance()

    async def close(self, screen: RunScreen) -> bool:
        """Close ``screen``'s run and stop its stream; the run viewed before it takes its place.
        False (and nothing done) when it is the only screen left to show."""
        app = self.app
        others = [r for r in reversed(self._viewed) if r != screen.run_id]
        if app.screen is screen or screen in app.screen_stack:
            while app.screen is not screen:
                await app.pop_screen()
            if others:
                await self.show(self._screens[others[0]])
            elif len(app.screen_stack) > 2:  # something of its own lies under it (home)
                await app.pop_screen()
            else:
                return False
        del self._screens[screen.run_id]
        self._viewed = [r for r in self._viewed if r != screen.run_id]
        app.uninstall_screen(screen)
        await screen.remove()
        self._balance()
        return True

    def _balance(self) -> None:
        for screen in self._screens.values():
            screen.set_live(self.live(screen))

    # --- what the switcher and the rest of the app read ---------------------------------------

    def entries(self) -> list[RunEntry]:
        current = self.current()
        out = []
        for screen in self._screens.values():
            state = screen.state
            root = state.runs.get(screen.run_id)
            name = (root.agent_name or root.short_id) if root else screen.run_id[:8]
            out.append(
                RunEntry(
                    run_id=screen.run_id,
                    title=one_line(name, 40),
                    status=one_line(str(state.status or ""), 40),
                    pending=len(screen.composer.pauses) if screen.is_mounted else 0,
                    live=self.live(screen),
                    current=screen is current,
                    unsent=screen.is_mounted and screen.unsent(),
                )
            )
        return out

    def unsent(self) -> list[RunScreen]:
        """The open runs that would lose a draft, a file or an upload if closed."""
        return [s for s in self._screens.values() if s.is_mounted and s.unsent()]

    def secrets(self) -> list[str]:
        drafts: list[str] = []
        for screen in self._screens.values():
            if screen.is_mounted:
                drafts += screen.composer.secrets()
        return drafts

"""The console application: it composes screens and routes messages between them. What a run
shows and does lives in ``RunScreen``; the app holds the client, the settings and the theme."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from textual import events, on
from textual.app import SystemCommand
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Input, TextArea
from textual.worker import WorkerCancelled, WorkerFailed

from ..api import PhronyClient
from ..api.compact import Snapshot
from ..inbox.agents import WatchedAgent
from ..session.drafts import DraftKey
from .actions import ACTIONS, Where
from .config import Settings
from .crash import CrashGuard
from .keys import KeyLabels, binding
from .messages import OpenRun
from .sanitize import one_line
from .screens.help import HelpScreen
from .screens.home import HomeScreen
from .screens.quit import QuitConfirm
from .screens.run import RunScreen
from .widgets.composer import Composer
from .widgets.header import Place
from .widgets.status_line import StatusLine
from .widgets.timeline import Timeline


def styles_path() -> Path:
    """``styles/`` ships inside the wheel as ``phrony_tui/styles``; in a checkout it sits at
    the top of the repository."""
    packaged = Path(__file__).resolve().parents[1] / "styles" / "console.tcss"
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parents[2] / "styles" / "console.tcss"


class ConsoleApp(CrashGuard[None]):
    """``phrony-tui RUN_ID``: opens the run's screen; "open run by id" replaces it. With no
    run id, the home screen (inbox and sessions of ``agents``)."""

    TITLE = "phrony-tui"
    CSS_PATH = str(styles_path())
    BINDINGS: ClassVar[list[BindingType]] = [binding("app.help"), binding("app.quit")]
    ENABLE_COMMAND_PALETTE = True
    #: The screen each open run gets (a benchmark probe substitutes its own).
    run_screen_class: type[RunScreen] = RunScreen
    #: Below 100 columns the left pane gives the timeline room (styles: ``Screen.-narrow``).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(
        self,
        client: PhronyClient,
        run_id: str | None,
        *,
        agents: Sequence[WatchedAgent] = (),
        place: Place | None = None,
        profile: str | None = None,
        config_file: str = "config.toml",
        settings: Settings | None = None,
        initial: Snapshot | None = None,
        show_event_age: bool = True,
        close_client: bool = True,
        steady: bool = False,
        **run_options: Any,
    ) -> None:
        super().__init__()
        self.client = client
        self.settings = settings or Settings()
        self.keys = KeyLabels(self.settings.keys)
        self.close_client = close_client
        self.steady = steady
        self._first = (run_id, initial)
        self._run_options = {"show_event_age": show_event_age, **run_options}
        self.agents = list(agents)
        self.place = place or Place.of(profile, client.base_url)
        self._home_args = (profile, config_file)
        self._home: HomeScreen | None = None

    # --- the open run -----------------------------------------------------------------------

    @property
    def run_screen(self) -> RunScreen:
        """The run on screen (under any dialog open over it)."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, RunScreen):
                return screen
        raise LookupError("no run is open")

    @property
    def run_id(self) -> str:
        return self.run_screen.run_id

    @property
    def state(self) -> Any:
        return self.run_screen.state

    @property
    def composer(self) -> Composer:
        return self.run_screen.composer

    @property
    def timeline(self) -> Timeline:
        return self.run_screen.timeline

    @property
    def status_line(self) -> StatusLine:
        return self.run_screen.status_line

    def secrets(self) -> list[str]:
        """Unsent drafts of every open run stay out of a crash report."""
        drafts: list[str] = []
        for screen in self.screen_stack:
            if isinstance(screen, RunScreen):
                drafts += screen.composer.secrets()
        return [*super().secrets(), *drafts]

    def _run_screen(
        self, run_id: str, initial: Snapshot | None, focus: DraftKey | None = None
    ) -> RunScreen:
        options = {**self._run_options, **({"focus": focus} if focus is not None else {})}
        return self.run_screen_class(
            self.client, run_id, settings=self.settings, initial=initial, **options
        )

    @property
    def home_screen(self) -> HomeScreen:
        """The one home screen, made when first needed and kept (installed) while runs are
        open over it: its inbox keeps polling, its cursors stay."""
        if self._home is None:
            profile, config_file = self._home_args
            self._home = HomeScreen(
                self.client,
                self.agents,
                settings=self.settings,
                profile=profile,
                config_file=config_file,
            )
            self.install_screen(self._home, "home")
        return self._home

    async def action_home(self) -> None:
        """Back down to the home screen (a run with something unsent stays), or up to it."""
        home = self.home_screen
        if home not in self.screen_stack:
            await self.push_screen(home)
            return
        while self.screen is not home:
            if isinstance(self.screen, RunScreen) and self.screen.unsent():
                self.notify(
                    "This run has an unsent draft or attached file: send or clear it first.",
                    severity="warning",
                )
                return
            await self.pop_screen()

    async def on_mount(self) -> None:
        if self.settings.keys:
            self.set_keymap(dict(self.settings.keys))
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        elif self.settings.theme:
            self.notify(
                f"Unknown theme {one_line(self.settings.theme, 40)!r} in the config; "
                f"available: {', '.join(sorted(self.available_themes))}",
                severity="warning",
                markup=False,
            )
        run_id, initial = self._first
        self._first = (run_id, None)  # the screen holds it now
        if run_id is None:
            await self.push_screen(self.home_screen)
        else:
            await self.push_screen(self._run_screen(run_id, initial))

    @on(OpenRun)
    async def _on_open_run(self, message: OpenRun) -> None:
        """Another run replaces the one on screen (its stream stops with its screen); a dialog
        still open over it (help, a prompt, the palette) closes first. Opened from home, it
        goes over the home screen, which Esc returns to."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, RunScreen | HomeScreen):
            await self.pop_screen()
        screen = self._run_screen(message.run_id, message.conversation, message.focus)
        if isinstance(self.screen, HomeScreen):
            await self.push_screen(screen)
        else:
            await self.switch_screen(screen)

    async def on_unmount(self) -> None:
        # Stop the workers first: one waking from a backoff must not find the client
        # closed under it.
        for worker in list(self.workers):
            worker.cancel()
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await worker.wait()
        if self.close_client:
            await self.client.aclose()

    # --- app-wide actions -------------------------------------------------------------------

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.keys, self.settings.confirm_approvals))

    async def action_quit(self) -> None:
        """Quit at once with nothing to lose; otherwise ask once (a second ctrl+q quits)."""
        if isinstance(self.screen, QuitConfirm):
            self.exit()
            return
        try:
            unsent = self.run_screen.unsent()
        except LookupError:
            unsent = False
        if not unsent:
            self.exit()
            return

        def answered(quit_now: bool | None) -> None:
            if quit_now:
                self.exit()

        what = "An unsent draft, an attached file, or an upload or send in progress"
        self.push_screen(QuitConfirm(what, self.keys), answered)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette lists every action that can be done now, with its keys."""
        yield from super().get_system_commands(screen)
        if isinstance(screen, HomeScreen):
            yield from screen.commands()
            return
        try:
            run = self.run_screen
        except LookupError:
            return
        situation = run.situation()
        for entry in ACTIONS:
            if not entry.palette or entry.where not in (Where.ANYWHERE, Where.RUN):
                continue
            if entry.when is not None and not entry.when(situation):
                continue
            name = entry.action.split("(")[0]
            callback = getattr(run, f"action_{name}", None)
            if callback is not None:
                title = entry.description[:1].upper() + entry.description[1:]
                yield SystemCommand(title, self.keys(entry.id), callback)
        timeline = run.timeline
        for action_id, title, callback in (
            ("timeline.open", "Open the selected step", timeline.action_open),
            ("timeline.copy", "Copy the selected step as JSON", timeline.action_copy),
            ("timeline.latest", "Jump to the latest step and follow", timeline.action_latest),
        ):
            yield SystemCommand(title, f"{self.keys(action_id)} in the timeline", callback)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """``steady`` (screenshots): no blinking cursor, so two captures are identical."""
        if self.steady and isinstance(event.widget, Input | TextArea):
            event.widget.cursor_blink = False

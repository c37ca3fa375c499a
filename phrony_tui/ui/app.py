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
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, TextArea
from textual.worker import WorkerCancelled, WorkerFailed

from ..api import PhronyClient
from ..api.compact import Snapshot
from ..commands.httplog import RecentRequests
from ..inbox.agents import WatchedAgent
from ..session.drafts import DraftKey
from .actions import ACTIONS, Where
from .config import Settings
from .crash import CrashGuard
from .keys import KeyLabels, binding
from .messages import CloseRun, OpenRun
from .notify import Notifier, WaitingChanged
from .open_runs import OpenRuns
from .sanitize import one_line
from .screens.api_log import ApiLog
from .screens.help import HelpScreen
from .screens.home import HomeScreen
from .screens.new_run import NewRunScreen
from .screens.quit import QuitConfirm
from .screens.run import RunScreen
from .screens.switcher import Choice, CloseConfirm, RunSwitcher
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


def lost(screens: list[RunScreen]) -> str:
    """What closing ``screens`` would lose, in words: "An unsent draft and an attached
    file"."""
    parts = list(dict.fromkeys(part for screen in screens for part in screen.composer.unsent()))
    if not parts:
        return "Something unsent"
    said = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return said[:1].upper() + said[1:]


class ConsoleApp(CrashGuard[None]):
    """``phrony-tui RUN_ID``: opens the run's screen; "open run by id" opens another beside
    it (``OpenRuns``), the switcher goes from one to the other. With no run id, the home
    screen (inbox and sessions of ``agents``), which every run screen can go back to."""

    TITLE = "phrony-tui"
    CSS_PATH = str(styles_path())
    BINDINGS: ClassVar[list[BindingType]] = [
        binding("app.help"),
        binding("app.quit"),
        binding("app.runs"),
        binding("app.api_log"),
    ]
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
        requests: RecentRequests | None = None,
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
        #: What the client's request log kept (the API log), if it keeps one.
        self.requests = requests
        self.runs = OpenRuns(self, self._run_screen, self.settings.live_runs)
        self.notifier = Notifier(self, self.settings.notify, self.settings.notify_command)

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
        return [*super().secrets(), *self.runs.secrets()]

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
        """To the home screen: the runs stay open (installed), streaming or polled, and the
        switcher goes back to them. A run opened first (``phrony-tui RUN_ID``) gives its place
        to home, so the runs opened from there go over it."""
        home = self.home_screen
        while len(self.screen_stack) > 1 and isinstance(self.screen, ModalScreen):
            await self.pop_screen()
        home.back_from_run = isinstance(self.screen, RunScreen)
        if home not in self.screen_stack:
            if isinstance(self.screen, RunScreen):
                await self.switch_screen(home)
            else:
                await self.push_screen(home)
            return
        while self.screen is not home:
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
            await self.runs.open(run_id, initial)

    @on(OpenRun)
    async def _on_open_run(self, message: OpenRun) -> None:
        """Another run opens beside the ones open (or shows, if open already); a dialog still
        open over the current one (help, a prompt, the palette) closes first. Opened from
        home, it goes over the home screen, which Esc returns to."""
        await self.runs.open(message.run_id, message.conversation, message.focus)

    @on(CloseRun)
    def _on_close_run(self, message: CloseRun) -> None:
        screen = self.runs.find(message.run_id)
        if screen is not None:
            self.close_run(screen)

    @on(WaitingChanged)
    def _on_waiting(self, message: WaitingChanged) -> None:
        """A closed run's last word does not count; what the inbox sees of a run open here
        is that run screen's to announce (one bell per pause)."""
        if message.source.startswith("run "):
            if self.runs.find(message.source.removeprefix("run ")) is None:
                return
        elif message.new:
            message.new = [i for i in message.new if self.runs.find(i.run_id) is None]
        self.notifier.changed(message)

    async def on_unmount(self) -> None:
        self.notifier.close()
        # Stop the workers first: one waking from a backoff must not find the client
        # closed under it.
        for worker in list(self.workers):
            worker.cancel()
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await worker.wait()
        if self.close_client:
            await self.client.aclose()

    # --- app-wide actions -------------------------------------------------------------------

    def action_switch_runs(self) -> None:
        if isinstance(self.screen, RunSwitcher):
            return

        async def chosen(choice: Choice | None) -> None:
            screen = self.runs.find(choice.run_id) if choice else None
            if choice is None or screen is None:
                return
            if choice.close:
                self.close_run(screen)
            else:
                await self.runs.show(screen)

        self.push_screen(RunSwitcher(self.runs.entries(), self.keys), chosen)

    def close_run(self, screen: RunScreen) -> None:
        """Close a run, asking first if it holds something unsent; the last one stays."""

        async def close(yes: bool | None = True) -> None:
            if yes and not await self.runs.close(screen):
                self.notify(
                    f"This is the only open run: {self.keys('app.quit')} quits.", markup=False
                )
            elif yes:
                self.notifier.forget(f"run {screen.run_id}")

        if screen.is_mounted and screen.unsent():
            what = lost([screen])
            self.push_screen(CloseConfirm(what, self.keys), close)
        else:
            self.call_next(close)

    def action_api_log(self) -> None:
        if not isinstance(self.screen, ApiLog):
            self.push_screen(ApiLog(self.requests, self.keys))

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.keys, self.settings.confirm_approvals))

    async def action_quit(self) -> None:
        """Quit at once with nothing to lose; otherwise ask once (a second ctrl+q quits)."""
        if isinstance(self.screen, QuitConfirm):
            self.exit()
            return
        unsent = self.runs.unsent()
        forms = [s for s in self.screen_stack if isinstance(s, NewRunScreen) and s.unsent()]
        if not unsent and not forms:
            self.exit()
            return

        def answered(quit_now: bool | None) -> None:
            if quit_now:
                self.exit()

        what = "The New run form's input or files, or a start under way,"
        if unsent:
            what = lost(unsent)
            if len(self.runs) > 1:
                where = ", ".join(one_line(s.run_id, 40) for s in unsent[:3])
                what += f" (in run {where})" if len(unsent) == 1 else f" (in runs {where})"
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
            callback = getattr(run, f"action_{name}", None) or getattr(self, f"action_{name}", None)
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

"""``phrony-tui`` with no run id: the inbox (what waits for a person) and the sessions of the
watched agents. The screen stays alive while runs are open over it, so coming back finds the
cursor where it was."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane

from ...api import PhronyClient
from ...api.compact import Snapshot
from ...inbox.agents import WatchedAgent, how_to_add
from ...inbox.rows import CHAT, TIMER, InboxRow
from ...preflight import ConsoleError, preflight
from ...session.drafts import DraftKey, DraftKind
from ..actions import ACTIONS, Where
from ..config import Settings
from ..keys import KeyLabels, bindings
from ..messages import OpenRun
from ..sanitize import one_line, plain
from ..widgets.header import PlaceHeader, place_of
from ..widgets.row_list import RowList
from .inbox_tab import InboxTab
from .new_run import NewRunScreen
from .prompts import Prompt
from .sessions_tab import OpenSession, SessionsTab

_SESSIONS_ONLY = ("cycle_agent", "cycle_status")


def pause_key(row: InboxRow) -> DraftKey:
    """The run screen's pause an inbox row stands for."""
    if row.task is not None:
        return DraftKey(DraftKind.TASK, row.task.id)
    if row.kind == CHAT:
        return DraftKey(DraftKind.REPLY, row.run_id)
    if row.kind == TIMER:
        return DraftKey(DraftKind.TIMER, row.run_id)
    return DraftKey(DraftKind.REPLY, row.run_id)


@dataclass
class RunLoaded(Message, bubble=False):
    """A run asked for from home: its conversation, or why it cannot be opened."""

    run_id: str
    conversation: Snapshot | None
    focus: DraftKey | None = None
    error: str = ""


class HomeScreen(Screen[None]):
    BINDINGS = bindings(Where.HOME)
    AUTO_FOCUS = None

    def __init__(
        self,
        client: PhronyClient,
        agents: Sequence[WatchedAgent],
        *,
        settings: Settings,
        profile: str | None = None,
        config_file: str = "config.toml",
    ) -> None:
        super().__init__()
        self.client = client
        self.agents = list(agents)
        #: Set on the way back from a run (``ConsoleApp.action_home``): the inbox reads again.
        self.back_from_run = False
        self.settings = settings
        self.keys = KeyLabels(settings.keys)
        self.profile = profile
        self.config_file = config_file

    def compose(self) -> ComposeResult:
        yield PlaceHeader(id="place")
        if not self.agents:
            with VerticalScroll(id="no-agents"):
                yield Static(self._no_agents(), id="no-agents-text")
        else:
            with TabbedContent(initial="inbox", id="home-tabs"):
                with TabPane("Inbox", id="inbox"):
                    yield InboxTab(
                        self.client,
                        self.agents,
                        interval=self.settings.poll_interval,
                        confirm=self.settings.confirm_approvals,
                        keys=self.keys,
                    )
                with TabPane("Sessions", id="sessions"):
                    yield SessionsTab(self.client, self.agents)
        yield Footer()

    def _no_agents(self) -> Text:
        text = Text()
        text.append("No agents to watch yet\n\n", style="bold")
        text.append_text(plain(how_to_add(self.profile, self.config_file)))
        text.append("\n\nA run can still be opened by id: ", style="dim")
        text.append(f"{self.keys('home.open_run')} here, or phrony-tui RUN_ID.", style="dim")
        return text

    def on_mount(self) -> None:
        self.sub_title = f"{place_of(self.app).profile} · home"
        self.call_after_refresh(self._focus_list)

    def on_screen_resume(self) -> None:
        """Back from a run: what was answered there leaves the inbox now, not at the next
        poll (back from a dialog, nothing was answered: no pass of every conversation)."""
        if self.agents and self.back_from_run:
            self.inbox.poke()
        self.back_from_run = False
        self.call_after_refresh(self._focus_list)
        self.refresh_bindings()  # the keys of the row under the cursor, as it is now

    # --- parts ------------------------------------------------------------------------------

    @property
    def inbox(self) -> InboxTab:
        return self.query_one(InboxTab)

    @property
    def sessions(self) -> SessionsTab:
        return self.query_one(SessionsTab)

    @property
    def tab(self) -> str:
        if not self.agents:
            return ""
        return self.query_one("#home-tabs", TabbedContent).active

    def _focus_list(self) -> None:
        if not self.agents or not self.is_attached:
            return
        if self.inbox.deciding is not None:
            return
        target = self.sessions.row_list if self.tab == "sessions" else self.inbox.row_list
        target.focus()

    @on(TabbedContent.TabActivated)
    def _on_tab(self, message: TabbedContent.TabActivated) -> None:
        if message.pane.id == "sessions":
            self.sessions.start()
        self.refresh_bindings()
        self._focus_list()

    @on(RowList.Moved)
    def _on_moved(self, message: RowList.Moved) -> None:
        self.refresh_bindings()

    # --- availability -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.agents:
            return action in ("open_run",) or action not in {
                a.action.split("(")[0] for a in ACTIONS if a.where is Where.HOME
            }
        if action == "decide":
            row = self.inbox.current if self.tab == "inbox" else None
            return bool(row and row.answerable_here and self.inbox.deciding is None)
        if action in _SESSIONS_ONLY:
            return self.tab == "sessions"
        if action == "tab":
            return parameters[0] != self.tab if parameters else True
        return True

    def commands(self) -> Iterator[SystemCommand]:
        """The palette's entries for what works here now."""
        for entry in ACTIONS:
            if entry.where is not Where.HOME or not entry.palette:
                continue
            name = entry.action.split("(")[0]
            if not self.check_action(name, ()):
                continue
            callback = getattr(self, f"action_{name}", None)
            if callback is None:
                continue
            if name == "decide":
                approved = entry.id == "home.approve"
                callback = self._decider(approved)
            title = entry.description[:1].upper() + entry.description[1:]
            yield SystemCommand(title, self.keys(entry.id), callback)

    def _decider(self, approved: bool) -> Any:
        return lambda: self.action_decide(approved)

    # --- actions ----------------------------------------------------------------------------

    def action_tab(self, name: str) -> None:
        if self.agents:
            self.query_one("#home-tabs", TabbedContent).active = name

    def action_decide(self, approved: bool) -> None:
        if self.tab == "inbox":
            self.inbox.decide(approved)
            self.refresh_bindings()

    def action_cycle_agent(self) -> None:
        self.sessions.cycle_agent()

    def action_cycle_status(self) -> None:
        self.sessions.cycle_status()

    def action_refresh(self) -> None:
        if self.tab == "inbox":
            self.inbox.poke()
        elif self.tab == "sessions":
            self.sessions.reload()

    def action_new_run(self) -> None:
        """Start a run of the selected agent (the form is its own screen): on the inbox, the
        agent of the row under the cursor."""
        row = self.inbox.current if self.tab == "inbox" else None
        agent = (
            row.agent if row is not None else self.sessions.selected_agent if self.agents else None
        )
        if agent is None:
            self.notify("No agent to start a run of.", severity="warning")
            return
        screen = NewRunScreen(self.client, agent.id, agent.label)

        def started(run_id: str | None) -> None:
            if run_id:
                self.sessions.reload()  # its session heads the list when the person is back
                self._load(run_id)

        self.app.push_screen(screen, started)

    def action_open_run(self) -> None:
        def chosen(run_id: str | None) -> None:
            if run_id and run_id.strip():
                self._load(run_id.strip())

        self.app.push_screen(Prompt("Open a run by id"), chosen)

    # --- opening runs -----------------------------------------------------------------------

    @on(OpenSession)
    def _on_open_session(self, message: OpenSession) -> None:
        message.stop()
        self._load(message.run_id)

    @on(RowList.Chosen, "#inbox-list")
    def _on_inbox_chosen(self, message: RowList.Chosen) -> None:
        message.stop()
        row = self.inbox.by_key.get(message.key)
        if row is not None:
            self._load(row.run_id, pause_key(row))

    def _load(self, run_id: str, focus: DraftKey | None = None) -> None:
        self.notify(f"Opening run {one_line(run_id, 40)}…", timeout=2, markup=False)
        self.run_worker(self._check(run_id, focus), group="open-run", exclusive=True)

    async def _check(self, run_id: str, focus: DraftKey | None) -> None:
        try:
            conversation = await preflight(self.client, run_id)
        except ConsoleError as exc:
            self.post_message(RunLoaded(run_id, None, focus, str(exc)))
            return
        self.post_message(RunLoaded(run_id, conversation, focus))

    @on(RunLoaded)
    def _on_loaded(self, message: RunLoaded) -> None:
        if message.conversation is None:
            self.notify(one_line(message.error, 300), severity="error", markup=False)
            return
        if self.app.screen is self:
            self.post_message(OpenRun(message.run_id, message.conversation, message.focus))
        else:  # a dialog opened meanwhile: it is not closed under the person
            self.notify(
                f"Run {one_line(message.run_id, 40)} is ready: close the dialog and open it again.",
                markup=False,
            )

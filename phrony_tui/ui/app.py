"""The console: three live panes over one run's session."""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from textual import events, on
from textual.actions import SkipAction
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static, TextArea, Tree
from textual.worker import Worker, WorkerCancelled, WorkerFailed

from ..api import PhronyClient, StreamEvent
from ..api.compact import CompactConversation, Snapshot
from ..api.heap import Settler, collector_paused
from ..api.models import ItemType, is_terminal
from ..session import Change, SessionState
from .config import Settings
from .controller import Controller
from .feed import BACKOFF_BASE, POLL_INTERVAL, STALL_TIMEOUT, StreamFeed
from .keys import APP_BINDINGS
from .messages import (
    AttachFile,
    ConnectionChanged,
    Reconcile,
    RunChecked,
    Send,
    SendResult,
    SkipWait,
    SnapshotLoaded,
    StreamBatch,
    UploadDone,
    UploadProgress,
)
from .sanitize import one_line, plain
from .screens.detail import StepDetail, step_json
from .screens.help import HelpScreen
from .screens.prompts import Prompt
from .widgets.composer import Composer
from .widgets.pauses.choose import default_key_labels
from .widgets.runs_tree import RunsTree
from .widgets.session_panel import SessionHeader, TokenBar
from .widgets.status_line import StatusLine
from .widgets.timeline import Timeline

RECONCILE_DEBOUNCE = 0.25
#: Events kept to re-apply over a snapshot that was fetched while they arrived (only those
#: since the last snapshot are kept; a fetch slower than this many events is fetched again).
EVENT_LOG = 5_000
#: Seconds between two redraws of the session panel and runs tree at most.
PANEL_EVERY = 0.25
#: Steps from which applying a snapshot pauses the cyclic collector.
BIG_SNAPSHOT = 10_000


def styles_path() -> Path:
    """``styles/`` ships inside the wheel as ``phrony_tui/styles``; in a checkout it sits at
    the top of the repository."""
    packaged = Path(__file__).resolve().parents[1] / "styles" / "console.tcss"
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parents[2] / "styles" / "console.tcss"


class SearchInput(Input):
    BINDINGS = [
        Binding("down", "step(1)", "Next match", show=False),
        Binding("up", "step(-1)", "Previous match", show=False),
        Binding("escape", "close", "Close search", id="search.close"),
    ]

    def action_step(self, direction: int) -> None:
        self.app.query_one(Timeline).search(self.value, direction)

    def action_close(self) -> None:
        self.display = False
        self.app.query_one(Timeline).focus()


@dataclass
class OpenRun:
    """The console's result when the person opened another run: open that one next."""

    run_id: str
    conversation: Snapshot


class ConsoleApp(App["OpenRun | None"]):
    """``phrony-tui RUN_ID``: the runs tree, the timeline and the composer of one session."""

    TITLE = "phrony-tui"
    CSS_PATH = str(styles_path())
    BINDINGS = list(APP_BINDINGS)
    ENABLE_COMMAND_PALETTE = True
    #: Below 100 columns the left pane gives the timeline room (styles: ``Screen.-narrow``).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(
        self,
        client: PhronyClient,
        run_id: str,
        *,
        settings: Settings | None = None,
        initial: Snapshot | None = None,
        show_event_age: bool = True,
        close_client: bool = True,
        steady: bool = False,
        stall_timeout: float = STALL_TIMEOUT,
        poll_interval: float = POLL_INTERVAL,
        backoff_base: float = BACKOFF_BASE,
    ) -> None:
        super().__init__()
        self.client = client
        self.run_id = run_id
        self.settings = settings or Settings()
        self.initial = initial
        self.state = SessionState()
        self._settler = Settler()
        self._feed_worker: Worker[None] | None = None
        self._panel_due: set[str] = set()
        self._panel_at = 0.0
        self._panel_timer: Timer | None = None
        self.show_event_age = show_event_age
        self.close_client = close_client
        self.steady = steady
        self._applied = 0
        self._event_log: deque[tuple[int, StreamEvent]] = deque(maxlen=EVENT_LOG)
        self._snapshot_start = -1
        self.controller = Controller(client, run_id, self.post_message, self._events_applied)
        self.feed = StreamFeed(
            client,
            run_id,
            self.post_message,
            self._finished,
            self._events_applied,
            stall_timeout=stall_timeout,
            poll_interval=poll_interval,
            backoff_base=backoff_base,
        )
        self._reconcile_timer: Timer | None = None
        self.malformed = 0

    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield SessionHeader(id="session-header")
                yield TokenBar(id="token-bar")
                yield RunsTree(id="runs")
            with Vertical(id="centre"):
                search = SearchInput(placeholder="Search the timeline", id="search")
                search.display = False
                yield search
                notice = Static(
                    plain(
                        "This run's timeline is hidden from API clients: its trigger redacts "
                        "it. Only the runs' status, tokens and results are shown.",
                        "italic",
                    ),
                    id="redacted-notice",
                )
                notice.display = False
                yield notice
                yield Timeline(self.state, id="timeline")
        yield Composer(
            self.state,
            confirm_approvals=self.settings.confirm_approvals,
            key_label=default_key_labels(self.settings.keys),
        )
        yield StatusLine(id="status", show_age=self.show_event_age)
        yield Footer()

    @property
    def timeline(self) -> Timeline:
        return self.query_one(Timeline)

    @property
    def composer(self) -> Composer:
        return self.query_one(Composer)

    @property
    def status_line(self) -> StatusLine:
        return self.query_one(StatusLine)

    def on_mount(self) -> None:
        if self.settings.keys:
            self.set_keymap(self.settings.keys)
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        elif self.settings.theme:
            self.notify(
                f"Unknown theme {one_line(self.settings.theme, 40)!r} in the config; "
                f"available: {', '.join(sorted(self.available_themes))}",
                severity="warning",
                markup=False,
            )
        self.sub_title = f"run {self.run_id}"
        if self.initial is not None:
            self._apply(self._replace_state(self.initial))
            self.feed.snapshot_is_final = is_terminal(self.initial.session.status)
            self.initial = None  # the state holds it now
        self._start_feed()
        self.set_interval(1.0, self._tick)
        self._tick()
        self.call_after_refresh(self._settler.settle)
        if self.composer.pauses:
            # On open the next keystroke belongs to the pause, whatever Textual focused first.
            self.composer.focus_control()
        else:
            self.timeline.focus()

    async def on_unmount(self) -> None:
        # Stop the workers first: one waking from a backoff must not find the client
        # closed under it.
        for worker in list(self.workers):
            worker.cancel()
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await worker.wait()
        if self.close_client:
            await self.client.aclose()

    def _finished(self) -> bool:
        return is_terminal(self.state.status)

    def _tick(self) -> None:
        if not self.is_running:
            return
        self.status_line.tick()
        self.composer.tick()
        last = self.status_line.last_event
        self._settler.tick(time.monotonic() - last if last else 0.0)

    # --- applying data ----------------------------------------------------------------------

    def _apply(self, change: Change) -> None:
        if not self.is_running:
            return  # a late message while the app shuts down: its widgets are gone
        state = self.state
        if change.session or change.runs or change.reset:
            self.status_line.run_status = state.status
            self._panel_due |= {"panel"}
        if change.runs or change.reset:
            self._panel_due |= {"tree"}
        self._show_panel(at_once=change.reset)
        timeline = self.timeline
        if change.reset or change.items_removed:
            timeline.reload(full=True)
        elif change.items_added:
            timeline.reload(appended=change.items_added, full=False)
        if change.items_updated:
            timeline.invalidate(change.items_updated)
        if change.tasks or change.runs or change.reset:
            began = self.composer.refresh_pauses()
            if began and not self._busy():
                self.composer.focus_control(unless=self._busy)
        self.status_line.tick()
        self._settler.added(len(change.items_added))

    def _show_panel(self, *, at_once: bool = False) -> None:
        """The session panel and the runs tree, redrawn at most every ``PANEL_EVERY``
        seconds: while a run streams, each step changes a token count, and redrawing the
        left pane per batch cost more than the step itself."""
        if not self._panel_due or not self.is_running:
            return
        wait = self._panel_at + PANEL_EVERY - time.monotonic()
        if not at_once and wait > 0:
            if self._panel_timer is None:
                self._panel_timer = self.set_timer(wait, self._panel_timer_fired)
            return
        self._panel_at = time.monotonic()
        if "panel" in self._panel_due:
            self.query_one(SessionHeader).show(self.state)
            self.query_one("#redacted-notice").display = self.state.redacted
            self.query_one(TokenBar).show(self.state)
        if "tree" in self._panel_due:
            self.query_one(RunsTree).show(self.state)
        self._panel_due = set()

    def _panel_timer_fired(self) -> None:
        self._panel_timer = None
        self._show_panel()

    def _busy(self) -> bool:
        """The person is in the middle of something: keep their focus where it is."""
        if isinstance(self.screen, ModalScreen):
            return True
        focused = self.focused
        if isinstance(focused, SearchInput) and focused.display:
            return True
        if isinstance(focused, Input) and focused.value:
            return True
        return isinstance(focused, TextArea) and bool(focused.text)

    def _events_applied(self) -> int:
        return self._applied

    @on(SnapshotLoaded)
    def _on_snapshot(self, message: SnapshotLoaded) -> None:
        """The truth replaces the state, unless a snapshot fetched later was applied already.
        Events applied since this one's fetch began may be newer than it, so they go on top
        again (every merge is monotonic)."""
        if not self.is_running:
            return  # a late message while the app shuts down
        if message.start < self._snapshot_start:
            return
        self._snapshot_start = message.start
        log = self._event_log
        missing = bool(log) and log[0][0] > message.start + 1  # the log was cut meanwhile
        while log and log[0][0] <= message.start:
            log.popleft()  # no snapshot older than this one will be applied any more
        change = self._replace_state(message.conversation, [event for _, event in log])
        change.reconcile = False
        self._apply(change)
        # What the replaced state held may be caught in cycles with objects frozen since.
        self._settler.review_soon()
        if missing:
            self._schedule_reconcile()

    def _replace_state(self, conversation: Snapshot, events: Iterable[StreamEvent] = ()) -> Change:
        """The snapshot becomes the state, with ``events`` applied on top again."""
        steps = (
            conversation.steps
            if isinstance(conversation, CompactConversation)
            else conversation.items
        )
        big = len(steps) >= BIG_SNAPSHOT
        with collector_paused(big):
            change = self.state.apply_conversation(conversation)
            for event in events:
                change.merge(self.state.apply_event(event))
        return change

    @on(StreamBatch)
    def _on_batch(self, message: StreamBatch) -> None:
        self.feed.consumed()  # runs before any await: the next batch waits for this one
        if not self.is_running:
            return  # a late message while the app shuts down
        total = Change()
        for event in message.events:
            self._applied += 1
            self._event_log.append((self._applied, event))
            total.merge(self.state.apply_event(event))
        if message.malformed:
            self.malformed += message.malformed
            self.status_line.malformed = self.malformed
            total.reconcile = True
        if message.events:
            self.status_line.last_event = time.monotonic()
        self._apply(total)
        if total.reconcile:
            self._schedule_reconcile()

    @on(Reconcile)
    def _on_reconcile(self, message: Reconcile) -> None:
        if not self.is_running:
            return  # a late message while the app shuts down
        self._schedule_reconcile()

    def _schedule_reconcile(self) -> None:
        """At most one reconcile per debounce interval, however many events ask for one."""
        if self._reconcile_timer is None:
            self._reconcile_timer = self.set_timer(RECONCILE_DEBOUNCE, self._reconcile_now)

    def _reconcile_now(self) -> None:
        self._reconcile_timer = None
        self.run_worker(self.controller.snapshot(), group="reconcile")

    @on(ConnectionChanged)
    def _on_connection(self, message: ConnectionChanged) -> None:
        if not self.is_running:
            return  # a late message while the app shuts down
        line = self.status_line
        line.connection = message.state
        line.detail = message.detail
        line.retry_at = (time.monotonic() + message.retry_in) if message.retry_in else None
        line.tick()
        if message.state == "offline":
            self.notify(
                f"Live updates stopped: {message.detail}",
                severity="error",
                markup=False,
                timeout=10,
            )

    # --- intents ----------------------------------------------------------------------------

    @on(Send)
    def _on_send(self, message: Send) -> None:
        if not self.is_running:
            return  # a late message while the app shuts down
        since = self.state.last_ordinal()
        self.run_worker(self.controller.send(message.body, message.draft_key, since), group="send")

    @on(SendResult)
    def _on_send_result(self, message: SendResult) -> None:
        if not self.is_running:
            return  # a late message while the app shuts down
        self.composer.settle(message)

    @on(SkipWait)
    def _on_skip(self, message: SkipWait) -> None:
        if not self.is_running:
            return  # a late message while the app shuts down
        self.run_worker(self.controller.skip_wait(message.run_id), group="send")

    @on(AttachFile)
    def _on_attach(self, message: AttachFile) -> None:
        if not self.is_running:
            return  # a late message while the app shuts down
        self.run_worker(self.controller.upload(message.path, message.upload), group="upload")

    @on(UploadProgress)
    def _on_upload_progress(self, message: UploadProgress) -> None:
        if not self.is_running:
            return  # a late message while the app shuts down
        self.composer.upload_progress(message)

    @on(UploadDone)
    def _on_upload_done(self, message: UploadDone) -> None:
        if not self.is_running:
            return  # a late message while the app shuts down
        self.composer.upload_done(message)

    # --- panes ------------------------------------------------------------------------------

    @on(Tree.NodeSelected)
    def _on_run_selected(self, message: Tree.NodeSelected[str]) -> None:
        if not self.is_running:
            return  # a late message while the app shuts down
        run_id = message.node.data
        if run_id:
            self.filter_run(run_id)

    def filter_run(self, run_id: str | None) -> None:
        self.timeline.set_run_filter(run_id)
        run = self.state.runs.get(run_id or "")
        self.status_line.filter_label = (run.agent_name or run.short_id) if run else ""
        self.status_line.tick()
        if run_id:
            self.query_one(RunsTree).select_run(run_id)

    @on(Timeline.StepChosen)
    def _on_step_chosen(self, message: Timeline.StepChosen) -> None:
        if not self.is_running:
            return  # a late message while the app shuts down
        item = self.state.items.get(message.item_id)
        if item is None:
            return
        child = item.content.get("child_run_id") if isinstance(item.content, dict) else None
        if (
            item.is_type(ItemType.SUB_AGENT_CALL)
            and isinstance(child, str)
            and (child in self.state.runs)
        ):
            self.filter_run(child)
            return
        run = self.state.runs.get(item.run_id)
        who = (run.agent_name or run.short_id) if run else item.run_id[:8]
        self.push_screen(StepDetail(item, f"Step {int(item.ordinal)} · {item.type} · {who}"))

    @on(Timeline.CopyStep)
    def _on_copy(self, message: Timeline.CopyStep) -> None:
        if not self.is_running:
            return  # a late message while the app shuts down
        item = self.state.items.get(message.item_id)
        if item is not None:
            self.copy_to_clipboard(step_json(item))
            self.notify(f"Step {int(item.ordinal)} copied as JSON", timeout=2)

    @on(Input.Changed, "#search")
    def _on_search_changed(self, message: Input.Changed) -> None:
        if not self.is_running:
            return  # a late message while the app shuts down
        self.timeline.search(message.value, include_current=True)

    @on(Input.Submitted, "#search")
    def _on_search_next(self, message: Input.Submitted) -> None:
        if not self.is_running:
            return  # a late message while the app shuts down
        self.timeline.search(message.value, 1, tell=True)

    @on(Timeline.SearchDone)
    def _on_search_done(self, message: Timeline.SearchDone) -> None:
        if self.is_running and not message.found:
            self.notify("No match", timeout=2)

    # --- actions ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show in the footer only the keys that do something now."""
        if not self.is_attached:
            return True
        pause = self.composer.selected
        task = pause.task if pause else None
        if action in ("approve", "reject"):
            deciding = self.composer.pending_decision is not None
            return bool(task and task.is_approval and task.api_completable and not deciding)
        if action == "acknowledge":
            return bool(task and task.kind == "anomaly_alert" and task.api_completable)
        if action == "skip_wait":
            return any(p.kind == "timer" for p in self.composer.pauses)
        if action in ("next_pause", "previous_pause"):
            return len(self.composer.pauses) > 1
        if action == "pick_option":
            return bool(task and task.kind == "multi_option")
        if action in ("attach", "remove_file"):
            return bool(pause and pause.kind == "reply")
        if action == "show_all_runs":
            return self.timeline.run_filter is not None
        return True

    def action_help(self) -> None:
        self.push_screen(HelpScreen(dict(self.settings.keys)))

    def action_approve(self) -> None:
        self.composer.decide(True)

    def action_reject(self) -> None:
        self.composer.decide(False)

    def action_acknowledge(self) -> None:
        self.composer.acknowledge()

    def action_skip_wait(self) -> None:
        self.composer.skip_wait()

    def action_next_pause(self) -> None:
        self.composer.select(1)

    def action_previous_pause(self) -> None:
        self.composer.select(-1)

    def action_pick_option(self, number: int) -> None:
        self.composer.pick_option(number)

    def action_focus_composer(self) -> None:
        self.composer.focus_control()

    def action_focus_timeline(self) -> None:
        self.timeline.focus()

    def action_show_all_runs(self) -> None:
        self.filter_run(None)

    def action_search(self) -> None:
        search = self.query_one(SearchInput)
        search.display = True
        search.focus()

    def action_attach(self) -> None:
        self.composer.ask_for_file()

    def action_remove_file(self) -> None:
        # In a prompt, the palette or the search box, and with no file attached, the key is
        # the focused input's own (cut): a priority binding is offered it first everywhere.
        if isinstance(self.screen, ModalScreen) or isinstance(self.focused, Input):
            raise SkipAction()
        if not self.composer.remove_last_file():
            raise SkipAction()

    def _start_feed(self) -> None:
        self._feed_worker = self.run_worker(
            self.feed.run(), name="stream", group="stream", exclusive=True
        )

    def action_reconnect(self) -> None:
        """Try the stream now: wake the worker from its wait, or start it again after it
        stopped (a refused key that has since been restored, say)."""
        if self._feed_worker and self._feed_worker.is_finished and not self._finished():
            self._start_feed()
        else:
            self.feed.wake.set()

    def action_open_run(self) -> None:
        """A run of this session shows in the timeline; any other run replaces this one in
        the console once it has loaded (and only with no unsent draft)."""

        def chosen(run_id: str | None) -> None:
            if run_id and run_id in self.state.runs:
                self.filter_run(run_id)
            elif run_id:
                self.notify(f"Opening run {one_line(run_id, 40)}…", timeout=2, markup=False)
                self.run_worker(self.controller.check_run(run_id), group="open-run")

        self.push_screen(Prompt("Open a run by id"), chosen)

    @on(RunChecked)
    def _on_run_checked(self, message: RunChecked) -> None:
        if not self.is_running:
            return
        if message.conversation is None:
            self.notify(one_line(message.error, 300), severity="error", markup=False)
        elif self.composer.has_unsent():
            self.notify(
                "You have an unsent draft or attached file here: send or clear it, then open "
                "the run again.",
                severity="warning",
                markup=False,
            )
        else:
            self.exit(OpenRun(message.run_id, message.conversation))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        commands = [
            ("Approve the tool call", "a, then y to confirm", self.action_approve),
            ("Reject the tool call", "r, then y to confirm", self.action_reject),
            ("Next pending task", "n", self.action_next_pause),
            ("Previous pending task", "N", self.action_previous_pause),
            ("Acknowledge the alert", "k", self.action_acknowledge),
            ("Skip the timer wait", "s", self.action_skip_wait),
            ("Open the selected step", "Enter in the timeline", self.timeline.action_open),
            ("Copy the selected step as JSON", "y in the timeline", self.timeline.action_copy),
            ("Show all runs", "A", self.action_show_all_runs),
            ("Jump to the latest step", "End or G", self.timeline.action_latest),
            ("Search the timeline", "/", self.action_search),
            ("Open a run by id", "filter the timeline to a run", self.action_open_run),
            ("Attach a file", "ctrl+o", self.action_attach),
            ("Reconnect now", "ctrl+r", self.action_reconnect),
            ("Help: every key", "?", self.action_help),
        ]
        for title, help_text, callback in commands:
            yield SystemCommand(title, help_text, callback)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """``steady`` (screenshots): no blinking cursor, so two captures are identical."""
        if self.steady and isinstance(event.widget, Input | TextArea):
            event.widget.cursor_blink = False

    def on_screen_resume(self) -> None:
        self.refresh_bindings()

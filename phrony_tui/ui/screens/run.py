"""One open run: the session panel and runs tree, the timeline and the composer, fed by the
stream worker. Each open run is a ``RunScreen`` with its own state, drafts and stream."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from textual import events, on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static, TextArea, Tree
from textual.worker import Worker

from ...api import PhronyClient, StreamEvent
from ...api.compact import CompactConversation, Snapshot
from ...api.heap import Settler, collector_paused
from ...api.models import ItemType, is_terminal
from ...session import Change, SessionState
from ..actions import Situation, Where
from ..clipboard import copy_text, exact_json
from ..config import Settings
from ..controller import Controller
from ..feed import BACKOFF_BASE, POLL_INTERVAL, STALL_TIMEOUT, StreamFeed
from ..keys import KeyLabels, bindings, by_action
from ..messages import (
    AttachFile,
    ConnectionChanged,
    OpenRun,
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
from ..sanitize import one_line, plain
from ..widgets.composer import Composer
from ..widgets.left_pane import LeftPane
from ..widgets.search import SearchInput
from ..widgets.status_line import StatusLine
from ..widgets.timeline import Timeline
from .detail import StepDetail
from .prompts import Prompt

RECONCILE_DEBOUNCE = 0.25
EVENT_LOG = 5_000
BIG_SNAPSHOT = 10_000
#: Narrower than this, the left pane hides itself (a key shows it again).
PANE_HIDES_BELOW = 70
REDACTED = (
    "This run's timeline is hidden from API clients: its trigger redacts it. Only the runs' "
    "status, tokens and results are shown."
)

M = TypeVar("M", bound=Message)


def live(message_type: type[M]) -> Callable[[Callable[[Any, M], None]], Any]:
    """``@on(message_type)``, skipped once the screen is no longer attached: a worker's message
    can arrive while the console closes, after its widgets are gone."""

    def decorate(handler: Callable[[Any, M], None]) -> Any:
        def guarded(self: RunScreen, message: M) -> None:
            if self.is_attached:
                handler(self, message)

        guarded.__name__ = handler.__name__
        guarded.__doc__ = handler.__doc__
        return on(message_type)(guarded)

    return decorate


class RunScreen(Screen[None]):
    """``phrony-tui RUN_ID``: the runs tree, the timeline and the composer of one session."""

    BINDINGS = [
        b
        for b in bindings(Where.ANYWHERE, Where.RUN)
        if isinstance(b, Binding) and b.id not in ("app.help", "app.quit")
    ]
    AUTO_FOCUS = None

    def __init__(
        self,
        client: PhronyClient,
        run_id: str,
        *,
        settings: Settings,
        initial: Snapshot | None = None,
        show_event_age: bool = True,
        stall_timeout: float = STALL_TIMEOUT,
        poll_interval: float = POLL_INTERVAL,
        backoff_base: float = BACKOFF_BASE,
    ) -> None:
        super().__init__()
        self.client = client
        self.run_id = run_id
        self.settings = settings
        self.keys = KeyLabels(settings.keys)
        self.initial = initial
        self.state = SessionState()
        self.malformed = 0
        self._settler = Settler()
        self._feed_worker: Worker[None] | None = None
        self._reconcile_timer: Timer | None = None
        self._pane_choice: bool | None = None
        self._situation: Situation | None = None
        self.show_event_age = show_event_age
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

    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield LeftPane(self.state, id="left")
            with Vertical(id="centre"):
                search = SearchInput(placeholder="Search the timeline", id="search")
                search.display = False
                yield search
                notice = Static(plain(REDACTED, "italic"), id="redacted-notice")
                notice.display = False
                yield notice
                yield Timeline(self.state, id="timeline")
        yield Composer(
            self.state,
            confirm_approvals=self.settings.confirm_approvals,
            key_label=self.keys,
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
            self.composer.focus_control()
        else:
            self.timeline.focus()

    def on_resize(self, event: events.Resize) -> None:
        self._place_pane()

    def _place_pane(self) -> None:
        wide = self.size.width >= PANE_HIDES_BELOW
        self.query_one("#left").display = wide if self._pane_choice is None else self._pane_choice

    def _finished(self) -> bool:
        return is_terminal(self.state.status)

    def _tick(self) -> None:
        self.status_line.tick()
        self.composer.tick()
        last = self.status_line.last_event
        self._settler.tick(time.monotonic() - last if last else 0.0)
        self._sync_footer()

    # --- what is available now --------------------------------------------------------------

    def situation(self) -> Situation:
        composer = self.composer
        pause = composer.selected
        task = pause.task if pause else None
        focused = self.focused
        return Situation(
            pause=pause.kind if pause else None,
            task_kind=task.kind if task else None,
            completable=bool(task and task.api_completable),
            approval=bool(task and task.is_approval),
            deciding=composer.pending_decision is not None,
            pauses=len(composer.pauses),
            timers=sum(1 for p in composer.pauses if p.kind == "timer"),
            files=bool(pause and composer.drafts.files(pause.key)),
            filtered=self.timeline.run_filter is not None,
            typing=isinstance(focused, Input | TextArea),
        )

    def _sync_footer(self) -> None:
        """The footer offers exactly what works now: recomputed whenever what is shown may
        have changed, not only when focus moves."""
        if not self.is_attached:
            return
        now = self.situation()
        if now != self._situation:
            self._situation = now
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        entry = by_action(action, (Where.ANYWHERE, Where.RUN))
        if entry is None or entry.when is None or not self.is_mounted:
            return True
        return entry.when(self.situation())

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._sync_footer()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self._sync_footer()

    def unsent(self) -> bool:
        """Whether closing this run would lose a draft, a file or an upload in progress."""
        return self.composer.has_unsent()

    # --- applying data ----------------------------------------------------------------------

    def _apply(self, change: Change) -> None:
        state = self.state
        if change.session or change.runs or change.reset:
            self.status_line.run_status = state.status
            self.query_one("#redacted-notice").display = state.redacted
        self.query_one(LeftPane).changed(
            session=change.session or change.reset,
            runs=bool(change.runs) or change.reset,
            at_once=change.reset,
        )
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
            self._sync_footer()
        self.status_line.tick()
        self._settler.added(len(change.items_added))

    def _busy(self) -> bool:
        """The person is in the middle of something: keep their focus where it is."""
        if isinstance(self.app.screen, ModalScreen):
            return True
        focused = self.focused
        if isinstance(focused, SearchInput) and focused.display:
            return True
        if isinstance(focused, Input) and focused.value:
            return True
        return isinstance(focused, TextArea) and bool(focused.text)

    def _events_applied(self) -> int:
        return self._applied

    @live(SnapshotLoaded)
    def _on_snapshot(self, message: SnapshotLoaded) -> None:
        """The truth replaces the state, unless a snapshot fetched later was applied already.
        Events applied since this one's fetch began may be newer than it, so they go on top
        again (every merge is monotonic)."""
        if message.start < self._snapshot_start:
            return
        self._snapshot_start = message.start
        log = self._event_log
        missing = bool(log) and log[0][0] > message.start + 1  # the log was cut meanwhile
        while log and log[0][0] <= message.start:
            log.popleft()
        change = self._replace_state(message.conversation, [event for _, event in log])
        change.reconcile = False
        self._apply(change)
        self._settler.review_soon()
        if missing:
            self._schedule_reconcile()

    def _replace_state(self, conversation: Snapshot, events: Iterable[StreamEvent] = ()) -> Change:
        steps = (
            conversation.steps
            if isinstance(conversation, CompactConversation)
            else conversation.items
        )
        with collector_paused(len(steps) >= BIG_SNAPSHOT):
            change = self.state.apply_conversation(conversation)
            for event in events:
                change.merge(self.state.apply_event(event))
        return change

    @on(StreamBatch)
    def _on_batch(self, message: StreamBatch) -> None:
        self.feed.consumed()  # runs before any await: the next batch waits for this one
        if not self.is_attached:
            return
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

    @live(Reconcile)
    def _on_reconcile(self, message: Reconcile) -> None:
        self._schedule_reconcile()

    def _schedule_reconcile(self) -> None:
        """At most one reconcile per debounce interval, however many events ask for one."""
        if self._reconcile_timer is None:
            self._reconcile_timer = self.set_timer(RECONCILE_DEBOUNCE, self._reconcile_now)

    def _reconcile_now(self) -> None:
        self._reconcile_timer = None
        if self.is_attached:
            self.run_worker(self.controller.snapshot(), group="reconcile")

    @live(ConnectionChanged)
    def _on_connection(self, message: ConnectionChanged) -> None:
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

    @live(Send)
    def _on_send(self, message: Send) -> None:
        since = self.state.last_ordinal()
        self.run_worker(self.controller.send(message.body, message.draft_key, since), group="send")

    @live(SendResult)
    def _on_send_result(self, message: SendResult) -> None:
        self.composer.settle(message)
        self._sync_footer()

    @live(SkipWait)
    def _on_skip(self, message: SkipWait) -> None:
        self.run_worker(self.controller.skip_wait(message.run_id), group="send")

    @live(AttachFile)
    def _on_attach(self, message: AttachFile) -> None:
        self.run_worker(self.controller.upload(message.path, message.upload), group="upload")

    @live(UploadProgress)
    def _on_upload_progress(self, message: UploadProgress) -> None:
        self.composer.upload_progress(message)

    @live(UploadDone)
    def _on_upload_done(self, message: UploadDone) -> None:
        self.composer.upload_done(message)
        self._sync_footer()

    # --- panes ------------------------------------------------------------------------------

    @live(Tree.NodeSelected)
    def _on_run_selected(self, message: Tree.NodeSelected[str]) -> None:
        run_id = message.node.data
        if run_id:
            self.filter_run(run_id)

    def filter_run(self, run_id: str | None) -> None:
        self.timeline.set_run_filter(run_id)
        run = self.state.runs.get(run_id or "")
        self.status_line.filter_label = (run.agent_name or run.short_id) if run else ""
        self.status_line.tick()
        if run_id:
            self.query_one(LeftPane).select_run(run_id)
        self._sync_footer()

    @live(Timeline.StepChosen)
    def _on_step_chosen(self, message: Timeline.StepChosen) -> None:
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
        self.app.push_screen(StepDetail(item, f"Step {int(item.ordinal)} · {item.type} · {who}"))

    @live(Timeline.CopyStep)
    def _on_copy(self, message: Timeline.CopyStep) -> None:
        item = self.state.items.get(message.item_id)
        if item is not None:
            what = f"Step {int(item.ordinal)}"
            wire = item.model_dump(by_alias=True, mode="json", exclude={"content"})
            copy_text(self.app, exact_json({**wire, "content": item.content}), what)

    @live(Input.Changed)
    def _on_search_changed(self, message: Input.Changed) -> None:
        if isinstance(message.input, SearchInput):
            self.timeline.search(message.value, include_current=True)

    @live(Input.Submitted)
    def _on_search_next(self, message: Input.Submitted) -> None:
        if isinstance(message.input, SearchInput):
            self.timeline.search(message.value, 1, tell=True)

    @live(SearchInput.Step)
    def _on_search_step(self, message: SearchInput.Step) -> None:
        self.timeline.search(message.query, message.direction)

    @live(SearchInput.Closed)
    def _on_search_closed(self, message: SearchInput.Closed) -> None:
        self.timeline.focus()

    @live(Timeline.SearchDone)
    def _on_search_done(self, message: Timeline.SearchDone) -> None:
        if not message.found:
            self.notify("No match", timeout=2)

    # --- actions ----------------------------------------------------------------------------

    def action_approve(self) -> None:
        self.composer.decide(True)
        self._sync_footer()

    def action_reject(self) -> None:
        self.composer.decide(False)
        self._sync_footer()

    def action_acknowledge(self) -> None:
        self.composer.acknowledge()

    def action_skip_wait(self) -> None:
        self.composer.skip_wait()

    def action_next_pause(self) -> None:
        self.composer.select(1)
        self._sync_footer()

    def action_previous_pause(self) -> None:
        self.composer.select(-1)
        self._sync_footer()

    def action_pick_option(self, number: int) -> None:
        self.composer.pick_option(number)

    def action_focus_composer(self) -> None:
        self.composer.focus_control()

    def action_focus_timeline(self) -> None:
        self.timeline.focus()

    def action_leave_input(self) -> None:
        """Esc in a text field: the draft stays, the timeline takes the keys."""
        if not isinstance(self.focused, Input | TextArea):
            raise SkipAction()
        self.timeline.focus()

    def action_toggle_pane(self) -> None:
        left = self.query_one("#left")
        self._pane_choice = not left.display
        self._place_pane()

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
        if isinstance(self.app.screen, ModalScreen) or isinstance(self.focused, Input):
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
        """A run of this session shows in the timeline; any other run replaces this one
        once it has loaded (and only with nothing unsent)."""

        def chosen(run_id: str | None) -> None:
            run_id = (run_id or "").strip()
            if run_id and run_id in self.state.runs:
                self.filter_run(run_id)
            elif run_id:
                self.notify(f"Opening run {one_line(run_id, 40)}…", timeout=2, markup=False)
                self.run_worker(self.controller.check_run(run_id), group="open-run")

        self.app.push_screen(Prompt("Open a run by id"), chosen)

    @live(RunChecked)
    def _on_run_checked(self, message: RunChecked) -> None:
        if message.conversation is None:
            self.notify(one_line(message.error, 300), severity="error", markup=False)
        elif self.unsent():
            self.notify(
                "You have an unsent draft or attached file here: send or clear it, then open "
                "the run again.",
                severity="warning",
                markup=False,
            )
        else:
            self.post_message(OpenRun(message.run_id, message.conversation))

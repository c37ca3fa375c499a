"""One open run: the session panel and runs tree, the timeline and the composer, fed by the
stream worker. Each open run is a ``RunScreen`` with its own state, drafts and stream."""

from __future__ import annotations

import contextlib
import time

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Footer, Static
from textual.worker import Worker

from ...api import PhronyClient
from ...api.compact import Snapshot
from ...api.heap import Settler
from ...api.models import is_terminal
from ...live import Connection, ConnState, Events, LiveFeed, Loaded
from ...live.feed import POLL_INTERVAL, STALL_TIMEOUT
from ...live.pacing import Pacer
from ...live.retry import BACKOFF_BASE
from ...session import Change
from ...session.drafts import DraftKey
from ...session.rebase import Rebaser
from ..config import Settings
from ..controller import Controller
from ..keys import KeyLabels
from ..messages import (
    AttachFile,
    FeedUpdate,
    OpenRun,
    Reconcile,
    RunChecked,
    Send,
    SendResult,
    SkipWait,
    SnapshotLoaded,
    UploadDone,
    UploadProgress,
)
from ..notify import PauseNews
from ..sanitize import one_line, plain
from ..widgets.composer import Composer
from ..widgets.header import PlaceHeader
from ..widgets.left_pane import LeftPane
from ..widgets.search import SearchInput
from ..widgets.status_line import StatusLine
from ..widgets.timeline import Timeline
from .run_view import RunView, live

RECONCILE_DEBOUNCE = 0.25
#: How often a run past the live-stream bound fetches its conversation.
POLLED_EVERY = 5.0
REDACTED = (
    "This run's timeline is hidden from API clients: its trigger redacts it. Only the runs' "
    "status, tokens and results are shown."
)


class RunScreen(RunView):
    """``phrony-tui RUN_ID``: the runs tree, the timeline and the composer of one session."""

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
        focus: DraftKey | None = None,
        polled_every: float = POLLED_EVERY,
    ) -> None:
        super().__init__()
        self.focus_first = focus
        self.client = client
        self.run_id = run_id
        self.settings = settings
        self.keys = KeyLabels(settings.keys)
        self.initial = initial
        self.rebaser = Rebaser(pause_collector=True)
        self.state = self.rebaser.state
        self.malformed = 0
        #: How many times the stream worker said it would try again (reconnect or poll).
        self.retries = 0
        #: A conversation was applied since the stream (re)connected.
        self._loaded = False
        self._settler = Settler()
        self._feed_worker: Worker[None] | None = None
        self._reconcile_timer: Timer | None = None
        self.show_event_age = show_event_age
        self.controller = Controller(client, run_id, self.post_message)
        self._timing = (stall_timeout, poll_interval, backoff_base)
        self.feed = self._new_feed(final=False)
        #: Past the live-stream bound: the conversation is polled instead.
        self.polled = False
        self.polled_every = polled_every
        self._poll_timer: Timer | None = None
        #: The pauses the app was last told about (None: not told yet).
        self._news = PauseNews(run_id)

    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield PlaceHeader(id="place")
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

    def on_mount(self) -> None:
        self.sub_title = f"run {self.run_id}"
        self.status_line.all_runs_key = self.keys("app.all_runs")
        if self.initial is not None:
            change = self.rebaser.apply_snapshot(self.initial, self.rebaser.last_seq)
            if change is not None:
                self._apply(change)
            if is_terminal(self.initial.session.status):
                # The final conversation is here already: the feed opens no stream.
                self.feed = self._new_feed(final=True)
            self.initial = None  # the state holds it now
        self._start_feed()
        self.set_interval(1.0, self._tick)
        self._tick()
        self.call_after_refresh(self._settler.settle)
        if self.focus_first is not None:
            self.select_pause(self.focus_first)
            self.focus_first = None
        if not (self.composer.pauses and self.composer.focus_control()):
            self.timeline.focus()  # a timer has no control: the keys go to the steps

    def _tick(self) -> None:
        self.status_line.tick()
        self.composer.tick()
        last = self.status_line.last_event
        self._settler.tick(time.monotonic() - last if last else 0.0)
        self._sync_footer()

    def unsent(self) -> bool:
        """Whether closing this run would lose a draft, a file or an upload in progress."""
        return bool(self.composer.unsent())

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
            self._refresh_pauses()
            self._sync_footer()
            news = self._news.changed(self.composer.pauses, self.state)
            if news is not None:
                self.app.post_message(news)
        self.status_line.tick()
        self._settler.added(len(change.items_added))

    def _new_feed(self, *, final: bool) -> LiveFeed:
        stall, poll, backoff = self._timing
        return LiveFeed(
            self.client,
            self.run_id,
            final=final,
            stall_timeout=stall,
            poll_interval=poll,
            backoff_base=backoff,
        )

    async def _follow(self) -> None:
        """The stream worker's pump: each update goes to the screen as a message, and the next
        one is pulled only once a batch of events has been applied (back-pressure: what
        arrives meanwhile waits in the feed as one batch)."""
        pacer = Pacer()
        async with contextlib.aclosing(self.feed.updates()) as updates:
            async for update in updates:
                posted = time.monotonic()
                message = FeedUpdate(update)
                if not self.post_message(message):
                    return
                if isinstance(update, Events):
                    await message.applied.wait()
                    await pacer.wait(len(update.events), posted)

    @on(FeedUpdate)
    def _on_feed(self, message: FeedUpdate) -> None:
        try:
            if not self.is_attached:
                return
            update = message.update
            if isinstance(update, Events):
                self._on_events(update)
            elif isinstance(update, Loaded):
                self._on_loaded(update.conversation, update.after_seq)
            else:
                self._on_connection(update)
        finally:
            message.applied.set()

    def _on_events(self, update: Events) -> None:
        change = self.rebaser.apply_events(update.events, update.first_seq)
        if update.malformed:
            self.malformed += update.malformed
            self.status_line.malformed = self.malformed
        if update.events:
            self.status_line.last_event = time.monotonic()
        again = change.reconcile and self._loaded  # before the first load, one is coming
        change.reconcile = False
        self._apply(change)
        if again:  # an event that could not be applied (a run not seen yet, say)
            self._schedule_reconcile()

    def _on_loaded(self, conversation: Snapshot, after_seq: int) -> None:
        """The truth replaces the state, with the events read since its fetch began on top;
        a snapshot older than one applied already is ignored."""
        change = self.rebaser.apply_snapshot(conversation, after_seq)
        if change is None:
            return
        self._loaded = True
        again = change.reconcile  # the event log was cut meanwhile: fetch once more
        change.reconcile = False
        self._apply(change)
        self._settler.review_soon()  # what the old state held may sit among frozen objects
        if again:
            self._schedule_reconcile()

    @live(SnapshotLoaded)
    def _on_snapshot(self, message: SnapshotLoaded) -> None:
        self._on_loaded(message.conversation, message.after_seq)

    @live(Reconcile)
    def _on_reconcile(self, message: Reconcile) -> None:
        self._schedule_reconcile()

    def _schedule_reconcile(self) -> None:
        """At most one reconcile per debounce interval, however many events ask for one."""
        if self._reconcile_timer is None:
            self._reconcile_timer = self.set_timer(RECONCILE_DEBOUNCE, self._reconcile_now)

    def _reconcile_now(self) -> None:
        self._reconcile_timer = None
        if not self.is_attached:
            return
        if self._feed_worker is not None and not self._feed_worker.is_finished:
            self.feed.refresh()  # it comes back as a Loaded update
        else:
            after = self.rebaser.last_seq
            self.run_worker(self.controller.snapshot(after), group="reconcile")

    def _on_connection(self, update: Connection) -> None:
        if self.polled:
            return  # what the stopped stream said last: the run is polled now
        if update.state in (ConnState.RECONNECTING, ConnState.POLLING):
            self.retries += 1
        if update.state is ConnState.CONNECTING:
            self._loaded = False  # the feed loads the conversation again once connected
        line = self.status_line
        line.connection = update.state.value
        line.detail = update.detail
        line.retry_at = update.retry_at
        line.since = update.since
        line.tick()
        if update.state is ConnState.OFFLINE:
            self.notify(
                f"Live updates stopped: {update.detail}",
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

    def _start_feed(self) -> None:
        self._feed_worker = self.run_worker(
            self._follow(), name="stream", group="stream", exclusive=True
        )

    def set_live(self, live: bool) -> None:
        """Stream (``live``) or poll: past the bound of live streams a run's stream stops and
        its conversation is fetched every few seconds; made live again, it reconnects and
        resynchronizes as after any reconnect."""
        if live != self.polled:
            return
        self.polled = not live
        if self.polled:
            if self._feed_worker is not None:
                self._feed_worker.cancel()
            self._poll_timer = self.set_interval(self.polled_every, self._poll_now)
            self._show_polled()
        else:
            if self._poll_timer is not None:
                self._poll_timer.stop()
                self._poll_timer = None
            self._start_feed()

    def _show_polled(self) -> None:
        if not self.is_mounted:
            return
        line = self.status_line
        ended = is_terminal(self.state.status)
        line.connection = "finished" if ended else "polling"
        line.detail = "" if ended else "not live"
        line.retry_at = None if ended else time.monotonic() + self.polled_every
        line.tick()

    def _poll_now(self) -> None:
        if not self.polled or is_terminal(self.state.status):
            return
        self._show_polled()
        self.run_worker(
            self.controller.snapshot(self.rebaser.last_seq), group="poll", exclusive=True
        )

    def action_reconnect(self) -> None:
        """Try the stream now: cut the feed's wait, or start it again after it stopped (a
        refused key that has since been restored, say)."""
        if self.polled:
            self._poll_now()
            return
        stopped = self._feed_worker is not None and self._feed_worker.is_finished
        if stopped and not is_terminal(self.state.status):
            self._start_feed()
        else:
            self.feed.wake()

    @live(RunChecked)
    def _on_run_checked(self, message: RunChecked) -> None:
        if message.conversation is None:
            self.notify(one_line(message.error, 300), severity="error", markup=False)
        elif self.app.screen is not self:  # the person moved on: nothing they opened is closed
            self.notify(
                f"Run {one_line(message.run_id, 40)} was not opened: you left the run it was "
                "asked from.",
                severity="warning",
                markup=False,
            )
        else:
            self.post_message(OpenRun(message.run_id, message.conversation))

"""The inbox tab: every pause of the watched agents that waits for a person, oldest first,
with the selected row's detail beside the list. Approvals are answered from here (with the
same confirmation as the run screen) under the send rules of ``commands.sending``."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from ...api import PhronyClient
from ...commands.sending import Outcome, send_message
from ...inbox.agents import WatchedAgent
from ...inbox.poller import InboxPoller
from ...inbox.rows import InboxRow, InboxSnapshot, agent_names
from ...live.describe import describe
from ...session import InvalidAnswerError, build_answer
from ..ages import ago
from ..keys import KeyLabels
from ..notify import WaitingChanged, WaitingItem
from ..palette import palette_of
from ..sanitize import one_line, to_json
from ..widgets.header import set_waiting
from ..widgets.pauses.base import hint
from ..widgets.pauses.confirm import ConfirmBar
from ..widgets.row_list import RowList

#: The widths of the fixed columns; the title takes what is left (the run's column goes
#: first when the list is narrow).
AGENT, KIND, RUN, SINCE = 14, 14, 16, 11
NARROW_TITLE = 30  # below this the run column gives the title its room
ARGUMENTS_LIMIT = 4000


def announce(app: App[Any], count: int, new_rows: Sequence[InboxRow]) -> None:
    """The one place the inbox tells the console how many pauses wait and which are new:
    the header shows the count, the app's notifier rings for the new ones. A task's key is
    the one its run's screen uses, so a task seen by both is announced once."""
    set_waiting(app, count)
    new = [
        WaitingItem(
            f"{row.root_run_id}/task/{row.task.id}"
            if row.task is not None
            else f"{row.root_run_id}/{row.kind}/{row.run_id}",
            f"{row.run_label or row.agent.label} needs you",
            f"{_kind(row)}: {row.title}",
            row.run_id,
        )
        for row in new_rows
    ]
    app.post_message(WaitingChanged(count, new, source="inbox"))


class InboxChanged(Message, bubble=False):
    """A snapshot from the poller (posted by the inbox worker)."""

    def __init__(self, snapshot: InboxSnapshot) -> None:
        super().__init__()
        self.snapshot = snapshot


@dataclass
class Answered(Message, bubble=False):
    """How an approval or rejection sent from the inbox ended."""

    key: str
    approved: bool
    outcome: Outcome
    error: str = ""


def utc_stamp(moment: datetime) -> str:
    """``moment`` in UTC to the second; one a server sent at the ends of the calendar (the
    year 1, the year 9999) cannot move to UTC and is shown as it came."""
    try:
        return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
    except (OverflowError, ValueError):
        return one_line(moment.isoformat(), 40)


def _kind(row: InboxRow) -> str:
    return row.kind.replace("_", " ")


class InboxTab(Horizontal):
    def __init__(
        self,
        client: PhronyClient,
        agents: Sequence[WatchedAgent],
        *,
        interval: float,
        confirm: bool,
        keys: KeyLabels,
    ) -> None:
        super().__init__(id="inbox-tab")
        self.client = client
        self.agents = list(agents)
        self.poller = InboxPoller(client, self.agents, interval=interval)
        self.confirm = confirm
        self.keys = keys
        self.rows: list[InboxRow] = []
        self.by_key: dict[str, InboxRow] = {}
        self.names: dict[str, str] = {}
        self._row_width = 0  # the width rows were last drawn at (the heading follows it)
        self.snapshot: InboxSnapshot | None = None
        self.deciding: tuple[str, bool] | None = None
        self.sending: set[str] = set()
        self._baseline = False

    def compose(self) -> ComposeResult:
        with Vertical(id="inbox-left"):
            yield Static(id="inbox-errors")
            yield Static(id="inbox-heading")
            yield RowList(self._paint, empty="Loading the inbox…", id="inbox-list")
        with Vertical(id="inbox-side"):
            with VerticalScroll(id="inbox-detail"):
                yield Static(id="inbox-detail-text")
            # Outside the scrolling detail: a question asked is always in view.
            yield Vertical(id="inbox-confirm")

    def on_mount(self) -> None:
        self.query_one("#inbox-errors").display = False
        self.run_worker(self._watch(), name="inbox", group="inbox", exclusive=True)
        self.set_interval(5.0, self._tick)

    @property
    def row_list(self) -> RowList:
        return self.query_one("#inbox-list", RowList)

    @property
    def current(self) -> InboxRow | None:
        key = self.row_list.current_key
        return self.by_key.get(key) if key is not None else None

    async def _watch(self) -> None:
        """The inbox worker: it only posts what the poller sees."""
        async for snapshot in self.poller.updates():
            if not self.post_message(InboxChanged(snapshot)):
                return

    def poke(self) -> None:
        self.poller.poke()

    def _tick(self) -> None:
        self.row_list.redraw()  # "waiting since" moves on

    # --- data -------------------------------------------------------------------------------

    @on(InboxChanged)
    def _on_changed(self, message: InboxChanged) -> None:
        if not self.is_attached:
            return
        snapshot = message.snapshot
        before = set(self.by_key)
        self.snapshot = snapshot
        self.rows = list(snapshot.rows)
        self.by_key = {r.key: r for r in self.rows}
        self.names = agent_names(self.rows)
        if self.deciding and self.deciding[0] not in self.by_key:
            self._cancel_decision()
        self.row_list.set_empty(self._empty_text(snapshot))
        self.row_list.set_rows([r.key for r in self.rows])
        self._draw_errors(snapshot.errors)
        self._draw_detail()
        if not snapshot.loading:
            new = [r for r in self.rows if r.key not in before] if self._baseline else []
            self._baseline = True
            announce(self.app, len(self.rows), new)

    def _empty_text(self, snapshot: InboxSnapshot) -> str:
        if snapshot.loading:
            return "Loading the inbox…"
        names = ", ".join(one_line(a.label, 30) for a in self.agents)
        return f"Nothing waits for you. Watching: {names}"

    def _draw_errors(self, errors: dict[str, str]) -> None:
        widget = self.query_one("#inbox-errors", Static)
        labels = {a.id: a.label for a in self.agents}
        text = Text()
        for agent_id, reason in errors.items():
            if text:
                text.append("\n")
            text.append(f"{one_line(labels.get(agent_id, agent_id), 30)}: ", style="bold")
            text.append(one_line(reason, 200))
        widget.update(text)
        widget.display = bool(errors)

    # --- drawing ----------------------------------------------------------------------------

    @staticmethod
    def _columns(width: int) -> tuple[int, int]:
        """The title's width, and the run's (0: no room for it)."""
        title = width - AGENT - KIND - RUN - SINCE - 1
        if title >= NARROW_TITLE:
            return title, RUN
        return max(8, title + RUN), 0

    def on_resize(self) -> None:
        self.call_after_refresh(self._draw_heading)

    def _draw_heading(self) -> None:
        """The columns' names, laid out for the width the rows were last drawn at (the list's
        region can still be settling when the tab is resized)."""
        if not self.is_attached:
            return
        width = self._row_width or self.row_list.scrollable_content_region.width
        title, run = self._columns(width)
        text = Text(" ")
        text.append(f"{'agent':<{AGENT}}{'kind':<{KIND}}{'title':<{title}}", style="bold")
        if run:
            text.append(f"{'run':<{run}}", style="bold")
        text.append("waiting", style="bold")
        self.query_one("#inbox-heading", Static).update(text)

    def _agent(self, row: InboxRow) -> str:
        """The configured name, else the server's (from a root run's row), else a short id."""
        return row.agent.name or self.names.get(row.agent.id) or row.agent.label

    def _paint(self, index: int, width: int) -> Text:
        row = self.rows[index]
        palette = palette_of(self.row_list)
        if width != self._row_width:
            self._row_width = width
            self.call_after_refresh(self._draw_heading)
        title_width, run_width = self._columns(width)
        text = Text(" ")
        text.append(f"{one_line(self._agent(row), AGENT - 1):<{AGENT}}", style=palette.accent)
        text.append(f"{one_line(_kind(row), KIND - 1):<{KIND}}", style=palette.warning)
        sub = row.run_id != row.root_run_id
        marker = "↳ " if sub and not run_width else ""
        title = marker + one_line(row.title or row.kind, title_width - 1 - len(marker))
        text.append(f"{title:<{title_width}}")
        if run_width:
            run = ("↳ " if sub else "") + one_line(row.run_label, run_width - 3)
            text.append(f"{run:<{run_width}}", style=palette.secondary if sub else palette.muted)
        text.append(ago(row.waiting_since), style=palette.muted)
        if row.key in self.sending:
            text.append("  sending…", style="italic")
        return text

    @on(RowList.Moved, "#inbox-list")
    def _on_moved(self, message: RowList.Moved) -> None:
        # Not stopped: the home screen offers the keys of the row under the cursor.
        if self.deciding and self.deciding[0] != message.key:
            self._cancel_decision()
        self._draw_detail()

    def _draw_detail(self) -> None:
        row = self.current
        text = Text()
        if row is not None:
            text.append(one_line(row.title or row.kind, 200), style="bold")
            text.append("\n")
            text.append(f"{_kind(row)} · {one_line(self._agent(row), 40)}", style="dim")
            if row.run_id != row.root_run_id:
                text.append(f" · sub-agent run {one_line(row.run_label, 40)}", style="dim")
            since = row.waiting_since
            if since is not None:
                text.append(f"\nwaiting since {utc_stamp(since)}")
                text.append(f" ({ago(since)})", style="dim")
            text.append(f"\nrun {one_line(row.run_id, 60)}", style="dim")
            task = row.task
            if task is not None and task.tool is not None:
                text.append("\n\n")
                text.append(one_line(task.tool.name or "tool", 60), style="bold")
                if task.tool.operation_name:
                    text.append(" · " + one_line(task.tool.operation_name, 60), style="bold")
                text.append("\n")
                text.append(to_json(task.tool.arguments, limit=ARGUMENTS_LIMIT))
            if task is not None and task.prompt:
                text.append("\n\n" + one_line(task.prompt, 600), style="italic")
            text.append("\n\n")
            if row.answerable_here:
                keys = [("home.approve", "approve"), ("home.reject", "reject")]
                text.append_text(hint(self.keys, ("home.open", "open the run"), *keys))
            else:
                text.append_text(hint(self.keys, ("home.open", "open the run to answer it")))
        self.query_one("#inbox-detail-text", Static).update(text)

    # --- answering --------------------------------------------------------------------------

    def decide(self, approved: bool) -> bool:
        """``a`` / ``r`` on an approval row: ask once (unless confirmations are off), then
        send. False when the row cannot be answered here."""
        row = self.current
        if row is None or not row.answerable_here or row.key in self.sending:
            return False
        if not self.confirm:
            self._send(row, approved)
            return True
        self._cancel_decision()
        self.deciding = (row.key, approved)
        task = row.task
        assert task is not None  # answerable_here
        verb = "Approve" if approved else "Reject"
        text = Text(f"{verb} ", style="bold")
        if task.tool is not None:
            text.append(one_line(task.tool.name, 60))
            if approved:
                text.append(" with " + one_line(to_json(task.tool.arguments, indent=None), 300))
        else:
            text.append(one_line(row.title, 100))
        text.append("?\n")
        text.append_text(hint(self.keys, ("confirm.yes", "confirm"), ("confirm.no", "cancel")))
        bar = ConfirmBar(text, classes="task-control confirm", id="inbox-confirm-bar")
        self.query_one("#inbox-confirm", Vertical).mount(bar)
        bar.focus()
        return True

    def _cancel_decision(self) -> None:
        self.deciding = None
        with contextlib.suppress(Exception):
            self.query_one("#inbox-confirm", Vertical).remove_children()

    @on(ConfirmBar.Answered)
    def _on_confirm(self, message: ConfirmBar.Answered) -> None:
        message.stop()
        deciding = self.deciding
        self._cancel_decision()
        self.row_list.focus()
        if deciding is None or not message.confirmed:
            return
        row = self.by_key.get(deciding[0])
        if row is not None:
            self._send(row, deciding[1])

    def _send(self, row: InboxRow, approved: bool) -> None:
        task = row.task
        if task is None:
            return
        try:
            body = build_answer(task, approved)
        except InvalidAnswerError as exc:
            self.notify(one_line(str(exc), 200), severity="warning", markup=False)
            return
        self.sending.add(row.key)
        self.row_list.redraw()

        async def deliver() -> None:
            delivery = await send_message(self.client, body)
            why = describe(delivery.error) if delivery.error is not None else ""
            self.post_message(Answered(row.key, approved, delivery.outcome, why))

        self.run_worker(deliver(), group="inbox-send")

    @on(Answered)
    def _on_answered(self, message: Answered) -> None:
        self.sending.discard(message.key)
        what = "Approved" if message.approved else "Rejected"
        if message.outcome in (Outcome.SENT, Outcome.ARRIVED):
            self.notify(what, timeout=3)
        elif message.outcome in (Outcome.CONFLICT, Outcome.ELSEWHERE):
            self.notify(
                f"{message.error}: it was answered elsewhere meanwhile.",
                severity="warning",
                markup=False,
            )
        else:
            self.notify(
                f"Not sent ({message.outcome.value}): {message.error}. Nothing was sent twice; "
                "look at the run before trying again.",
                severity="error",
                markup=False,
                timeout=10,
            )
        self.row_list.redraw()
        self.poke()

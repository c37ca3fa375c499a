"""The sessions tab: the watched agents' sessions, newest first, one agent or all merged,
filtered by status, read a page at a time as the cursor nears the end. A page that cannot be
read is asked for again by itself, less and less often (never after a refusal: a key that may
not read the agent, or an agent that is not there)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from ...api import PhronyClient
from ...api.errors import (
    APIConnectionError,
    APIStatusError,
    PhronyError,
    RateLimitError,
    ServerError,
)
from ...api.models import SessionList
from ...inbox.agents import WatchedAgent
from ...live.describe import describe
from ...live.retry import backoff, bounded
from ..ages import duration, stamp
from ..format import short_status_badge, tokens
from ..palette import palette_of
from ..sanitize import one_line
from ..session_pages import FILTERS, SessionPages, Source
from ..widgets.row_list import RowList

COLUMNS = (
    ("agent", 16),
    ("status", 11),
    ("started", 12),
    ("took", 8),
    ("tokens", 7),
    ("trigger", 14),
    ("started by", 22),
    ("session", 10),
)
#: Seconds before the first try again of a page that failed; it doubles each time (capped).
RETRY_BASE = 1.0
#: Failures that may pass: a dropped connection, a timeout, a 429, a 5xx. Any other (a refused
#: key, an unknown agent, a body that cannot be read) ends that agent's list.
PASSING = (APIConnectionError, RateLimitError, ServerError)
#: The longest ``Retry-After`` honoured.
MAX_RETRY_AFTER = 60.0


class OpenSession(Message):
    """Enter on a session: open its root run."""

    def __init__(self, run_id: str) -> None:
        super().__init__()
        self.run_id = run_id


@dataclass
class PageRead(Message, bubble=False):
    """A page of one source (or why it could not be read), for list generation ``generation``."""

    generation: int
    source: Source
    skip: int
    page: SessionList | None
    error: str = ""
    #: How long the server asked to wait (``Retry-After``); None: do not try again by itself.
    retry_after: float | None = None


#: Dropped in this order when the list is narrower than every column: the session id stays.
OPTIONAL = ("started by", "trigger")


def columns(width: int) -> list[tuple[str, int]]:
    """The columns that fit ``width`` cells."""
    shown = list(COLUMNS)
    for name in OPTIONAL:
        if 1 + sum(w + 1 for _, w in shown) <= width:
            break
        shown = [c for c in shown if c[0] != name]
    return shown


def heading(width: int = 1000) -> Text:
    text = Text(" ")
    for name, cells in columns(width):
        text.append(f"{name:<{cells}} ", style="bold")
    return text


class SessionsTab(Vertical):
    """One list of sessions at a time: ``scope`` is an agent's index or None for all."""

    def __init__(self, client: PhronyClient, agents: Sequence[WatchedAgent]) -> None:
        super().__init__(id="sessions-tab")
        self.client = client
        self.agents = list(agents)
        self.labels = {a.id: a.label for a in self.agents}
        self.scope: int | None = None if len(self.agents) > 1 else 0
        self.status_filter = "All"
        self.generation = 0
        self.pages = SessionPages(self._agent_ids(), self.status_filter)
        self.started = False
        self._row_width = 0  # the width rows were last drawn at (the heading follows it)
        self._widths = dict(COLUMNS)  # the columns that fit it

    def compose(self) -> ComposeResult:
        yield Static(id="sessions-bar")
        yield Static(heading(), id="sessions-heading")
        yield RowList(self._paint, empty="Loading sessions…", id="sessions-list")

    @property
    def row_list(self) -> RowList:
        return self.query_one("#sessions-list", RowList)

    def _agent_ids(self) -> list[str]:
        if self.scope is None:
            return [a.id for a in self.agents]
        return [self.agents[self.scope].id]

    @property
    def selected_agent(self) -> WatchedAgent | None:
        """The agent of the row under the cursor, else the one in scope."""
        key = self.row_list.current_key
        for row in self.pages.rows:
            if row.session.id == key:
                return next((a for a in self.agents if a.id == row.agent_id), None)
        return self.agents[self.scope or 0] if self.agents else None

    # --- loading ----------------------------------------------------------------------------

    def start(self) -> None:
        """Read the first pages (once: the tab is shown the first time)."""
        if not self.started:
            self.started = True
            self._draw_bar()
            self._fetch()

    def reload(self) -> None:
        self.generation += 1
        self.pages = SessionPages(self._agent_ids(), self.status_filter)
        self.row_list.set_empty("Loading sessions…")
        self.row_list.cursor = 0
        self.row_list.set_rows([])
        self.started = True
        self._draw_bar()
        self._fetch()

    def _fetch(self) -> None:
        for source, skip, take in self.pages.wanted():
            self.pages.in_flight.add(source)
            self.run_worker(self._read(self.generation, source, skip, take), group="sessions-page")

    async def _read(self, generation: int, source: Source, skip: int, take: int) -> None:
        """Only posts: the tab applies the page when it comes back."""
        try:
            page = await self.client.list_sessions(
                source.agent_id, skip=skip, take=take, status=source.status
            )
        except PhronyError as exc:
            retry_after = None
            if isinstance(exc, PASSING):
                asked = exc.retry_after if isinstance(exc, APIStatusError) else None
                retry_after = bounded(asked, MAX_RETRY_AFTER)
            self.post_message(PageRead(generation, source, skip, None, describe(exc), retry_after))
            return
        self.post_message(PageRead(generation, source, skip, page))

    @on(PageRead)
    def _on_page(self, message: PageRead) -> None:
        if message.generation != self.generation or not self.is_attached:
            return
        moved = True  # the rest listed without the failing one: drawn again, to be sure
        if message.page is None:
            again = message.retry_after is not None
            reason = f"{message.error} · trying again" if again else message.error
            failures = self.pages.failed(message.source, reason, final=not again)
            if message.retry_after is not None:
                delay = max(backoff(failures - 1, None, RETRY_BASE), message.retry_after)
                self.set_timer(delay, partial(self._retry, message.generation, message.source))
        else:
            moved = self.pages.loaded(message.source, message.skip, message.page)
        if self.pages.done and not self.pages.rows:
            self.row_list.set_empty(self._nothing())
        self.row_list.set_rows([r.session.id for r in self.pages.rows], redraw=moved)
        self._draw_bar()

    def _retry(self, generation: int, source: Source) -> None:
        if generation != self.generation or not self.is_attached:
            return  # reloaded meanwhile: that list is gone
        self.pages.retry(source)
        self._fetch()
        self._draw_bar()

    @on(RowList.NearEnd, "#sessions-list")
    def _on_near_end(self, message: RowList.NearEnd) -> None:
        message.stop()
        if self.started:
            self._fetch()

    @on(RowList.Chosen, "#sessions-list")
    def _on_chosen(self, message: RowList.Chosen) -> None:
        message.stop()
        row = next((r for r in self.pages.rows if r.session.id == message.key), None)
        if row is None:
            return
        run_id = row.session.root_run_id or row.session.entry_run_id
        if run_id:
            self.post_message(OpenSession(run_id))
        else:
            self.notify("This session names no root run to open.", severity="warning")

    def _nothing(self) -> str:
        who = "all watched agents" if self.scope is None else self._scope_label()
        what = "" if self.status_filter == "All" else f"{self.status_filter.lower()} "
        return f"No {what}sessions for {who}."

    # --- filters ----------------------------------------------------------------------------

    def cycle_agent(self) -> None:
        """One agent after another, then all of them merged."""
        if not self.agents:
            return
        if self.scope is None:
            self.scope = 0
        elif self.scope + 1 < len(self.agents):
            self.scope += 1
        else:
            self.scope = None if len(self.agents) > 1 else 0
        self.reload()

    def cycle_status(self) -> None:
        names = list(FILTERS)
        self.status_filter = names[(names.index(self.status_filter) + 1) % len(names)]
        self.reload()

    def _scope_label(self) -> str:
        if self.scope is None:
            return "all agents"
        return one_line(self.agents[self.scope].label, 40)

    def _draw_heading(self) -> None:
        """The columns' names, for the width the rows were last drawn at."""
        if self.is_attached:
            self.query_one("#sessions-heading", Static).update(heading(self._row_width))

    def _draw_bar(self) -> None:
        text = Text(" ")
        text.append("Agent: ", style="dim")
        text.append(self._scope_label(), style="bold")
        text.append("   Status: ", style="dim")
        text.append(self.status_filter, style="bold")
        total = self.pages.total
        shown = len(self.pages.rows)
        count = f"{shown:,} of {total:,}" if total is not None else f"{shown:,}"
        text.append(f"   {count} sessions", style="dim")
        if not self.pages.done and self.pages.in_flight:
            text.append("   loading…", style="italic")
        for agent_id, reason in self.pages.errors.items():
            label = one_line(self.labels.get(agent_id, agent_id), 30)
            text.append(f"\n {label}: {one_line(reason, 200)}", style="bold")
        self.query_one("#sessions-bar", Static).update(text)

    # --- drawing ----------------------------------------------------------------------------

    def _paint(self, index: int, width: int) -> Text:
        row = self.pages.rows[index]
        item = row.session
        palette = palette_of(self.row_list)
        if width != self._row_width:
            self._row_width, self._widths = width, dict(columns(width))
            self.call_after_refresh(self._draw_heading)
        widths = self._widths
        text = Text(" ")

        def cell(value: str, column: str, style: object = "") -> None:
            if column not in widths:
                return
            cells = widths[column]
            shown = one_line(value, cells)
            text.append(f"{shown:<{cells}} ", style=style)  # type: ignore[arg-type]

        cell(self.labels.get(row.agent_id, row.agent_id), "agent", palette.accent)
        badge = short_status_badge(item.status, palette)
        text.append_text(badge)
        text.append(" " * max(1, widths["status"] + 1 - badge.cell_len))
        cell(stamp(item.started_at), "started")
        cell(duration(item.started_at, item.finished_at), "took")
        cell(tokens(item.total_tokens_used), "tokens")
        cell(item.trigger_name or item.trigger_type or "—", "trigger", palette.muted)
        cell(item.triggered_by or "—", "started by")
        cell(item.id[:8], "session", palette.muted)
        return text

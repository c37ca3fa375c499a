"""The console's recent HTTP requests, as ``--debug`` would have logged them: method, status,
milliseconds, bytes, retry and path, newest at the bottom. Never a body, never the key."""

from __future__ import annotations

import re
import time

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from ...commands.httplog import RecentRequests, Request
from ..actions import Where
from ..keys import KeyLabels, bindings
from ..sanitize import one_line

#: The path last: it is long, and on a narrow terminal the status stays in view.
COLUMNS = ("time", "method", "status", "ms", "bytes", "retry", "note", "path")
REFRESH_EVERY = 1.0
_UUID = re.compile(r"\b([0-9a-fA-F]{8})-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\b")


def short_ids(path: str) -> str:
    """Ids cut to their first eight characters, as the runs tree shows them: what tells two
    requests apart (``/sessions?status=…``) comes after them and stays in view."""
    return _UUID.sub(r"\1…", path)


def row(entry: Request) -> tuple[Text, ...]:
    """Text cells: the path holds ids the person typed, and is drawn literally."""
    return (
        Text(time.strftime("%H:%M:%S", time.localtime(entry.at))),
        Text(entry.method),
        Text("" if entry.status is None else str(entry.status)),
        Text("" if entry.ms is None else f"{entry.ms:.0f}", justify="right"),
        Text("" if entry.size is None else str(entry.size), justify="right"),
        Text(str(entry.retry) if entry.retry else ""),
        Text(one_line(entry.note, 40)),
        Text(one_line(short_ids(entry.path), 120)),
    )


class ApiLog(ModalScreen[None]):
    """Filled from the ring buffer the client's logging transport writes; new requests are
    appended once a second while it is open."""

    BINDINGS = bindings(Where.API_LOG)

    def __init__(self, recent: RecentRequests | None, keys: KeyLabels) -> None:
        super().__init__()
        self.recent = recent
        self.keys = keys
        self._shown = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="api-log"):
            yield Static(Text("API log · the console's recent requests", style="bold"))
            if self.recent is None:
                yield Static(Text("This console's client keeps no request log."))
            table: DataTable[Text] = DataTable(id="api-log-table", cursor_type="row")
            yield table
            leave = self.keys("api_log.close")
            yield Static(Text(f"{leave}: close", style="dim"))

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        self._fill()
        self.set_interval(REFRESH_EVERY, self._fill)
        table.focus()

    def _fill(self) -> None:
        if self.recent is None:
            return
        table: DataTable[Text] = self.query_one(DataTable)
        entries = self.recent.entries()
        fresh = self.recent.total - self._shown
        if fresh <= 0:
            return
        if self._shown == 0 or fresh >= len(entries):
            table.clear()
            new = entries
        else:
            new = entries[-fresh:]
        at_end = table.cursor_row >= table.row_count - 1
        table.add_rows(row(e) for e in new)
        # Past the buffer's size the oldest rows go, as they went from the buffer.
        while table.row_count > len(entries):
            table.remove_row(next(iter(table.rows)))
        self._shown = self.recent.total
        if at_end:
            table.move_cursor(row=table.row_count - 1)

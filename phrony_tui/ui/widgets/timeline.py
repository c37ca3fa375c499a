"""The timeline: one line per step, drawn on demand (line API), so 100,000 steps cost no widgets.

Rows come from ``SessionState`` by ordinal. A row can be expanded in place (reasoning as
Markdown, anything else as pretty JSON, both cut to a bounded size); the full step is one key
away in the detail view.
"""

from __future__ import annotations

import bisect
import contextlib
from collections.abc import Iterable
from typing import TypeAlias

from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from ...api.models import TimelineItem
from ...session import SessionState
from ..actions import Where
from ..keys import bindings
from ..palette import TONE_CLASSES
from ..render.rows import INDENT, Look, RowPainter, RowState, empty_text, is_pending, look_of
from ..sanitize import one_line
from ..textual_private import update_scroll_limits, vertical_scrollbar
from .scrollbar import install_vertical
from .timeline_search import SEARCH_SLICE, Searcher
from .timeline_search import SearchDone as _SearchDone

__all__ = ["SEARCH_SLICE", "Timeline"]


class Timeline(ScrollView, can_focus=True):
    """Steps by ordinal; the cursor row is the step Enter opens and ``y`` copies."""

    # No j/k: k acknowledges an alert from any pane.
    BINDINGS = bindings(Where.TIMELINE)

    DEFAULT_CSS = """
    Timeline { background: $surface; overflow-x: hidden; }
    """
    #: Row states, styled in ``styles/console.tcss``: the cursor and a pending task give the
    #: row its background (text colours are kept); a search match its text style. The tones
    #: (``tone--*``) colour badges, runs and summaries.
    COMPONENT_CLASSES = {
        *TONE_CLASSES,
        "timeline--cursor",
        "timeline--cursor-blurred",
        "timeline--pending",
        "timeline--match",
    }

    class StepChosen(Message):
        """Enter on a step: open it (or jump to the child run of a sub-agent call)."""

        def __init__(self, item_id: str) -> None:
            super().__init__()
            self.item_id = item_id

    SearchDone: TypeAlias = _SearchDone

    class CopyStep(Message):
        def __init__(self, item_id: str) -> None:
            super().__init__()
            self.item_id = item_id

    def __init__(self, state: SessionState, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = state
        self.rows: list[str] = []
        self.run_filter: str | None = None
        self.expanded: set[str] = set()
        self.cursor = 0
        self.follow = True
        self.search_query = ""
        self._line_starts: list[int] | None = None
        self._total_lines = 0
        self._cache: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._painter: RowPainter | None = None
        self._run_labels: dict[str, tuple[str, int]] = {}
        self._frame: tuple[int, Look, int] | None = None
        self.searcher = Searcher(
            lambda: self.rows,
            self._describe,
            lambda row: self.move_to(row, follow=False),
            self.call_later,
            self.post_message,
        )

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        return vertical_scrollbar(self) or install_vertical(self)

    # --- data -------------------------------------------------------------------------------

    def reload(self, *, appended: Iterable[str] = (), full: bool = True) -> None:
        """Take the rows from the state. ``appended`` ids are added at the end when that keeps
        the order (the common case while following a live run); otherwise rows are rebuilt."""
        self._refresh_run_labels()
        new = [i for i in appended if self._visible(i)]
        items = self.state.items
        last = items.ordinal(self.rows[-1]) if self.rows and self.rows[-1] in items else None
        if not full and new and (last is None or all(items.ordinal(i) > last for i in new)):
            new.sort(key=lambda i: (items.ordinal(i), i))
            self.rows.extend(new)
            if self._line_starts is not None:
                self._relayout()
            else:
                self._total_lines = len(self.rows)
                self._resize_and_follow()
            return
        current = self.current_id
        self.rows = [i for i in self.state.timeline_ids() if self._visible(i)]
        # The drawings are keyed on the models they were made from (by identity): after the
        # state is replaced, a new model may sit where an old one was, so none is kept.
        self._cache.clear()
        self.painter.clear()
        self.searcher.reset()
        if self.expanded:
            self.expanded &= set(self.state.items)
        if current is not None and not self.follow:
            # Keep the person on the step they were looking at, wherever it moved.
            with contextlib.suppress(ValueError):
                self.cursor = self.rows.index(current)
        self._relayout()

    def invalidate(self, item_ids: Iterable[str]) -> None:
        """Steps that changed in place (a task completed): their lines are drawn again."""
        changed = set(item_ids)
        for item_id in changed:
            self.searcher.forget(item_id)
            self.painter.forget(self.state.items.get(item_id), item_id)
        self._cache.clear()
        if changed & self.expanded:
            self._relayout()  # an expanded step may now need more or fewer lines
        else:
            self.refresh()

    def set_run_filter(self, run_id: str | None) -> None:
        current = self.current_id
        self.run_filter = run_id
        self.rows = [i for i in self.state.timeline_ids() if self._visible(i)]
        self._relayout()
        if current in self.rows:
            self.move_to(self.rows.index(current))
        else:
            self.follow = True
            self.action_latest()

    def _visible(self, item_id: str) -> bool:
        if self.run_filter is None:
            return True
        items = self.state.items
        return item_id in items and items.run_id(item_id) == self.run_filter

    def _refresh_run_labels(self) -> None:
        """Each run's name, padded, and its colour's index (the palette gives the colour)."""
        labels: dict[str, tuple[str, int]] = {}
        for index, run in enumerate(self.state.runs_by_depth()):
            labels[run.id] = (f"{one_line(run.agent_name or run.short_id, 12):<12}", index)
        if labels != self._run_labels:
            self._run_labels = labels
            self._cache.clear()

    # --- layout -----------------------------------------------------------------------------

    def _relayout(self) -> None:
        if self.expanded:
            starts, total = [], 0
            for item_id in self.rows:
                starts.append(total)
                total += 1 + (len(self._body(item_id)) if item_id in self.expanded else 0)
            self._line_starts, self._total_lines = starts, total
        else:
            self._line_starts, self._total_lines = None, len(self.rows)
        self._resize_and_follow()

    def _resize_and_follow(self) -> None:
        self.cursor = max(0, min(self.cursor, len(self.rows) - 1))
        self._set_virtual_size(Size(self.scrollable_content_region.width, self._total_lines))
        if self.follow and self.rows:
            self.cursor = len(self.rows) - 1
            self.scroll_to(y=max(0, self._total_lines - self.size.height), animate=False)
        self.refresh()

    def _set_virtual_size(self, size: Size) -> None:
        """``virtual_size`` is a layout reactive: setting it reflows the whole screen. While
        the scrollbar stays as it is (a long timeline growing), nothing around the timeline
        moves, so the size changes without the layout pass: one step appended costs a
        repaint of the timeline, not of the screen."""
        if size == self.virtual_size:
            return
        height = self.scrollable_content_region.height
        if (
            self.show_vertical_scrollbar
            and size.width == self.virtual_size.width
            and size.height > height
            and self.virtual_size.height > height
        ):
            self.set_reactive(Timeline.virtual_size, size)
            update_scroll_limits(self, size)
            self.refresh()
        else:
            self.virtual_size = size

    def _row_line(self, row: int) -> int:
        return self._line_starts[row] if self._line_starts is not None else row

    def _locate(self, line: int) -> tuple[int, int] | None:
        if line < 0 or line >= self._total_lines:
            return None
        if self._line_starts is None:
            return line, 0
        row = bisect.bisect_right(self._line_starts, line) - 1
        return row, line - self._line_starts[row]

    def on_resize(self, event: events.Resize) -> None:
        self._relayout()

    # --- drawing ----------------------------------------------------------------------------

    @property
    def painter(self) -> RowPainter:
        if self._painter is None:
            self._painter = RowPainter(self.app.console)
            self._painter.use(look_of(self))
        return self._painter

    def current_look(self) -> Look:
        """The frame's styles from the theme; a change clears every cached line."""
        look = look_of(self)
        if self.painter.use(look):
            self._cache.clear()
        return look

    def _frame_now(self) -> tuple[int, Look, int]:
        return (self.scrollable_content_region.width, self.current_look(), self.scroll_offset.y)

    def render_lines(self, crop: Region) -> list[Strip]:
        # Worked out once per frame, not once per line: each costs a style computation.
        self._frame = self._frame_now()
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def render_line(self, y: int) -> Strip:
        width, look, scroll_y = self._frame or self._frame_now()
        found = self._locate(scroll_y + y)
        if found is None:
            if not self.rows and y == 0:
                text = empty_text(look.palette, self.state.redacted, bool(self.run_filter))
                return self.painter.text_line(text, width)
            return Strip.blank(width, look.base)
        row, sub = found
        item_id = self.rows[row]
        item = self.state.items.get(item_id)
        if item is None:
            return Strip.blank(width, look.base)
        selected = row == self.cursor
        expanded = item_id in self.expanded
        key = (item_id, id(item), width, selected, sub, self.has_focus, self.search_query, expanded)
        strip = self._cache.get(key)
        if strip is None:
            if sub == 0:
                strip = self.painter.row(item, width, self._row_state(item, selected))
            else:
                body = self._body(item_id)
                strip = body[sub - 1] if sub - 1 < len(body) else Strip.blank(width, look.base)
                strip = strip.extend_cell_length(width, look.base).crop(0, width)
            self._cache[key] = strip
        return strip

    def _row_state(self, item: TimelineItem, selected: bool) -> RowState:
        run = self._run_labels.get(item.run_id)
        query = self.search_query
        return RowState(
            marker=self._marker(item),
            run_label=run[0] if run is not None else f"{one_line(item.run_id, 8):<12}",
            run_index=run[1] if run is not None else None,
            selected=selected,
            focused=self.has_focus,
            pending=is_pending(item),
            search=query if query and query.lower() in self.searcher.text_of(item.id) else "",
        )

    def _marker(self, item: TimelineItem) -> str:
        return "▾ " if item.id in self.expanded else "▸ " if self._expandable(item) else "  "

    def _expandable(self, item: TimelineItem) -> bool:
        return item.content is not None

    def _body(self, item_id: str) -> list[Strip]:
        item = self.state.items.get(item_id)
        if item is None:
            return []
        return self.painter.body(item, max(10, self.scrollable_content_region.width - INDENT))

    def _describe(self, item_id: str) -> str:
        item = self.state.items[item_id]
        return f"{item.type} {self.painter.summary(item).plain}"

    # --- cursor and actions -----------------------------------------------------------------

    @property
    def current_id(self) -> str | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def move_to(self, row: int, *, follow: bool | None = None) -> None:
        if not self.rows:
            return
        self.cursor = max(0, min(row, len(self.rows) - 1))
        self.follow = (self.cursor == len(self.rows) - 1) if follow is None else follow
        line = self._row_line(self.cursor)
        height = self.scrollable_content_region.height
        top = self.scroll_offset.y
        if line < top:
            self.scroll_to(y=line, animate=False)
        elif line >= top + height:
            self.scroll_to(y=line - height + 1, animate=False)
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor + delta, follow=False if delta < 0 else None)

    def action_page(self, direction: int) -> None:
        step = max(1, self.scrollable_content_region.height - 1)
        self.move_to(self.cursor + direction * step, follow=False if direction < 0 else None)

    def action_first(self) -> None:
        self.move_to(0, follow=False)

    def action_latest(self) -> None:
        self.follow = True
        if self.rows:
            self.move_to(len(self.rows) - 1, follow=True)
            self.scroll_to(y=max(0, self._total_lines - self.size.height), animate=False)

    def action_open(self) -> None:
        if self.current_id:
            self.post_message(self.StepChosen(self.current_id))

    def action_copy(self) -> None:
        if self.current_id:
            self.post_message(self.CopyStep(self.current_id))

    def action_expand(self) -> None:
        item_id = self.current_id
        if item_id is None:
            return
        self.expanded.symmetric_difference_update({item_id})
        follow = self.follow
        self.follow = False
        self._relayout()
        self.follow = follow
        self.move_to(self.cursor, follow=follow)

    def search(
        self, query: str, direction: int = 1, *, include_current: bool = False, tell: bool = False
    ) -> bool | None:
        """Move to the next row (or previous, ``direction=-1``) containing ``query``: True or
        False when answered at once. A long timeline is searched ``SEARCH_SLICE`` rows per turn
        of the event loop, so keys stay live meanwhile: then None. With ``tell``,
        ``SearchDone`` reports the outcome either way."""
        self.search_query = query
        self.refresh()
        start = self.cursor if include_current else self.cursor + direction
        return self.searcher.start(query, start, direction, tell)

    def on_click(self, event: events.Click) -> None:
        found = self._locate(self.scroll_offset.y + event.y)
        if found is not None:
            self.move_to(found[0], follow=False)
            if event.chain >= 2:
                self.action_open()

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self.follow = False

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

"""The timeline: one line per step, drawn on demand (line API), so 100,000 steps cost no widgets.

Rows come from ``SessionState`` by ordinal. A row can be expanded in place (reasoning as
Markdown, anything else as pretty JSON, both cut to a bounded size); the full step is one key
away in the detail view.
"""

from __future__ import annotations

import bisect
import contextlib
from collections.abc import Iterable
from dataclasses import dataclass

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from ...api.models import ItemType, TimelineItem
from ...session import SessionState
from ..format import RUN_COLOURS, LiteralHTMLMarkdown, badge_of, clock, preview, tokens, type_badge
from ..sanitize import clean, one_line, to_json
from .scrollbar import install_vertical

EXPANDED_CHARS = 20_000
EXPANDED_LINES = 200
DIM = Style(dim=True)
PENDING = Style(bgcolor="#4d3b00")
SELECTED = Style(bgcolor="#2a4d6e")
SELECTED_BLURRED = Style(bgcolor="#333a40")
RUN_STYLES = tuple(Style(color=colour) for colour in RUN_COLOURS)


#: Rows a search looks at per turn of the event loop (a few milliseconds' worth).
SEARCH_SLICE = 500
#: Narrower than this, a row leaves out its time and tokens and shortens the run's name, so
#: the step's own text still shows (Enter opens the rest).
COMPACT_BELOW = 72
COMPACT_RUN = 8


@dataclass
class _SearchJob:
    query: str
    needle: str
    direction: int
    start: int
    count: int
    tell: bool
    done: int = 0


def _pending(item: TimelineItem) -> bool:
    return (
        item.is_type(ItemType.USER_TASK_REQ)
        and isinstance(item.content, dict)
        and item.content.get("status", "Pending") == "Pending"
    )


class Timeline(ScrollView, can_focus=True):
    """Steps by ordinal; the cursor row is the step Enter opens and ``y`` copies."""

    BINDINGS = [
        # No j/k: k acknowledges an alert from any pane.
        Binding("up", "cursor(-1)", "Up", show=False, id="timeline.up"),
        Binding("down", "cursor(1)", "Down", show=False, id="timeline.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="timeline.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="timeline.page_down"),
        Binding("home,g", "first", "First step", show=False, id="timeline.first"),
        Binding("end,G", "latest", "Latest", id="timeline.latest", tooltip="Follow new steps"),
        Binding("enter", "open", "Open step", id="timeline.open"),
        Binding("space", "expand", "Expand", id="timeline.expand"),
        Binding("y", "copy", "Copy JSON", id="timeline.copy"),
    ]

    DEFAULT_CSS = """
    Timeline { background: $surface; overflow-x: hidden; }
    """

    class StepChosen(Message):
        """Enter on a step: open it (or jump to the child run of a sub-agent call)."""

        def __init__(self, item_id: str) -> None:
            super().__init__()
            self.item_id = item_id

    class SearchDone(Message):
        """A search that went on in the background ended."""

        def __init__(self, query: str, found: bool) -> None:
            super().__init__()
            self.query = query
            self.found = found

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
        self._body_cache: LRUCache[tuple[object, ...], list[Strip]] = LRUCache(1024)
        self._search_text: dict[str, str] = {}
        self._run_labels: dict[str, Text] = {}
        self._frame: tuple[int, Style, int] | None = None
        self._search_job: _SearchJob | None = None

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        return self._vertical_scrollbar or install_vertical(self)

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
        self._search_text.clear()
        self._search_job = None
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
            self._search_text.pop(item_id, None)
        self._cache.clear()
        self._body_cache.clear()
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
        labels: dict[str, Text] = {}
        for index, run in enumerate(self.state.runs_by_depth()):
            name = one_line(run.agent_name or run.short_id, 12)
            colour = RUN_STYLES[index % len(RUN_STYLES)]
            labels[run.id] = Text(f"{name:<12}", style=colour)
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
            self._scroll_update(size)  # scrollbar thumb and scroll limits
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
        self._body_cache.clear()
        self._relayout()

    # --- drawing ----------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # Worked out once per frame, not once per line: each costs a style computation.
        self._frame = (
            self.scrollable_content_region.width,
            self.rich_style,
            self.scroll_offset.y,
        )
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def render_line(self, y: int) -> Strip:
        width, base, scroll_y = self._frame or (
            self.scrollable_content_region.width,
            self.rich_style,
            self.scroll_offset.y,
        )
        found = self._locate(scroll_y + y)
        if found is None:
            if not self.rows and y == 0:
                return self._text_strip(self._empty_text(), width, base)
            return Strip.blank(width, base)
        row, sub = found
        item_id = self.rows[row]
        item = self.state.items.get(item_id)
        if item is None:
            return Strip.blank(width, base)
        selected = row == self.cursor
        key = (item_id, id(item), width, selected, sub, self.has_focus, self.search_query)
        strip = self._cache.get(key)
        if strip is None:
            if sub == 0:
                strip = self._row_strip(item, width, base, selected)
            else:
                body = self._body(item_id)
                strip = body[sub - 1] if sub - 1 < len(body) else Strip.blank(width, base)
                strip = strip.apply_style(base).extend_cell_length(width, base).crop(0, width)
            self._cache[key] = strip
        return strip

    def _empty_text(self) -> Text:
        if self.state.redacted:
            return Text("The timeline of this run is hidden from API clients.", style="italic")
        if self.run_filter:
            return Text("No steps for this run yet.", style="dim italic")
        return Text("No steps yet.", style="dim italic")

    def _text_strip(self, text: Text, width: int, base: Style, *, selected: bool = False) -> Strip:
        text.no_wrap = True
        text.end = ""
        return self._strip(list(text.render(self.app.console)), width, base, selected)

    def _strip(self, segments: list[Segment], width: int, base: Style, selected: bool) -> Strip:
        # Every segment gets the widget's style underneath: nothing is left to the terminal's
        # default colours, and filters (NO_COLOR's monochrome) always find a style.
        strip = Strip(Segment.apply_style(segments, style=base)).crop_extend(0, width, base)
        if selected:
            strip = strip.apply_style(SELECTED if self.has_focus else SELECTED_BLURRED)
        return strip

    def _row_strip(self, item: TimelineItem, width: int, base: Style, selected: bool) -> Strip:
        """A step's summary line. Built from segments: a ``Text`` per row costs several times
        more, and while following a busy run every frame is mostly new rows."""
        compact = width < COMPACT_BELOW
        if self.search_query:
            summary = self._summary(item, compact=compact)
            return self._text_strip(summary, width, base, selected=selected)
        label = self._run_labels.get(item.run_id)
        badge, badge_style = badge_of(item.type)
        run_label = label.plain if label is not None else f"{one_line(item.run_id, 8):<12}"
        run_style = label.style if label is not None and isinstance(label.style, Style) else None
        segments = [
            Segment(self._marker(item), DIM),
            Segment(f"{int(item.ordinal):>6} ", DIM),
            Segment(badge, badge_style),
            Segment(" "),
        ]
        if compact:  # a narrow terminal: the step's own text before its time and tokens
            segments += [Segment(run_label[:COMPACT_RUN], run_style), Segment(" ")]
        else:
            segments += [
                Segment(run_label, run_style),
                Segment(f" {clock(item.started_at)} {tokens(item.tokens_used):>5} ", DIM),
            ]
        text = preview(item)
        text.no_wrap = True
        text.end = ""
        segments.extend(text.render(self.app.console))
        if _pending(item):
            segments = list(Segment.apply_style(segments, post_style=PENDING))
        return self._strip(segments, width, base, selected)

    def _marker(self, item: TimelineItem) -> str:
        return "▾ " if item.id in self.expanded else "▸ " if self._expandable(item) else "  "

    def _summary(self, item: TimelineItem, *, compact: bool = False) -> Text:
        text = Text()
        text.append(self._marker(item), style="dim")
        text.append(f"{int(item.ordinal):>6} ", style="dim")
        text.append_text(type_badge(item.type))
        text.append(" ")
        label = self._run_labels.get(item.run_id) or Text(f"{one_line(item.run_id, 8):<12}")
        if compact:
            text.append_text(label[:COMPACT_RUN])
            text.append(" ")
        else:
            text.append_text(label)
            text.append(f" {clock(item.started_at)} ", style="dim")
            text.append(f"{tokens(item.tokens_used):>5} ", style="dim")
        text.append_text(preview(item))
        if _pending(item):
            text.stylize("on #4d3b00")
        if self.search_query and self.search_query.lower() in self._plain(item.id):
            text.highlight_words([self.search_query], style="reverse", case_sensitive=False)
        return text

    def _expandable(self, item: TimelineItem) -> bool:
        return item.content is not None

    def _body(self, item_id: str) -> list[Strip]:
        item = self.state.items.get(item_id)
        width = max(10, self.scrollable_content_region.width - 10)
        if item is None:
            return []
        key = (item_id, id(item), width)
        cached = self._body_cache.get(key)
        if cached is not None:
            return cached
        renderable: RenderableType
        message = item.content.get("message") if isinstance(item.content, dict) else None
        if item.is_type(ItemType.REASONING) and isinstance(message, str):
            text = clean(message[:EXPANDED_CHARS])
            renderable = LiteralHTMLMarkdown(text, hyperlinks=False)
        else:
            renderable = Text(to_json(item.content, limit=EXPANDED_CHARS), style="")
        console = self.app.console
        lines = console.render_lines(renderable, console.options.update_width(width), pad=False)
        strips = [Strip([Segment(" " * 10), *line]) for line in lines[:EXPANDED_LINES]]
        if len(lines) > EXPANDED_LINES or len(str(item.content)) > EXPANDED_CHARS:
            note = Text(" " * 10 + "… cut here; Enter opens the whole step", style="italic dim")
            strips.append(Strip(list(note.render(console))))
        self._body_cache[key] = strips
        return strips

    def _plain(self, item_id: str) -> str:
        text = self._search_text.get(item_id)
        if text is None:
            item = self.state.items[item_id]
            text = f"{item.type} {preview(item).plain}".lower()
            self._search_text[item_id] = text
        return text

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
        self._search_job = None
        if not query or not self.rows:
            return False
        start = self.cursor if include_current else self.cursor + direction
        job = _SearchJob(query, query.lower(), direction, start, len(self.rows), tell)
        found = self._search_slice(job)
        if found is None:
            self._search_job = job
            self.call_later(self._search_more)
        elif tell:
            self.post_message(self.SearchDone(query, found))
        return found

    def _search_slice(self, job: _SearchJob) -> bool | None:
        for _ in range(SEARCH_SLICE):
            if job.done >= job.count:
                return False
            row = (job.start + job.done * job.direction) % job.count
            job.done += 1
            if job.needle in self._plain(self.rows[row]):
                self.move_to(row, follow=False)
                return True
        return None

    def _search_more(self) -> None:
        job = self._search_job
        if job is None or len(self.rows) < job.count:
            return  # replaced by another search, or the rows were rebuilt
        found = self._search_slice(job)
        if found is None:
            self.call_later(self._search_more)
            return
        self._search_job = None
        if job.tell:
            self.post_message(self.SearchDone(job.query, found))

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

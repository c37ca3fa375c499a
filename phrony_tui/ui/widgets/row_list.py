"""A list of one-line rows drawn on demand (line API): 10,000 sessions cost no widgets. The
cursor follows its row's key when the rows change, so a refresh never moves the person."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..actions import Where
from ..keys import bindings
from ..palette import TONE_CLASSES

#: Rows from the end at which the list asks for more.
NEAR_END = 40

Painter = Callable[[int, int], Text]


class RowList(ScrollView, can_focus=True):
    """Rows by index; ``painter(index, width)`` draws one (plain ``Text``: never markup)."""

    COMPONENT_CLASSES = {
        *TONE_CLASSES,
        "row-list--cursor",
        "row-list--cursor-blurred",
        "row-list--empty",
    }
    BINDINGS = bindings(Where.HOME_LIST)
    DEFAULT_CSS = "RowList { background: $surface; overflow-x: hidden; }"

    class Chosen(Message):
        """Enter or a double click on a row."""

        def __init__(self, row_list: RowList, key: str) -> None:
            super().__init__()
            self.row_list = row_list
            self.key = key

        @property
        def control(self) -> RowList:
            return self.row_list

    class Moved(Message):
        """The cursor moved to another row (the detail beside the list follows it)."""

        def __init__(self, row_list: RowList, key: str | None) -> None:
            super().__init__()
            self.row_list = row_list
            self.key = key

        @property
        def control(self) -> RowList:
            return self.row_list

    class NearEnd(Message):
        """The cursor or the view came near the last row: time to fetch the next page."""

        def __init__(self, row_list: RowList) -> None:
            super().__init__()
            self.row_list = row_list

        @property
        def control(self) -> RowList:
            return self.row_list

    def __init__(self, painter: Painter, *, empty: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self.painter = painter
        self.keys: list[str] = []
        self.cursor = 0
        self.empty = empty
        self._cache: LRUCache[tuple[str, int, bool, bool, int], Strip] = LRUCache(1024)
        self._generation = 0
        self._last_key: str | None = None
        #: Whether the person moved the cursor: until then it stays on the first row (rows
        #: that come in above it, an older wait say, do not push it down).
        self._moved_by_person = False

    @property
    def current_key(self) -> str | None:
        return self.keys[self.cursor] if 0 <= self.cursor < len(self.keys) else None

    def set_rows(self, keys: Sequence[str], *, redraw: bool = True) -> None:
        """New rows; the cursor stays on its row's key when it is still there (once the person
        moved it). ``redraw`` False keeps the lines drawn so far (rows only appended)."""
        current = self.current_key if self._moved_by_person else None
        self.keys = list(keys)
        if current is not None:
            index = self._index_of(current)
            if index is not None:
                self.cursor = index
        self.cursor = max(0, min(self.cursor, len(self.keys) - 1))
        if redraw:
            self.redraw()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.keys))
        self._scroll_to_cursor()
        self.refresh()
        self._moved()

    def _index_of(self, key: str) -> int | None:
        if self.cursor < len(self.keys) and self.keys[self.cursor] == key:
            return self.cursor
        try:
            return self.keys.index(key)
        except ValueError:
            return None

    def redraw(self) -> None:
        """Draw every row again (what a row shows changed: a relative time, a status)."""
        self._generation += 1
        self._cache.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        """A theme change: the lines kept hold the old colours."""
        super().notify_style_update()
        self._cache.clear()

    def set_empty(self, text: str) -> None:
        self.empty = text
        self.refresh()

    # --- drawing ----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = self.scroll_offset.y + y
        base = self.rich_style
        if not self.keys:
            if y == 0 and self.empty:
                style = self.get_component_rich_style("row-list--empty")
                return self._strip(Text(" " + self.empty, style=style), width, base)
            return Strip.blank(width, base)
        if row >= len(self.keys):
            return Strip.blank(width, base)
        selected = row == self.cursor
        key = (self.keys[row], width, selected, self.has_focus, self._generation)
        strip = self._cache.get(key)
        if strip is None:
            text = self.painter(row, width)
            style = base
            if selected:
                name = "row-list--cursor" if self.has_focus else "row-list--cursor-blurred"
                style = base + self.get_component_rich_style(name)
            strip = self._strip(text, width, style)
            self._cache[key] = strip
        return strip

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        text = text.copy()
        text.no_wrap = True
        text.overflow = "ellipsis"
        text.truncate(width, overflow="ellipsis", pad=True)
        segments = [
            Segment(s.text, style + s.style if s.style else style)
            for s in text.render(self.app.console)
        ]
        return Strip(segments).extend_cell_length(width, style).crop(0, width)

    # --- moving -----------------------------------------------------------------------------

    def move_to(self, row: int) -> None:
        if not self.keys:
            return
        self._moved_by_person = True
        self.cursor = max(0, min(row, len(self.keys) - 1))
        self._scroll_to_cursor()
        self.refresh()
        self._moved()

    def _scroll_to_cursor(self) -> None:
        height = self.scrollable_content_region.height
        top = self.scroll_offset.y
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif height and self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def _moved(self) -> None:
        key = self.current_key
        if key != self._last_key:
            self._last_key = key
            self.post_message(self.Moved(self, key))
        self._check_end()

    def _check_end(self) -> None:
        bottom = max(self.cursor, self.scroll_offset.y + self.scrollable_content_region.height)
        if bottom >= len(self.keys) - NEAR_END:
            self.post_message(self.NearEnd(self))

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._check_end()

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self.keys) - 1)

    def action_open(self) -> None:
        key = self.current_key
        if key is not None:
            self.post_message(self.Chosen(self, key))

    def on_click(self, event: events.Click) -> None:
        row = self.scroll_offset.y + event.y
        if 0 <= row < len(self.keys):
            self.move_to(row)
            if event.chain >= 2:
                self.action_open()

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.keys))
        self.redraw()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

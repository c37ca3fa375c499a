"""Timeline lines: a step's row and its expanded body as strips, coloured from a ``Look`` (the
theme, read once per frame) and cached until the step, the look or the width changes."""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.strip import Strip
from textual.widget import Widget

from ...api.models import ItemType, TimelineItem
from ..format import clock, tokens
from ..palette import Palette, palette_of
from . import badge, badge_style, body, summary
from .base import EXPANDED_CHARS

EXPANDED_LINES = 200
INDENT = 10
#: Narrower than this, a row leaves out its time and tokens and shortens the run's name, so
#: the step's own text still shows (Enter opens the rest).
COMPACT_BELOW = 72
COMPACT_RUN = 8


def is_pending(item: TimelineItem) -> bool:
    """A user task still waiting: its row is highlighted (read from the dict: a hot path)."""
    return (
        item.is_type(ItemType.USER_TASK_REQ)
        and isinstance(item.content, dict)
        and item.content.get("status", "Pending") == "Pending"
    )


def empty_text(palette: Palette, redacted: bool, filtered: bool) -> Text:
    """What an empty timeline says."""
    if redacted:
        return Text("The timeline of this run is hidden from API clients.", style="italic")
    muted = palette.muted + Style(italic=True)
    return Text("No steps for this run yet." if filtered else "No steps yet.", style=muted)


@dataclass(frozen=True)
class Look:
    """Everything a frame's colours depend on: when it changes (a theme switch), every cached
    line is drawn again."""

    base: Style
    palette: Palette
    cursor: Style
    cursor_blurred: Style
    pending: Style
    match: Style


@dataclass(frozen=True)
class RowState:
    """What besides the step changes its row."""

    marker: str
    run_label: str
    run_index: int | None
    selected: bool
    focused: bool
    pending: bool
    search: str


def look_of(widget: Widget) -> Look:
    """``widget``'s look: its style, palette and the ``timeline--*`` component classes; kept
    per widget until its theme or its own style changes (it is asked for on every frame)."""
    key = (widget.app.theme, widget.rich_style, widget.has_focus)
    known = _LOOKS.get(widget)
    if known is not None and known[0] == key:
        return known[1]
    look = _look(widget)
    _LOOKS[widget] = (key, look)
    return look


_LOOKS: weakref.WeakKeyDictionary[Widget, tuple[tuple[object, ...], Look]] = (
    weakref.WeakKeyDictionary()
)


def _look(widget: Widget) -> Look:
    style = widget.get_component_rich_style
    return Look(
        widget.rich_style,
        palette_of(widget),
        Style(bgcolor=style("timeline--cursor").bgcolor),
        Style(bgcolor=style("timeline--cursor-blurred").bgcolor),
        Style(bgcolor=style("timeline--pending").bgcolor),
        style("timeline--match").without_color,
    )


class RowPainter:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.look: Look | None = None
        self.bodies: LRUCache[tuple[str, int, int], list[Strip]] = LRUCache(1024)
        self.summaries: LRUCache[tuple[str, int], Text] = LRUCache(4096)

    def use(self, look: Look) -> bool:
        """Draw with ``look`` from now on; True when it differs (cached lines are stale)."""
        if look == self.look:
            return False
        self.look = look
        self.bodies.clear()
        self.summaries.clear()
        return True

    @property
    def current(self) -> Look:
        assert self.look is not None, "use() a look before drawing"
        return self.look

    def clear(self) -> None:
        """Forget every drawing (the steps were replaced)."""
        self.bodies.clear()
        self.summaries.clear()

    def forget(self, item: TimelineItem | None, item_id: str) -> None:
        """A step changed in place: its summary and body are made again."""
        self.summaries.discard((item_id, id(item)))
        self.bodies.clear()

    def line(self, segments: list[Segment], width: int, over: Style | None = None) -> Strip:
        """A line of ``width`` cells. Every segment gets the widget's style underneath, so
        nothing is left to the terminal's default colours (and NO_COLOR's filter always finds
        a style); ``over`` (the cursor, a pending task) gives the whole line its background."""
        base = self.current.base
        pad = base + over if over is not None else base
        styled = Segment.apply_style(segments, style=base, post_style=over)
        return Strip(styled).crop_extend(0, width, pad)

    def text_line(self, text: Text, width: int) -> Strip:
        text.no_wrap = True
        text.end = ""
        return self.line(list(text.render(self.console)), width)

    def summary(self, item: TimelineItem) -> Text:
        """The step's one-line summary, made once per version of the step and look."""
        key = (item.id, id(item))
        text = self.summaries.get(key)
        if text is None:
            text = summary(item, self.current.palette)
            text.no_wrap = True
            text.end = ""
            self.summaries[key] = text
        return text

    def row(self, item: TimelineItem, width: int, state: RowState) -> Strip:
        """A step's summary line. Built from segments: a ``Text`` per row costs several times
        more, and while following a busy run every frame is mostly new rows."""
        look = self.current
        palette = look.palette
        muted = palette.muted
        label, tone = badge(item.type)
        run_style = palette.run(state.run_index) if state.run_index is not None else muted
        segments = [
            Segment(state.marker, muted),
            Segment(f"{int(item.ordinal):>6} ", muted),
            Segment(label, badge_style(tone, palette)),
            Segment(" "),
        ]
        if width < COMPACT_BELOW:  # a narrow terminal: the step's own text before the rest
            segments += [Segment(state.run_label[:COMPACT_RUN], run_style), Segment(" ")]
        else:
            segments += [
                Segment(state.run_label, run_style),
                Segment(f" {clock(item.started_at)} {tokens(item.tokens_used):>5} ", muted),
            ]
        text = self.summary(item)
        if state.search:
            text = text.copy()
            text.highlight_words([state.search], style=look.match, case_sensitive=False)
        segments.extend(text.render(self.console))
        over = look.pending if state.pending else None
        if state.selected:
            cursor = look.cursor if state.focused else look.cursor_blurred
            over = over + cursor if over is not None else cursor
        return self.line(segments, width, over)

    def body(self, item: TimelineItem, width: int) -> list[Strip]:
        """The expanded step (``width`` cells for the content, after an indent), cut to a
        bounded size."""
        key = (item.id, id(item), width)
        cached = self.bodies.get(key)
        if cached is not None:
            return cached
        base = self.current.base
        console = self.console
        options = console.options.update_width(width)
        lines = console.render_lines(body(item), options, pad=False)
        indent = Segment(" " * INDENT)
        strips = [
            Strip(Segment.apply_style([indent, *line], style=base))
            for line in lines[:EXPANDED_LINES]
        ]
        if len(lines) > EXPANDED_LINES or len(str(item.content)) > EXPANDED_CHARS:
            note = Text(
                " " * INDENT + "… cut here; open the step to see all of it",
                style=self.current.palette.muted + Style(italic=True),
            )
            strips.append(Strip(Segment.apply_style(note.render(console), style=base)))
        self.bodies[key] = strips
        return strips

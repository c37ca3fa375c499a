"""A scrollbar that draws again only when what it shows changes.

Textual repaints a scrollbar whenever its position or virtual size changes, and a repaint goes
through Rich line by line: while following a busy run (one more step, one line lower, many
times a second) that cost as much as drawing the timeline itself. Over a long timeline the thumb
moves by a visible eighth of a cell only now and then, so the lines of the last drawing are
reused until it does.
"""

from __future__ import annotations

from math import ceil

from rich.color import Color as RichColor
from rich.style import Style
from textual.geometry import Region
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip
from textual.widget import Widget

from ..textual_private import install_vertical_scrollbar


class ThumbScrollBar(ScrollBar):
    """A vertical scrollbar, drawn again only when its thumb moves by a visible amount."""

    def __init__(self, vertical: bool = True, name: str | None = None, *, thickness: int = 1):
        super().__init__(vertical=vertical, name=name, thickness=thickness)
        self._drawn: tuple[object, ...] | None = None
        self._lines: list[Strip] = []

    def _thumb(self) -> tuple[int, int] | None:
        """Start and end of the thumb in eighths of a cell, as ``ScrollBarRender`` draws it."""
        size = self.size.height if self.vertical else self.size.width
        virtual = ceil(self.window_virtual_size)
        window = ceil(self.window_size if self.window_size < self.window_virtual_size else 0)
        if not (window and size and virtual and size != virtual):
            return None
        thumb = max(1, window / (virtual / size))
        position = (size - thumb) * (self.position / (virtual - window))
        start = int(position * len(ScrollBarRender.VERTICAL_BARS))
        return start, start + ceil(thumb * len(ScrollBarRender.VERTICAL_BARS))

    def render_lines(self, crop: Region) -> list[Strip]:
        renderable = self.render()
        style = getattr(renderable, "style", None)
        key = (crop, self.size, self.thickness, self._thumb(), style)
        if key != self._drawn:
            if isinstance(renderable, ScrollBarRender) and isinstance(style, Style):
                self._lines = self._draw(renderable, style, crop)
            else:
                self._lines = super().render_lines(crop)
            self._drawn = key
        return self._lines

    def _draw(self, bar: ScrollBarRender, style: Style, crop: Region) -> list[Strip]:
        """The bar's segments, one per line, straight to strips: what Textual draws, less
        its path through Rich and the styles cache (a few milliseconds for 40 cells)."""
        width, height = self.size
        segments = ScrollBarRender.render_bar(
            size=height,
            virtual_size=bar.virtual_size,
            window_size=bar.window_size,
            position=bar.position,
            thickness=width,
            vertical=True,
            back_color=style.bgcolor or RichColor.parse("#555555"),
            bar_color=style.color or RichColor.parse("bright_magenta"),
        ).segments
        filters = self.get_line_filters()
        _, background = self.background_colors
        lines = []
        for segment in segments[crop.y : crop.bottom]:
            strip = Strip([segment], width)
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)
            lines.append(strip.crop(crop.x, crop.right))
        return lines


def install_vertical(widget: Widget) -> ScrollBar:
    """Give ``widget`` a ``ThumbScrollBar`` as its vertical scrollbar (what Textual's own
    ``Widget.vertical_scrollbar`` does with a plain ``ScrollBar``)."""
    bar = ThumbScrollBar(vertical=True, name="vertical", thickness=widget.scrollbar_size_vertical)
    bar.display = False
    install_vertical_scrollbar(widget, bar)
    return bar

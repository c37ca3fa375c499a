"""Colours from the theme. Widgets that colour text declare the tone component classes, styled
in ``styles/console.tcss`` with theme variables, and read them here once per drawing: nothing
hard-codes a colour, and a theme change from the palette recolours everything."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass

from rich.style import Style
from textual.cache import LRUCache
from textual.widget import Widget

TONES = ("success", "error", "warning", "accent", "primary", "secondary", "muted", "strong")
RUN_TONES = 7
TONE_CLASSES = frozenset(
    {f"tone--{tone}" for tone in TONES} | {f"tone--run-{i}" for i in range(RUN_TONES)}
)
_NAMES = tuple(f"tone--{tone}" for tone in TONES) + tuple(
    f"tone--run-{i}" for i in range(RUN_TONES)
)


@dataclass(frozen=True)
class Palette:
    """Foreground styles by role. Each carries no background: text drawn with them takes the
    background of whatever it sits on (a row, the cursor, a pending task)."""

    success: Style
    error: Style
    warning: Style
    accent: Style
    primary: Style
    secondary: Style
    muted: Style
    strong: Style
    runs: tuple[Style, ...]

    @classmethod
    def of(cls, tones: Sequence[Style], runs: Sequence[Style]) -> Palette:
        """From the styles of ``TONES`` in order, and the run colours."""
        return cls(**dict(zip(TONES, tones, strict=True)), runs=tuple(runs))

    def tone(self, name: str) -> Style:
        style: Style = getattr(self, name)
        return style

    def run(self, index: int) -> Style:
        return self.runs[index % len(self.runs)]


#: No colours at all: for text built away from any widget (plain exports, tests of wording).
PLAIN = Palette.of([Style.null()] * len(TONES), [Style.null()])

_CACHE: LRUCache[tuple[Style, ...], Palette] = LRUCache(16)
_BY_WIDGET: weakref.WeakKeyDictionary[Widget, tuple[tuple[object, ...], Palette]] = (
    weakref.WeakKeyDictionary()
)


def foreground(style: Style, has_colour: bool = True) -> Style:
    """``style`` less its background: the resolved text colour (if the class sets one, else
    none, so that ``warning + strong`` stays the warning colour) and attributes."""
    return style.without_color + Style(color=style.color if has_colour else None)


def palette_of(widget: Widget) -> Palette:
    """The tones as ``widget``'s component classes resolve them under the current theme
    (blended over the widget's background, so ``$text-muted`` and alpha colours come out
    right). Resolving sixteen classes costs a millisecond, and a busy timeline draws many
    frames a second: the result is kept per widget until its theme or its own style changes."""
    key = (widget.app.theme, widget.rich_style)
    known = _BY_WIDGET.get(widget)
    if known is not None and known[0] == key:
        return known[1]
    palette = _resolve(widget)
    _BY_WIDGET[widget] = (key, palette)
    return palette


def _resolve(widget: Widget) -> Palette:
    read = widget.get_component_rich_style
    styles = tuple(read(name) for name in _NAMES)
    palette = _CACHE.get(styles)
    if palette is None:
        coloured = [read(name, partial=True).color is not None for name in _NAMES]
        fg = [foreground(style, colour) for style, colour in zip(styles, coloured, strict=True)]
        palette = Palette.of(fg[: len(TONES)], fg[len(TONES) :])
        _CACHE[styles] = palette
    return palette

"""Every use of a Textual private API, in one place, each with the reason it is needed. The
Textual version is pinned in ``pyproject.toml``; after an upgrade, this is the file to check.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.widget import Widget
from textual.widgets import Input


def vertical_scrollbar(widget: Widget) -> ScrollBar | None:
    """The scrollbar ``widget`` already has, if any. ``Widget.vertical_scrollbar`` makes a
    plain ``ScrollBar`` when there is none; to give it our own, we look before it does."""
    return widget._vertical_scrollbar


def install_vertical_scrollbar(widget: Widget, bar: ScrollBar) -> None:
    """Make ``bar`` ``widget``'s vertical scrollbar, started as Textual starts its own
    (there is no public hook to choose a widget's scrollbar class)."""
    widget._vertical_scrollbar = bar
    widget.app._start_widget(widget, bar)


def update_scroll_limits(view: ScrollView, size: Size) -> None:
    """Update the scrollbar thumb and scroll limits for a new virtual size without the
    layout pass that setting ``virtual_size`` triggers (one step appended to a long
    timeline would otherwise reflow the whole screen)."""
    view._scroll_update(size)


def input_suggestion(field: Input) -> str:
    """The completion an ``Input`` shows greyed out: Tab accepts it as → does, and Textual
    exposes it only to its own cursor-right action."""
    return field._suggestion


def write_to_terminal(app: App[Any], data: str) -> bool:
    """Write an escape sequence (a notification, the window title) to the terminal as
    Textual writes its own (``App.bell`` and the clipboard do the same); there is no public
    way to. False when there is no terminal (the app is not running)."""
    driver = app._driver
    if driver is None:
        return False
    driver.write(data)
    driver.flush()
    return True

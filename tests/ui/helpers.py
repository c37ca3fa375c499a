"""Driving the console against the simulator: open a scenario, wait for what the screen shows."""

from __future__ import annotations

import asyncio
import html
import os
import re
import time
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from textual.app import App
from textual.notifications import Notify
from textual.pilot import Pilot

from phrony_tui.api import PhronyClient
from phrony_tui.live import Connection
from phrony_tui.sim import SimServer
from phrony_tui.sim.world import Received
from phrony_tui.ui.app import ConsoleApp
from phrony_tui.ui.config import Settings
from phrony_tui.ui.messages import FeedUpdate

os.environ["TZ"] = "UTC"
time.tzset()

SIZE = (140, 40)
_NOTICES: weakref.WeakKeyDictionary[App[Any], list[str]] = weakref.WeakKeyDictionary()
_CONNECTIONS: weakref.WeakKeyDictionary[App[Any], list[Seen]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Seen:
    """A connection update the stream worker posted, and when it was posted."""

    at: float
    update: Connection

    @property
    def retry_in(self) -> float | None:
        """The wait it announced before the next try, counted from when it was posted."""
        at = self.update.retry_at
        return None if at is None else at - self.at

    @property
    def state(self) -> str:
        return self.update.state.value

    @property
    def detail(self) -> str:
        return self.update.detail


def recording(app: App[Any]) -> Callable[[Any], None]:
    """A ``run_test`` message hook that keeps the app's notifications (toasts, which
    ``run_test`` does not draw) and the stream worker's connection updates."""
    notes = _NOTICES.setdefault(app, [])
    connections = _CONNECTIONS.setdefault(app, [])

    def hook(message: Any) -> None:
        if isinstance(message, Notify):
            notes.append(message.notification.message)
        elif isinstance(message, FeedUpdate) and isinstance(message.update, Connection):
            connections.append(Seen(time.monotonic(), message.update))

    return hook


def notices(app: App[Any]) -> list[str]:
    """Every notification the app showed so far, oldest first."""
    return _NOTICES.get(app, [])


def connections(app: App[Any]) -> list[Seen]:
    """Every connection update the stream worker posted so far, oldest first."""
    return _CONNECTIONS.get(app, [])


@asynccontextmanager
async def console(
    sim: SimServer,
    scenario: str,
    input: dict[str, Any] | None = None,
    *,
    settings: Settings | None = None,
    size: tuple[int, int] = SIZE,
    **options: Any,
) -> AsyncIterator[tuple[ConsoleApp, Pilot[None]]]:
    """The console opened on a new run of ``scenario``."""
    async with PhronyClient(sim.base_url, sim.api_key) as starter:
        started = await starter.start_run(sim.agents[scenario], input)
    app = ConsoleApp(
        PhronyClient(sim.base_url, sim.api_key),
        started.run_id,
        settings=settings,
        show_event_age=False,
        steady=True,
        **options,
    )
    async with app.run_test(size=size, message_hook=recording(app)) as pilot:
        yield app, pilot


async def until(
    pilot: Pilot[None], check: Callable[[], Any], *, timeout: float = 10.0, what: str = ""
) -> Any:
    """Let the app run until ``check()`` is truthy; fail with ``what`` otherwise.

    A check that reads the screen takes a screenshot (about 10 ms at 140x40, twenty times
    the compositor's own strips), so the wait between checks grows with what a check costs:
    checking stays under a tenth of the time the app is given to run."""
    deadline = time.monotonic() + timeout
    while True:
        began = time.monotonic()
        value = check()
        if value:
            return value
        checked = time.monotonic()
        if checked > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        await pilot.pause(min(0.3, max(0.03, 10 * (checked - began))))


#: Rich's SVG export: each run of text carries its x in pixels and clips to its line.
_SVG_TEXT = re.compile(
    r'<text [^>]*?x="([0-9.e+-]+)"[^>]*?clip-path="url\(#[^)]*-line-(\d+)\)">(.*?)</text>',
    re.DOTALL,
)
#: ``export_svg``'s defaults: a 20-pixel line and a 0.61 aspect ratio make a 12.2-pixel cell.
_SVG_CELL = 20 * 0.61


@dataclass(frozen=True)
class Run:
    """One drawn segment of a screenshot: where it starts (row, cell) and its text."""

    row: int
    column: int
    text: str


def svg_runs(svg: str, height: int) -> list[Run]:
    """The text runs of an SVG screenshot (Rich writes one per segment, none for blank ones).

    Spaces are written as ``&#160;`` and read back as spaces. A line break drawn inside a row
    would split it in two, and fails here as a screenshot taller than the screen."""
    runs = []
    for x, line, escaped in _SVG_TEXT.findall(svg):
        text = html.unescape(escaped.replace("&#160;", " "))
        if text == "\n":  # the line break Rich keeps at the end of each line
            continue
        runs.append(Run(int(line), round(float(x) / _SVG_CELL), text))
    if runs and (rows := max(r.row for r in runs) + 1) > height:
        raise AssertionError(f"the screenshot has {rows} lines, the screen {height}")
    return runs


def svg_lines(svg: str, width: int, height: int) -> list[str]:
    """The text of an SVG screenshot, one line per row, each ``width`` cells wide."""
    rows: list[list[Run]] = [[] for _ in range(height)]
    for run in svg_runs(svg, height):
        rows[run.row].append(run)
    lines = []
    for row in rows:
        text, column = "", 0
        for run in sorted(row, key=lambda r: r.column):
            if run.column < column:
                raise AssertionError(f"runs overlap on a line: {text!r} and {run.text!r}")
            text += " " * (run.column - column) + run.text
            column = run.column + cell_len(run.text)
        lines.append(text + " " * (width - column))
    return lines


def screen_runs(app: App[Any]) -> list[Run]:
    """The segments the terminal shows, read back from the app's own screenshot."""
    return svg_runs(app.export_screenshot(), app.size.height)


def screen_text(app: ConsoleApp) -> str:
    """What the terminal shows, as plain text: the app's own screenshot read back."""
    width, height = app.size
    return "\n".join(svg_lines(app.export_screenshot(), width, height))


def received(sim: SimServer, run_id: str | None = None, method: str = "POST") -> list[Received]:
    return [
        r
        for r in sim.world.received
        if r.method == method and (run_id is None or f"/runs/{run_id}/" in r.path)
    ]


def pause_kind(app: ConsoleApp) -> str | None:
    pause = app.composer.selected
    if pause is None:
        return None
    return pause.task.kind if pause.task else pause.kind


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause(0.05)
    await asyncio.sleep(0)


async def shows(pilot: Pilot[None], app: ConsoleApp, *texts: str, timeout: float = 10.0) -> None:
    """Wait until the screen shows every one of ``texts``."""
    await until(
        pilot,
        lambda: all(t in screen_text(app) for t in texts),
        timeout=timeout,
        what=f"screen to show {texts!r}",
    )


def retries(app: App[Any]) -> int:
    """How many times the stream worker announced it would try again."""
    return sum(1 for m in connections(app) if m.state in ("reconnecting", "polling"))

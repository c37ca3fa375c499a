"""Driving the console against the simulator: open a scenario, wait for what the screen shows."""

from __future__ import annotations

import asyncio
import os
import time
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

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
    """Let the app run until ``check()`` is truthy; fail with ``what`` otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        await pilot.pause(0.03)


def screen_text(app: ConsoleApp) -> str:
    """What the terminal shows, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


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

"""Reproducible console states over a fresh simulator (fixed seed, fixed clock, no waits):
the snapshot tests and the README screenshots are drawn from these."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from textual.pilot import Pilot

from phrony_tui.api import PhronyClient
from phrony_tui.api.models import MessageBody
from phrony_tui.sim import SimServer
from phrony_tui.sim.ids import Clock
from phrony_tui.ui import ages
from phrony_tui.ui.app import ConsoleApp
from phrony_tui.ui.config import Settings
from phrony_tui.ui.widgets.header import Place
from tests.ui.helpers import pause_kind, until

EPOCH = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


@dataclass
class Scene:
    name: str
    scenario: str
    ready: Callable[[ConsoleApp], bool]
    press: tuple[str, ...] = ()
    size: tuple[int, int] = (140, 40)
    then: Callable[[ConsoleApp, Pilot[None]], Awaitable[None]] | None = None
    input: dict[str, Any] | None = None
    theme: str = "textual-dark"
    #: Answers given over the API before the console opens, one per pending task in turn.
    answers: tuple[dict[str, Any], ...] = ()
    no_color: bool = False
    offline: bool = False


async def _answer_in_turn(
    client: PhronyClient, run_id: str, answers: tuple[dict[str, Any], ...]
) -> None:
    done: set[str] = set()
    for answer in answers:
        while True:
            conversation = await client.get_conversation(run_id)
            pending = [
                item.content["user_task_id"]
                for item in conversation.items
                if item.is_type("UserTaskReq")
                and isinstance(item.content, dict)
                and item.content.get("status") == "Pending"
                and item.content.get("user_task_id") not in done
            ]
            if pending:
                break
            await asyncio.sleep(0.02)
        body = MessageBody(run_id=run_id, user_task_id=pending[0], **answer)
        await client.send_message(body)
        done.add(pending[0])


def kinds(app: ConsoleApp) -> list[str]:
    """The kinds of the pauses the composer holds."""
    return [p.task.kind if p.task else str(p.kind) for p in app.composer.pauses]


def _select(kind: str) -> Callable[[ConsoleApp, Pilot[None]], Awaitable[None]]:
    """Move the composer (ctrl+n: next task) to the pause of ``kind``."""

    async def then(app: ConsoleApp, pilot: Pilot[None]) -> None:
        await until(pilot, lambda: kind in kinds(app), what=f"a {kind} pause")
        for _ in range(len(app.composer.pauses)):
            if pause_kind(app) == kind:
                break
            await pilot.press("ctrl+n")  # works in a text field too
            await pilot.pause(0.1)
        assert pause_kind(app) == kind, (kind, pause_kind(app))

    return then


async def _palette(app: ConsoleApp, pilot: Pilot[None]) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause(0.3)


async def _select_child(app: ConsoleApp, pilot: Pilot[None]) -> None:
    child = next(r for r in app.state.runs.values() if r.agent_name == "Analyst")
    app.run_screen.filter_run(child.id)
    await pilot.pause()


#: Every kind of pause: (name, scenario, kind, answers given first).
PAUSES: tuple[tuple[str, str, str, tuple[dict[str, Any], ...]], ...] = (
    ("reply", "chat", "reply", ()),
    ("approval", "approval", "approval", ()),
    ("multi_option", "forms", "multi_option", ()),
    ("text", "forms", "text", ({"selected_option_id": "sms"},)),
    ("number", "forms", "number", ({"selected_option_id": "sms"}, {"text_value": "Hello"})),
    ("aitl_escalation", "multi-agent", "aitl_escalation", ()),
    ("dashboard_only", "multi-agent", "anomaly_alert", ()),
    ("anomaly_alert", "timer", "anomaly_alert", ()),
    ("timer", "timer", "timer", ()),
)


def _pause_scenes() -> list[Scene]:
    scenes = []
    for theme in ("textual-dark", "textual-light"):
        short = theme.removeprefix("textual-")
        for name, scenario, kind, answers in PAUSES:
            scenes.append(
                Scene(
                    f"pause_{name}_{short}",
                    scenario,
                    lambda a: bool(a.composer.pauses),
                    then=_select(kind),
                    theme=theme,
                    answers=answers,
                )
            )
        scenes.append(
            Scene(
                f"pause_approval_confirm_{short}",
                "approval",
                lambda a: pause_kind(a) == "approval",
                press=("a",),
                theme=theme,
            )
        )
    return scenes


SCENES = {
    s.name: s
    for s in (
        *_pause_scenes(),
        Scene("palette", "approval", lambda a: pause_kind(a) == "approval", then=_palette),
        Scene(
            "step_detail_light",
            "approval",
            lambda a: pause_kind(a) == "approval",
            press=("t", "home", "down", "enter"),
            theme="textual-light",
        ),
        Scene(
            "help_light",
            "approval",
            lambda a: pause_kind(a) == "approval",
            press=("f1",),
            theme="textual-light",
        ),
        Scene("offline", "approval", lambda a: pause_kind(a) == "approval", offline=True),
        Scene("no_color", "approval", lambda a: pause_kind(a) == "approval", no_color=True),
        Scene(
            "no_color_detail",
            "approval",
            lambda a: pause_kind(a) == "approval",
            press=("t", "home", "down", "enter"),
            no_color=True,
        ),
        Scene("tour_start", "tour", lambda a: pause_kind(a) == "reply"),
        Scene("approval_confirm", "approval", lambda a: pause_kind(a) == "approval", press=("a",)),
        Scene(
            "multi_agent_child",
            "multi-agent",
            lambda a: len(a.composer.pauses) == 3,
            then=_select_child,
        ),
        Scene(
            "step_detail",
            "approval",
            lambda a: pause_kind(a) == "approval",
            press=("t", "home", "down", "enter"),
        ),
        Scene("redacted", "redacted", lambda a: a.state.status == "Completed"),
        Scene("failed", "failing", lambda a: a.state.status == "Failed"),
        Scene("help", "approval", lambda a: pause_kind(a) == "approval", press=("f1",)),
        Scene("narrow", "tour", lambda a: pause_kind(a) == "reply", size=(80, 24)),
        Scene("forms_options", "forms", lambda a: pause_kind(a) == "multi_option"),
        Scene("small_pane_hidden", "tour", lambda a: pause_kind(a) == "reply", size=(60, 20)),
        Scene(
            "narrow_pane_toggled",
            "tour",
            lambda a: pause_kind(a) == "reply",
            press=("ctrl+l",),
            size=(80, 24),
        ),
        Scene(
            "quit_confirm",
            "tour",
            lambda a: pause_kind(a) == "reply",
            press=(*"half a thought", "ctrl+q"),
        ),
        Scene(
            "no_color_help",
            "approval",
            lambda a: pause_kind(a) == "approval",
            press=("f1",),
            no_color=True,
        ),
        Scene(
            "no_color_quit",
            "tour",
            lambda a: pause_kind(a) == "reply",
            press=(*"half a thought", "ctrl+q"),
            no_color=True,
        ),
        Scene(
            "quit_confirm_light",
            "tour",
            lambda a: pause_kind(a) == "reply",
            press=(*"half a thought", "ctrl+q"),
            theme="textual-light",
        ),
    )
}


@contextmanager
def _no_color(on: bool) -> Iterator[None]:
    """NO_COLOR set while the app is made: Textual reads it when an app is constructed."""
    saved = os.environ.get("NO_COLOR")
    if on:
        os.environ["NO_COLOR"] = "1"
    try:
        yield
    finally:
        if on and saved is None:
            del os.environ["NO_COLOR"]


@contextmanager
def scene_clock() -> Iterator[None]:
    """Now is a few minutes after ``EPOCH`` while a scene is drawn: "today" and "3m ago" come
    out the same on any day the test runs."""
    ages.fix_clock(EPOCH + timedelta(minutes=5))
    try:
        yield
    finally:
        ages.fix_clock(None)


@contextmanager
def scene_app(scene: Scene) -> Iterator[tuple[ConsoleApp, Callable[[Pilot[None]], Any]]]:
    """A console on a fresh simulator, and the ``run_before`` that waits for the scene."""
    with SimServer(speed=float("inf"), seed=42, clock=Clock(EPOCH)) as sim:

        async def start() -> str:
            async with PhronyClient(sim.base_url, sim.api_key) as client:
                started = await client.start_run(sim.agents[scene.scenario], scene.input)
                return started.run_id

        run_id = asyncio.run(start())
        if scene.answers:

            async def answer() -> None:
                async with PhronyClient(sim.base_url, sim.api_key) as client:
                    await _answer_in_turn(client, run_id, scene.answers)

            asyncio.run(answer())
        with _no_color(scene.no_color):
            app = ConsoleApp(
                PhronyClient(sim.base_url, sim.api_key),
                run_id,
                place=Place("env", "127.0.0.1"),  # the simulator's port changes every run
                settings=Settings(theme=scene.theme),
                show_event_age=False,
                steady=True,
            )

        async def run_before(pilot: Pilot[None]) -> None:
            await until(pilot, lambda: app.status_line.connection in ("live", "finished"))
            await until(pilot, lambda: scene.ready(app), what=scene.name)
            await pilot.pause(0.2)
            await until(pilot, lambda: app.status_line.connection in ("live", "finished"))
            if scene.offline:  # the key loses the run's agent: the stream ends with a 403
                agent = sim.world.engine.runs[run_id].session.agent
                sim.world.key_named("main").scopes.discard((agent.id, agent.trigger_id))
                sim.end_streams(run_id)
                await until(pilot, lambda: app.status_line.connection == "offline", what="offline")
            if scene.then is not None:
                await scene.then(app, pilot)
            if scene.press:
                await pilot.press(*scene.press)
                await pilot.pause(0.2)

        with scene_clock():
            yield app, run_before

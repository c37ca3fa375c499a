"""The console under faults injected by the simulator, over real sockets: it reconnects by
itself, never misses or doubles a step, never loses a draft and never sends twice."""

from __future__ import annotations

import asyncio

from phrony_tui.api import PhronyClient
from phrony_tui.session import build_answer
from phrony_tui.sim import SimServer
from phrony_tui.ui.widgets.pauses.reply import ReplyArea
from tests.reliability.helpers import FAST, converges
from tests.ui.helpers import console, pause_kind, received, retries, shows, until


async def test_fifty_drops_during_a_multi_agent_run(faulty: SimServer) -> None:
    faulty.faults.set("drop-stream-every", 1)
    async with console(faulty, "multi-agent", {"chatter": 5000}, **FAST) as (app, pilot):
        # The children wait for people while the root keeps talking: let the drops pile up.
        await until(pilot, lambda: faulty.world.drops >= 50, timeout=120, what="50 drops")
        answered: set[str] = set()
        while app.state.status != "Completed":
            pause = app.composer.selected
            if (
                pause
                and pause.task
                and pause.task.api_completable
                and (pause.task.id not in answered and app.composer.pending_decision is None)
            ):
                answered.add(pause.task.id)
                if pause.task.kind == "approval":
                    await pilot.press("a", "y")
                else:
                    app.composer.focus_control()
                    await until(pilot, lambda: app.focused is not None)
                    await pilot.press(*"yes", "enter")
            elif pause and pause.task and not pause.task.api_completable:
                await pilot.press("n")
            await pilot.pause(0.05)
            assert app.is_running
        faulty.faults.clear()
        await converges(pilot, faulty, app)


async def test_server_restart_mid_run(faulty: SimServer) -> None:
    async with console(faulty, "chat", **FAST) as (app, pilot):
        await until(pilot, lambda: isinstance(app.focused, ReplyArea))
        await until(pilot, lambda: app.status_line.connection == "live")
        await asyncio.to_thread(faulty.restart, 0.5)
        await until(pilot, lambda: retries(app) >= 1, what="the drop noticed")
        await until(pilot, lambda: app.status_line.connection == "live", what="live again")
        await pilot.press(*"after the restart", "enter")
        await shows(pilot, app, "You said: after the restart")


async def test_revoked_key_stops_the_stream_with_a_reason(faulty: SimServer) -> None:
    async with console(faulty, "chat", **FAST) as (app, pilot):
        await until(pilot, lambda: app.status_line.connection == "live")
        faulty.world.key_named("main").active = False
        await asyncio.to_thread(faulty.restart, 0.1)
        await until(pilot, lambda: app.status_line.connection == "offline", what="offline")
        assert "revoked" in app.status_line.detail
        await shows(pilot, app, "offline")
        # Not retried: the stream worker has returned, so nothing can ask again.
        await until(
            pilot,
            lambda: all(w.is_finished for w in app.workers if w.name == "stream"),
            what="the stream worker stopped",
        )


async def test_rate_limited_send_is_retried_once(faulty: SimServer) -> None:
    async with console(faulty, "chat", **FAST) as (app, pilot):
        await until(pilot, lambda: isinstance(app.focused, ReplyArea))
        faulty.faults.set("retry-after", 0.2)
        faulty.faults.set("rate-limit-next", 1)
        await pilot.press(*"limited", "enter")
        await shows(pilot, app, "You said: limited")
        turns = [i for i in app.state.timeline if i.type == "UserMessage"]
        assert [t.content["text"] for t in turns] == ["limited"]
        assert [r.status for r in received(faulty, app.run_id)] == [202]


async def test_failure_after_the_server_accepted_sends_nothing_twice(faulty: SimServer) -> None:
    async with console(faulty, "chat", **FAST) as (app, pilot):
        await until(pilot, lambda: isinstance(app.focused, ReplyArea))
        faulty.faults.set("fail-after-accept", 1)
        await pilot.press(*"arrived anyway", "enter")
        await shows(pilot, app, "You said: arrived anyway")
        await until(
            pilot, lambda: app.run_screen.query_one(ReplyArea).text == "", what="draft cleared"
        )
        accepted = [r for r in received(faulty, app.run_id) if r.status == 202]
        assert [r.body["text"] for r in accepted] == ["arrived anyway"]


async def test_failure_before_processing_keeps_the_draft_to_resend(faulty: SimServer) -> None:
    async with console(faulty, "chat", **FAST) as (app, pilot):
        await until(pilot, lambda: isinstance(app.focused, ReplyArea))
        faulty.faults.set("fail-next", 1)
        await pilot.press(*"try again", "enter")
        await shows(pilot, app, "Not delivered", "send it again")
        assert app.run_screen.query_one(ReplyArea).text == "try again"
        assert received(faulty, app.run_id) == []
        app.composer.focus_control()
        await until(pilot, lambda: isinstance(app.focused, ReplyArea))
        await pilot.press("enter")
        await shows(pilot, app, "You said: try again")
        accepted = [r for r in received(faulty, app.run_id) if r.status == 202]
        assert len(accepted) == 1


async def test_a_stalled_stream_is_abandoned_and_reopened(faulty: SimServer) -> None:
    faulty.faults.set("heartbeat-s", 60)
    async with console(faulty, "chat", stall_timeout=0.5, **FAST) as (app, pilot):
        await until(pilot, lambda: app.status_line.connection == "live")
        await until(pilot, lambda: retries(app) >= 2, what="stalls detected")
        assert pause_kind(app) == "reply"


async def test_polling_when_the_stream_cannot_be_had(faulty: SimServer) -> None:
    faulty.faults.set("fail-stream", 1)
    async with console(faulty, "chat", **FAST) as (app, pilot):
        await until(pilot, lambda: app.status_line.connection == "polling", what="polling")
        await shows(pilot, app, "polling")
        await until(pilot, lambda: isinstance(app.focused, ReplyArea))
        await pilot.press(*"while polling", "enter")
        await shows(pilot, app, "You said: while polling")
        faulty.faults.clear()
        faulty.faults.set("retry-ms", 10)
        app.run_screen.action_reconnect()
        await until(pilot, lambda: app.status_line.connection == "live", what="live again")


async def test_an_ambiguous_failure_on_a_task_answered_elsewhere_says_so(faulty: SimServer) -> None:
    async with console(faulty, "approval", **FAST) as (app, pilot):
        await until(pilot, lambda: pause_kind(app) == "approval", what="the approval")
        await until(pilot, lambda: app.status_line.connection == "live")
        pause = app.composer.selected
        assert pause is not None and pause.task is not None
        # Someone rejects it elsewhere while this console hears nothing of it.
        faulty.mute_streams(app.run_id)
        async with PhronyClient(faulty.base_url, faulty.api_key) as other:
            await other.send_message(build_answer(pause.task, False))
        faulty.faults.set("fail-next", 1)  # our approval fails before it is processed
        await pilot.press("a", "y")
        await shows(pilot, app, "answered differently, elsewhere")
        accepted = [r.body for r in received(faulty, app.run_id) if r.status == 202]
        assert [b["approved"] for b in accepted] == [False]  # only the other person's answer
        await until(pilot, lambda: not app.composer.pauses, what="the task refreshed away")

"""How the live stream ends, and what the console does about it, over real loopback sockets:
backoff numbers, clean ends, resets, trickles, the server's ``retry:``, refusals (403, 404),
``Retry-After`` on 429 and 503, malformed events, the status line's wording, the key kept off
the screen, and reconnecting by hand after the console went offline.

The simulator ends streams cleanly, trickles, resets the connection mid-event and answers 503
on demand. Waits are read from what the stream worker announces, never timed.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from phrony_tui.api import PhronyClient
from phrony_tui.api.models import MessageBody
from phrony_tui.live import retry as feed
from phrony_tui.live.retry import BACKOFF_CAP
from phrony_tui.sim import SimServer
from phrony_tui.ui.app import ConsoleApp
from phrony_tui.ui.widgets.pauses.reply import ReplyArea
from tests.reliability.helpers import FAST, converges
from tests.ui.helpers import Seen, connections, console, retries, screen_text, shows, until

#: "◌ reconnecting in 3 s" (or "reconnecting (next try in 3 s)"): the wait is on the line.
NEXT_TRY = re.compile(r"reconnecting\b[^│]*?\bin (\d+) s\b")


# --- helpers ---------------------------------------------------------------------------------


def subscribers(sim: SimServer, run_id: str) -> int:
    run = sim.world.engine.runs.get(run_id)
    return len(run.session.subscribers) if run else 0


def record_connection(app: ConsoleApp) -> Callable[[], list[Seen]]:
    """The connection updates the stream worker posts from now on, in order."""
    start = len(connections(app))
    return lambda: connections(app)[start:]


def waits(seen: list[Seen]) -> list[Seen]:
    """The updates that announce a wait before the next try."""
    return [m for m in seen if m.retry_in is not None]


def stream_stopped(app: ConsoleApp) -> bool:
    """The stream worker has returned: it sends no request any more."""
    return all(w.is_finished for w in app.workers if w.name == "stream")


async def live_chat(pilot: Pilot[None], app: ConsoleApp, sim: SimServer) -> None:
    await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="the reply box")
    await until(pilot, lambda: app.status_line.connection == "live", what="live")
    await until(pilot, lambda: subscribers(sim, app.run_id) >= 1, what="the stream subscribed")


# --- 1. the backoff numbers -------------------------------------------------------------------

SAMPLES = 2000


def test_backoff_grows_exponentially_with_jitter_over_the_upper_half() -> None:
    base = 0.5
    means = []
    for attempt in range(12):
        ceiling = min(BACKOFF_CAP, base * 2**attempt)
        delays = [feed.backoff(attempt, None, base) for _ in range(SAMPLES)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays), attempt
        # Jitter: the samples spread over the whole upper half, not one value.
        assert min(delays) < ceiling * 0.6 and max(delays) > ceiling * 0.9, attempt
        means.append(sum(delays) / SAMPLES)
    uncapped = [m for a, m in enumerate(means) if base * 2**a <= BACKOFF_CAP]
    assert len(uncapped) >= 5
    for before, after in itertools.pairwise(uncapped):
        assert after / before == pytest.approx(2.0, rel=0.15)


def test_backoff_is_capped_whatever_the_attempt() -> None:
    for attempt in (10, 30, 31, 64, 1000, 10**9):
        delays = [feed.backoff(attempt, None, 0.5) for _ in range(SAMPLES)]
        assert all(BACKOFF_CAP / 2 <= d <= BACKOFF_CAP for d in delays), attempt
    assert all(feed.backoff(a) <= BACKOFF_CAP for a in range(200))


def test_backoff_is_never_below_the_servers_hint_itself_capped() -> None:
    for attempt in range(8):
        ceiling = min(BACKOFF_CAP, 0.02 * 2**attempt)
        for hint in (0.4, 1.0, 3.0, 14.9):
            delays = [feed.backoff(attempt, hint, 0.02) for _ in range(500)]
            assert all(d >= hint for d in delays), (attempt, hint)
            assert all(d <= max(hint, ceiling) for d in delays), (attempt, hint)
        for hint in (15.0, 60.0, 3600.0, 1e12):
            assert all(feed.backoff(attempt, hint, 0.02) == BACKOFF_CAP for _ in range(100))
    # A hint below the jittered delay changes nothing; no hint (or 0) is no floor.
    for low in (None, 0.0, 0.001):
        delays = [feed.backoff(4, low, 0.5) for _ in range(SAMPLES)]
        assert all(4.0 <= d <= 8.0 for d in delays)


# --- 2. the stream ends cleanly, or is reset, while the run goes on ------------------------


async def test_clean_end_of_the_stream_reconnects_and_reconciles(faulty: SimServer) -> None:
    # A long retry (600 s, waited as the 15 s cap): after the clean end the console waits,
    # and what happens meanwhile is missed by the stream (it does not replay); ctrl+r
    # reconnects now.
    faulty.faults.set("retry-ms", 600_000)
    async with console(faulty, "chat", **FAST) as (app, pilot):
        await live_chat(pilot, app, faulty)
        seen = record_connection(app)
        assert faulty.end_streams(app.run_id) >= 1
        await until(pilot, lambda: retries(app) >= 1, what="the clean end noticed")
        await until(pilot, lambda: subscribers(faulty, app.run_id) == 0, what="stream closed")
        assert app.status_line.connection == "reconnecting"
        assert [m.retry_in for m in waits(seen())] == [pytest.approx(BACKOFF_CAP, abs=0.25)], [
            (id(m.update), m.at) for m in seen()
        ]
        # Steps happen while no stream is open.
        async with PhronyClient(faulty.base_url, faulty.api_key) as other:
            await other.send_message(MessageBody(run_id=app.run_id, text="in the gap"))
            for _ in range(300):
                conv = await other.get_conversation(app.run_id)
                if "You said: in the gap" in str([i.content for i in conv.items]):
                    break
                await asyncio.sleep(0.02)
        assert subscribers(faulty, app.run_id) == 0, "the console reconnected on its own"
        await pilot.press("ctrl+r")
        # Bounded well below the 15 s wait: only the key can have cut it short.
        await until(
            pilot, lambda: app.status_line.connection == "live", timeout=8, what="live again"
        )
        assert [m.retry_in for m in waits(seen())] == [pytest.approx(BACKOFF_CAP, abs=0.25)]
        await shows(pilot, app, "You said: in the gap")
        await converges(pilot, faulty, app)
        # Still live for what comes next.
        await pilot.press(*"after the gap", "enter")
        await shows(pilot, app, "You said: after the gap")
        await converges(pilot, faulty, app)


async def test_connection_reset_mid_event_is_retried_and_the_timeline_stays_right(
    faulty: SimServer,
) -> None:
    faulty.faults.set("reset-stream", 1)  # the start of an event, then a TCP reset
    async with console(faulty, "chat", **FAST) as (app, pilot):
        await until(pilot, lambda: retries(app) >= 3, what="resets noticed")
        assert faulty.world.drops >= 3
        assert app.is_running
        # The stream cannot be had: polling keeps the timeline right meanwhile.
        await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="the reply box")
        await pilot.press(*"despite resets", "enter")
        await shows(pilot, app, "You said: despite resets", timeout=15)
        await converges(pilot, faulty, app)


# --- 3. a stream that trickles is dead --------------------------------------------------------


async def test_a_trickling_stream_is_treated_as_dead(faulty: SimServer) -> None:
    faulty.faults.set("trickle-stream", 1)
    async with console(faulty, "chat", stall_timeout=0.5, **FAST) as (app, pilot):
        seen = record_connection(app)
        await until(pilot, lambda: retries(app) >= 2, what="reconnects")
        # Bytes kept coming on each, yet each counted as a failure, not as live traffic.
        # Each was abandoned by the watchdog, which names its bound.
        failures = [m for m in seen() if m.state in ("reconnecting", "polling") and m.detail]
        assert failures and all("0.5 s" in m.detail for m in failures), failures
        assert app.is_running
        faulty.faults.set("trickle-stream", 0)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.status_line.connection == "live", what="live again")


# --- 4. the server's retry: -------------------------------------------------------------------


async def test_the_servers_retry_advice_is_honoured_after_a_drop(faulty: SimServer) -> None:
    faulty.faults.set("retry-ms", 400)
    async with console(faulty, "chat", **FAST) as (app, pilot):
        await live_chat(pilot, app, faulty)
        seen = record_connection(app)
        faulty.faults.set("drop-stream-every", 1)
        await pilot.press(*"drop it", "enter")
        await until(pilot, lambda: faulty.world.drops >= 1 and waits(seen()), what="a drop")
        await shows(pilot, app, "You said: drop it")
        faulty.faults.set("drop-stream-every", 0)
        await until(pilot, lambda: app.status_line.connection == "live", what="live again")
        announced = waits(seen())
        # Counted from when the screen got it, a few milliseconds after the feed announced it.
        assert all(m.retry_in is not None and m.retry_in >= 0.4 - 0.05 for m in announced), [
            m.retry_in for m in announced
        ]
        # Each announced wait ends in a try (a post with no wait), never in another wait.
        for message, after in itertools.pairwise(seen()):
            if message.retry_in is not None:
                assert after.retry_in is None, (message, after)
        await converges(pilot, faulty, app)


# --- 5. 403 and 404 stop the loop -------------------------------------------------------------


@pytest.mark.parametrize("status", [403, 404])
async def test_forbidden_or_gone_stops_the_stream_with_a_reason(
    faulty: SimServer, status: int
) -> None:
    async with console(faulty, "chat", **FAST) as (app, pilot):
        await live_chat(pilot, app, faulty)
        run_id = app.run_id
        if status == 403:  # the key loses the run's agent from its scopes
            agent = faulty.world.engine.runs[run_id].session.agent
            faulty.world.key_named("main").scopes.discard((agent.id, agent.trigger_id))
            faulty.end_streams(run_id)
        else:
            faulty.forget_run(run_id)
        await until(pilot, lambda: app.status_line.connection == "offline", what="offline")
        assert str(status) in app.status_line.detail
        await shows(pilot, app, "offline", str(status))
        # Not retried: the worker has returned.
        await until(pilot, lambda: stream_stopped(app), what="the stream worker stopped")
        assert app.status_line.connection == "offline"
        assert app.is_running


# --- 6. 429 and 503 with Retry-After ----------------------------------------------------------


@pytest.mark.parametrize("status", [429, 503])
@pytest.mark.parametrize("retry_after", [3.0, 120.0])
async def test_retry_after_on_the_stream_is_honoured_within_the_cap(
    faulty: SimServer, status: int, retry_after: float
) -> None:
    async with console(faulty, "chat", **FAST) as (app, pilot):
        await live_chat(pilot, app, faulty)
        seen = record_connection(app)
        faulty.faults.set("retry-after", retry_after)
        if status == 429:
            faulty.faults.set("rate-limit-every", 1)
        else:
            faulty.faults.set("unavailable-next", 1000)
        faulty.end_streams(app.run_id)
        await until(
            pilot,
            lambda: any(m.detail.startswith(str(status)) for m in waits(seen())),
            what=f"a {status} on the stream",
        )
        first = next(m for m in waits(seen()) if m.detail.startswith(str(status)))
        expected = min(retry_after, BACKOFF_CAP)
        assert first.state == "reconnecting"
        assert first.retry_in == pytest.approx(expected, abs=0.05)
        assert app.status_line.connection == "reconnecting"
        match = NEXT_TRY.search(screen_text(app))
        assert match, screen_text(app).splitlines()[-3:]
        assert expected - 2 <= int(match.group(1)) <= expected
        faulty.faults.clear()
        faulty.faults.set("retry-ms", 10)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.status_line.connection == "live", what="live again")


# --- 7. malformed events ----------------------------------------------------------------------


async def test_malformed_events_are_skipped_counted_and_the_timeline_is_right(
    faulty: SimServer,
) -> None:
    faulty.faults.set("malformed-every", 4)
    async with console(faulty, "firehose", {"count": 40, "wait_for_stream": 10}, **FAST) as (
        app,
        pilot,
    ):
        await until(pilot, lambda: app.state.status == "Completed", timeout=20, what="done")
        # The firehose waited for the stream: its 40 steps (and more) went through it.
        await until(pilot, lambda: app.status_line.malformed >= 10, what="malformed counted")
        count = app.status_line.malformed
        await shows(pilot, app, f"{count} malformed event(s) skipped")
        await converges(pilot, faulty, app)
        assert app.is_running


# --- 8. the status line while reconnecting ----------------------------------------------------


async def test_status_line_says_when_the_next_try_is(faulty: SimServer) -> None:
    faulty.faults.set("retry-ms", 9000)
    async with console(faulty, "chat", **FAST) as (app, pilot):
        await live_chat(pilot, app, faulty)
        faulty.end_streams(app.run_id)
        await until(pilot, lambda: app.status_line.connection == "reconnecting")
        match = await until(
            pilot, lambda: NEXT_TRY.search(screen_text(app)), what="the next try on the line"
        )
        assert 7 <= int(match.group(1)) <= 9
        # The count goes down (the line is redrawn every second).
        await until(
            pilot,
            lambda: (m := NEXT_TRY.search(screen_text(app))) and int(m.group(1)) < 8,
            timeout=4,
            what="the countdown",
        )
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.status_line.connection == "live", what="live again")
        assert not NEXT_TRY.search(screen_text(app))


# --- 9. the key never on screen ---------------------------------------------------------------


async def test_the_key_never_appears_on_screen_or_in_a_screenshot(faulty: SimServer) -> None:
    key = faulty.api_key
    async with console(faulty, "chat", **FAST) as (app, pilot):
        await live_chat(pilot, app, faulty)
        await pilot.press(*"hello", "enter")
        await shows(pilot, app, "You said: hello")
        assert key not in screen_text(app)
        assert key not in app.export_screenshot()
        # Refused: the error is shown, the key is not.
        faulty.world.key_named("main").active = False
        faulty.end_streams(app.run_id)
        await until(pilot, lambda: app.status_line.connection == "offline", what="offline")
        await shows(pilot, app, "offline", "401")
        svg = app.export_screenshot()
        assert "offline" in svg
        assert key not in svg
        assert key not in screen_text(app)
        assert key not in app.status_line.detail


# --- 10. ctrl+r after going offline -----------------------------------------------------------


async def test_ctrl_r_after_going_offline_reconnects_once_the_key_works_again(
    faulty: SimServer,
) -> None:
    async with console(faulty, "chat", **FAST) as (app, pilot):
        await live_chat(pilot, app, faulty)
        key = faulty.world.key_named("main")
        key.active = False
        faulty.end_streams(app.run_id)
        await until(pilot, lambda: app.status_line.connection == "offline", what="offline")
        await pilot.pause(0.3)
        key.active = True
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.status_line.connection == "live", what="live again")
        await until(pilot, lambda: subscribers(faulty, app.run_id) >= 1, what="subscribed")
        app.composer.focus_control()
        await until(pilot, lambda: isinstance(app.focused, ReplyArea))
        await pilot.press(*"back again", "enter")
        await shows(pilot, app, "You said: back again")
        await converges(pilot, faulty, app)

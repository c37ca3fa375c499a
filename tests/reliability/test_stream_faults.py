"""How the live stream ends, and what the console does about it, over real loopback sockets:
backoff numbers, clean ends, resets, trickles, the server's ``retry:``, refusals (403, 404),
``Retry-After`` on 429 and 503, malformed events, the status line's wording, the key kept off
the screen, and reconnecting by hand after the console went offline.

The simulator ends streams cleanly, trickles and answers 503 on demand; a TCP reset is made by
a small HTTP front on loopback that passes every request through to the simulator except the
stream, which it answers with the start of an event and then a reset.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import socket
import struct
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from textual.message import Message
from textual.pilot import Pilot

from phrony_tui.api import PhronyClient
from phrony_tui.api.models import MessageBody
from phrony_tui.sim import SimServer
from phrony_tui.ui import feed
from phrony_tui.ui.app import ConsoleApp
from phrony_tui.ui.feed import BACKOFF_CAP
from phrony_tui.ui.messages import ConnectionChanged
from phrony_tui.ui.widgets.pauses.reply import ReplyArea
from tests.reliability.helpers import FAST, converges
from tests.ui.helpers import SIZE, console, screen_text, shows, until

#: "◌ reconnecting in 3 s" (or "reconnecting (next try in 3 s)"): the wait is on the line.
NEXT_TRY = re.compile(r"reconnecting\b[^│]*?\bin (\d+) s\b")


# --- helpers ---------------------------------------------------------------------------------


def subscribers(sim: SimServer, run_id: str) -> int:
    run = sim.world.engine.runs.get(run_id)
    return len(run.session.subscribers) if run else 0


def record_connection(app: ConsoleApp) -> list[tuple[float, ConnectionChanged]]:
    """Every ``ConnectionChanged`` the stream worker posts from now on, with its time."""
    seen: list[tuple[float, ConnectionChanged]] = []
    post = app.run_screen.feed.post

    def spy(message: Message) -> bool:
        if isinstance(message, ConnectionChanged):
            seen.append((time.monotonic(), message))
        return post(message)

    app.run_screen.feed.post = spy
    return seen


def waits(seen: list[tuple[float, ConnectionChanged]]) -> list[ConnectionChanged]:
    """The posts that announce a wait before the next try."""
    return [m for _, m in seen if m.retry_in is not None]


async def live_chat(pilot: Pilot[None], app: ConsoleApp, sim: SimServer) -> None:
    await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="the reply box")
    await until(pilot, lambda: app.status_line.connection == "live", what="live")
    await until(pilot, lambda: subscribers(sim, app.run_id) >= 1, what="the stream subscribed")


# --- a loopback front whose stream misbehaves -------------------------------------------------

HOP_HEADERS = {"host", "connection", "keep-alive", "content-length", "transfer-encoding"}


class StreamFront:
    """An HTTP/1.1 front on loopback: every request goes through to the simulator, except
    ``GET …/stream``, which it answers itself with the start of an event, then a TCP reset
    (``SO_LINGER`` 0)."""

    def __init__(self, sim: SimServer) -> None:
        self.sim = sim
        self.streams = 0
        self.port = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._http = httpx.AsyncClient(timeout=10)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> StreamFront:
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._http.aclose()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            while True:  # keep-alive: one request after another
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                request_line, *lines = head.split("\r\n")
                method, target, _ = request_line.split(" ", 2)
                headers = [tuple(h.split(":", 1)) for h in lines if ":" in h]
                pairs = [(k.strip(), v.strip()) for k, v in headers]
                length = next((int(v) for k, v in pairs if k.lower() == "content-length"), 0)
                body = await reader.readexactly(length) if length else b""
                if method == "GET" and target.split("?")[0].endswith("/stream"):
                    self.streams += 1
                    await self._stream(reader, writer)
                    return
                await self._forward(method, target, pairs, body, writer)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _forward(
        self,
        method: str,
        target: str,
        headers: list[tuple[str, str]],
        body: bytes,
        writer: asyncio.StreamWriter,
    ) -> None:
        response = await self._http.request(
            method,
            self.sim.base_url + target,
            headers=[(k, v) for k, v in headers if k.lower() not in HOP_HEADERS],
            content=body,
        )
        lines = [f"HTTP/1.1 {response.status_code} {response.reason_phrase}"]
        for name in ("content-type", "retry-after"):
            if name in response.headers:
                lines.append(f"{name}: {response.headers[name]}")
        lines.append(f"content-length: {len(response.content)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + response.content)
        await writer.drain()

    async def _stream(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        def chunk(data: bytes) -> bytes:
            return b"%x\r\n%s\r\n" % (len(data), data)

        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
            b"transfer-encoding: chunked\r\n\r\n" + chunk(b"retry: 10\n\n")
        )
        await writer.drain()
        writer.write(chunk(b'data: {"kind": "st'))
        await writer.drain()
        await asyncio.sleep(0.05)
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()


@asynccontextmanager
async def console_at(
    sim: SimServer, base_url: str, scenario: str, **options: Any
) -> AsyncIterator[tuple[ConsoleApp, Pilot[Any]]]:
    """The console opened on a new run of ``scenario``, talking to ``base_url``."""
    async with PhronyClient(sim.base_url, sim.api_key) as starter:
        started = await starter.start_run(sim.agents[scenario])
    app = ConsoleApp(
        PhronyClient(base_url, sim.api_key),
        started.run_id,
        show_event_age=False,
        steady=True,
        **options,
    )
    async with app.run_test(size=SIZE) as pilot:
        yield app, pilot


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
    # A long retry: after the clean end the console waits, and what happens meanwhile is
    # missed by the stream (it does not replay); ctrl+r reconnects now.
    faulty.faults.set("retry-ms", 10_000)
    async with console(faulty, "chat", **FAST) as (app, pilot):
        await live_chat(pilot, app, faulty)
        seen = record_connection(app)
        assert faulty.end_streams(app.run_id) >= 1
        await until(
            pilot, lambda: app.run_screen.feed.reconnects >= 1, what="the clean end noticed"
        )
        await until(pilot, lambda: subscribers(faulty, app.run_id) == 0, what="stream closed")
        assert app.status_line.connection == "reconnecting"
        assert [m.retry_in for m in waits(seen)] == [pytest.approx(10.0, abs=0.01)]
        # Steps happen while no stream is open.
        async with PhronyClient(faulty.base_url, faulty.api_key) as other:
            await other.send_message(MessageBody(run_id=app.run_id, text="in the gap"))
            for _ in range(300):
                conv = await other.get_conversation(app.run_id)
                if "You said: in the gap" in str([i.content for i in conv.items]):
                    break
                await asyncio.sleep(0.02)
        assert subscribers(faulty, app.run_id) == 0, "the console reconnected on its own"
        started = time.monotonic()
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.status_line.connection == "live", what="live again")
        assert time.monotonic() - started < 5, "ctrl+r did not cut the 10 s wait short"
        await shows(pilot, app, "You said: in the gap")
        await converges(pilot, faulty, app)
        # Still live for what comes next.
        await pilot.press(*"after the gap", "enter")
        await shows(pilot, app, "You said: after the gap")
        await converges(pilot, faulty, app)


async def test_connection_reset_mid_event_is_retried_and_the_timeline_stays_right(
    faulty: SimServer,
) -> None:
    async with (
        StreamFront(faulty) as front,
        console_at(faulty, front.base_url, "chat", **FAST) as (app, pilot),
    ):
        await until(pilot, lambda: app.run_screen.feed.reconnects >= 3, what="resets noticed")
        assert front.streams >= 3
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
        await until(pilot, lambda: app.run_screen.feed.reconnects >= 2, what="reconnects")
        # Bytes kept coming on each, yet each counted as a failure, not as live traffic.
        # Each was abandoned by the watchdog, which names its bound.
        failures = [m for _, m in seen if m.state in ("reconnecting", "polling") and m.detail]
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
        await until(pilot, lambda: faulty.world.drops >= 1 and waits(seen), what="a drop")
        await shows(pilot, app, "You said: drop it")
        faulty.faults.set("drop-stream-every", 0)
        await until(pilot, lambda: app.status_line.connection == "live", what="live again")
        announced = waits(seen)
        assert all(m.retry_in is not None and m.retry_in >= 0.4 for m in announced), [
            m.retry_in for m in announced
        ]
        # The next try starts no sooner than announced (its first post has no retry_in).
        for (at, message), (next_at, _) in itertools.pairwise(seen):
            if message.retry_in is not None:
                assert next_at - at >= message.retry_in - 0.02
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
        count = faulty.world.request_count
        await pilot.pause(1.0)
        assert faulty.world.request_count == count, f"a {status} is not retried"
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
            lambda: any(m.detail.startswith(str(status)) for m in waits(seen)),
            what=f"a {status} on the stream",
        )
        first = next(m for m in waits(seen) if m.detail.startswith(str(status)))
        expected = min(retry_after, BACKOFF_CAP)
        assert first.state == "reconnecting"
        assert first.retry_in == pytest.approx(expected, abs=0.05)
        assert app.status_line.connection == "reconnecting"
        match = NEXT_TRY.search(screen_text(app))
        assert match, screen_text(app).splitlines()[-3:]
        assert expected - 2 <= int(match.group(1)) <= expected
        # No try before the wait is over.
        tries = len(seen)
        await pilot.pause(0.5)
        assert len(seen) == tries
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

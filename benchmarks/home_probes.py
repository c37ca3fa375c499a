"""The home screen, headless against the simulator: the inbox's first paint over many agents
and the requests it took, the CPU an idle home screen spends polling, and keys on a list of
10,000 sessions. Each runs in its own process (``benchmarks.probes`` dispatches)."""

from __future__ import annotations

import asyncio
import resource
import statistics
import time
from typing import Any

from benchmarks.probes import key_to_frame

SIZE = (160, 50)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _app(base: str, key: str, agents_csv: str, probe: type[Any] | None = None) -> Any:
    from phrony_tui.api import PhronyClient
    from phrony_tui.inbox.agents import WatchedAgent
    from phrony_tui.ui.app import ConsoleApp
    from phrony_tui.ui.config import Settings

    agents = [WatchedAgent(agent_id) for agent_id in agents_csv.split(",")]
    cls = probe or ConsoleApp
    return cls(
        PhronyClient(base, key, manage_gc=True),
        None,
        agents=agents,
        settings=Settings(poll_interval=5.0),
        steady=True,
    )


def inbox(base: str, key: str, agents_csv: str, expected: str, idle: str) -> dict[str, Any]:
    """Seconds from the app's start to the first frame listing ``expected`` waiting rows, the
    requests the inbox made until then, and the share of a core the home screen then spends
    over ``idle`` seconds of polling (every 5 s) with nothing changing."""
    from phrony_tui.ui.app import ConsoleApp
    from phrony_tui.ui.screens.home import HomeScreen

    wanted = int(expected)
    marks: dict[str, Any] = {}

    class Probe(ConsoleApp):
        def _display(self, screen: Any, renderable: Any) -> None:
            super()._display(screen, renderable)
            if "painted" in marks or renderable is None or not isinstance(screen, HomeScreen):
                return
            snapshot = screen.inbox.snapshot
            if snapshot is not None and not snapshot.loading and len(snapshot.rows) >= wanted:
                marks["painted"] = time.perf_counter()
                marks["requests"] = screen.inbox.poller.requests
                marks["rows"] = len(snapshot.rows)

    async def main() -> dict[str, Any]:
        app = _app(base, key, agents_csv, Probe)
        start = time.perf_counter()
        async with app.run_test(size=SIZE) as pilot:
            while "painted" not in marks:
                await pilot.pause(0.01)
            await pilot.pause(1.0)  # what the first pass left to do
            home = app.screen
            assert isinstance(home, HomeScreen)
            requests_before, cpu_before = home.inbox.poller.requests, _cpu_seconds()
            began = time.perf_counter()
            await asyncio.sleep(float(idle))
            cpu = _cpu_seconds() - cpu_before
            elapsed = time.perf_counter() - began
            polls = home.inbox.poller.requests - requests_before
        return {
            "first_paint_s": marks["painted"] - start,
            "rows": marks["rows"],
            "requests": marks["requests"],
            "idle_cpu_pct": 100 * cpu / elapsed,
            "idle_s": elapsed,
            "idle_requests": polls,
        }

    return asyncio.run(main())


def sessions(base: str, key: str, agents_csv: str, expected: str) -> dict[str, Any]:
    """On the sessions tab of all agents merged: milliseconds from a key to the frame that
    shows it (page down; End, which also asks for the next pages), and the seconds End
    held down takes to reach the last of ``expected`` sessions."""
    from phrony_tui.ui.app import ConsoleApp
    from phrony_tui.ui.screens.home import HomeScreen

    samples: dict[str, list[float]] = {"pagedown": [], "end": []}
    waiting: dict[str, Any] = {}

    def cursor(app: Any) -> int:
        home = app.screen
        return int(home.sessions.row_list.cursor) if isinstance(home, HomeScreen) else -1

    class Probe(ConsoleApp):
        def _display(self, screen: Any, renderable: Any) -> None:
            super()._display(screen, renderable)
            if "done" in waiting and renderable is not None and cursor(self) != waiting["cursor"]:
                waiting.pop("done").set()
                waiting["end"] = time.perf_counter()

    async def main() -> dict[str, Any]:
        app = _app(base, key, agents_csv, Probe)
        async with app.run_test(size=SIZE) as pilot:
            while not isinstance(app.screen, HomeScreen):
                await pilot.pause(0.01)
            home = app.screen
            await pilot.press("s")
            while len(home.sessions.pages.rows) < 100:
                await pilot.pause(0.01)
            await pilot.pause(0.3)

            async def timed(name: str, key: str) -> None:
                samples[name].append(await key_to_frame(pilot, waiting, key, cursor=cursor(app)))

            for _ in range(40):
                await timed("pagedown", "pagedown")
            begin = time.perf_counter()
            total = int(expected)
            rows = home.sessions.pages.rows
            while home.sessions.row_list.cursor < total - 1:
                while len(rows) - 1 <= home.sessions.row_list.cursor:
                    await pilot.pause(0.005)  # the next page is on its way
                    rows = home.sessions.pages.rows
                await timed("end", "end")
            to_end = time.perf_counter() - begin
            return {
                "pagedown_p50_ms": statistics.median(samples["pagedown"]),
                "pagedown_max_ms": max(samples["pagedown"]),
                "end_p50_ms": statistics.median(samples["end"]),
                "end_max_ms": max(samples["end"]),
                "to_end_s": to_end,
                "sessions": len(home.sessions.pages.rows),
            }

    return asyncio.run(main())

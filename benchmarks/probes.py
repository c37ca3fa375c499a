"""One measurement per process, so each one's memory and CPU are its own.

``python -m benchmarks.probes NAME BASE_URL KEY [ARGS…]`` prints one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import resource
import statistics
import sys
import time
from datetime import datetime
from typing import Any

import httpx

T0 = time.perf_counter()
SIZE = (160, 50)


def peak_rss_mb() -> float:
    """This process's peak resident memory. ``VmHWM`` where there is one: ``ru_maxrss``
    survives ``exec``, so a probe started by a large runner would report the runner's size."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


# --- cold open --------------------------------------------------------------------------------


def floor_open(base: str, key: str, run_id: str) -> dict[str, Any]:
    """The bare work: fetch the conversation and ``json.loads`` it."""
    start = time.perf_counter()
    response = httpx.get(
        f"{base}/v1/runs/{run_id}/conversation", headers={"X-API-Key": key}, timeout=120
    )
    json.loads(response.content)
    return {
        "seconds": time.perf_counter() - start,
        "peak_rss_mb": peak_rss_mb(),
        "json_mb": len(response.content) / 1024 / 1024,
    }


def console_open(base: str, key: str, run_id: str) -> dict[str, Any]:
    """What ``phrony-tui RUN_ID`` does, until the first frame shows the timeline."""
    from phrony_tui.api import PhronyClient
    from phrony_tui.preflight import checked
    from phrony_tui.ui.app import ConsoleApp
    from phrony_tui.ui.screens.run import RunScreen

    start = time.perf_counter()
    conversation = checked(PhronyClient(base, key, manage_gc=True), run_id)
    result: dict[str, Any] = {}

    class Screen(RunScreen):
        def _apply(self, change: Any) -> None:
            super()._apply(change)
            if self.timeline.rows and not result:
                result["rows"] = len(self.timeline.rows)
                self.call_after_refresh(self.done)

        def done(self) -> None:
            result["seconds"] = time.perf_counter() - start
            self.app.exit()

    class Probe(ConsoleApp):
        run_screen_class = Screen

    Probe(
        PhronyClient(base, key, manage_gc=True), run_id, initial=conversation, show_event_age=False
    ).run(headless=True, size=SIZE)
    return result | {"peak_rss_mb": peak_rss_mb()}


# --- firehose ---------------------------------------------------------------------------------


async def _start(base: str, key: str, scenario_id: str, body: dict[str, Any]) -> str:
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{base}/v1/agents/{scenario_id}/runs", headers={"X-API-Key": key}, json={"input": body}
        )
        return str(response.json()["runId"])


def floor_firehose(base: str, key: str, agent: str, count: str) -> dict[str, Any]:
    """A bare httpx-sse loop: parse every event, count the steps."""
    from httpx_sse import aconnect_sse

    n_wanted = int(count)

    async def main() -> dict[str, Any]:
        run_id = await _start(base, key, agent, {"count": n_wanted, "wait_for_stream": 10})
        seen, first = 0, 0.0
        async with (
            httpx.AsyncClient(timeout=None) as client,
            aconnect_sse(
                client, "GET", f"{base}/v1/runs/{run_id}/stream", headers={"X-API-Key": key}
            ) as source,
        ):
            async for sse in source.aiter_sse():
                event = json.loads(sse.data) if sse.data else {}
                if event.get("subject") == "engine.step.reasoning":
                    seen += 1
                    if seen == 1:
                        first = time.perf_counter()
                    if seen == n_wanted:
                        break
        elapsed = time.perf_counter() - first
        return {"events": seen, "seconds": elapsed, "events_per_s": seen / elapsed}

    return asyncio.run(main())


def console_firehose(base: str, key: str, agent: str, count: str) -> dict[str, Any]:
    """The whole console, headless, until the last step is on screen."""
    from phrony_tui.api import PhronyClient
    from phrony_tui.ui.app import ConsoleApp
    from phrony_tui.ui.screens.run import RunScreen

    n_wanted = int(count)
    run_id = asyncio.run(_start(base, key, agent, {"count": n_wanted, "wait_for_stream": 10}))
    marks: dict[str, float] = {}

    class Screen(RunScreen):
        steps = 0

        def _apply(self, change: Any) -> None:
            super()._apply(change)
            items = self.state.items
            if change.reset:
                self.steps = sum(1 for i in items.values() if i.type == "reasoning")
            else:
                self.steps += sum(1 for i in change.items_added if items.type(i) == "reasoning")
            if self.steps and "first" not in marks:
                marks["first"] = time.perf_counter()
            if self.steps >= n_wanted and "last" not in marks:
                marks["last"] = -1
                self.call_after_refresh(self.done)

        def done(self) -> None:
            marks["last"] = time.perf_counter()
            self.app.exit()

    class Probe(ConsoleApp):
        run_screen_class = Screen

    Probe(PhronyClient(base, key, manage_gc=True), run_id, show_event_age=False).run(
        headless=True, size=SIZE
    )
    elapsed = marks["last"] - marks["first"]
    return {
        "events": n_wanted,
        "seconds": elapsed,
        "events_per_s": n_wanted / elapsed,
        "peak_rss_mb": peak_rss_mb(),
    }


def watch_json(base: str, key: str, agent: str, count: str) -> dict[str, Any]:
    """``phrony-tui watch RUN_ID --json`` as a subprocess writing into a pipe, read here line by
    line, until the last step's line is out."""
    import os
    import subprocess

    n_wanted = int(count)
    run_id = asyncio.run(_start(base, key, agent, {"count": n_wanted, "wait_for_stream": 10}))
    env = os.environ | {"PHRONY_API_BASE": base, "PHRONY_API_KEY": key}
    command = [sys.executable, "-m", "phrony_tui.cli", "watch", run_id, "--json"]
    seen, first = 0, 0.0
    with subprocess.Popen(command, stdout=subprocess.PIPE, env=env) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            if b'"type":"reasoning"' in line or b'"type": "reasoning"' in line:
                seen += 1
                if seen == 1:
                    first = time.perf_counter()
                if seen == n_wanted:
                    break
        elapsed = time.perf_counter() - first
        proc.kill()
    return {"events": seen, "seconds": elapsed, "events_per_s": seen / elapsed}


# --- latency ----------------------------------------------------------------------------------


def latency(base: str, key: str, agent: str, count: str, rate: str) -> dict[str, Any]:
    """Milliseconds from the simulator's emit time (``ts``) to the frame showing the event,
    over ``count`` events at ``rate`` per second, after one second of warm-up (the events
    that arrive while the console starts up wait for its first snapshot: that is cold open's
    cost, measured there)."""
    from phrony_tui.api import PhronyClient
    from phrony_tui.ui.app import ConsoleApp
    from phrony_tui.ui.screens.run import RunScreen

    warmup = int(float(rate))
    n_wanted = int(count) + warmup
    run_id = asyncio.run(
        _start(base, key, agent, {"count": n_wanted, "rate": float(rate), "wait_for_stream": 10})
    )
    samples: list[float] = []

    class Screen(RunScreen):
        def _apply(self, change: Any) -> None:
            super()._apply(change)
            items = self.state.items
            stamps = [
                items[i].started_at
                for i in change.items_added
                if items[i].type == "reasoning" and not change.reset
            ]
            if stamps:
                self.call_after_refresh(self.shown, stamps)

        def shown(self, stamps: list[str]) -> None:
            now = time.time()
            for ts in stamps:
                emitted = datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp()
                samples.append((now - emitted) * 1000)
            if len(samples) >= n_wanted * 0.98:
                self.app.exit()

    class Probe(ConsoleApp):
        run_screen_class = Screen

    Probe(PhronyClient(base, key, manage_gc=True), run_id, show_event_age=False).run(
        headless=True, size=SIZE
    )
    measured = samples[warmup:]
    return {
        "samples": len(measured),
        "p50": statistics.median(measured),
        "p99": pct(measured, 0.99),
        "warmup_p50": statistics.median(samples[:warmup]),
    }


# --- keypress ---------------------------------------------------------------------------------


async def key_to_frame(
    pilot: Any, waiting: dict[str, Any], key: str, char: str | None = None, **before: Any
) -> float:
    """Milliseconds from ``key`` reaching the app, the way the terminal driver delivers it,
    to the frame the probe's ``_display`` marks (``waiting["end"]``) as showing its effect;
    ``before`` is what that frame must differ from."""
    from textual import events

    app = pilot.app
    await pilot.pause(0.02)  # let the previous frame settle
    waiting.update(done=asyncio.Event(), **before)
    event = events.Key(key, char)
    event.set_sender(app)
    start = time.perf_counter()
    app._driver.send_message(event)
    await asyncio.wait_for(waiting["done"].wait(), 30)
    elapsed = (waiting.pop("end") - start) * 1000
    waiting.clear()
    return float(elapsed)


def keypress(base: str, key: str, run_id: str) -> dict[str, Any]:
    """Milliseconds from a key (page down, End, search next) reaching the app to the first
    frame that shows its effect, on a big session. Keys go in the way the terminal driver
    sends them; the clock stops when the compositor has the new frame (``_display``)."""

    from phrony_tui.api import PhronyClient
    from phrony_tui.ui.app import ConsoleApp

    samples: dict[str, list[float]] = {"pagedown": [], "end": [], "search_next": []}
    waiting: dict[str, Any] = {}

    class Probe(ConsoleApp):
        def _display(self, screen: Any, renderable: Any) -> None:
            super()._display(screen, renderable)
            moved = "done" in waiting and self.timeline.cursor != waiting["cursor"]
            if moved and renderable is not None:
                waiting.pop("done").set()
                waiting["end"] = time.perf_counter()

    async def main() -> None:
        app = Probe(
            PhronyClient(base, key, manage_gc=True), run_id, show_event_age=False, steady=True
        )
        async with app.run_test(size=SIZE) as pilot:
            while len(app.timeline.rows) < 1000:
                await pilot.pause(0.1)
            await pilot.pause(0.5)

            async def timed(name: str, key: str, char: str | None = None) -> None:
                ms = await key_to_frame(pilot, waiting, key, char, cursor=app.timeline.cursor)
                samples[name].append(ms)

            await pilot.press("t", "home")
            for _ in range(40):
                await timed("pagedown", "pagedown")
            for _ in range(10):
                await pilot.press("home")
                await timed("end", "end")
            await pilot.press("slash", *"row 9")
            for _ in range(30):
                await timed("search_next", "enter", "\r")

    asyncio.run(main())
    every = [v for values in samples.values() for v in values]
    return {
        "p50": statistics.median(every),
        "p99": pct(every, 0.99),
        **{f"{k}_p50": statistics.median(v) for k, v in samples.items()},
        **{f"{k}_max": max(v) for k, v in samples.items()},
    }


# --- startup ----------------------------------------------------------------------------------


def demo_first_frame() -> dict[str, Any]:
    """``phrony-tui demo`` headless: simulator, run, console, until the first frame."""
    from phrony_tui.api import PhronyClient
    from phrony_tui.preflight import checked
    from phrony_tui.sim import SimServer
    from phrony_tui.ui.app import ConsoleApp

    with SimServer(port=0) as sim:
        run_id = asyncio.run(_start(sim.base_url, sim.api_key, sim.agents["tour"], {}))
        conversation = checked(PhronyClient(sim.base_url, sim.api_key, manage_gc=True), run_id)
        result: dict[str, float] = {}

        class Probe(ConsoleApp):
            async def on_mount(self) -> None:
                await super().on_mount()
                self.call_after_refresh(self.done)

            def done(self) -> None:
                result["seconds"] = time.perf_counter() - T0
                self.exit()

        Probe(
            PhronyClient(sim.base_url, sim.api_key, manage_gc=True), run_id, initial=conversation
        ).run(headless=True, size=SIZE)
    return result


PROBES = {
    "floor_open": floor_open,
    "console_open": console_open,
    "floor_firehose": floor_firehose,
    "console_firehose": console_firehose,
    "watch_json": watch_json,
    "latency": latency,
    "keypress": keypress,
    "demo_first_frame": demo_first_frame,
}

if __name__ == "__main__":
    from benchmarks import home_probes

    PROBES |= {"home_inbox": home_probes.inbox, "home_sessions": home_probes.sessions}
    name, *args = sys.argv[1:]
    print(json.dumps(PROBES[name](*args)), flush=True)

"""``make soak``: the console follows a run emitting 20 events/s for 10 minutes, with stream
drops injected now and then; reports memory at start and end and the reconnects, and writes
``benchmarks/results/soak.json``."""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from phrony_tui.api import PhronyClient
from phrony_tui.ui.app import ConsoleApp

RESULTS = Path(__file__).resolve().parent / "results"


def rss_mb() -> float:
    """Current resident memory (not the peak), from /proc."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 1024 / 1024


async def soak(minutes: float, rate: float, drop_every: int) -> dict[str, Any]:
    """The simulator runs in a process of its own, so only the console's memory is measured."""
    count = int(minutes * 60 * rate)
    command = [
        sys.executable,
        "-m",
        "phrony_tui.cli",
        "sim",
        "--port",
        "0",
        "--json",
        "--speed",
        "1000",
        "--fault",
        "retry-ms=200",
        "--fault",
        f"drop-stream-every={drop_every}",
    ]
    sim = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert sim.stdout is not None
        info = json.loads(sim.stdout.readline())
        return await _follow(info, count, rate)
    finally:
        sim.terminate()
        sim.wait(10)


async def _follow(info: dict[str, Any], count: int, rate: float) -> dict[str, Any]:
    base, key = info["base_url"], info["api_key"]
    async with PhronyClient(base, key, manage_gc=True) as client:
        started = await client.start_run(
            info["agents"]["firehose"], {"count": count, "rate": rate, "wait_for_stream": 10}
        )
    app = ConsoleApp(PhronyClient(base, key, manage_gc=True), started.run_id, show_event_age=False)
    samples: list[tuple[float, float, int]] = []
    async with app.run_test(size=(160, 50)) as pilot:
        start = time.monotonic()
        while app.state.status != "Completed":
            await pilot.pause(5)
            samples.append(
                (round(time.monotonic() - start), round(rss_mb(), 1), len(app.state.items))
            )
            print(
                f"  {samples[-1][0]:>4} s  rss {samples[-1][1]:>7} MB  "
                f"items {samples[-1][2]:>6}  reconnects {app.run_screen.retries}",
                flush=True,
            )
        await pilot.pause(1)
        async with PhronyClient(base, key, manage_gc=True) as client:
            server_items = len((await client.get_conversation(started.run_id)).items)
        result = {
            "minutes": round(count / rate / 60, 2),
            "events_per_s": rate,
            "events": count,
            "rss_mb_start": samples[0][1],
            "rss_mb_end": samples[-1][1],
            "reconnects": app.run_screen.retries,
            "items_on_screen": len(app.state.items),
            "items_on_server": server_items,
            "malformed_skipped": app.run_screen.malformed,
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument(
        "--drop-every", type=int, default=500, help="cut the stream after every N events (0: never)"
    )
    args = parser.parse_args()
    result = asyncio.run(soak(args.minutes, args.rate, args.drop_every))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "soak.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

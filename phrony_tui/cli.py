"""``phrony-tui``: the command line. Imports stay lazy so ``--help`` is instant.

Everything it prints goes through ``crash.say`` (one sanitized, bounded line): arguments, the
environment and error bodies are untrusted text. An unexpected error becomes a crash report and
exit status 70; Ctrl+C at the command line exits 130 without a traceback.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from . import __version__

if TYPE_CHECKING:
    from .sim.server import SimServer

#: The exit status after Ctrl+C, as a shell reports a process ended by SIGINT.
INTERRUPTED_EXIT = 130

EPILOG = """\
commands:
  RUN_ID     open the console on a run (key and URL from the environment)
  demo       open the console on the built-in simulator (phrony-tui demo --help)
  sim        run the Phrony API simulator on loopback (phrony-tui sim --help)

environment:
  PHRONY_API_BASE   API base URL (default https://api.phrony.com)
  PHRONY_API_KEY    API key (phk_…), from Settings → API keys
"""


class Parser(argparse.ArgumentParser):
    """argparse, but its errors are one sanitized line: they quote what was typed."""

    def error(self, message: str) -> NoReturn:
        from .crash import say

        say(f"{self.prog}: error: {message} (see {self.prog} --help)")
        sys.exit(2)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            from .crash import say

            say(message)
        sys.exit(status)


def port_number(value: str) -> int:
    """A TCP port (0 picks a free one)."""
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 0 and 65535, got {port}")
    return port


def _show(text: str) -> None:
    """Print a multi-line block (the banner) with each line cleaned and bounded."""
    from .crash import LINE_LIMIT
    from .text import clean

    for line in text.splitlines() or [""]:
        cut = clean(line)[:LINE_LIMIT]
        print(cut.encode("utf-8", "backslashreplace").decode("utf-8"), flush=True)


def _sim_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="phrony-tui sim",
        description="A local Phrony API server with scripted agents and fault injection.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    parser.add_argument("--port", type=port_number, default=8765, help="port (0 picks a free one)")
    parser.add_argument("--key", default=None, help="the API key clients must send")
    parser.add_argument(
        "--speed", type=float, default=1.0, help="pace factor: 1 is human pace, 1000 is tests"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated ids")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="inject a fault; repeatable (see the list below)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON line with the URL, key and agents"
    )
    parser.add_argument(
        "--replay",
        action="store_true",
        help="on reconnect, resend the events after Last-Event-ID (off: live only, as Phrony)",
    )
    from .sim.faults import FAULT_NAMES

    parser.epilog = "faults:\n" + "\n".join(f"  {k:<20} {v}" for k, v in FAULT_NAMES.items())
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    return parser


def _make_sim(args: argparse.Namespace, parser: argparse.ArgumentParser) -> SimServer:
    from .sim import DEFAULT_KEY, Faults, SimServer

    if not args.speed > 0:
        parser.error("--speed must be greater than 0")
    if args.key is not None and not (args.key and all(" " < ch < "\x7f" for ch in args.key)):
        parser.error("--key must be printable ASCII without spaces")
    faults = Faults()
    for spec in args.fault:
        try:
            faults.parse(spec)
        except ValueError as exc:
            parser.error(str(exc))
    return SimServer(
        host=args.host,
        port=args.port,
        key=args.key or DEFAULT_KEY,
        speed=args.speed,
        seed=args.seed,
        faults=faults,
        replay=args.replay,
    )


def _banner(sim: SimServer, run_id: str | None = None) -> str:
    agents = "\n".join(f"  {name:<12} {agent_id}" for name, agent_id in sim.agents.items())
    world = sim.world
    lines = [
        f"Phrony simulator listening on {sim.base_url}",
        "",
        f"  export PHRONY_API_BASE={sim.base_url}",
        f"  export PHRONY_API_KEY={sim.api_key}",
        "",
        "Other keys: "
        + ", ".join(
            f"{name} {world.key_named(name).secret}" for name in ("no-uploads", "chat-only")
        ),
        "",
        "Agents (scenario, agent id):",
        agents,
        "",
        "Try it:",
        f'  curl -sS -X POST "$PHRONY_API_BASE/v1/agents/{sim.agents["chat"]}/runs" \\',
        '    -H "X-API-Key: $PHRONY_API_KEY" -H "Content-Type: application/json" -d \'{}\'',
    ]
    if run_id:
        lines += [
            "",
            f"A tour run is waiting for you: RUN_ID={run_id}",
            f'  curl -sSN "$PHRONY_API_BASE/v1/runs/{run_id}/stream" \\',
            '    -H "X-API-Key: $PHRONY_API_KEY"',
            f'  curl -sS -X POST "$PHRONY_API_BASE/v1/runs/{run_id}/messages" \\',
            '    -H "X-API-Key: $PHRONY_API_KEY" -H "Content-Type: application/json" \\',
            f'    -d \'{{"runId":"{run_id}","text":"agent runtimes"}}\'',
        ]
    lines += ["", "Ctrl+C stops it."]
    return "\n".join(lines)


def _serve_forever(sim: SimServer) -> int:
    import threading

    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return 0


def run_sim(argv: Sequence[str]) -> int:
    parser = _sim_parser()
    args = parser.parse_args(argv)
    sim = _make_sim(args, parser)
    try:
        sim.start()
    except (OSError, OverflowError, UnicodeError, ValueError) as exc:
        from .crash import say

        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        say(f"phrony-tui sim: cannot listen on {args.host}:{args.port}: {reason}")
        return 1
    if args.json:
        print(json.dumps(sim.info()), flush=True)
    else:
        _show(_banner(sim))
    return _serve_forever(sim)


def run_demo(argv: Sequence[str]) -> int:
    parser = Parser(
        prog="phrony-tui demo",
        description="Open the console on the built-in simulator: no account, no network.",
    )
    parser.add_argument("--scenario", default="tour", help="which scripted agent to run")
    parser.add_argument("--speed", type=float, default=1.0, help="pace factor of the agents")
    parser.add_argument("--config", default=None, help="settings file (TOML)")
    parser.add_argument(
        "--sim-only", action="store_true", help="start the simulator and a run, no console"
    )
    args = parser.parse_args(argv)
    import asyncio

    from .api import PhronyClient
    from .sim import SCENARIOS, SimServer

    if args.scenario not in SCENARIOS:
        parser.error(f"unknown scenario {args.scenario!r}; one of: {', '.join(SCENARIOS)}")
    if not args.speed > 0:
        parser.error("--speed must be greater than 0")
    sim = SimServer(port=0, speed=args.speed).start()

    async def start() -> str:
        async with PhronyClient(sim.base_url, sim.api_key) as client:
            started = await client.start_run(sim.agents[args.scenario])
            return started.run_id

    run_id = asyncio.run(start())
    if args.sim_only:
        _show(_banner(sim, run_id))
        return _serve_forever(sim)
    from .ui.main import open_console

    try:
        return open_console(run_id, base_url=sim.base_url, api_key=sim.api_key, config=args.config)
    finally:
        sim.stop()


def run_console(argv: Sequence[str]) -> int:
    parser = Parser(
        prog="phrony-tui",
        description="A terminal console for Phrony agent runs, and a local API simulator.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"phrony-tui {__version__}")
    parser.add_argument("run_id", metavar="RUN_ID", help="the run to open")
    parser.add_argument("--base-url", default=None, help="API base URL (or PHRONY_API_BASE)")
    parser.add_argument("--config", default=None, help="settings file (TOML)")
    parser.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="allow plain http:// to a host other than loopback (the key travels in clear)",
    )
    args = parser.parse_args(argv)
    from .ui.main import open_console

    return open_console(
        args.run_id,
        base_url=args.base_url,
        config=args.config,
        allow_insecure_http=args.allow_insecure_http,
    )


def dispatch(args: list[str]) -> int:
    if args and args[0] == "sim":
        return run_sim(args[1:])
    if args and args[0] == "demo":
        return run_demo(args[1:])
    return run_console(args)


def main(argv: Sequence[str] | None = None) -> int:
    """The entry point: an exit status for every outcome, a traceback for none."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        return dispatch(args)
    except KeyboardInterrupt:
        return INTERRUPTED_EXIT
    except Exception as exc:
        from .api.config import ENV_KEY
        from .crash import report_crash

        return report_crash(exc, [os.environ.get(ENV_KEY, ""), *_keys_in(args)])


def _keys_in(args: list[str]) -> list[str]:
    """The ``--key`` values given to ``sim``: secrets a crash report must not hold."""
    keys = [value for flag, value in itertools.pairwise(args) if flag == "--key"]
    return keys + [arg.removeprefix("--key=") for arg in args if arg.startswith("--key=")]


if __name__ == "__main__":
    sys.exit(main())

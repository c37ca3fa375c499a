"""``phrony-tui sim``: the simulator alone; and what ``demo`` shares with it (banner, input)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from ..sim.server import SimServer


class PortNumber(click.ParamType):  # type: ignore[type-arg]
    """A TCP port (0 picks a free one)."""

    name = "port"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        try:
            port = int(value)
        except ValueError:
            self.fail(f"not a port number: {value!r}", param, ctx)
        if not 0 <= port <= 65535:
            self.fail(f"port must be between 0 and 65535, got {port}", param, ctx)
        return port


def show(text: str) -> None:
    """Print a multi-line block (the banner) with each line cleaned and bounded."""
    from ..crash import LINE_LIMIT
    from ..text import clean

    for line in text.splitlines() or [""]:
        cut = clean(line)[:LINE_LIMIT]
        print(cut.encode("utf-8", "backslashreplace").decode("utf-8"), flush=True)


def banner(sim: SimServer, run_id: str | None = None) -> str:
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


def serve_forever(sim: SimServer) -> int:
    import threading

    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return 0


def _faults_epilog() -> str:
    from ..sim.faults import FAULT_NAMES

    lines = "\n".join(f"  {k:<20} {v}" for k, v in FAULT_NAMES.items())
    return (
        "\b\nExample:\n  phrony-tui sim --port 8765 --fault rate-limit-every=5\n\n"
        f"\b\nFaults:\n{lines}"
    )


class _SimCommand(click.Command):
    """The faults list is read when help is shown, not when the command line is built."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.epilog = _faults_epilog()
        super().format_epilog(ctx, formatter)


@click.command(cls=_SimCommand)
@click.option("--host", default="127.0.0.1", show_default=True, help="address to bind")
@click.option("--port", type=PortNumber(), default=8765, help="port (0 picks a free one)")
@click.option("--key", default=None, help="the API key clients must send")
@click.option("--speed", type=float, default=1.0, help="pace factor: 1 is human pace, 1000 tests")
@click.option("--seed", type=int, default=0, help="seed of the generated ids")
@click.option(
    "--fault", multiple=True, metavar="NAME=VALUE", help="inject a fault; repeatable (see below)"
)
@click.option("--json", "as_json", is_flag=True, help="print one JSON line: URL, key and agents")
@click.option(
    "--replay",
    is_flag=True,
    help="on reconnect, resend the events after Last-Event-ID (off: live only, as Phrony)",
)
def sim(
    host: str,
    port: int,
    key: str | None,
    speed: float,
    seed: int,
    fault: tuple[str, ...],
    as_json: bool,
    replay: bool,
) -> int:
    """Run a local Phrony API server with scripted agents and fault injection."""
    from ..sim import DEFAULT_KEY, Faults, SimServer

    if not speed > 0:
        raise click.UsageError("--speed must be greater than 0")
    if key is not None and not (key and all(" " < ch < "\x7f" for ch in key)):
        raise click.UsageError("--key must be printable ASCII without spaces")
    faults = Faults()
    for spec in fault:
        try:
            faults.parse(spec)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
    server = SimServer(
        host=host,
        port=port,
        key=key or DEFAULT_KEY,
        speed=speed,
        seed=seed,
        faults=faults,
        replay=replay,
    )
    try:
        server.start()
    except (OSError, OverflowError, UnicodeError, ValueError) as exc:
        from ..crash import say

        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        say(f"phrony-tui sim: cannot listen on {host}:{port}: {reason}")
        return 1
    if as_json:
        print(json.dumps(server.info()), flush=True)
    else:
        show(banner(server))
    return serve_forever(server)


def parse_input(text: str) -> dict[str, Any]:
    """A run's ``input``: a JSON object, refused with the position of the error."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(
            f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", param_hint="--input"
        ) from None
    if not isinstance(value, dict):
        raise click.BadParameter(
            "must be a JSON object, like '{\"count\": 5000}'", param_hint="--input"
        )
    return value

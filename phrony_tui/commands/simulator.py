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
        "Keys (name, key, agents, uploads):",
        *(
            "  {name:<12} {key}  {scope}  uploads {flag}".format(
                **info,
                scope=info["agents"]
                if isinstance(info["agents"], str)
                else ",".join(info["agents"]),
                flag="on" if info["uploads"] else "off",
            )
            for info in (k.info() for k in world.keys.values())
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
    if world.engine.history is not None:
        lines += ["", f"Seeded history: {sim.info()['history']} past sessions per agent."]
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
        "\b\nExamples:\n  phrony-tui sim --port 8765 --fault rate-limit-every=5\n"
        "  phrony-tui sim --key phk_main --key phk_ops=approval,timer \\\n"
        "      --key phk_ro=*,no-uploads --history 1000 --waiting 5\n\n"
        "\b\nKeys:\n"
        "  --key KEY              the main key (every agent, uploads on)\n"
        "  --key KEY=AGENTS       another key scoped to AGENTS: scenario names or agent\n"
        "                         ids, comma-separated, or * for every agent; add\n"
        "                         no-uploads to refuse it the file library (403)\n"
        "  Two more keys always exist: KEY_nouploads (every agent, no uploads) and\n"
        "  KEY_chatonly (the chat agent only). --json and the banner list them all.\n\n"
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
@click.option(
    "--key",
    "keys",
    multiple=True,
    metavar="KEY[=AGENTS]",
    help="the main API key; KEY=AGENTS adds a key scoped to AGENTS (repeatable, see below)",
)
@click.option("--speed", type=float, default=1.0, help="pace factor: 1 is human pace, 1000 tests")
@click.option("--seed", type=int, default=0, help="seed of the generated ids")
@click.option(
    "--fault", multiple=True, metavar="NAME=VALUE", help="inject a fault; repeatable (see below)"
)
@click.option("--json", "as_json", is_flag=True, help="print one JSON line: URL, key and agents")
@click.option(
    "--history",
    type=click.IntRange(0, 100_000),
    default=0,
    metavar="N",
    help="seed N past sessions per agent (completed, failed, cancelled, some waiting)",
)
@click.option(
    "--waiting",
    type=click.IntRange(0),
    default=None,
    metavar="W",
    help="how many of each agent's seeded sessions wait for a person (default 5%)",
)
@click.option(
    "--replay",
    is_flag=True,
    help="on reconnect, resend the events after Last-Event-ID (off: live only, as Phrony)",
)
def sim(
    host: str,
    port: int,
    keys: tuple[str, ...],
    speed: float,
    seed: int,
    fault: tuple[str, ...],
    as_json: bool,
    history: int,
    waiting: int | None,
    replay: bool,
) -> int:
    """Run a local Phrony API server with scripted agents and fault injection."""
    from ..sim import DEFAULT_KEY, Faults, SimServer

    if not speed > 0:
        raise click.UsageError("--speed must be greater than 0")
    key, scoped = main_and_scoped_keys(keys)
    faults = Faults()
    for spec in fault:
        try:
            faults.parse(spec)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
    try:
        server = SimServer(
            host=host,
            port=port,
            key=key or DEFAULT_KEY,
            speed=speed,
            seed=seed,
            faults=faults,
            replay=replay,
            keys=scoped,
            history=history,
            waiting=waiting,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--key") from None
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


def main_and_scoped_keys(options: tuple[str, ...]) -> tuple[str | None, dict[str, str]]:
    """The main key (``--key KEY``) and the scoped ones (``--key KEY=AGENTS``), checked."""
    from ..sim.keys import parse_key_option

    main: str | None = None
    scoped: dict[str, str] = {}
    for option in options:
        if not option.partition("=")[0] or not all(" " < ch < "\x7f" for ch in option):
            raise click.UsageError("--key must be printable ASCII without spaces")
        try:
            secret, spec = parse_key_option(option)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--key") from None
        if spec is None:
            if main is not None:
                raise click.BadParameter(
                    "only one main key (give the others =AGENTS)", param_hint="--key"
                )
            main = secret
        elif secret in scoped or secret == main:
            raise click.BadParameter(f"key {secret[:8]}… is given twice", param_hint="--key")
        else:
            scoped[secret] = option.partition("=")[2]
    if main is not None and main in scoped:
        raise click.BadParameter(f"key {main[:8]}… is given twice", param_hint="--key")
    return main, scoped


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

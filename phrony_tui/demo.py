"""``phrony-tui demo``: the console on the built-in simulator, with no account and no
network; ``--sim-only`` leaves the simulator running for curl, an SDK or a script."""

from __future__ import annotations

import click

from .commands.exits import USAGE

#: The agents the demo's home screen watches (the hostile one stays out of a first look).
DEMO_AGENTS = ("tour", "chat", "approval", "forms", "multi-agent", "timer", "failing")
#: Past sessions the demo's simulator starts with, per agent, and how many of them wait.
DEMO_HISTORY, DEMO_WAITING = 40, 2


@click.command(
    epilog="\b\nExamples:\n  phrony-tui demo\n"
    "  phrony-tui demo --scenario tour\n"
    "  phrony-tui demo --scenario firehose --input '{\"count\": 20000}'\n"
    "  phrony-tui demo --scenario hostile --sim-only"
)
@click.option(
    "--scenario",
    default=None,
    help="open this scripted agent's new run (without it: the home screen, with a tour run)",
)
@click.option("--speed", type=float, default=1.0, help="pace factor of the agents")
@click.option("--input", "input_json", metavar="JSON", default=None, help="the run's input")
@click.option("--config", default=None, help="settings file (TOML)")
@click.option(
    "--sim-only", is_flag=True, help="start the simulator and a run, print how to reach it"
)
def demo(
    scenario: str | None,
    speed: float,
    input_json: str | None,
    config: str | None,
    sim_only: bool,
) -> int:
    """Open the console on the built-in simulator: no account, no network.

    Without --scenario, the home screen: the inbox and sessions of seven agents, each
    with 40 past sessions (2 waiting for a person), and a new tour run.

    \b
    Scenarios: tour, chat, approval, forms, multi-agent, timer, redacted,
    failing, firehose (input: count, rate), big (input: items), and hostile
    (every output tries to break the client: markup, escapes, bidi).
    """
    import asyncio

    from .api import PhronyClient
    from .api.errors import PhronyError
    from .commands.simulator import banner, parse_input, serve_forever, show
    from .crash import say
    from .sim import SCENARIOS, SimServer

    if scenario is not None and scenario not in SCENARIOS:
        raise click.UsageError(f"unknown scenario {scenario!r}; one of: {', '.join(SCENARIOS)}")
    if not speed > 0:
        raise click.UsageError("--speed must be greater than 0")
    run_input = parse_input(input_json) if input_json is not None else None
    home = scenario is None
    server = SimServer(
        port=0,
        speed=speed,
        history=DEMO_HISTORY if home else 0,
        waiting=DEMO_WAITING if home else None,
    ).start()

    async def start() -> str:
        async with PhronyClient(server.base_url, server.api_key) as client:
            started = await client.start_run(server.agents[scenario or "tour"], run_input)
            return started.run_id

    try:
        run_id = asyncio.run(start())
    except PhronyError as exc:
        server.stop()
        say(f"phrony-tui demo: cannot start the {scenario or 'tour'} scenario: {exc}")
        return USAGE
    if sim_only:
        show(banner(server, run_id))
        return serve_forever(server)
    from .inbox.agents import WatchedAgent
    from .ui.main import open_console

    watch = [WatchedAgent(SCENARIOS[n].id, SCENARIOS[n].name) for n in DEMO_AGENTS]
    try:
        return open_console(
            None if home else run_id,
            base_url=server.base_url,
            api_key=server.api_key,
            config=config,
            watch=watch,
        )
    finally:
        server.stop()

"""Open the console: pre-flight the run, run the app until the person quits, and turn a crash
into a report and exit status 70 rather than a traceback and status 0."""

from __future__ import annotations

import os
from collections.abc import Sequence

from ..api import PhronyClient
from ..api.config import ENV_KEY
from ..api.errors import ConfigError
from ..crash import report_crash, say
from ..inbox.agents import WatchedAgent, watched_agents
from ..inbox.settings import config_path
from ..preflight import ConsoleError, checked
from .config import Settings, load_settings
from .widgets.header import Place


def open_console(
    run_id: str | None,
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    allow_insecure_http: bool = False,
    config: str | None = None,
    settings: Settings | None = None,
    profile: str | None = None,
    from_flags: bool = False,
    agents: Sequence[str] = (),
    watch: Sequence[WatchedAgent] = (),
) -> int:
    """Run the console until the person quits; returns the exit code. With no ``run_id``,
    the home screen of the watched agents (``agents`` given on the command line win over the
    config's list for ``profile``; ``watch``, with their names, wins over both)."""
    from .app import ConsoleApp

    try:
        settings = settings or load_settings(config)
        client = PhronyClient(
            base_url, api_key, allow_insecure_http=allow_insecure_http, manage_gc=True
        )
    except ConfigError as exc:
        say(f"phrony-tui: {exc}")
        return 2
    key = client.config.api_key.reveal()
    conversation = None
    if run_id is not None:
        try:
            conversation = checked(client, run_id, notice=lambda text: say(f"phrony-tui: {text}"))
        except ConsoleError as exc:
            say(f"phrony-tui: {exc}")
            return exc.code
    from ..commands.httplog import RecentRequests, log_transport

    requests = RecentRequests()
    transport = log_transport(
        debug=False,
        path=None,
        bodies=False,
        secrets=[key],
        recent=requests,
        base_url=client.base_url,
    )
    app = ConsoleApp(
        PhronyClient(
            base_url,
            api_key,
            allow_insecure_http=allow_insecure_http,
            manage_gc=True,
            transport=transport,
        ),
        run_id.strip() if run_id is not None else None,
        agents=list(watch) or watched_agents(settings, profile, agents),
        place=Place.of(profile, client.base_url, from_flags=from_flags),
        profile=profile,
        config_file=str(config_path(config)),
        settings=settings,
        initial=conversation,
        requests=requests,
    )
    secrets = [key, os.environ.get(ENV_KEY, "")]
    try:
        app.run()
    except Exception as exc:  # the driver, outside any handler Textual guards
        return report_crash(exc, [*secrets, *app.crash_secrets])
    if app.crash is not None:
        return report_crash(app.crash, [*secrets, *app.crash_secrets])
    return app.return_code or 0

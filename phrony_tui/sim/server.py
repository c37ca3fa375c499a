"""Run the simulator: in a background thread (tests, the demo) or in the foreground (the CLI)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import socket
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

import uvicorn

from .app import build_app
from .faults import Faults
from .ids import Clock
from .keys import KeyScopes, key_specs
from .routes.stream import DropConnection
from .scenarios import SCENARIOS
from .world import DEFAULT_KEY, World

T = TypeVar("T")


class _QuietDrops(logging.Filter):
    """Injected connection drops are deliberate; keep them out of the error log."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, DropConnection)


logging.getLogger("uvicorn.error").addFilter(_QuietDrops())


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket. Made with ``IPPROTO_TCP`` named, so that asyncio sets
    ``TCP_NODELAY`` on each connection it accepts (it checks the protocol number): without
    it, Nagle's algorithm holds each small SSE event back until the client's delayed ACK,
    and a client busy drawing got its events in bursts 40 ms apart."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


class SimServer:
    """The simulator on a real loopback socket, served from its own thread and event loop.

    ``with SimServer(speed=1000) as sim:`` gives ``sim.base_url``, ``sim.api_key`` and
    ``sim.agents``; ``sim.world`` is the live state (faults, keys, what was received).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        key: str = DEFAULT_KEY,
        speed: float = 1.0,
        seed: int = 0,
        faults: Faults | None = None,
        clock: Clock | None = None,
        replay: bool = False,
        log_level: str = "warning",
        keys: KeyScopes | None = None,
        history: int = 0,
        waiting: int | None = None,
    ) -> None:
        """``keys`` adds keys with their own scopes: ``{"phk_a": "chat,forms", "phk_b": "*",
        "phk_c": "chat,no-uploads"}`` (scenario names or agent ids). ``history`` seeds that
        many past sessions per agent, ``waiting`` of them (default 5%) waiting for a person."""
        self.host = host
        self.port = port
        self.world = World.create(
            key=key,
            seed=seed,
            speed=speed,
            faults=faults,
            clock=clock,
            keys=key_specs(keys),
            history=history,
            waiting=waiting,
        )
        self.world.replay = replay
        self.api_key = key
        self.log_level = log_level
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sock: socket.socket | None = None
        self._serving: concurrent.futures.Future[None] | None = None

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def agents(self) -> dict[str, str]:
        return {name: agent.id for name, agent in SCENARIOS.items()}

    @property
    def faults(self) -> Faults:
        return self.world.faults

    def info(self) -> dict[str, Any]:
        """What ``sim --json`` prints: where, the main key, every key with its scope, the
        agents, and how many seeded sessions each agent has."""
        history = self.world.engine.history
        return {
            "base_url": self.base_url,
            "api_key": self.api_key,
            "agents": self.agents,
            "keys": [key.info() for key in self.world.keys.values()],
            "history": len(next(iter(history.by_agent.values()), [])) if history else 0,
        }

    def start(self) -> SimServer:
        """Bind, start the event loop thread, and serve; returns once requests are answered."""
        self._sock = bind_socket(self.host, self.port)
        self.port = self._sock.getsockname()[1]
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="phrony-sim", daemon=True)
        self._thread.start()
        self._serve()
        return self

    def _serve(self) -> None:
        assert self._loop is not None and self._sock is not None
        config = uvicorn.Config(
            build_app(self.world),
            log_level=self.log_level,
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        server = self._server = uvicorn.Server(config)
        self._serving = asyncio.run_coroutine_threadsafe(
            server.serve(sockets=[self._sock]), self._loop
        )
        while not server.started:
            if self._serving.done():
                self._serving.result()  # raises why it could not start
                raise RuntimeError("the simulator failed to start")
            threading.Event().wait(0.005)

    def _stop_serving(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._serving is not None:
            with contextlib.suppress(Exception):
                self._serving.result(15)
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def restart(self, down_for: float = 0.0) -> None:
        """Stop answering (every open connection is closed), wait, then listen again on the
        same port. Sessions and running agents live on, as in a server restart behind a
        load balancer."""
        self._stop_serving()
        threading.Event().wait(down_for)
        self._sock = bind_socket(self.host, self.port)
        self._serve()

    def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the server's loop (to change state safely from a test)."""
        assert self._loop is not None

        async def run() -> T:
            return fn()

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(10)

    def end_streams(self, run_id: str) -> int:
        """End every open stream of the run's session cleanly now, while the run goes on;
        returns how many there were."""

        def end() -> int:
            subscribers = list(self.world.engine.runs[run_id].session.subscribers)
            for subscriber in subscribers:
                subscriber.queue.put_nowait(None)
            return len(subscribers)

        return self.call(end)

    def mute_streams(self, run_id: str) -> None:
        """Keep the run's open streams open but send them nothing more (a client that must not
        hear of a change, such as a task answered by someone else)."""
        self.call(self.world.engine.runs[run_id].session.subscribers.clear)

    def forget_run(self, run_id: str) -> None:
        """Answer 404 for the run from now on (as if deleted), and end its streams."""
        self.end_streams(run_id)
        self.call(lambda: self.world.engine.runs.pop(run_id))

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        if self._thread.is_alive():
            self.call(self.world.engine.shutdown)
        self._stop_serving()
        loop = self._loop

        async def drain() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(drain(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        self._thread.join(10)
        loop.close()
        self._loop = None

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

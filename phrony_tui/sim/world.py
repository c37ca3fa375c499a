"""The simulator's world: keys and their scopes, the file library and what it was sent."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from .engine import Engine
from .faults import Faults
from .history import History
from .ids import Clock, fixed_id
from .keys import ALL_AGENTS, KeySpec, key_spec
from .records import Agent
from .scenarios import SCENARIOS

DEFAULT_KEY = "phk_sim_local_demo_key"
MAX_UPLOAD_BYTES = 25 * 1024 * 1024
UPLOAD_EXPIRES_S = 3600
TENANT_ID = fixed_id("tenant/demo")


@dataclass
class SimKey:
    """An API key of the workspace: its scopes (agent, trigger) and whether it may upload."""

    id: str
    secret: str
    scopes: set[tuple[str, str | None]]
    uploads: bool = True
    active: bool = True
    name: str = ""
    agents: str | list[str] = ALL_AGENTS

    def info(self) -> dict[str, Any]:
        """How ``sim --json`` and the banner describe the key (the simulator's keys are not
        secrets: they open nothing but this local server)."""
        return {
            "name": self.name,
            "key": self.secret,
            "agents": self.agents,
            "uploads": self.uploads,
        }

    def covers(self, agent: Agent) -> bool:
        return (agent.id, agent.trigger_id) in self.scopes

    def __repr__(self) -> str:
        return f"SimKey(id={self.id!r}, uploads={self.uploads}, active={self.active})"


@dataclass
class StoredFile:
    object_key: str
    filename: str
    media_type: str
    max_content_length: int
    upload_token: str
    expires_at: float
    data: bytes | None = None
    finalized: bool = False


@dataclass
class Received:
    """One request the simulator accepted or refused, for tests to assert on."""

    method: str
    path: str
    status: int
    body: Any
    content_type: str | None = None


@dataclass
class World:
    engine: Engine
    faults: Faults
    tenant_id: str = TENANT_ID
    keys: dict[str, SimKey] = field(default_factory=dict)
    files: dict[str, StoredFile] = field(default_factory=dict)
    leaves: dict[str, str] = field(default_factory=dict)  # last part of an objectKey -> it
    uploads: dict[str, str] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    request_count: int = 0
    drops: int = 0
    replay: bool = False

    @classmethod
    def create(
        cls,
        *,
        key: str = DEFAULT_KEY,
        seed: int = 0,
        speed: float = 1.0,
        faults: Faults | None = None,
        clock: Clock | None = None,
        keys: list[KeySpec] | None = None,
        history: int = 0,
        waiting: int | None = None,
    ) -> World:
        """The main key reaches every agent; two more come with it (one without uploads, one
        for the chat agent only), then ``keys`` as ``key-1``, ``key-2``, … With ``history``,
        every agent that can be started over the API has that many past sessions, ``waiting``
        of them (default 5%) waiting for a person."""
        engine = Engine(seed=seed, speed=speed, clock=clock)
        world = cls(engine=engine, faults=faults or Faults())
        main = world.add(KeySpec(key, None), "main")
        no_uploads = world.add(KeySpec(key + "_nouploads", None, uploads=False), "no-uploads")
        world.add(key_spec(key + "_chatonly", "chat"), "chat-only")
        for index, spec in enumerate(keys or [], 1):
            if spec.secret in world.keys:
                raise ValueError(f"key {spec.secret[:8]}… is given twice")
            world.add(spec, f"key-{index}")
        if history > 0:
            engine.history = History(world.tenant_id)
            engine.history.seed(
                SCENARIOS.values(),
                count=history,
                waiting=waiting,
                seed=seed,
                now=engine.clock.now().timestamp(),
                key_ids=[main.id, no_uploads.id],
            )
        return world

    def add(self, spec: KeySpec, name: str) -> SimKey:
        sim_key = self.add_key(name, spec.secret, spec.scopes(), uploads=spec.uploads)
        sim_key.agents = spec.describe()
        return sim_key

    def add_key(
        self, name: str, secret: str, scopes: set[tuple[str, str | None]], *, uploads: bool
    ) -> SimKey:
        sim_key = SimKey(fixed_id(f"key/{name}"), secret, scopes, uploads, name=name)
        self.keys[secret] = sim_key
        return sim_key

    def key_named(self, name: str) -> SimKey:
        wanted = fixed_id(f"key/{name}")
        return next(k for k in self.keys.values() if k.id == wanted)

    def expired(self, stored: StoredFile) -> bool:
        return time.monotonic() > stored.expires_at

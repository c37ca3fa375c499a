"""The simulator's world: keys and their scopes, the file library and what it was sent."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from .engine import Engine
from .faults import Faults
from .ids import Clock, fixed_id
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
    ) -> World:
        engine = Engine(seed=seed, speed=speed, clock=clock)
        world = cls(engine=engine, faults=faults or Faults())
        every = {(a.id, a.trigger_id) for a in SCENARIOS.values()}
        chat = SCENARIOS["chat"]
        world.add_key("main", key, every, uploads=True)
        world.add_key("no-uploads", key + "_nouploads", every, uploads=False)
        world.add_key("chat-only", key + "_chatonly", {(chat.id, chat.trigger_id)}, uploads=True)
        return world

    def add_key(
        self, name: str, secret: str, scopes: set[tuple[str, str | None]], *, uploads: bool
    ) -> SimKey:
        sim_key = SimKey(fixed_id(f"key/{name}"), secret, scopes, uploads)
        self.keys[secret] = sim_key
        return sim_key

    def key_named(self, name: str) -> SimKey:
        wanted = fixed_id(f"key/{name}")
        return next(k for k in self.keys.values() if k.id == wanted)

    def expired(self, stored: StoredFile) -> bool:
        return time.monotonic() > stored.expires_at

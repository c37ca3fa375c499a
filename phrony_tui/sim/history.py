"""The seeded history (``--history N``): past sessions of every agent that can be started over the
API, so the sessions list and the inbox have content. Each is a few numbers (``past.Past``)
until a run route reads it; then it becomes a real session."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..api.models import Status
from .past import API, DASHBOARD, SCHEDULED, WAIT_STATUS, Past
from .records import Agent, Run

if TYPE_CHECKING:
    from .engine import Engine

#: How far back the seeded sessions reach.
DAYS = 14
#: The share of seeded sessions waiting for a person, unless told how many.
WAITING_SHARE = 0.05

#: What each agent's waiting sessions wait for, in turn.
WAIT_KINDS: dict[str, tuple[str, ...]] = {
    "chat": ("response",),
    "approval": ("approval",),
    "forms": ("multi_option", "text"),
    "timer": ("timer",),
    "redacted": ("timer",),  # its timeline is hidden: only a skip or a reply can answer it
    "tour": ("response", "multi_option", "approval"),
}
DEFAULT_WAIT_KINDS = ("approval", "multi_option", "text", "response", "timer")
PEOPLE = ("ana@example.com", "li.wei@example.com", "sam@example.com")


def default_waiting(count: int) -> int:
    return round(count * WAITING_SHARE)


class History:
    """The seeded sessions of each agent, oldest first, and where each root run is."""

    def __init__(self, tenant_id: str) -> None:
        self.tenant_id = tenant_id
        self.by_agent: dict[str, list[Past]] = {}
        self.by_run: dict[str, Past] = {}

    def seed(
        self,
        agents: Iterable[Agent],
        *,
        count: int,
        waiting: int | None,
        seed: int,
        now: float,
        key_ids: list[str],
    ) -> None:
        """``count`` sessions per agent, ``waiting`` of them (default 5%) waiting for a
        person; the same ``seed`` gives the same sessions."""
        waits = default_waiting(count) if waiting is None else min(waiting, count)
        for agent in agents:
            rows = _seed_agent(agent, count, waits, seed, now, key_ids)
            self.by_agent[agent.id] = rows
            for row in rows:
                self.by_run[row.run_id] = row

    def rows(self, agent_id: str) -> list[Past]:
        return self.by_agent.get(agent_id, [])

    def materialize(self, run_id: str, engine: Engine) -> Run | None:
        """The seeded root run ``run_id``, made real on its first read (then the engine knows
        it, and so it is never made twice)."""
        past = self.by_run.pop(run_id, None)
        return None if past is None else past.materialize(engine, self.tenant_id)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _seed_agent(
    agent: Agent, count: int, waits: int, seed: int, now: float, key_ids: list[str]
) -> list[Past]:
    rng = random.Random(f"history/{seed}/{agent.key}")
    waiting = set(rng.sample(range(count), waits))
    kinds = WAIT_KINDS.get(agent.key, DEFAULT_WAIT_KINDS)
    failing = agent.key == "failing"
    endings = (Status.COMPLETED, Status.FAILED, Status.CANCELLED)
    weights = (20, 70, 10) if failing else (85, 9, 6)
    span = DAYS * 86_400.0
    rows: list[Past] = []
    turn = 0
    for index in range(count):
        started = now - span + span * (index + rng.random()) / count
        wait: str | None = None
        if index in waiting:
            wait = kinds[turn % len(kinds)]
            turn += 1
            status: str = WAIT_STATUS[wait]
            ended = None
            tokens = rng.randint(150, 3_000)
        else:
            status = rng.choices(endings, weights)[0]
            duration = rng.uniform(4, 120 if status != Status.COMPLETED else 900)
            ended = max(started, min(started + duration, now - 1))
            low, high = (600, 25_000) if status == Status.COMPLETED else (120, 4_000)
            tokens = rng.randint(low, high)
        trigger = rng.choices((API, SCHEDULED, DASHBOARD), (6, 2, 2))[0]
        who = rng.choice(key_ids) if trigger == API else None
        if trigger == DASHBOARD:
            who = rng.choice(PEOPLE)
        rows.append(
            Past(
                agent=agent,
                session_id=_uuid(rng),
                run_id=_uuid(rng),
                status=status,
                started=started,
                ended=ended,
                tokens=tokens,
                trigger=trigger,
                who=who,
                wait=wait,
                seed=rng.getrandbits(64),
                seeded_at=now,
            )
        )
    return rows

"""API keys of the simulated workspace as a person writes them: ``KEY=chat,forms`` (scenario names
or agent ids), ``KEY=*`` for every agent, ``no-uploads`` among them to refuse the file library."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .records import Agent
from .scenarios import AGENTS, AGENTS_BY_ID, SCENARIOS

ALL_AGENTS = "*"
NO_UPLOADS = "no-uploads"

#: What ``SimServer(keys=...)`` takes: secret -> ``"chat,forms"`` or ``["chat", "forms"]``.
KeyScopes = Mapping[str, "str | Iterable[str]"]


@dataclass(frozen=True)
class KeySpec:
    """One key to create: its secret, the agents it may reach (``None``: every one) and
    whether it may upload."""

    secret: str
    agents: tuple[Agent, ...] | None
    uploads: bool = True

    def scopes(self) -> set[tuple[str, str | None]]:
        agents = SCENARIOS.values() if self.agents is None else self.agents
        return {(a.id, a.trigger_id) for a in agents}

    def describe(self) -> str | list[str]:
        return ALL_AGENTS if self.agents is None else [a.key for a in self.agents]


def resolve_agent(ref: str) -> Agent:
    """A scenario name (``chat``) or an agent id; sub-agents can be named too."""
    agent = AGENTS.get(ref) or AGENTS_BY_ID.get(ref)
    if agent is None:
        known = ", ".join(SCENARIOS)
        raise ValueError(f"unknown agent {ref!r}: give an agent id or a scenario name ({known})")
    return agent


def check_secret(secret: str) -> str:
    if not secret or not all(" " < ch < "\x7f" for ch in secret):
        raise ValueError("a key must be printable ASCII without spaces")
    return secret


def key_spec(secret: str, agents: str | Iterable[str]) -> KeySpec:
    """The key ``secret`` scoped to ``agents`` (a comma-separated string or a list)."""
    refs = agents.split(",") if isinstance(agents, str) else list(agents)
    refs = [r.strip() for r in refs if r.strip()]
    uploads = NO_UPLOADS not in refs
    refs = [r for r in refs if r != NO_UPLOADS]
    if not refs:
        raise ValueError(f"key {secret[:8]}…: name at least one agent, or * for every agent")
    if ALL_AGENTS in refs:
        return KeySpec(check_secret(secret), None, uploads)
    chosen: dict[str, Agent] = {}
    for ref in refs:
        agent = resolve_agent(ref)
        chosen[agent.id] = agent
    return KeySpec(check_secret(secret), tuple(chosen.values()), uploads)


def parse_key_option(text: str) -> tuple[str, KeySpec | None]:
    """``--key KEY`` (the main key: no spec) or ``--key KEY=AGENTS``."""
    if "=" not in text:
        return check_secret(text), None
    secret, _, agents = text.partition("=")
    return secret, key_spec(secret, agents)


def key_specs(keys: KeyScopes | None) -> list[KeySpec]:
    return [key_spec(secret, agents) for secret, agents in (keys or {}).items()]

"""Which agents the inbox watches.

No public route lists the agents a key may read (keys are scoped to agents, not the other
way round), so the list is ours to keep: per profile in ``config.toml``, or ``--agent`` on the
command line, which wins::

    [profiles.work]
    agents = ["AGENT_ID", "OTHER_AGENT_ID"]

    [[profiles.staging.agents]]
    id = "AGENT_ID"
    name = "Ops notifier"

The profile is the credentials profile in use (``--profile``, ``PHRONY_PROFILE``, the
credentials file's default); with none, the table ``[profiles.default]``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: The config table used when no profile is in play.
DEFAULT_PROFILE = "default"


class AgentEntry(BaseModel):
    """One agent of a profile's list, as the config file spells it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str | None = None

    @field_validator("id")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("an agent id must not be empty")
        return value.strip()

    @field_validator("name")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


class ProfileSettings(BaseModel):
    """``[profiles.NAME]`` of the config file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agents: list[AgentEntry] = Field(default_factory=list)

    @field_validator("agents", mode="before")
    @classmethod
    def _ids_as_entries(cls, value: Any) -> Any:
        """A bare string is an agent id: ``agents = ["ID"]`` is the short form."""
        if isinstance(value, list):
            return [{"id": v} if isinstance(v, str) else v for v in value]
        return value


class HasProfiles(Protocol):
    """What ``watched_agents`` reads of the settings (``phrony_tui.ui.config.Settings``)."""

    @property
    def profiles(self) -> Mapping[str, ProfileSettings]: ...


@dataclass(frozen=True)
class WatchedAgent:
    id: str
    name: str | None = None

    @property
    def label(self) -> str:
        """What a person sees: the name given in the config, else the id's first part (ids
        are UUIDs; eight characters tell them apart)."""
        if self.name:
            return self.name
        return self.id if len(self.id) <= 12 else self.id[:8]


def watched_agents(
    settings: HasProfiles, profile: str | None, given: Sequence[str] = ()
) -> list[WatchedAgent]:
    """The agents to watch, each once, in the order given. ``given`` (``--agent``) replaces
    the config's list, but keeps a name the config gives the same id."""
    table = settings.profiles.get(profile or DEFAULT_PROFILE)
    configured = [WatchedAgent(a.id, a.name) for a in (table.agents if table else [])]
    if given:
        names = {a.id: a.name for a in configured}
        wanted = [WatchedAgent(i.strip(), names.get(i.strip())) for i in given if i.strip()]
    else:
        wanted = configured
    seen: set[str] = set()
    unique: list[WatchedAgent] = []
    for agent in wanted:
        if agent.id not in seen:
            seen.add(agent.id)
            unique.append(agent)
    return unique


def how_to_add(profile: str | None, config_file: str = "config.toml") -> str:
    """What to write, and where, when no agent is configured: the words for an empty inbox.
    ``config_file`` is where the settings are read from (untrusted: sanitize when shown)."""
    name = profile or DEFAULT_PROFILE
    return (
        "no agents to watch: API keys are scoped to agents and no route lists them, so name "
        f"them in {config_file}, under the profile {name}:\n"
        "\n"
        f"    [profiles.{name}]\n"
        '    agents = ["AGENT_ID", "OTHER_AGENT_ID"]\n'
        "\n"
        "or with display names:\n"
        "\n"
        f"    [[profiles.{name}.agents]]\n"
        '    id = "AGENT_ID"\n'
        '    name = "Ops notifier"\n'
        "\n"
        "or give them on the command line: --agent AGENT_ID (repeatable)"
    )

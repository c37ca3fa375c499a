"""Every scripted agent of the simulator by name, each with a fixed agent id."""

from __future__ import annotations

from ..hostile import hostile
from ..records import Agent
from .people import approval, chat, forms, timer
from .teams import SUB_AGENTS, multi_agent, tour
from .unattended import failing, redacted
from .volume import big, firehose

#: Agents that can be started over the API, by scenario name.
SCENARIOS: dict[str, Agent] = {
    a.key: a
    for a in (
        Agent.scripted("chat", "Chat assistant", chat),
        Agent.scripted("approval", "Ops notifier", approval),
        Agent.scripted("forms", "Campaign builder", forms),
        Agent.scripted("multi-agent", "Research lead", multi_agent),
        Agent.scripted("timer", "Batch watcher", timer),
        Agent.scripted("redacted", "Private analyst", redacted, expose=False),
        Agent.scripted("failing", "Billing agent", failing),
        Agent.scripted("firehose", "Firehose", firehose),
        Agent.scripted("big", "Archive", big),
        Agent.scripted("tour", "Tour guide", tour),
        Agent.scripted("hostile", "Hostile agent", hostile),
    )
}

#: Every agent, sub-agent-mode ones (no API trigger) included.
AGENTS: dict[str, Agent] = {**SCENARIOS, **{a.key: a for a in SUB_AGENTS}}

AGENTS_BY_ID: dict[str, Agent] = {a.id: a for a in AGENTS.values()}

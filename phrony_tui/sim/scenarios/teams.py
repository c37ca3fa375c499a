"""Scenarios with sub-agents: the multi-agent research lead (parallel children, an escalation, an
approval in a child, an alert on the root) and the demo tour; and the sub-agents they spawn."""

from __future__ import annotations

import asyncio
from typing import Any

from ...api.models import ItemType, TaskKind
from ..context import RunContext
from ..records import Agent
from .people import TELEGRAM_TOOL


async def researcher(ctx: RunContext) -> Any:
    await ctx.think("Search for sources on the topic.", 110)
    await ctx.tool(
        "web_search",
        {"query": str(ctx.input.get("topic", "agents"))},
        {"results": [{"title": "Agent runtimes in 2026", "url": "https://example.org/a"}]},
    )
    checked = await ctx.spawn(FACT_CHECKER, {"claim": "Agents pause for people."})
    return {"sources": 1, "checked": checked}


async def fact_checker(ctx: RunContext) -> Any:
    await ctx.think("One claim is ambiguous; ask a person.", 60)
    answer = await ctx.escalate("Is the claim 'agents pause for people' about HITL approvals?")
    ctx.output(f"Claim verified with a person's help: {answer}")
    return {"verified": True, "note": answer}


async def analyst(ctx: RunContext) -> Any:
    await ctx.think("Write the findings to the shared sheet; that needs approval.", 90)
    tool = {
        "name": "google_sheets",
        "operation_name": "append_row",
        "arguments": {"sheet": "Findings", "row": ["agents", "pause", "2026"]},
    }
    outcome = await ctx.ask(
        TaskKind.APPROVAL,
        "Approval required: Google Sheets · Append Row",
        "Append the findings row?",
        tool=tool,
    )
    if outcome.get("approved", True):
        await ctx.tool(
            "google_sheets", tool["arguments"], {"updatedRange": "A12:C12"}, operation="append_row"
        )
    ctx.output("Analysis stored." if outcome.get("approved", True) else "Analysis not stored.")
    return {"stored": bool(outcome.get("approved", True))}


async def multi_agent(ctx: RunContext) -> Any:
    """A root that runs sub-agents in parallel at depth 1 and 2, with an AITL escalation from a
    child, an approval inside a child and a dashboard-only alert on the root."""
    await ctx.think("Split the work: research and analysis run in parallel.", 130)
    ctx.alert(
        "Anomaly: unusual token spend",
        "Token spend is 3x the 7-day average for this agent.",
        api_completable=False,
    )

    children = asyncio.gather(
        ctx.spawn(RESEARCHER, {"topic": "human-in-the-loop agents"}),
        ctx.spawn(ANALYST, {"dataset": "findings"}),
    )
    # Input ``chatter``: up to that many progress notes from the root while children work.
    for index in range(int(ctx.input.get("chatter", 0))):
        if children.done():
            break
        await ctx.pause(0.5)
        ctx.step(
            ItemType.REASONING,
            {"message": f"Progress note {index + 1}.", "preview": f"progress {index + 1}"},
            tokens=2,
        )
    results = await children
    await ctx.think("Both sub-agents are done; merge their results.", 90)
    ctx.output({"research": results[0], "analysis": results[1]})
    return {"research": results[0], "analysis": results[1]}


async def tour(ctx: RunContext) -> Any:
    """The demo: a chat turn, sub-agents, an approval and options, in one session."""
    await ctx.think("Welcome the user and ask what to research.", 90)
    ctx.output("Hi! I can research a topic and post a summary. What should I look into?")
    turn = await ctx.reply()
    topic = turn.text or "agent runtimes"
    await ctx.think(f"Plan: research {topic!r} with two sub-agents in parallel.", 160)
    found = await asyncio.gather(
        ctx.spawn(RESEARCHER_LITE, {"topic": topic}),
        ctx.spawn(WRITER, {"topic": topic}),
    )
    choice = await ctx.ask(
        TaskKind.MULTI_OPTION,
        "Pick a format",
        "How should I publish the summary?",
        options=[
            {"id": "short", "label": "Short post", "description": "3 lines"},
            {"id": "thread", "label": "Thread", "description": "5 posts"},
            {"id": "none", "label": "Do not publish"},
        ],
    )
    fmt = choice.get("selectedOptionId", "short")
    if fmt != "none":
        tool = {
            **TELEGRAM_TOOL,
            "arguments": {"chat_id": "@phrony-news", "text": f"{topic}: {found[1]}", "format": fmt},
        }
        outcome = await ctx.ask(
            TaskKind.APPROVAL,
            "Approval required: Telegram · Send Message",
            "Post the summary to @phrony-news?",
            tool=tool,
        )
        if outcome.get("approved", True):
            await ctx.tool(
                "telegram", tool["arguments"], {"message_id": 77}, operation="send_message"
            )
    ctx.output(f"Done: researched {topic!r}, format {fmt}.")
    return {"topic": topic, "format": fmt}


async def researcher_lite(ctx: RunContext) -> Any:
    await ctx.think(f"Search the web for {ctx.input.get('topic')!r}.", 100)
    await ctx.tool(
        "web_search",
        {"query": ctx.input.get("topic")},
        {"results": [{"title": "Overview", "url": "https://example.org/overview"}]},
    )
    ctx.output("3 sources found")
    return "3 sources found"


async def writer(ctx: RunContext) -> Any:
    await ctx.think("Draft a short summary from the sources.", 140)
    summary = f"A short summary of {ctx.input.get('topic')}."
    ctx.output(summary)
    return summary


RESEARCHER = Agent.scripted("researcher", "Researcher", researcher, trigger=False)
FACT_CHECKER = Agent.scripted("fact-checker", "Fact checker", fact_checker, trigger=False)
ANALYST = Agent.scripted("analyst", "Analyst", analyst, trigger=False)
RESEARCHER_LITE = Agent.scripted("researcher-lite", "Researcher", researcher_lite, trigger=False)
WRITER = Agent.scripted("writer", "Writer", writer, trigger=False)

#: The sub-agents (no API trigger), in the order ``AGENTS`` lists them.
SUB_AGENTS = (RESEARCHER, FACT_CHECKER, ANALYST, RESEARCHER_LITE, WRITER)

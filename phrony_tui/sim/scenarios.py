"""Scripted agents of the simulator. Each has a fixed agent id (see ``AGENTS``)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from ..api.models import ItemType, TaskKind
from .context import RunContext
from .hostile import hostile
from .ids import fixed_id
from .records import Agent, Script, ScriptFailed

FINISH_WORDS = ("bye", "done", "finish", "stop", "exit", "quit")


@dataclass(frozen=True)
class InputField:
    type: type
    minimum: float = 0
    maximum: float = 10_000_000
    choices: tuple[str, ...] = ()  # for a ``str`` field


async def chat(ctx: RunContext) -> Any:
    """Answers each turn until told to finish."""
    await ctx.think("The user opened a chat. Greet them and wait for a question.", 80)
    ctx.output("Hello! Ask me anything. Say 'done' when you are finished.")
    turns = 0
    while True:
        turn = await ctx.reply()
        turns += 1
        names = [
            str(f.get("filename") or f.get("objectKey", "")).rsplit("/", 1)[-1] for f in turn.files
        ]
        if turn.text.strip().lower().strip(".!") in FINISH_WORDS:
            await ctx.think("The user wants to finish. Close the conversation.", 40, pause=0.3)
            ctx.output(f"Goodbye! We had {turns} turns.")
            return {"turns": turns}
        await ctx.think(f"The user said: {turn.text!r}. Compose a helpful answer.", 150)
        answer = f"You said: {turn.text}" if turn.text else "You sent no text."
        if names:
            answer += "\nReceived files: " + ", ".join(names)
        ctx.output(answer)


TELEGRAM_TOOL = {
    "name": "telegram",
    "operation_name": "send_message",
    "arguments": {"chat_id": "@phrony-ops", "text": "Deploy v3.2 finished; all checks green."},
}


#: The approval agent's task kind, from its input ``kind`` (all answered with ``approved``).
APPROVAL_TITLES = {
    TaskKind.APPROVAL: "Approval required: Telegram · Send Message",
    TaskKind.HITL: "Review the tool call: Telegram · Send Message",
    TaskKind.ANOMALY_REVIEW: "Anomaly review: unusual recipient for Telegram · Send Message",
}


async def approval(ctx: RunContext) -> Any:
    """A HITL tool call that needs approve or reject; continues differently on each. Input
    ``kind`` makes the task an ``approval`` (default), a ``hitl`` or an ``anomaly_review``."""
    kind = TaskKind(ctx.input.get("kind", TaskKind.APPROVAL))
    await ctx.think("The deploy finished. I should tell the ops channel on Telegram.", 90)
    outcome = await ctx.ask(
        kind,
        APPROVAL_TITLES[kind],
        "Send the deploy notice to @phrony-ops?",
        tool=TELEGRAM_TOOL,
    )
    if outcome.get("approved", True):
        await ctx.tool(
            "telegram",
            TELEGRAM_TOOL["arguments"],
            {"message_id": 4242, "ok": True},
            operation="send_message",
        )
        ctx.output("Message sent to @phrony-ops.")
        return {"sent": True}
    await ctx.think("The person rejected the tool call. Do not send anything.", 50)
    ctx.output("Message not sent: the approval was rejected.")
    return {"sent": False}


CHANNEL_OPTIONS = [
    {"id": "email", "label": "Email", "description": "A weekly digest"},
    {"id": "sms", "label": "SMS", "description": "Short alerts only"},
    {"id": "push", "label": "Push notification"},
]


async def forms(ctx: RunContext) -> Any:
    """A ``multi_option``, a ``text`` and a ``number`` task in turn, then an output quoting them."""
    await ctx.think("Collect the campaign settings from the person.", 70)
    choice = await ctx.ask(
        TaskKind.MULTI_OPTION,
        "Pick a channel",
        "Which channel should the campaign use?",
        options=CHANNEL_OPTIONS,
    )
    subject = await ctx.ask(TaskKind.TEXT, "Subject line", "What subject line should it have?")
    count = await ctx.ask(TaskKind.NUMBER, "Audience size", "How many recipients at most?")
    answers = {
        "channel": choice.get("selectedOptionId"),
        "subject": subject.get("textValue"),
        "recipients": count.get("numberValue"),
    }
    ctx.output(
        f"Campaign ready: channel={answers['channel']}, subject={answers['subject']!r}, "
        f"recipients={answers['recipients']}"
    )
    return answers


async def researcher(ctx: RunContext) -> Any:
    await ctx.think("Search for sources on the topic.", 110)
    await ctx.tool(
        "web_search",
        {"query": str(ctx.input.get("topic", "agents"))},
        {"results": [{"title": "Agent runtimes in 2026", "url": "https://example.org/a"}]},
    )
    checked = await ctx.spawn(AGENTS["fact-checker"], {"claim": "Agents pause for people."})
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
        ctx.spawn(AGENTS["researcher"], {"topic": "human-in-the-loop agents"}),
        ctx.spawn(AGENTS["analyst"], {"dataset": "findings"}),
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


async def timer(ctx: RunContext) -> Any:
    """A ``WaitingForTimer`` wait of minutes that skip-agent-wait ends at once, after raising
    an alert a person can acknowledge over the API."""
    seconds = float(ctx.input.get("seconds", 300))
    await ctx.think(f"Wait {seconds:.0f} s for the batch job before checking it.", 50)
    ctx.alert(
        "Batch job running late",
        "The nightly batch started 20 minutes late.",
        api_completable=True,
    )
    skipped = await ctx.timer(seconds)
    await ctx.tool("batch_status", {"job": "nightly"}, {"state": "done"})
    ctx.output("Batch checked" + (" (wait skipped)." if skipped else "."))
    return {"skipped": skipped}


async def redacted(ctx: RunContext) -> Any:
    """Runs to completion on its own; its API trigger hides the timeline from API clients."""
    await ctx.think("Summarise the quarterly numbers privately.", 200)
    await ctx.tool("sql_query", {"sql": "select sum(revenue) from q3"}, {"rows": [[1234567]]})
    await ctx.pause(1.0)
    ctx.output({"summary": "Revenue up 12% quarter on quarter."})
    return None


async def failing(ctx: RunContext) -> Any:
    """A tool error the agent recovers from, then a failure that ends the session."""
    await ctx.think("Fetch the invoice from the billing API.", 80)
    await ctx.tool(
        "billing_api",
        {"invoice": "INV-7"},
        None,
        ok=False,
        error={"status": 502, "message": "Bad gateway"},
    )
    await ctx.think("The billing API failed with 502; retry once.", 60)
    await ctx.tool("billing_api", {"invoice": "INV-7"}, {"amount": 120.5, "currency": "EUR"})
    await ctx.think("Now charge the card on file.", 60)
    await ctx.tool(
        "payments",
        {"amount": 120.5},
        None,
        ok=False,
        error={"status": 401, "message": "Payment provider credentials revoked"},
    )
    raise ScriptFailed("payments tool failed: credentials revoked (unrecoverable)")


async def firehose(ctx: RunContext) -> Any:
    """Emits ``count`` reasoning steps as fast as the server can, or at ``rate`` per second.
    With ``wait_for_stream`` set, it waits (up to that many seconds) for a stream to listen."""
    count = int(ctx.input.get("count", 1000))
    rate = float(ctx.input.get("rate", 0))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + float(ctx.input.get("wait_for_stream", 0))
    while not ctx.session.subscribers and loop.time() < deadline:
        await asyncio.sleep(0.01)
    start = loop.time()
    for i in range(count):
        ctx.step(
            ItemType.REASONING,
            {"message": f"step {i + 1} of {count}", "preview": f"step {i + 1}"},
            tokens=1,
        )
        if rate > 0:
            delay = start + (i + 1) / rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
        elif i % 200 == 199:
            await asyncio.sleep(0)
    ctx.output({"steps": count})
    return {"steps": count}


async def big(ctx: RunContext) -> Any:
    """A session finished at once with ``items`` timeline rows (100,000 and more)."""
    total = int(ctx.input.get("items", 1000))
    session, run = ctx.session, ctx.run
    kinds = (ItemType.REASONING, ItemType.TOOL_CALL, ItemType.TOOL_RESULT, ItemType.OUTPUT)
    for i in range(max(0, total - 2)):
        kind = kinds[i % 4]
        if kind == ItemType.REASONING:
            content: dict[str, Any] = {"message": f"Thinking about row {i}.", "preview": f"row {i}"}
        elif kind == ItemType.TOOL_CALL:
            content = {"name": "lookup", "arguments": {"row": i}, "tool_call_id": f"call_{i}"}
        elif kind == ItemType.TOOL_RESULT:
            content = {
                "tool_call_id": f"call_{i - 1}",
                "result": {"data": {"row": i - 1, "value": i * 7}, "successful": True},
            }
        else:
            content = {"output": f"row {i} done"}
        session.add_item(run, kind, content, tokens=3, emit=False)
    run.output = {"rows": total}
    return {"rows": total}


async def tour(ctx: RunContext) -> Any:
    """The demo: a chat turn, sub-agents, an approval and options, in one session."""
    await ctx.think("Welcome the user and ask what to research.", 90)
    ctx.output("Hi! I can research a topic and post a summary. What should I look into?")
    turn = await ctx.reply()
    topic = turn.text or "agent runtimes"
    await ctx.think(f"Plan: research {topic!r} with two sub-agents in parallel.", 160)
    found = await asyncio.gather(
        ctx.spawn(AGENTS["researcher-lite"], {"topic": topic}),
        ctx.spawn(AGENTS["writer"], {"topic": topic}),
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


def _agent(
    key: str, name: str, script: Script, *, trigger: bool = True, expose: bool = True
) -> Agent:
    return Agent(
        key=key,
        id=fixed_id(f"agent/{key}"),
        name=name,
        version_id=fixed_id(f"agent/{key}/version/3"),
        trigger_id=fixed_id(f"agent/{key}/trigger") if trigger else None,
        script=script,
        expose_timeline=expose,
    )


#: Agents that can be started over the API, by scenario name.
SCENARIOS: dict[str, Agent] = {
    a.key: a
    for a in (
        _agent("chat", "Chat assistant", chat),
        _agent("approval", "Ops notifier", approval),
        _agent("forms", "Campaign builder", forms),
        _agent("multi-agent", "Research lead", multi_agent),
        _agent("timer", "Batch watcher", timer),
        _agent("redacted", "Private analyst", redacted, expose=False),
        _agent("failing", "Billing agent", failing),
        _agent("firehose", "Firehose", firehose),
        _agent("big", "Archive", big),
        _agent("tour", "Tour guide", tour),
        _agent("hostile", "Hostile agent", hostile),
    )
}

#: Every agent, sub-agent-mode ones (no API trigger) included.
AGENTS: dict[str, Agent] = {
    **SCENARIOS,
    **{
        a.key: a
        for a in (
            _agent("researcher", "Researcher", researcher, trigger=False),
            _agent("fact-checker", "Fact checker", fact_checker, trigger=False),
            _agent("analyst", "Analyst", analyst, trigger=False),
            _agent("researcher-lite", "Researcher", researcher_lite, trigger=False),
            _agent("writer", "Writer", writer, trigger=False),
        )
    },
}

AGENTS_BY_ID: dict[str, Agent] = {a.id: a for a in AGENTS.values()}

#: The ``input`` each scenario accepts (anything else is a 400 ``invalid_input``).
INPUT_SCHEMAS: dict[str, dict[str, InputField]] = {
    "firehose": {
        "count": InputField(int, 1, 5_000_000),
        "rate": InputField(float, 0, 1_000_000),
        "wait_for_stream": InputField(float, 0, 60),
    },
    "big": {"items": InputField(int, 2, 5_000_000)},
    "timer": {"seconds": InputField(float, 0, 86_400)},
    "hostile": {"mb": InputField(float, 0, 64)},
    "multi-agent": {"chatter": InputField(int, 0, 100_000)},
    "approval": {"kind": InputField(str, choices=tuple(APPROVAL_TITLES))},
}


#: Agents whose input may carry other fields besides those checked (the agent ignores them).
OPEN_INPUTS = {"approval"}


def validate_input(agent: Agent, value: dict[str, Any]) -> str | None:
    """The error message for an input that does not fit the agent's schema, else None."""
    schema = INPUT_SCHEMAS.get(agent.key)
    if schema is None:
        return None
    for name, raw in value.items():
        spec = schema.get(name)
        if spec is None:
            if agent.key in OPEN_INPUTS:
                continue
            return f"input.{name} is not a field of {agent.name}; known: {', '.join(schema)}"
        if spec.type is str:
            if raw not in spec.choices:
                return f"input.{name} must be one of: {', '.join(spec.choices)}"
            continue
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            return f"input.{name} must be a number"
        if spec.type is int and not float(raw).is_integer():
            return f"input.{name} must be an integer"
        if not spec.minimum <= raw <= spec.maximum:
            return f"input.{name} must be between {spec.minimum:g} and {spec.maximum:g}"
    return None

"""What each agent did in a seeded past session: its input, its thought, its tool, its output, and
what a waiting one does once a person answers. Written synchronously, in the order a live run
would have written it, so a seeded conversation reads like a lived one."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..api.models import ItemType, Status, TaskKind
from .context import RunContext
from .hostile import PAYLOADS
from .ids import iso_at
from .records import Script, Turn
from .scenarios.people import CHANNEL_OPTIONS
from .tasks import Task

if TYPE_CHECKING:
    from .past import Past

OUTPUT_TOKENS = 60
TOOL_TOKENS = 40


@dataclass(frozen=True)
class Story:
    thought: str
    tool: str
    operation: str | None
    arguments: dict[str, Any]
    result: Any
    output: Any
    failure: str = "tool failed: upstream timeout after 30 s"
    extra: dict[str, Any] = field(default_factory=dict)


STORIES: dict[str, Story] = {
    "chat": Story(
        "Answer the user's question about their order.",
        "orders_lookup",
        None,
        {"order": "A-1042"},
        {"state": "shipped"},
        "Your order A-1042 has shipped.",
    ),
    "approval": Story(
        "The deploy finished. Tell the ops channel on Telegram.",
        "telegram",
        "send_message",
        {"chat_id": "@phrony-ops", "text": "Deploy finished; all checks green."},
        {"message_id": 4242, "ok": True},
        "Message sent to @phrony-ops.",
    ),
    "forms": Story(
        "Collect the campaign settings and create the campaign.",
        "crm",
        "create_campaign",
        {"channel": "email", "subject": "Spring offers"},
        {"campaignId": "cmp_88"},
        {"channel": "email", "subject": "Spring offers", "recipients": 5000},
    ),
    "timer": Story(
        "Wait for the nightly batch, then check it.",
        "batch_status",
        None,
        {"job": "nightly"},
        {"state": "done"},
        "Batch checked.",
    ),
    "failing": Story(
        "Fetch the invoice, then charge the card on file.",
        "payments",
        "charge",
        {"amount": 120.5},
        {"charged": 120.5},
        {"charged": 120.5, "currency": "EUR"},
        failure="payments tool failed: credentials revoked (unrecoverable)",
    ),
    "redacted": Story(
        "Summarise the quarterly numbers privately.",
        "sql_query",
        None,
        {"sql": "select sum(revenue) from q3"},
        {"rows": [[1234567]]},
        {"summary": "Revenue up 12% quarter on quarter."},
    ),
}
DEFAULT_STORY = Story(
    "Work through the request step by step.",
    "web_search",
    None,
    {"query": "agent runtimes"},
    {"results": 3},
    "Done: 3 sources summarised.",
)

#: The ``input`` each agent's seeded sessions were started with (each fits its schema).
INPUTS: dict[str, dict[str, Any]] = {
    "approval": {"kind": "approval"},
    "timer": {"seconds": 300},
    "firehose": {"count": 1000},
    "big": {"items": 1000},
}


def story_of(past: Past) -> Story:
    return STORIES.get(past.agent.key, DEFAULT_STORY)


def outcome(past: Past) -> tuple[Any, str | None]:
    """The session's ``output`` and ``error`` as seeded (before anyone answers it)."""
    if past.status == Status.COMPLETED:
        return story_of(past).output, None
    if past.status == Status.FAILED:
        return None, story_of(past).failure
    if past.status == Status.CANCELLED:
        return None, "cancelled"
    return None, None


def _title(past: Past, plain: str) -> str:
    """The hostile agent's tasks carry its payloads, so an inbox is tested on them too."""
    if past.agent.key == "hostile":
        return PAYLOADS[past.seed % len(PAYLOADS)][:200] + " " + plain
    return plain


def write_timeline(ctx: RunContext, past: Past) -> None:
    """The seeded session's timeline, its end, or the pause it waits in."""
    story, session, run = story_of(past), ctx.session, ctx.run
    fixed: dict[str, int] = {
        Status.COMPLETED: TOOL_TOKENS + OUTPUT_TOKENS,
        Status.FAILED: TOOL_TOKENS,
    }
    spent = fixed.get(past.status, OUTPUT_TOKENS if past.wait == "response" else 0)
    thought_tokens = max(1, past.tokens - spent)
    ctx.step(ItemType.LLM_REQUEST_PREPARED, {"model": run.agent.model})
    ctx.step(
        ItemType.REASONING,
        {"message": story.thought, "preview": story.thought[:80], "tokens_used": thought_tokens},
        tokens=thought_tokens,
    )
    if past.status == Status.COMPLETED:
        call = ctx.tool_call(story.tool, story.arguments, story.operation)
        ctx.tool_result(call, story.result)
        ctx.output(story.output, tokens=OUTPUT_TOKENS)
        session.finish_run(run, Status.COMPLETED)
    elif past.status == Status.FAILED:
        call = ctx.tool_call(story.tool, story.arguments, story.operation)
        error = {"status": 502, "message": story.failure}
        ctx.tool_result(call, None, ok=False, error=error)
        session.finish_run(run, Status.FAILED, error=story.failure)
    elif past.status == Status.CANCELLED:
        session.finish_run(run, Status.CANCELLED, error="cancelled")
    else:
        run.resume = _pause(ctx, past, story)


def _pause(ctx: RunContext, past: Past, story: Story) -> Script:
    """Enter the pause the session was seeded in; what the run does once it is answered."""
    session, run = ctx.session, ctx.run
    loop = asyncio.get_running_loop()
    if past.wait == "response":
        ctx.output("Hello! Ask me anything. Say 'done' when you are finished.", OUTPUT_TOKENS)
        run.waiter = loop.create_future()
        session.set_status(run, Status.WAITING_FOR_RESPONSE)
        return _after_reply
    if past.wait == "timer":
        until = past.seeded_at + random.Random(past.seed).uniform(600, 6 * 3600)
        assert past.stamp is not None
        seconds = round(until - past.stamp.peek())
        ctx.step(ItemType.WAIT, {"seconds": seconds, "wait_until": iso_at(until)})
        run.waiter = loop.create_future()
        session.set_status(run, Status.WAITING_FOR_TIMER)
        return _after_timer(until, story)
    if past.wait == "multi_option":
        task = ctx.make_task(
            TaskKind.MULTI_OPTION,
            _title(past, "Pick a channel"),
            "Which channel should the campaign use?",
            options=CHANNEL_OPTIONS,
            tool=None,
            api_completable=True,
            blocking=True,
        )
    elif past.wait == "text":
        task = ctx.make_task(
            TaskKind.TEXT,
            _title(past, "Subject line"),
            "What subject line should it have?",
            options=None,
            tool=None,
            api_completable=True,
            blocking=True,
        )
    else:
        name = story.tool.replace("_", " ").title()
        tool = {"name": story.tool, "operation_name": story.operation, "arguments": story.arguments}
        task = ctx.make_task(
            TaskKind.APPROVAL,
            _title(past, f"Approval required: {name}"),
            f"Run {story.tool} with these arguments?",
            options=None,
            tool=tool,
            api_completable=True,
            blocking=True,
        )
    session.set_status(run, Status.WAITING_FOR_HITL)
    return _after_task(task, story)


async def _after_reply(ctx: RunContext) -> Any:
    assert ctx.run.waiter is not None
    turn: Turn = await ctx.run.waiter
    ctx.run.waiter = None
    await ctx.think(f"The user said: {turn.text!r}. Answer and close.", 90, pause=0.3)
    ctx.output(f"You said: {turn.text}" if turn.text else "You sent no text.")
    return {"turns": 1}


def _after_timer(until: float, story: Story) -> Script:
    async def resume(ctx: RunContext) -> Any:
        engine, run = ctx.session.engine, ctx.run
        assert run.waiter is not None
        remaining = max(0.0, until - engine.clock.now().timestamp())
        real = max(remaining / engine.speed, min(remaining, engine.min_timer_s))
        try:
            await asyncio.wait_for(asyncio.shield(run.waiter), timeout=real)
            skipped = True
        except TimeoutError:
            skipped = False
        run.waiter = None
        ctx.session.set_status(run, Status.RUNNING)
        await ctx.tool(story.tool, story.arguments, story.result, operation=story.operation)
        ctx.output("Checked" + (" (wait skipped)." if skipped else "."))
        return {"skipped": skipped}

    return resume


def _after_task(task: Task, story: Story) -> Script:
    async def resume(ctx: RunContext) -> Any:
        assert task.future is not None
        answer = await task.future
        ctx.session.set_status(ctx.run, Status.RUNNING)
        if task.kind == TaskKind.MULTI_OPTION:
            ctx.output(f"Campaign set to {answer.get('selectedOptionId')}.")
        elif task.kind == TaskKind.TEXT:
            ctx.output(f"Subject line set: {answer.get('textValue')}")
        elif answer.get("approved", True):
            await ctx.tool(story.tool, story.arguments, story.result, operation=story.operation)
            ctx.output(story.output)
        else:
            await ctx.think("The person rejected the tool call. Do nothing.", 50, pause=0.3)
            ctx.output("Not done: the approval was rejected.")
        return None

    return resume

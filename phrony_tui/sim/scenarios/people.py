"""Scenarios that wait for a person: a chat, an approval, a form of three questions, a timer."""

from __future__ import annotations

from typing import Any

from ...api.models import TaskKind
from ..context import RunContext

FINISH_WORDS = ("bye", "done", "finish", "stop", "exit", "quit")


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

"""The ``hostile`` scenario: an agent whose every output tries to break the client.

Markup and action markup, unbalanced brackets, terminal escape sequences (CSI, OSC title and
clipboard writes, C1 controls), bidi overrides, NUL, huge text, 1,000-deep JSON, wrong types,
unknown item types, task kinds and event subjects. A client must show all of it literally,
fire nothing, crash on nothing and pass no escape byte to the terminal.
"""

from __future__ import annotations

from typing import Any

from ..api.models import ItemType, TaskKind
from .context import RunContext
from .ids import fixed_id
from .records import Agent

PAYLOADS: list[str] = [
    # Textual / Rich markup
    "[bold]not bold[/bold]",
    "[red]x[/red]",
    "[@click=app.quit]click me[/]",
    "[@click=app.bell]bell[/]",
    "[link=https://evil.example]link[/link]",
    "[/]",
    "a [/b",
    "[red",
    "]]]] [[[[",
    "[b][i][u]unclosed",
    "\\[escaped]",
    "[on red]background[/on red]",
    ":smile: :warning:",
    "$accent $secondary",
    "{{ template }} {0} %s",
    "<script>alert(1)</script>",
    # terminal escape sequences
    "\x1b[2J\x1b[Hscreen cleared?",
    "\x1b[31mred text\x1b[0m",
    "\x1b]0;pwned title\x07",
    "\x1b]52;c;ZXZpbCBjbGlwYm9hcmQ=\x07",
    "\x1b]8;;https://evil.example\x1b\\hyperlink\x1b]8;;\x1b\\",
    "\x1b[?1049h alt screen",
    "\x1b[6n cursor report",
    "\x1bP+q544e\x1b\\ DCS",
    "\x1bc full reset",
    "\x9b2J C1 CSI",
    "\x9d0;c1 title\x9c",
    "\x85 next line \x8d",
    # other controls
    "NUL\x00byte",
    "bell\x07bell",
    "back\x08\x08\x08space",
    "carriage\rreturn overwrite",
    "vertical\x0btab\x0cform feed",
    "delete\x7fchar",
    "line1\nline2\nline3",
    # bidi and invisible characters
    "\u202eevil reversed\u202c",
    "\u2066isolate\u2069 \u2067rtl\u2069",
    "\u200fRLM \u200eLRM \u061cALM",
    "zero\u200bwidth\u200djoiner\ufeffbom",
    # wide and combining
    "表意文字 and emoji 🙂",
    "Z̵̡̢a̸l̴g̷o̶ text",
    # long line
    "x" * 5000,
]

HOSTILE_NAME = "[@click=app.quit]\x1b]0;agent\x07Evil agent\u202e"


def _deep(levels: int) -> Any:
    value: Any = "bottom"
    for _ in range(levels):
        value = [value]
    return value


async def hostile(ctx: RunContext) -> Any:
    session, run = ctx.session, ctx.run
    mb = float(ctx.input.get("mb", 0))
    for payload in PAYLOADS:
        ctx.step(ItemType.REASONING, {"message": payload, "preview": payload[:80]}, tokens=1)
        ctx.step(
            ItemType.TOOL_CALL,
            {
                "name": payload[:80],
                "operation_name": payload,
                "arguments": {"value": payload},
                "tool_call_id": "call_x",
            },
        )
        ctx.step(
            ItemType.TOOL_RESULT,
            {"tool_call_id": "call_x", "result": {"data": {"text": payload}, "successful": True}},
        )
        ctx.output(payload)
    await ctx.pause(0.1)
    ctx.step("Évil\x1b]0;type\x07Type[/]", [PAYLOADS[2], PAYLOADS[16]])
    ctx.step(ItemType.REASONING, "content that is a bare string [red]x[/red]\x1b[2J")
    ctx.step(ItemType.TOOL_RESULT, None)
    ctx.step(ItemType.TOOL_RESULT, {"result": {"data": _deep(1000), "successful": True}})
    session.add_raw_item(
        run,
        {
            "type": 12345,
            "tokensUsed": "many",
            "error": {"not": "text"},
            "startedAt": 7,
            "content": {"message": 5},
        },
    )
    if mb:
        ctx.step(ItemType.TOOL_RESULT, {"result": {"data": "y" * int(mb * 1024 * 1024)}})
    session.emit("telemetry", "engine.\x1b[2J.unknown", {"anything": PAYLOADS[2]})
    session.emit("step", "engine.step.broken", {"no": "id", "type": ["wrong"]})
    session.emit("user_task", "engine.user_task.exploded", {"userTaskId": 7})
    evil = Agent(
        "evil", fixed_id("agent/evil"), HOSTILE_NAME, fixed_id("agent/evil/v"), None, _evil_child
    )
    await ctx.spawn(evil, {"payload": PAYLOADS[3]})
    ctx.alert("Unknown kind " + PAYLOADS[18], PAYLOADS[2], api_completable=True)
    await ctx.ask(
        TaskKind.MULTI_OPTION,
        "Pick one [b]bold?[/b]\x1b]0;t\x07",
        "Options with hostile labels: " + PAYLOADS[2] + PAYLOADS[16],
        options=[
            {"id": "same", "label": PAYLOADS[2], "description": PAYLOADS[16]},
            {"id": "same", "label": PAYLOADS[18], "description": PAYLOADS[35]},
            {"id": "[b]", "label": PAYLOADS[5]},
        ],
    )
    ctx.alert("Mystery [b]task", PAYLOADS[20], api_completable=True, kind="brand_new_kind")
    # Every payload in one prompt (with ``mb``, megabytes more), and wrong types around it.
    await ctx.ask(
        TaskKind.TEXT,
        "Answer " + PAYLOADS[2],
        "Prompt: " + " ".join(PAYLOADS) + "y" * int(mb * 1024 * 1024),
        extra={"tool": "not an object", "options": {"not": "a list"}, "outcome": _deep(1000)},
    )
    ctx.output("survived")
    return {"survived": True}


async def _evil_child(ctx: RunContext) -> Any:
    ctx.step(ItemType.REASONING, {"message": PAYLOADS[19], "preview": PAYLOADS[19]}, tokens=1)
    return PAYLOADS[2]

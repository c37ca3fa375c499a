"""Scenarios that need no one: a run whose timeline its trigger hides from API clients, and one
that recovers from a tool error and then fails for good."""

from __future__ import annotations

from typing import Any

from ..context import RunContext
from ..records import ScriptFailed


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

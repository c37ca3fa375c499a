"""Sending something a person decided, without ever sending it twice. No Textual: the
commands use it, and the console's controller follows the same rules.

A POST is retried only when it surely did not reach the server (the connection itself
failed) or the server said so (429/503 with a ``Retry-After`` of at most 10 s). After an
ambiguous failure (a 5xx, a connection lost after sending) the timeline is read, a few times
since the API may apply a message a moment after its 202, before anything is concluded; it is
never sent again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from .httplog import ATTEMPT

if TYPE_CHECKING:
    from ..api import PhronyClient
    from ..api.errors import PhronyError
    from ..api.models import MessageBody

MAX_RETRY_AFTER = 10.0
SEND_ATTEMPTS = 3
#: After an ambiguous failure the timeline is read at these delays (s).
ARRIVAL_CHECKS = (0.0, 0.5, 1.5)

#: What a look at the timeline says: True it arrived, False it did not, ``ELSEWHERE`` the task
#: was completed with another answer than ours, None the timeline cannot be read.
Arrival = bool | str | None
ELSEWHERE = "elsewhere"
_ANSWER_FIELDS = ("approved", "selectedOptionId", "textValue", "numberValue")


class Outcome(StrEnum):
    SENT = "sent"
    ARRIVED = "arrived"  # an ambiguous failure, and the timeline shows it arrived
    CONFLICT = "conflict"  # 409: the task is no longer pending, or the run waits for other
    ELSEWHERE = "elsewhere"  # the task was answered differently, by someone else
    NOT_DELIVERED = "not delivered"  # an ambiguous failure, and the timeline shows it did not
    UNKNOWN = "unknown"  # an ambiguous failure, and the timeline cannot be read
    REFUSED = "refused"  # refused or unreachable, surely not processed


@dataclass
class Delivery:
    outcome: Outcome
    error: PhronyError | None = None

    @property
    def ok(self) -> bool:
        return self.outcome in (Outcome.SENT, Outcome.ARRIVED)


async def deliver(
    send: Callable[[], Awaitable[object]],
    check: Callable[[], Awaitable[Arrival]],
    *,
    checks: tuple[float, ...] = ARRIVAL_CHECKS,
    notice: Callable[[str], None] | None = None,
) -> Delivery:
    """Call ``send`` under the rules above; ``check`` tells whether it arrived after an
    ambiguous failure."""
    from ..api.errors import (
        APIConnectionError,
        ConflictError,
        PhronyError,
        RateLimitError,
        ServerError,
    )

    for attempt in range(SEND_ATTEMPTS):
        last = attempt + 1 == SEND_ATTEMPTS
        token = ATTEMPT.set(attempt)
        try:
            await send()
        except ConflictError as exc:
            return Delivery(Outcome.CONFLICT, exc)
        except (RateLimitError, ServerError) as exc:
            wait = exc.retry_after
            if exc.status in (429, 503) and wait is not None and wait <= MAX_RETRY_AFTER:
                if last:
                    return Delivery(Outcome.REFUSED, exc)
                if notice is not None:
                    notice(f"server busy ({exc.status}), retrying in {wait:g} s…")
                await asyncio.sleep(wait)
                continue
            if isinstance(exc, ServerError):
                return await _ambiguous(check, checks, exc)
            return Delivery(Outcome.REFUSED, exc)
        except APIConnectionError as exc:
            if exc.maybe_sent:
                return await _ambiguous(check, checks, exc)
            if last:
                return Delivery(Outcome.REFUSED, exc)
            await asyncio.sleep(0.5 * (attempt + 1))
            continue
        except PhronyError as exc:
            return Delivery(Outcome.REFUSED, exc)
        finally:
            ATTEMPT.reset(token)
        return Delivery(Outcome.SENT)
    raise AssertionError("unreachable: the last attempt returns")


async def _ambiguous(
    check: Callable[[], Awaitable[Arrival]], checks: tuple[float, ...], error: PhronyError
) -> Delivery:
    arrived: Arrival = None
    for delay in checks:
        await asyncio.sleep(delay)
        arrived = await check()
        if arrived:
            break
    # Only the last look counts: "not yet" followed by "cannot tell" is "cannot tell".
    if arrived == ELSEWHERE:
        return Delivery(Outcome.ELSEWHERE, error)
    if arrived:
        return Delivery(Outcome.ARRIVED, error)
    if arrived is False:
        return Delivery(Outcome.NOT_DELIVERED, error)
    return Delivery(Outcome.UNKNOWN, error)


def _other_answer(body: MessageBody, outcome: object) -> bool:
    if not isinstance(outcome, dict):
        return False  # no outcome to compare: assume ours
    ours = body.to_wire()
    return any(
        key in ours and key in outcome and outcome[key] != ours[key] for key in _ANSWER_FIELDS
    )


async def message_arrived(client: PhronyClient, body: MessageBody, since: float) -> Arrival:
    """Whether the server has ``body``: its task is no longer pending, or a user turn with its
    text appeared on its run after ordinal ``since``."""
    from ..api.compact import steps_of
    from ..api.errors import PhronyError
    from ..api.models import ItemType, same_type

    try:
        conversation = await client.load_conversation(body.run_id)
    except PhronyError:
        return None
    for step in steps_of(conversation):
        if body.user_task_id:
            if not same_type(step.type, ItemType.USER_TASK_REQ):
                continue
        elif not (
            same_type(step.type, ItemType.USER_MESSAGE)
            and step.run_id == body.run_id
            and step.ordinal > since
        ):
            continue
        item = step.model()
        content = item.content if isinstance(item.content, dict) else {}
        if body.user_task_id:
            if content.get("user_task_id") == body.user_task_id:
                if content.get("status", "Pending") == "Pending":
                    return False
                return ELSEWHERE if _other_answer(body, content.get("outcome")) else True
        elif content.get("text", "") == (body.text or body.message or ""):
            return True
    return False


async def send_message(
    client: PhronyClient,
    body: MessageBody,
    since: float = 0,
    *,
    checks: tuple[float, ...] = ARRIVAL_CHECKS,
    notice: Callable[[str], None] | None = None,
) -> Delivery:
    """Post ``body`` to its run under the rules above."""
    return await deliver(
        lambda: client.send_message(body),
        lambda: message_arrived(client, body, since),
        checks=checks,
        notice=notice,
    )


async def skip_wait(
    client: PhronyClient,
    run_id: str,
    *,
    checks: tuple[float, ...] = ARRIVAL_CHECKS,
    notice: Callable[[str], None] | None = None,
) -> Delivery:
    """End the run's timer: after an ambiguous failure, it arrived if the run no longer
    waits for its timer."""
    from ..api.errors import PhronyError

    async def ended() -> Arrival:
        try:
            run = await client.get_run(run_id)
        except PhronyError:
            return None
        return run.status != "WaitingForTimer"

    return await deliver(
        lambda: client.skip_agent_wait(run_id), ended, checks=checks, notice=notice
    )

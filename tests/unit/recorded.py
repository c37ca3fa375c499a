"""A whole multi-agent session recorded from the simulator's engine, in process: every event as
the stream sends it, and the ``/conversation`` body as it stood after each one was received."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import cache

from phrony_tui.api import StreamEvent
from phrony_tui.api.compact import CompactConversation, parse_conversation
from phrony_tui.sim.app import conversation
from phrony_tui.sim.engine import Engine, SimEvent, SimSession, Subscriber, Task
from phrony_tui.sim.scenarios import SCENARIOS
from phrony_tui.sim.validation import FIELD_FOR_KIND
from phrony_tui.sim.wire import dumps


@dataclass(frozen=True)
class Recording:
    events: list[StreamEvent]
    #: ``bodies[k]``: the conversation as it stood when event ``k`` was sent, so it holds the
    #: first ``k`` events exactly (the first two, sent before anyone listened, are in all).
    bodies: list[bytes]

    def snapshot(self, k: int) -> CompactConversation:
        parsed = parse_conversation(self.bodies[k])
        assert parsed is not None
        return parsed

    @property
    def final(self) -> CompactConversation:
        return self.snapshot(len(self.bodies) - 1)


def _outcome(task: Task) -> dict[str, object]:
    wanted = FIELD_FOR_KIND.get(task.kind, "approved")
    values: dict[str, object] = {
        "approved": True,
        "textValue": "yes",
        "numberValue": 1,
        "selectedOptionId": str((task.options or [{"id": "1"}])[0].get("id")),
    }
    return {wanted: values[wanted]} if wanted else {}


def _body(session: SimSession) -> bytes:
    return dumps(conversation(session, slim=False)).encode()


def _event(wire: bytes) -> StreamEvent:
    head, _, data = wire.partition(b"\ndata: ")
    event = StreamEvent.model_validate_json(data.strip())
    event.event_id = head.removeprefix(b"id: ").decode()
    return event


class _Capture(asyncio.Queue[SimEvent | None]):
    """A stream's queue that also takes the conversation the moment each event is sent."""

    def __init__(self, session: SimSession) -> None:
        super().__init__()
        self.session = session
        self.bodies: list[bytes] = []

    def put_nowait(self, item: SimEvent | None) -> None:
        self.bodies.append(_body(self.session))
        super().put_nowait(item)


async def _record(chatter: int) -> Recording:
    engine = Engine(seed=11, speed=5000)
    session = engine.start_session(SCENARIOS["multi-agent"], "tenant", "key", {"chatter": chatter})
    queue = _Capture(session)
    for started in session.log:  # sent before anyone could listen
        queue.put_nowait(started)
    session.subscribers.add(Subscriber(queue))
    events: list[StreamEvent] = []
    try:
        while not (session.ended.is_set() and queue.empty()):
            got = await asyncio.wait_for(queue.get(), 30)
            assert got is not None
            events.append(_event(got.wire))
            for task in list(session.tasks.values()):
                if task.status == "Pending" and task.api_completable:
                    session.end_task(task, "Completed", _outcome(task))
    finally:
        engine.shutdown()
    bodies = queue.bodies
    return Recording(events, [bodies[0], *bodies])


@cache
def multi_agent(chatter: int = 4) -> Recording:
    return asyncio.run(_record(chatter))

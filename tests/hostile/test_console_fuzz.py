"""Conversations and stream events built by hypothesis, served by the hostile server to the
console: whatever the numbers, strings and nesting, it draws without crashing and nothing it
draws holds a control character from the server (checked in the screen's SVG export, where
the text is written as drawn). In-process (``run_test``) for speed; the corpus test drives the
real command line."""

from __future__ import annotations

import asyncio
import html
import json
import re
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from phrony_tui.api import PhronyClient
from phrony_tui.ui.app import ConsoleApp
from tests.hostile.conftest import KEY
from tests.hostile.server import HostileServer, Reply
from tests.hostile.terminal import FORBIDDEN
from tests.hostile.test_fuzz import CONTENT, NUMBERS, TEXT, nest
from tests.ui.helpers import until

#: No shrinking: a console example takes a fraction of a second, and shrinking a failure
#: through hundreds of them would take minutes; the failing example is printed whole.
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
RUN_ID = "r1"
TYPES = st.sampled_from(
    ["Reasoning", "ToolCall", "output", "UserTaskReq", "Wait", "llm_request_prepared"]
)
STATUSES = st.sampled_from(["Running", "WaitingForResponse", "Completed", "Failed"])
#: Token counts as they are drawn today; past a float's range they wait for the reducer's clamp.
TOKENS = st.one_of(
    st.integers(min_value=0, max_value=10**15).map(str),
    st.floats(min_value=0, max_value=1e15).map(repr),
)
#: Numbers as a conversation's ordinals today; past 4,300 digits Python refuses to read one
#: and the whole conversation is refused with it (a clean refusal, pending the reducer's
#: bounds on numbers).
ORDINALS = NUMBERS.filter(lambda n: len(n) < 4000)
READABLE_CONTENT = st.builds(
    nest, st.integers(min_value=0, max_value=3000), st.one_of(ORDINALS, TEXT.map(json.dumps))
)
ENDED = ("reconnecting", "polling", "offline", "finished")


def text(draw: Any) -> str:
    return json.dumps(draw(TEXT))


#: A sub-run's id as the tree takes it today; an empty id or the root's own makes a loop of
#: parents, which the reducer is being changed to cut.
CHILD_IDS = TEXT.filter(lambda t: t.strip() not in ("", RUN_ID))


@st.composite
def conversations(
    draw: Any,
    tokens: st.SearchStrategy[str] = TOKENS,
    ordinals: st.SearchStrategy[str] = ORDINALS,
    contents: st.SearchStrategy[str] = READABLE_CONTENT,
    child_ids: st.SearchStrategy[str] = CHILD_IDS,
) -> tuple[bytes, list[bytes]]:
    """A conversation (its shape right, its values hostile) and stream events in the same
    vein."""

    def item() -> str:
        return (
            f'{{"id": {text(draw)}, "runId": "{RUN_ID}", "ordinal": {draw(ordinals)}, '
            f'"type": {json.dumps(draw(TYPES | TEXT))}, "tokensUsed": {draw(tokens)}, '
            f'"content": {draw(contents)}}}'
        )

    items = ", ".join(item() for _ in range(draw(st.integers(0, 4))))
    status = json.dumps(draw(STATUSES | TEXT))
    body = (
        f'{{"session": {{"id": {text(draw)}, "status": {status}, '
        f'"totalTokensUsed": {draw(tokens)}, "triggeredBy": {text(draw)}, '
        f'"llmModel": {text(draw)}, "error": {text(draw)}, "output": {draw(contents)}}}, '
        f'"runs": [{{"id": "{RUN_ID}", "status": {status}, "totalTokensUsed": {draw(tokens)}, '
        f'"agentName": {text(draw)}}}, {{"id": {json.dumps(draw(child_ids))}, '
        f'"parentRunId": "{RUN_ID}", '
        f'"depth": 1, "status": {text(draw)}, "totalTokensUsed": {draw(tokens)}}}], '
        f'"items": [{items}]}}'
    ).encode()
    step = 'id: {}\ndata: {{"kind": "step", "subject": "engine.step.x", "data": {}}}\n\n'
    events = [step.format(n, item()).encode() for n in range(draw(st.integers(0, 3)))]
    return body, events


def drawn_text(app: ConsoleApp) -> str:
    """The text of every cell, as the screen's SVG export writes it."""
    svg = app.export_screenshot()
    return "".join(html.unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S))


async def show(server: HostileServer, body: bytes, events: list[bytes]) -> None:
    server.reset()
    server.respond(
        "GET", "/v1/runs/*/conversation", Reply(200, [("Content-Type", "application/json")], body)
    )
    server.respond("GET", "/v1/runs/*/stream", Reply.sse(*events))
    server.respond("GET", f"/v1/runs/{RUN_ID}", Reply.json({"runId": RUN_ID}))
    app = ConsoleApp(PhronyClient(server.base_url, KEY), RUN_ID, show_event_age=False, steady=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(
            pilot,
            lambda: app.status_line.connection in ENDED,
            timeout=30,
            what="the stream to end",
        )
        await until(pilot, lambda: app.state.session is not None, what="the conversation")
        await pilot.pause()
        assert app.is_running
        shown = drawn_text(app)
        assert shown.strip()
        assert FORBIDDEN.findall(shown) == [], shown
        assert KEY not in shown


@FUZZ
@given(conversation=conversations())
def test_fuzzed_conversations_draw_clean(
    hostile_server: HostileServer, conversation: tuple[bytes, list[bytes]]
) -> None:
    asyncio.run(show(hostile_server, *conversation))


@FUZZ
@given(
    conversation=conversations(tokens=NUMBERS, ordinals=NUMBERS, contents=CONTENT, child_ids=TEXT)
)
def test_fuzzed_token_counts_and_run_ids_draw(
    hostile_server: HostileServer, conversation: tuple[bytes, list[bytes]]
) -> None:
    asyncio.run(show(hostile_server, *conversation))

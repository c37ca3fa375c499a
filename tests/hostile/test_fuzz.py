"""Numbers, strings and nesting from the server, fuzzed through the hostile server into the
conversation and the stream: whatever comes, the client answers with models or a
``PhronyError``."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phrony_tui.api import PhronyClient
from phrony_tui.api.errors import PhronyError
from tests.hostile.bombs import MIB
from tests.hostile.conftest import KEY
from tests.hostile.server import HostileServer, Reply

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

#: Number literals as JSON text: huge integers, floats at and past the edge, huge exponents
#: (JSON has no NaN or Infinity, so these are how a server overflows one), and digit strings.
NUMBERS = st.one_of(
    st.integers().map(str),
    st.integers(min_value=300, max_value=6000).map(lambda n: "9" * n),
    st.integers(min_value=300, max_value=6000).map(lambda n: "-1" + "0" * n),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["1.7e308", "1e309", "-1e309", "1e-400", "0e99999", "1E+99999", "-0"]),
    st.integers(min_value=1, max_value=600).map(lambda n: json.dumps("9" * n)),
)
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["\x1b", "\x07", "\x9b", "\u202e", "\u2066", "\x00", "\\", '"', "[", "]"]),
    ),
    max_size=40,
) | st.sampled_from(["[@click=app.quit]x[/]", "\x1b]52;c;ZXZpbA==\x07", "[/]", "a [/b"])


def nest(depth: int, leaf: str) -> str:
    return "[" * depth + leaf + "]" * depth


CONTENT = st.builds(
    nest,
    st.integers(min_value=0, max_value=3000),
    st.one_of(NUMBERS, TEXT.map(json.dumps)),
)


@st.composite
def conversations(draw: Any) -> bytes:
    n, s = lambda: draw(NUMBERS), lambda: json.dumps(draw(TEXT))
    items = ", ".join(
        f'{{"id": {s()}, "runId": {s()}, "ordinal": {n()}, "sequence": {n()}, "type": {s()}, '
        f'"tokensUsed": {n()}, "content": {draw(CONTENT)}}}'
        for _ in range(draw(st.integers(min_value=0, max_value=4)))
    )
    return (
        f'{{"session": {{"id": {s()}, "status": {s()}, "totalTokensUsed": {n()}, '
        f'"triggeredBy": {s()}, "output": {draw(CONTENT)}}}, '
        f'"runs": [{{"id": {s()}, "depth": {n()}, "totalTokensUsed": {n()}, "status": {s()}}}], '
        f'"items": [{items}]}}'
    ).encode()


@st.composite
def streams(draw: Any) -> list[bytes]:
    lines: list[str] = []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        data = (
            f'{{"kind": {json.dumps(draw(TEXT))}, "subject": {json.dumps(draw(TEXT))}, '
            f'"data": {{"totalTokensUsed": {draw(NUMBERS)}, "x": {draw(CONTENT)}}}}}'
        )
        lines += [f"id: {draw(TEXT)}", f"retry: {draw(NUMBERS)}", f": {draw(TEXT)}"]
        lines += [f"data: {part}" for part in data.split("\n")] + [""]
    end = draw(st.sampled_from(["\n", "\r", "\r\n"]))
    raw = end.join(lines).encode("utf-8", "surrogatepass")
    cuts = sorted(draw(st.lists(st.integers(0, len(raw)), max_size=8)))
    return [raw[a:b] for a, b in zip([0, *cuts], [*cuts, len(raw)], strict=True)]


async def stream_all(client: PhronyClient) -> None:
    async with client.stream("r1") as stream:
        async for _ in stream:
            pass
    if stream.retry_ms is not None:
        assert 0 <= stream.retry_ms / 1000 <= 3600


def run_through(server: HostileServer, route: str, reply: Reply, *calls: str) -> None:
    server.reset()
    server.respond("GET", route, reply)

    async def go() -> None:
        async with PhronyClient(server.base_url, KEY, max_body_bytes=32 * MIB) as client:
            for call in calls:
                try:
                    await (stream_all(client) if call == "stream" else getattr(client, call)("r1"))
                except PhronyError as exc:
                    assert KEY not in f"{exc}{exc!r}"

    asyncio.run(go())


@FUZZ
@given(body=conversations())
def test_fuzzed_conversations(hostile_server: HostileServer, body: bytes) -> None:
    reply = Reply(200, [("Content-Type", "application/json")], body)
    run_through(
        hostile_server, "/v1/runs/*/conversation", reply, "get_conversation", "load_conversation"
    )


@FUZZ
@given(chunks=streams())
def test_fuzzed_streams(hostile_server: HostileServer, chunks: list[bytes]) -> None:
    run_through(hostile_server, "/v1/runs/*/stream", Reply.sse(*chunks), "stream")

"""Wire shapes the simulator never sends (it is correct), answered over a real socket: the
client's outcome for each is typed and nothing is lost."""

from __future__ import annotations

import json

import httpx
import pytest

from phrony_tui.api import PhronyClient, StreamEvent
from phrony_tui.api.errors import (
    APIStatusError,
    PhronyError,
    StreamDisconnectedError,
    StreamProtocolError,
)
from tests.hostile.conftest import KEY
from tests.hostile.server import HostileServer, Reply

EVENT = {"subject": "session", "event": {"id": "s1", "status": "Running"}}


async def test_a_stream_closed_right_after_a_bare_cr_keeps_its_last_event(
    hostile: HostileServer,
) -> None:
    hostile.respond(
        "GET",
        "/v1/runs/*/stream",
        Reply.sse(f"retry: 500\n\ndata: {json.dumps(EVENT)}\r\r".encode()),
    )
    async with PhronyClient(hostile.base_url, KEY) as client, client.stream("r1") as stream:
        items = [item async for item in stream]
    assert [type(i) for i in items] == [StreamEvent]
    assert stream.retry_ms == 500


async def test_an_answer_that_is_not_an_event_stream_is_a_typed_error(
    hostile: HostileServer,
) -> None:
    hostile.respond(
        "GET", "/v1/runs/*/stream", Reply(200, [("Content-Type", "text/html")], b"<html>")
    )
    async with PhronyClient(hostile.base_url, KEY) as client:
        with pytest.raises(StreamProtocolError, match="text/html"):
            async with client.stream("r1"):
                pass


async def test_a_stream_body_that_cannot_be_decoded_is_a_typed_error(
    hostile: HostileServer,
) -> None:
    headers = [("Content-Type", "text/event-stream"), ("Content-Encoding", "gzip")]
    hostile.respond(
        "GET", "/v1/runs/*/stream", Reply(200, headers, b"not gzip at all", length=None)
    )
    async with PhronyClient(hostile.base_url, KEY) as client, client.stream("r1") as stream:
        with pytest.raises(StreamProtocolError, match="decoded"):
            _ = [item async for item in stream]
    assert not issubclass(StreamProtocolError, StreamDisconnectedError)


@pytest.mark.parametrize("call", ["start_run", "get_run", "get_conversation"])
async def test_an_empty_success_body_is_a_typed_error_where_fields_are_required(
    hostile: HostileServer, call: str
) -> None:
    hostile.respond("*", "*", Reply(200 if call != "start_run" else 202))
    async with PhronyClient(hostile.base_url, KEY) as client:
        with pytest.raises(PhronyError, match="unexpected response body") as err:
            await getattr(client, call)("x")
    assert KEY not in str(err.value)


async def test_redirects_are_not_followed_with_the_key(hostile: HostileServer) -> None:
    """A redirect would carry the key elsewhere; it surfaces as an error instead."""
    elsewhere = f"{hostile.base_url}/steal"
    hostile.respond("GET", "/v1/runs/*", Reply(307, [("Location", elsewhere)]))
    async with PhronyClient(hostile.base_url, KEY) as client:
        with pytest.raises(APIStatusError) as err:
            await client.get_run("r")
    assert [r.path for r in hostile.requests] == ["/v1/runs/r"]
    assert "307" in str(err.value) and KEY not in str(err.value)


async def test_a_transport_that_hands_bodies_over_read_still_works() -> None:
    """``transport=`` is public: a stub transport (which gives bodies already read, so a real
    server cannot stand in for it) still gets typed answers."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"runId": "r1", "status": "Running"})

    transport = httpx.MockTransport(handler)
    async with PhronyClient("https://api.phrony.com", KEY, transport=transport) as client:
        info = await client.get_run("r1")
    assert info.run_id == "r1" and info.status == "Running"

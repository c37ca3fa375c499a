"""Wire shapes the simulator never sends (it is correct), answered by a stub transport: the
client's outcome for each is typed and nothing is lost."""

from __future__ import annotations

import json

import httpx
import pytest

from phrony_tui.api import PhronyClient, StreamEvent
from phrony_tui.api.errors import PhronyError, StreamDisconnectedError, StreamProtocolError

EVENT = {"subject": "session", "event": {"id": "s1", "status": "Running"}}


def client_for(handler: httpx.MockTransport) -> PhronyClient:
    return PhronyClient("https://api.phrony.com", "phk_secret", transport=handler)


async def test_a_stream_closed_right_after_a_bare_cr_keeps_its_last_event() -> None:
    body = f"retry: 500\n\ndata: {json.dumps(EVENT)}\r\r".encode()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "text/event-stream"}, content=body)

    client = client_for(httpx.MockTransport(handler))
    async with client, client.stream("r1") as stream:
        items = [item async for item in stream]
    assert [type(i) for i in items] == [StreamEvent]
    assert stream.retry_ms == 500


async def test_an_answer_that_is_not_an_event_stream_is_a_typed_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=b"<html>")

    async with client_for(httpx.MockTransport(handler)) as client:
        with pytest.raises(StreamProtocolError, match="text/html"):
            async with client.stream("r1"):
                pass


async def test_a_stream_body_that_cannot_be_decoded_is_a_typed_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": "text/event-stream", "Content-Encoding": "gzip"}
        return httpx.Response(200, headers=headers, stream=httpx.ByteStream(b"not gzip at all"))

    client = client_for(httpx.MockTransport(handler))
    async with client, client.stream("r1") as stream:
        with pytest.raises(StreamProtocolError, match="decoded"):
            _ = [item async for item in stream]
    assert not issubclass(StreamProtocolError, StreamDisconnectedError)


@pytest.mark.parametrize("call", ["start_run", "get_run", "get_conversation"])
async def test_an_empty_success_body_is_a_typed_error_where_fields_are_required(
    call: str,
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200 if call != "start_run" else 202)

    async with client_for(httpx.MockTransport(handler)) as client:
        with pytest.raises(PhronyError, match="unexpected response body") as err:
            await getattr(client, call)("x")
    assert "phk_secret" not in str(err.value)

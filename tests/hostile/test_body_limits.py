"""What a body claims and what it inflates to cannot exhaust memory: a lying
``Content-Length`` allocates nothing, a compression bomb stops at the client's limit, each
with a typed error, over a real socket."""

from __future__ import annotations

import json

import pytest

from phrony_tui.api import PhronyClient
from phrony_tui.api.errors import (
    APIConnectionError,
    PhronyError,
    ResponseError,
    ResponseTooLargeError,
    ServerError,
    StreamProtocolError,
)
from tests.hostile.bombs import MIB, bomb, compress
from tests.hostile.conftest import KEY
from tests.hostile.memory import peak_during
from tests.hostile.server import HostileServer, Reply

CONVERSATION = "/v1/runs/*/conversation"
GZIP_JSON = [("Content-Type", "application/json"), ("Content-Encoding", "gzip")]
BODY = json.dumps(
    {"session": {"id": "s1", "status": "Running"}, "runs": [], "items": [], "pad": "x" * 1300}
).encode()


def lying(length: str) -> Reply:
    """1.4 KB of body under a claim of ``length`` bytes; the connection then closes."""
    return Reply(200, [("Content-Type", "application/json")], BODY, length=length)


@pytest.mark.parametrize("length", ["20000000000", "3000000000"])
async def test_a_length_over_the_limit_is_refused_before_reading(
    hostile: HostileServer, length: str
) -> None:
    hostile.respond("GET", CONVERSATION, lying(length))
    async with PhronyClient(hostile.base_url, KEY) as client:
        for call in (client.load_conversation, client.get_conversation):
            error, peak = await peak_during(call("r1"))
            assert isinstance(error, ResponseTooLargeError), error
            assert f"{int(length):,} bytes" in str(error)
            assert peak < 8 * MIB


async def test_a_length_under_the_limit_allocates_only_what_arrives(
    hostile: HostileServer,
) -> None:
    hostile.respond("GET", CONVERSATION, lying("300000000"))
    async with PhronyClient(hostile.base_url, KEY) as client:
        error, peak = await peak_during(client.load_conversation("r1"))
    assert isinstance(error, APIConnectionError), error  # the body ended short of its claim
    assert peak < 8 * MIB


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
@pytest.mark.parametrize("call", ["load_conversation", "get_conversation", "get_run"])
async def test_a_compression_bomb_stops_at_the_limit(
    hostile: HostileServer, encoding: str, call: str
) -> None:
    headers = [("Content-Type", "application/json"), ("Content-Encoding", encoding)]
    hostile.respond("GET", "/v1/runs/*", Reply(200, headers, bomb(encoding, 256)))
    async with PhronyClient(hostile.base_url, KEY, max_body_bytes=16 * MIB) as client:
        error, peak = await peak_during(getattr(client, call)("r1"))
    assert isinstance(error, ResponseTooLargeError), error
    assert "16,777,216 bytes" in str(error)
    assert peak < 48 * MIB  # 256 MiB inflated, whole


async def test_a_bomb_in_an_error_body_keeps_only_its_start(hostile: HostileServer) -> None:
    headers = [("Content-Type", "application/json"), ("Content-Encoding", "gzip")]
    hostile.respond("GET", "/v1/runs/*", Reply(500, headers, bomb("gzip", 256)))
    async with PhronyClient(hostile.base_url, KEY) as client:
        error, peak = await peak_during(client.get_run("r1"))
    assert isinstance(error, ServerError), error
    assert len(str(error)) < 1000
    assert peak < 16 * MIB


async def test_a_bomb_on_the_stream_stops_at_the_event_limit(hostile: HostileServer) -> None:
    headers = [("Content-Type", "text/event-stream"), ("Content-Encoding", "gzip")]
    hostile.respond("GET", "/v1/runs/*/stream", Reply(200, headers, bomb("gzip", 256)))
    async with PhronyClient(hostile.base_url, KEY, max_event_bytes=4 * MIB) as client:

        async def read() -> None:
            async with client.stream("r1") as stream:
                async for _ in stream:
                    pass

        error, peak = await peak_during(read())
    assert isinstance(error, PhronyError), error
    assert peak < 48 * MIB


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "deflate-raw"])
async def test_compressed_bodies_still_read(hostile: HostileServer, encoding: str) -> None:
    name = "deflate" if encoding.startswith("deflate") else encoding
    headers = [("Content-Type", "application/json"), ("Content-Encoding", name)]
    hostile.respond("GET", CONVERSATION, Reply(200, headers, compress(BODY, encoding)))
    async with PhronyClient(hostile.base_url, KEY) as client:
        loaded = await client.load_conversation("r1")
        got = await client.get_conversation("r1")
    assert loaded.session.id == got.session.id == "s1"


async def test_an_encoding_not_asked_for_or_broken_is_a_typed_error(
    hostile: HostileServer,
) -> None:
    async with PhronyClient(hostile.base_url, KEY) as client:
        for encoding, body in (("br", b"\x0b\x02\x80{}\x03"), ("gzip", b"not gzip at all")):
            headers = [("Content-Type", "application/json"), ("Content-Encoding", encoding)]
            hostile.respond("GET", CONVERSATION, Reply(200, headers, body))
            with pytest.raises(ResponseError):
                await client.get_conversation("r1")
            sse = [("Content-Type", "text/event-stream"), ("Content-Encoding", encoding)]
            hostile.respond("GET", "/v1/runs/*/stream", Reply(200, sse, body, length=None))
            with pytest.raises(StreamProtocolError, match="decoded"):
                async with client.stream("r1") as stream:
                    _ = [item async for item in stream]


@pytest.mark.parametrize("call", ["load_conversation", "get_conversation", "get_run"])
async def test_a_body_that_is_not_json_costs_no_more_than_its_size(
    hostile: HostileServer, call: str
) -> None:
    """A binary body within the limit: the error quotes none of it, so no repr of it (four
    characters a byte) is ever built."""
    size = 32 * MIB
    hostile.respond("GET", "/v1/runs/*", Reply(200, GZIP_JSON, bomb("gzip", size // MIB)))
    async with PhronyClient(hostile.base_url, KEY) as client:
        error, peak = await peak_during(getattr(client, call)("r1"))
    assert isinstance(error, ResponseError), error
    assert len(str(error)) < 400
    assert peak < 3 * size, f"{call} peaked at {peak // MIB} MiB"

"""Hostile values the HTTP stack cannot carry become typed errors before anything is sent:
a presign answer with an unusable upload target, an SSE ``retry:`` of 400 digits, an event id
that cannot be a header, a run id that cannot be a path."""

from __future__ import annotations

from pathlib import Path

import pytest

from phrony_tui.api import PhronyClient
from phrony_tui.api.errors import (
    ConfigError,
    RateLimitError,
    RequestError,
    ResponseError,
)
from phrony_tui.api.sse import MAX_RETRY_MS
from tests.hostile.conftest import KEY
from tests.hostile.server import HostileServer, Reply


def presign(**fields: object) -> Reply:
    return Reply.json({"objectKey": "tenants/t/files/a.txt", **fields})


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ({"uploadUrl": "http://127.0.0.1:99999/put"}, "port 99999"),
        ({"uploadUrl": "http://127.0.0.1:0/put"}, "port 0"),
        ({"uploadUrl": "ftp://127.0.0.1/put"}, "http(s)"),
        ({"uploadUrl": "http://exa mple/put"}, "spaces"),
        ({"uploadUrl": "http://bücher.example/put"}, "non-ASCII"),
        ({"requiredHeaders": {"Cönt-Type": "text/plain"}}, "ASCII token"),
        ({"requiredHeaders": {"x-a b": "1"}}, "ASCII token"),
        ({"requiredHeaders": {"x-meta": "naïve"}}, "non-ASCII"),
        ({"requiredHeaders": {"x-meta": "a\r\nx-api-key: stolen"}}, "control"),
        ({"httpMethod": "PÜT"}, "httpMethod"),
        ({"httpMethod": "PUT /x HTTP/1.1\r\n"}, "httpMethod"),
    ],
)
async def test_an_unusable_presign_answer_is_a_typed_error(
    hostile: HostileServer, tmp_path: Path, answer: dict[str, object], says: str
) -> None:
    fields: dict[str, object] = {"uploadUrl": f"{hostile.base_url}/put", **answer}
    hostile.respond("POST", "/v1/file-library/presign", presign(**fields))
    hostile.respond("PUT", "/put", Reply(200))
    (tmp_path / "a.txt").write_text("hello")
    async with PhronyClient(hostile.base_url, KEY) as client:
        with pytest.raises(ResponseError, match="upload answer cannot be used") as err:
            await client.upload_file(tmp_path / "a.txt")
    assert says in str(err.value) and KEY not in str(err.value)
    assert [r.method for r in hostile.requests] == ["POST"]  # nothing was sent to it


async def test_a_usable_presign_answer_uploads_without_the_key(
    hostile: HostileServer, tmp_path: Path
) -> None:
    hostile.respond(
        "POST",
        "/v1/file-library/presign",
        presign(
            uploadUrl=f"{hostile.base_url}/put", requiredHeaders={"Content-Type": "text/plain"}
        ),
    )
    hostile.respond("PUT", "/put", Reply(200))
    hostile.respond(
        "POST", "/v1/file-library/finalize", Reply.json({"objectKey": "tenants/t/files/a.txt"})
    )
    (tmp_path / "a.txt").write_text("hello")
    async with PhronyClient(hostile.base_url, KEY) as client:
        ref = await client.upload_file(tmp_path / "a.txt")
    assert ref.object_key == "tenants/t/files/a.txt"
    put = next(r for r in hostile.requests if r.method == "PUT")
    assert put.body == b"hello" and put.headers["content-type"] == "text/plain"
    assert "x-api-key" not in put.headers
    assert all(r.headers["x-api-key"] == KEY for r in hostile.requests if r.method == "POST")


@pytest.mark.parametrize("digits", [400, 5000])
async def test_a_retry_field_of_many_digits_is_cut_to_a_sane_delay(
    hostile: HostileServer, digits: int
) -> None:
    hostile.respond("GET", "/v1/runs/*/stream", Reply.sse(b"retry: " + b"9" * digits + b"\n\n"))
    async with PhronyClient(hostile.base_url, KEY) as client, client.stream("r1") as stream:
        assert [item async for item in stream] == []
    assert stream.retry_ms == MAX_RETRY_MS
    assert stream.retry_ms / 1000 == 3600.0


async def test_an_event_id_that_cannot_be_a_header_is_not_sent_back(
    hostile: HostileServer,
) -> None:
    hostile.respond("GET", "/v1/runs/*/stream", Reply.sse(b"id: \xc3\xa9t\xc3\xa9\n\n"))
    async with PhronyClient(hostile.base_url, KEY) as client:
        async with client.stream("r1") as stream:
            _ = [item async for item in stream]
        assert stream.last_event_id == "été"
        async with client.stream("r1", last_event_id=stream.last_event_id) as again:
            _ = [item async for item in again]
    assert [r.headers.get("last-event-id") for r in hostile.requests] == [None, None]


@pytest.mark.parametrize("run_id", ["", "  ", "r\udcff1"])
async def test_a_run_id_that_cannot_be_a_path_is_refused_locally(
    hostile: HostileServer, run_id: str
) -> None:
    async with PhronyClient(hostile.base_url, KEY) as client:
        for call in (client.get_run, client.get_conversation, client.load_conversation):
            with pytest.raises(RequestError, match="run id"):
                await call(run_id)
        with pytest.raises(RequestError, match="run id"):
            async with client.stream(run_id):
                pass
    assert hostile.requests == []


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("1", 1.0),
        ("1e400", None),
        ("nan", None),
        ("-inf", None),
        ("99999999", 3600.0),
        ("9" * 400, 3600.0),
    ],
)
async def test_retry_after_is_bounded(
    hostile: HostileServer, value: str, seconds: float | None
) -> None:
    hostile.respond(
        "GET", "/v1/runs/*", Reply.json({"error": "slow down"}, 429, [("Retry-After", value)])
    )
    async with PhronyClient(hostile.base_url, KEY) as client:
        with pytest.raises(RateLimitError) as err:
            await client.get_run("r1")
    assert err.value.retry_after == seconds


def test_a_base_url_with_an_impossible_port_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"(?i)port"):
        PhronyClient("http://127.0.0.1:99999", KEY)

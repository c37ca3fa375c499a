"""The file library: presign, PUT with the required headers, finalize; and its refusals."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from phrony_tui.api import FileRef, PhronyClient
from phrony_tui.api.errors import (
    BadRequestError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    PhronyError,
)
from phrony_tui.sim import SimServer
from tests.conftest import wait_status


async def test_upload_file_with_progress(
    client: PhronyClient, sim: SimServer, tmp_path: Path
) -> None:
    path = tmp_path / "report.pdf"
    data = bytes(range(256)) * 4000  # 1,024,000 bytes: several chunks
    path.write_bytes(data)
    progress: list[tuple[int, int]] = []
    ref = await client.upload_file(
        path, progress=lambda sent, total: progress.append((sent, total))
    )
    assert ref.filename == "report.pdf" and ref.media_type == "application/pdf"
    assert ref.object_key.startswith(f"tenants/{sim.world.tenant_id}/files/")
    assert ref.object_key.endswith(".pdf")
    assert progress[0] == (0, len(data)) and progress[-1] == (len(data), len(data))
    assert len(progress) > 3 and [p[0] for p in progress] == sorted(p[0] for p in progress)
    stored = sim.world.files[ref.object_key]
    assert stored.data == data and stored.finalized
    async with httpx.AsyncClient() as http:
        late = await http.put(
            f"{sim.base_url}/_uploads/{stored.upload_token}",
            content=b"x",
            headers={"Content-Type": "application/pdf", "x-amz-server-side-encryption": "AES256"},
        )
    assert late.status_code == 409 and stored.data == data
    again = await client.finalize(ref.object_key, len(data))
    assert again.already_finalized and again.size_bytes == str(len(data))


async def test_put_sends_exactly_the_required_headers(client: PhronyClient, sim: SimServer) -> None:
    """The simulator refuses a PUT without ``requiredHeaders`` (403 below), so a stored file
    proves they were sent; that the key is not is checked against the hostile server
    (tests/hostile/test_refusals.py), which records what it receives."""
    presigned = await client.presign("a.txt", "text/plain", 5)
    assert presigned.required_headers["x-amz-server-side-encryption"] == "AES256"
    await client.put_upload(presigned, b"hello")
    assert sim.world.files[presigned.object_key].data == b"hello"


async def test_wrong_or_missing_required_header_is_403(
    client: PhronyClient, sim: SimServer
) -> None:
    presigned = await client.presign("a.txt", "text/plain", 5)
    async with httpx.AsyncClient() as http:
        missing = await http.put(
            presigned.upload_url, content=b"hello", headers={"Content-Type": "text/plain"}
        )
        wrong = await http.put(
            presigned.upload_url,
            content=b"hello",
            headers={"Content-Type": "text/html", "x-amz-server-side-encryption": "AES256"},
        )
    assert missing.status_code == 403 and wrong.status_code == 403
    assert missing.json()["code"] == "signature_mismatch"


async def test_oversized_body_is_413(client: PhronyClient, sim: SimServer) -> None:
    presigned = await client.presign("a.bin", "application/octet-stream", 10)
    with pytest.raises(PayloadTooLargeError):
        await client.put_upload(presigned, b"x" * 11)
    async with httpx.AsyncClient() as http:  # no Content-Length: chunked, still refused

        async def body():  # type: ignore[no-untyped-def]
            for _ in range(5):
                yield b"xxxx"

        chunked = await http.put(
            presigned.upload_url, content=body(), headers=presigned.required_headers
        )
    assert chunked.status_code == 413


async def test_presign_and_finalize_refusals(client: PhronyClient, sim: SimServer) -> None:
    for filename, media, size, code in (
        ("", "text/plain", 5, "invalid_filename"),
        ("x" * 513, "text/plain", 5, "invalid_filename"),
        ("page.html", "text/html", 5, "media_type_not_allowed"),
        ("tool.exe", "application/x-msdownload", 5, "media_type_not_allowed"),
        ("a.txt", "text/plain", 0, "invalid_max_content_length"),
        ("a.txt", "text/plain", 26 * 1024 * 1024, "max_content_length_too_large"),
    ):
        with pytest.raises(BadRequestError) as err:
            await client.presign(filename, media, size)
        assert err.value.code == code
    presigned = await client.presign("a.txt", "text/plain", 5)
    with pytest.raises(BadRequestError) as not_uploaded:
        await client.finalize(presigned.object_key, 5)
    assert not_uploaded.value.code == "not_uploaded"
    await client.put_upload(presigned, b"hello")
    with pytest.raises(BadRequestError):
        await client.finalize(presigned.object_key, 6)
    with pytest.raises(NotFoundError):
        await client.finalize("tenants/x/files/nope.txt", 5)


async def test_uploads_disabled_key_is_403(sim: SimServer, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("hi")
    async with PhronyClient(sim.base_url, sim.world.key_named("no-uploads").secret) as client:
        with pytest.raises(PermissionDeniedError) as err:
            await client.upload_file(tmp_path / "a.txt")
        assert err.value.code == "uploads_disabled"
        with pytest.raises(PermissionDeniedError):
            await client.finalize("tenants/x/files/a.txt", 2)


async def test_unfinalized_or_unknown_file_in_a_message(
    client: PhronyClient, sim: SimServer
) -> None:
    started = await client.start_run(sim.agents["chat"])
    await wait_status(client, started.run_id, "WaitingForResponse")
    presigned = await client.presign("a.txt", "text/plain", 5)
    for key, error in ((presigned.object_key, BadRequestError), ("tenants/x/nope", NotFoundError)):
        with pytest.raises(error):
            await client.send_text(started.run_id, "", [FileRef(object_key=key)])


async def test_unreadable_or_empty_file(client: PhronyClient, tmp_path: Path) -> None:
    with pytest.raises(PhronyError, match="cannot read"):
        await client.upload_file(tmp_path / "missing.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(PhronyError, match="empty"):
        await client.upload_file(tmp_path / "empty.txt")

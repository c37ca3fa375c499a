"""Shapes the official TypeScript SDK declares, which the simulator once got wrong: ``error`` of
``GET /v1/runs/{runId}`` is absent when there is none, and file references in a start-run
``input`` are resolved before the run starts."""

from __future__ import annotations

from typing import Any

from phrony_tui.api import PhronyClient
from phrony_tui.sim import SimServer
from tests.conftest import raw, wait_status


async def test_a_run_without_error_has_no_error_key(client: PhronyClient, sim: SimServer) -> None:
    started = await client.start_run(sim.agents["approval"])
    await wait_status(client, started.run_id, "WaitingForHITL")
    async with raw(sim) as http:
        body = (await http.get(f"/v1/runs/{started.run_id}")).json()
        assert "error" not in body and body["status"] == "WaitingForHITL"
        failing = await client.start_run(sim.agents["failing"])
        await wait_status(client, failing.run_id, "Failed")
        failed = (await http.get(f"/v1/runs/{failing.run_id}")).json()
        assert failed["error"].startswith("payments tool failed")


async def uploaded(client: PhronyClient, finalize: bool = True) -> tuple[str, str]:
    """An uploaded file's object key and the leaf name a run input names it by."""
    presigned = await client.presign("notes.txt", "text/plain", 5)
    await client.put_upload(presigned, b"hello")
    if finalize:
        await client.finalize(presigned.object_key, 5)
    return presigned.object_key, presigned.object_key.rsplit("/", 1)[-1]


def ref(filename: Any, media: Any = "text/plain") -> dict[str, Any]:
    return {"phronyFile": True, "filename": filename, "mediaType": media}


async def test_file_references_in_a_run_input_are_resolved(
    client: PhronyClient, sim: SimServer
) -> None:
    _, leaf = await uploaded(client)
    _, unfinished = await uploaded(client, finalize=False)
    chat = sim.agents["chat"]
    async with raw(sim, sim.world.key_named("no-uploads").secret) as http:

        async def start(input: dict[str, Any]) -> tuple[int, str | None]:
            answer = await http.post(f"/v1/agents/{chat}/runs", json={"input": input})
            return answer.status_code, answer.json().get("code")

        assert await start({"doc": ref(leaf), "more": [ref(leaf)]}) == (202, None)
        assert await start({"doc": {"nested": [ref("0000.txt")]}}) == (400, "file_not_found")
        assert await start({"doc": ref("notes.txt")}) == (400, "file_not_found")
        assert await start({"doc": ref(unfinished)}) == (400, "file_not_finalized")
        assert await start({"doc": ref(leaf, None)}) == (400, "invalid_file")
        assert await start({"doc": {"phronyFile": True}}) == (400, "invalid_file")
        refused = await http.post(
            f"/v1/agents/{chat}/runs", json={"input": {"doc": ref("notes.txt")}}
        )
        assert "not its original name" in refused.json()["error"]

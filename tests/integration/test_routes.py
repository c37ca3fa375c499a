"""Every route and every error code of API.md 10.1, over a real socket."""

from __future__ import annotations

import httpx
import pytest

from phrony_tui.api import PhronyClient
from phrony_tui.api.errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)
from phrony_tui.api.models import HEADER_KEYS
from phrony_tui.session import SessionState, build_answer
from phrony_tui.sim import SimServer
from tests.conftest import raw, wait_status


def state_of(conv: object) -> SessionState:
    state = SessionState()
    state.apply_conversation(conv)  # type: ignore[arg-type]
    return state


async def test_start_run_and_poll(client: PhronyClient, sim: SimServer) -> None:
    started = await client.start_run(sim.agents["approval"])
    assert started.status == "Running" and started.agent_id == sim.agents["approval"]
    assert started.session_id and started.trigger_id
    info = await client.get_run(started.run_id)
    assert info.run_id == started.run_id and info.session_id == started.session_id
    assert info.depth == 0 and info.parent_run_id is None and info.agent_id == started.agent_id
    async with raw(sim) as http:
        response = await http.post(f"/v1/agents/{sim.agents['approval']}/runs")  # no body at all
        assert response.status_code == 202


async def test_list_sessions_paging_and_filters(client: PhronyClient, sim: SimServer) -> None:
    agent = sim.agents["timer"]
    runs = [await client.start_run(agent, {"seconds": 900}) for _ in range(3)]
    for r in runs:
        await wait_status(client, r.run_id, "WaitingForTimer")
    await client.skip_agent_wait(runs[0].run_id)
    await wait_status(client, runs[0].run_id, "Completed")
    everything = await client.list_sessions(agent)
    assert everything.total >= 3
    newest = everything.items[0]
    assert newest.root_run_id == runs[-1].run_id and newest.run_count == 1
    assert newest.entry_run_id == runs[-1].run_id
    page = await client.list_sessions(agent, skip=1, take=1)
    assert len(page.items) == 1 and page.items[0].id == everything.items[1].id
    assert page.total == everything.total
    waiting = await client.list_sessions(agent, status="WaitingForTimer")
    assert {s.status for s in waiting.items} == {"WaitingForTimer"}
    assert runs[0].session_id not in {s.id for s in waiting.items}
    version = everything.items[0].agent_version_id
    assert (await client.list_sessions(agent, version_id=version)).total == everything.total
    assert (await client.list_sessions(agent, version_id="nope")).total == 0
    for bad in ({"take": 101}, {"take": 0}, {"skip": -1}):
        with pytest.raises(BadRequestError):
            await client.list_sessions(agent, **bad)  # type: ignore[arg-type]
    for r in runs[1:]:
        await client.skip_agent_wait(r.run_id)


async def test_conversation_slim_and_full(client: PhronyClient, sim: SimServer) -> None:
    started = await client.start_run(sim.agents["approval"])
    await wait_status(client, started.run_id, "WaitingForHITL")
    full = await client.get_conversation(started.run_id, step_content="full")
    slim = await client.get_conversation(started.run_id, step_content="slim")
    assert [i.id for i in full.items] == [i.id for i in slim.items]
    for f, s in zip(full.items, slim.items, strict=True):
        assert all(k in f.content for k in HEADER_KEYS)
        assert not any(k in s.content for k in HEADER_KEYS)
        assert {k: v for k, v in f.content.items() if k not in HEADER_KEYS} == s.content
    assert full.session.start_context is not None and full.session.llm_model
    assert full.runs[0].agent_name == "Ops notifier"
    async with raw(sim) as http:
        default = (await http.get(f"/v1/runs/{started.run_id}/conversation")).json()
        assert "run_id" in default["items"][0]["content"]  # full is the default
        bad = await http.get(f"/v1/runs/{started.run_id}/conversation?stepContent=tiny")
        await client.send_message(build_answer(state_of(full).pending_tasks()[0], False))
        await wait_status(client, started.run_id, "Completed")
        done = (await http.get(f"/v1/runs/{started.run_id}/conversation?stepContent=slim")).json()
        for row in done["items"][-2:]:
            assert not set(row["content"]) & set(HEADER_KEYS)
            assert row["content"]["status"] == "Completed"
        assert bad.status_code == 400 and bad.json()["code"] == "invalid_query"


async def test_messages_and_input_are_the_same(client: PhronyClient, sim: SimServer) -> None:
    started = await client.start_run(sim.agents["chat"])
    await wait_status(client, started.run_id, "WaitingForResponse")
    async with raw(sim) as http:
        body = {"runId": started.run_id, "message": "via /input and the message alias"}
        response = await http.post(f"/v1/runs/{started.run_id}/input", json=body)
        assert response.status_code == 202 and response.json() == {"status": "Running"}
    conv = await wait_status(client, started.run_id, "WaitingForResponse")
    assert [i.content["text"] for i in conv.items if i.type == "UserMessage"] == [
        "via /input and the message alias"
    ]
    assert sim.world.received[-1].path == f"/v1/runs/{started.run_id}/input"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{not json", "invalid_json"),
        (b"[1]", "invalid_body"),
        (b'{"text": "hi"}', "missing_run_id"),
        (b'{"runId": "someone-else", "text": "hi"}', "run_id_mismatch"),
        (b'{"runId": "RUN"}', "empty_message"),
        (b'{"runId": "RUN", "text": ""}', "empty_message"),
        (b'{"runId": "RUN", "approved": true}', "missing_user_task_id"),
        (b'{"runId": "RUN", "files": [{"objectKey": "k"}]}', "invalid_file"),
        (b'{"runId": "RUN", "files": [{"phronyFile": true}]}', "invalid_file"),
        (b'{"runId": "RUN", "text": "x", "metadata": 5}', "invalid_field"),
        (b'{"runId": "RUN", "text": "x", "metadata": {"n": NaN}}', "invalid_json"),
        (b'{"runId": "RUN", "text": Infinity}', "invalid_json"),
        (b'{"runId": "RUN", "text": "\\ud800"}', "invalid_json"),
        (b"[" * 100_000 + b"]" * 100_000, "invalid_json"),
        (
            b'{"runId": "RUN", "skipAgentWait": true, "completedByEmail": "a@b.c"}',
            "skip_agent_wait_not_allowed",
        ),
    ],
)
async def test_400s(client: PhronyClient, sim: SimServer, body: bytes, code: str) -> None:
    started = await client.start_run(sim.agents["chat"])
    await wait_status(client, started.run_id, "WaitingForResponse")
    async with raw(sim) as http:
        response = await http.post(
            f"/v1/runs/{started.run_id}/messages",
            content=body.replace(b"RUN", started.run_id.encode()),
            headers={"Content-Type": "application/json"},
        )
    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["error"]


async def test_wrong_answer_field_and_unknown_option(client: PhronyClient, sim: SimServer) -> None:
    started = await client.start_run(sim.agents["forms"])
    conv = await wait_status(client, started.run_id, "WaitingForHITL")
    task_id = next(i.content["user_task_id"] for i in conv.items if i.type == "UserTaskReq")
    base = {"runId": started.run_id, "userTaskId": task_id}
    path = f"/v1/runs/{started.run_id}/messages"
    async with raw(sim) as http:
        for extra, code in (
            ({"textValue": "x"}, "wrong_answer_field"),
            ({"selectedOptionId": "fax"}, "unknown_option"),
            ({}, "missing_answer"),
            ({"selectedOptionId": "sms", "text": "also"}, "wrong_answer_field"),
        ):
            response = await http.post(path, json=base | extra)
            assert (response.status_code, response.json()["code"]) == (400, code), extra
        response = await http.post(path, json=base | {"userTaskId": "no-such-task"})
        assert (response.status_code, response.json()["code"]) == (404, "task_not_found")
    with pytest.raises(ConflictError) as conflict:
        await client.send_text(started.run_id, "chatting while a form waits")
    assert conflict.value.code == "not_waiting_for_response"


async def test_401_403_404(client: PhronyClient, sim: SimServer) -> None:
    started = await client.start_run(sim.agents["approval"])
    path = f"/v1/runs/{started.run_id}"
    for key in ("", "phk_unknown"):
        async with raw(sim, key) as http:
            response = await http.get(path)
            assert response.status_code == 401 and response.json()["code"] == "unauthorized"
    async with PhronyClient(sim.base_url, "phk_wrong") as bad:
        with pytest.raises(AuthenticationError) as err:
            await bad.get_run(started.run_id)
    assert "phk_wrong" not in str(err.value) and "phk_wrong" not in repr(err.value)
    chat_only = sim.world.key_named("chat-only").secret
    async with PhronyClient(sim.base_url, chat_only) as scoped:
        with pytest.raises(PermissionDeniedError):
            await scoped.get_run(started.run_id)
        with pytest.raises(PermissionDeniedError):
            await scoped.start_run(sim.agents["approval"])
        with pytest.raises(PermissionDeniedError):
            await scoped.list_sessions(sim.agents["approval"])
        assert (await scoped.start_run(sim.agents["chat"])).status == "Running"
    with pytest.raises(NotFoundError) as nf:
        await client.get_run("00000000-0000-0000-0000-000000000000")
    assert nf.value.code == "run_not_found" and nf.value.method == "GET"
    with pytest.raises(NotFoundError):
        await client.start_run("00000000-0000-0000-0000-000000000000")
    from phrony_tui.sim.scenarios import AGENTS

    with pytest.raises(PermissionDeniedError) as sub:
        await client.start_run(AGENTS["writer"].id)
    assert sub.value.code == "no_api_trigger"
    async with raw(sim) as http:
        assert (await http.get("/v1/nowhere")).status_code == 404
    with pytest.raises(BadRequestError) as bad_input:
        await client.start_run(sim.agents["firehose"], {"count": "lots"})
    assert bad_input.value.code == "invalid_input"


async def test_revoked_key_gets_401(client: PhronyClient, sim: SimServer) -> None:
    started = await client.start_run(sim.agents["chat"])
    sim.world.key_named("main").active = False
    with pytest.raises(AuthenticationError) as err:
        await client.get_run(started.run_id)
    assert err.value.code == "key_revoked"


async def test_child_runs_are_reachable_by_their_own_id(
    client: PhronyClient, sim: SimServer
) -> None:
    started = await client.start_run(sim.agents["multi-agent"])
    conv = await wait_status(client, started.run_id, "WaitingForHITL")
    child = next(r for r in conv.runs if r.depth == 1)
    info = await client.get_run(child.id)
    assert info.parent_run_id == started.run_id and info.depth == 1
    child_view = await client.get_conversation(child.id)
    assert child_view.session.id == conv.session.id


async def test_injected_429_and_5xx(client: PhronyClient, sim: SimServer) -> None:
    started = await client.start_run(sim.agents["chat"])
    sim.faults.set("retry-after", 2)
    sim.faults.set("rate-limit-every", 1)
    with pytest.raises(RateLimitError) as err:
        await client.get_run(started.run_id)
    assert err.value.retry_after == 2.0 and err.value.code == "rate_limited"
    sim.faults.clear()
    sim.faults.set("error-5xx-rate", 1)
    seen = set()
    for _ in range(20):
        with pytest.raises(ServerError) as server_err:
            await client.get_run(started.run_id)
        seen.add(server_err.value.status)
        if server_err.value.status == 503:
            assert server_err.value.retry_after == 1.0
    assert seen == {500, 503}


async def test_latency_fault(client: PhronyClient, sim: SimServer) -> None:
    """The answer is held back: a client that waits less than the latency gets none."""
    started = await client.start_run(sim.agents["chat"])
    sim.faults.set("latency-ms", 5000)
    async with PhronyClient(sim.base_url, sim.api_key, timeout=0.5) as hasty:
        with pytest.raises(APITimeoutError):
            await hasty.get_run(started.run_id)


async def test_dead_server_is_a_connection_error() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with PhronyClient(f"http://127.0.0.1:{port}", "phk_x") as dead:
        with pytest.raises(APIConnectionError, match="cannot reach"):
            await dead.get_run("r")


async def test_redirects_are_not_followed() -> None:
    """A redirect would carry the key elsewhere; it surfaces as an error instead."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(307, headers={"Location": "https://evil.example.com/steal"})

    async with PhronyClient(
        "https://api.phrony.com", "phk_secret", transport=httpx.MockTransport(handler)
    ) as c:
        with pytest.raises(Exception) as err:
            await c.get_run("r")
    assert len(seen) == 1 and "307" in str(err.value) and "phk_secret" not in str(err.value)


@pytest.mark.parametrize("value", ["[]", "0", "false", '""', '"x"'])
async def test_input_must_be_an_object(sim: SimServer, value: str) -> None:
    async with raw(sim) as http:
        response = await http.post(
            f"/v1/agents/{sim.agents['chat']}/runs", content=f'{{"input": {value}}}'.encode()
        )
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"


async def test_status_is_running_as_soon_as_a_task_is_answered(
    client: PhronyClient, sim: SimServer
) -> None:
    started = await client.start_run(sim.agents["approval"])
    conv = await wait_status(client, started.run_id, "WaitingForHITL")
    sim.world.engine.speed = 0.01  # the script resumes slowly; the status must not wait for it
    await client.send_message(build_answer(state_of(conv).pending_tasks()[0], True))
    info = await client.get_run(started.run_id)
    assert info.status == "Running"


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/v1/nothing-here", 404, "not_found"),
        ("GET", "/v1/runs/abc/", 404, "not_found"),  # a trailing slash: no redirect
        ("DELETE", "/v1/runs/abc", 405, "method_not_allowed"),
    ],
)
async def test_unknown_routes_answer_with_an_error_body(
    sim: SimServer, method: str, path: str, status: int, code: str
) -> None:
    async with raw(sim) as http:
        response = await http.request(method, path)
    assert response.status_code == status
    assert response.json()["code"] == code and response.json()["error"]

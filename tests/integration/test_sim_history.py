"""The seeded history (``history=N``): past sessions per agent, some waiting for a person and
answerable over the API; deterministic by seed; the sessions list pages and filters over it."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from phrony_tui.sim import SimServer
from tests.conftest import eventually

WAITING = {"WaitingForResponse", "WaitingForHITL", "WaitingForTimer"}


@pytest.fixture(scope="module")
def seeded() -> Iterator[SimServer]:
    with SimServer(speed=1000, seed=11, history=60, waiting=6) as server:
        yield server


@pytest.fixture
async def http(seeded: SimServer) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"X-API-Key": seeded.api_key}
    async with httpx.AsyncClient(base_url=seeded.base_url, headers=headers) as client:
        yield client


async def all_sessions(http: httpx.AsyncClient, agent_id: str, **query: Any) -> list[Any]:
    rows: list[Any] = []
    while True:
        page = await http.get(
            f"/v1/agents/{agent_id}/sessions", params={"skip": len(rows), "take": 100, **query}
        )
        assert page.status_code == 200
        rows += page.json()["items"]
        if len(rows) >= page.json()["total"]:
            return rows


async def test_every_agent_has_its_past_sessions(
    seeded: SimServer, http: httpx.AsyncClient
) -> None:
    for name, agent_id in seeded.agents.items():
        rows = await all_sessions(http, agent_id)
        assert len(rows) == 60, name
        statuses = Counter(r["status"] for r in rows)
        assert sum(statuses[s] for s in WAITING) == 6, (name, statuses)
        assert statuses["Completed"] + statuses["Failed"] + statuses["Cancelled"] == 54
        started = [r["startedAt"] for r in rows]
        assert started == sorted(started, reverse=True), "newest first"
        for row in rows:
            assert row["agentId"] == agent_id and row["rootRunId"] and row["runCount"] == 1
            assert row["totalTokensUsed"] > 0 and row["triggerType"] in {
                "api",
                "scheduled",
                "dashboard",
            }
            assert (row["finishedAt"] is None) == (row["status"] in WAITING)
    failing = Counter(r["status"] for r in await all_sessions(http, seeded.agents["failing"]))
    assert failing["Failed"] > failing["Completed"]


async def test_the_status_filter_counts_and_pages(
    seeded: SimServer, http: httpx.AsyncClient
) -> None:
    agent = seeded.agents["approval"]
    waiting = await http.get(
        f"/v1/agents/{agent}/sessions", params={"status": "WaitingForHITL", "take": 2}
    )
    body = waiting.json()
    assert body["total"] == 6 and len(body["items"]) == 2
    assert {i["status"] for i in body["items"]} == {"WaitingForHITL"}


async def test_a_seeded_conversation_matches_its_list_row(
    seeded: SimServer, http: httpx.AsyncClient
) -> None:
    rows = await all_sessions(http, seeded.agents["forms"], status="Completed")
    row = rows[3]
    conv = (await http.get(f"/v1/runs/{row['rootRunId']}/conversation")).json()
    session = conv["session"]
    for field in ("id", "status", "startedAt", "finishedAt", "totalTokensUsed", "output"):
        assert session[field] == row[field], field
    types = [i["type"] for i in conv["items"]]
    assert types[0] == "llm_request_prepared" and types[-2:] == ["RunCompleted", "SessionCompleted"]
    stamps = [i["startedAt"] for i in conv["items"]]
    assert stamps == sorted(stamps) and row["startedAt"] <= stamps[0]
    assert stamps[-1] <= row["finishedAt"]
    again = (await http.get(f"/v1/agents/{seeded.agents['forms']}/sessions")).json()
    assert row["id"] in {r["id"] for r in await all_sessions(http, seeded.agents["forms"])}
    assert again["total"] == 60


def task_answer(run_id: str, content: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {"runId": run_id, "userTaskId": content["user_task_id"]}
    kind = content["kind"]
    if kind == "approval":
        body["approved"] = False
    elif kind == "multi_option":
        body["selectedOptionId"] = content["options"][1]["id"]
    else:
        body["textValue"] = "Spring offers"
    return body


async def answer_and_finish(http: httpx.AsyncClient, row: dict[str, Any]) -> dict[str, Any]:
    run_id = row["rootRunId"]
    conv = (await http.get(f"/v1/runs/{run_id}/conversation")).json()
    assert conv["session"]["status"] == row["status"]
    if row["status"] == "WaitingForHITL":
        (task,) = [
            i["content"]
            for i in conv["items"]
            if i["type"] == "UserTaskReq" and i["content"]["status"] == "Pending"
        ]
        assert task["api_completable"] is True
        sent = await http.post(f"/v1/runs/{run_id}/messages", json=task_answer(run_id, task))
    elif row["status"] == "WaitingForResponse":
        sent = await http.post(f"/v1/runs/{run_id}/messages", json={"runId": run_id, "text": "ok"})
    else:
        assert any(i["type"] == "Wait" for i in conv["items"])
        sent = await http.post(f"/v1/runs/{run_id}/skip-agent-wait")
    assert sent.status_code == 202, sent.text

    async def status() -> dict[str, Any]:
        got: dict[str, Any] = (await http.get(f"/v1/runs/{run_id}/conversation")).json()
        return got

    done: dict[str, Any] = await eventually(status, lambda c: c["session"]["status"] == "Completed")
    return done


async def test_answering_each_kind_of_seeded_wait_ends_the_session(
    seeded: SimServer, http: httpx.AsyncClient
) -> None:
    kinds: dict[str, dict[str, Any]] = {}
    for name in ("chat", "approval", "forms", "timer", "tour"):
        for row in await all_sessions(http, seeded.agents[name]):
            if row["status"] in WAITING:
                conv = (await http.get(f"/v1/runs/{row['rootRunId']}/conversation")).json()
                tasks = [i["content"] for i in conv["items"] if i["type"] == "UserTaskReq"]
                kind = tasks[0]["kind"] if tasks else row["status"]
                kinds.setdefault(kind, row)
    assert set(kinds) == {
        "approval",
        "multi_option",
        "text",
        "WaitingForResponse",
        "WaitingForTimer",
    }
    finished = await asyncio.gather(*(answer_and_finish(http, row) for row in kinds.values()))
    for conv in finished:
        assert conv["items"][-1]["type"] == "SessionCompleted"
    rejected = finished[list(kinds).index("approval")]
    assert rejected["session"]["output"] == "Not done: the approval was rejected."
    rows = await all_sessions(http, seeded.agents["approval"])
    listed = {r["rootRunId"]: r["status"] for r in rows}
    assert listed[kinds["approval"]["rootRunId"]] == "Completed"


def test_the_same_seed_gives_the_same_history() -> None:
    def rows(seed: int) -> list[Any]:
        with SimServer(seed=seed, history=25) as server:
            agent = server.agents["chat"]
            return list(
                httpx.get(
                    f"{server.base_url}/v1/agents/{agent}/sessions",
                    params={"take": 100},
                    headers={"X-API-Key": server.api_key},
                ).json()["items"]
            )

    first, again, other = rows(4), rows(4), rows(5)
    ids = [(r["id"], r["rootRunId"], r["status"], r["totalTokensUsed"]) for r in first]
    assert ids == [(r["id"], r["rootRunId"], r["status"], r["totalTokensUsed"]) for r in again]
    assert not {r["id"] for r in first} & {r["id"] for r in other}


def test_five_percent_wait_by_default_and_live_sessions_come_first() -> None:
    with SimServer(speed=1000, history=200) as server:
        agent = server.agents["approval"]
        headers = {"X-API-Key": server.api_key}
        url = f"{server.base_url}/v1/agents/{agent}/sessions"
        waiting = httpx.get(url, params={"status": "WaitingForHITL"}, headers=headers).json()
        assert waiting["total"] == 10
        started = httpx.post(
            f"{server.base_url}/v1/agents/{agent}/runs", json={"input": {}}, headers=headers
        ).json()
        page = httpx.get(url, params={"take": 1}, headers=headers).json()
        assert page["total"] == 201 and page["items"][0]["rootRunId"] == started["runId"]
        older = httpx.get(url, params={"take": 1, "skip": 1}, headers=headers).json()
        assert older["items"][0]["startedAt"] < page["items"][0]["startedAt"]

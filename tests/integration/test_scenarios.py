"""Every scripted agent driven to its end over a real loopback socket."""

from __future__ import annotations

from pathlib import Path

import pytest

from phrony_tui.api import Conversation, PhronyClient
from phrony_tui.api.errors import BadRequestError, ConflictError
from phrony_tui.session import InvalidAnswerError, SessionState, UserTask, build_answer
from phrony_tui.sim import SimServer
from tests.conftest import pending_tasks, raw, wait_status


def state_of(conv: object) -> SessionState:
    state = SessionState()
    state.apply_conversation(conv)  # type: ignore[arg-type]
    return state


def types(conv: object) -> list[str]:
    return [i.type for i in conv.items]  # type: ignore[attr-defined]


async def test_chat_turns_with_a_file_then_finish(
    client: PhronyClient, sim: SimServer, tmp_path: Path
) -> None:
    run = await client.start_run(sim.agents["chat"])
    await wait_status(client, run.run_id, "WaitingForResponse")
    note = tmp_path / "notes.txt"
    note.write_text("hello file")
    ref = await client.upload_file(note)
    accepted = await client.send_text(run.run_id, "What is [b]Phrony[/b]?", [ref])
    assert accepted.status == "Running"
    conv = await wait_status(client, run.run_id, "WaitingForResponse")
    user_turns = [i for i in conv.items if i.type == "UserMessage"]
    assert user_turns[-1].content["text"] == "What is [b]Phrony[/b]?"
    assert user_turns[-1].content["files"][0]["objectKey"] == ref.object_key
    assert "Received files: notes.txt" in conv.items[-1].content["output"]
    await client.send_text(run.run_id, "done")
    conv = await wait_status(client, run.run_id, "Completed")
    assert types(conv)[-2:] == ["RunCompleted", "SessionCompleted"]
    assert conv.session.output == {"turns": 2}


@pytest.mark.parametrize("approve", [True, False])
async def test_approval(client: PhronyClient, sim: SimServer, approve: bool) -> None:
    run = await client.start_run(sim.agents["approval"])
    conv = await wait_status(client, run.run_id, "WaitingForHITL")
    (task,) = state_of(conv).pending_tasks()
    assert task.kind == "approval" and task.tool is not None
    await answer_the_tool_call(client, run.run_id, task, approve)


@pytest.mark.parametrize("kind", ["hitl", "anomaly_review"])
@pytest.mark.parametrize("approve", [True, False])
async def test_other_approval_kinds(
    client: PhronyClient, sim: SimServer, kind: str, approve: bool
) -> None:
    run = await client.start_run(sim.agents["approval"], {"kind": kind})
    conv = await wait_status(client, run.run_id, "WaitingForHITL")
    (task,) = state_of(conv).pending_tasks()
    assert task.kind == kind and task.is_approval and task.api_completable
    assert task.tool is not None
    await answer_the_tool_call(client, run.run_id, task, approve)


async def test_approval_kind_must_be_known(client: PhronyClient, sim: SimServer) -> None:
    with pytest.raises(BadRequestError, match="kind must be one of"):
        await client.start_run(sim.agents["approval"], {"kind": "anomaly_alert"})
    started = await client.start_run(sim.agents["approval"], {"message": "other fields pass"})
    assert started.status == "Running"


async def answer_the_tool_call(
    client: PhronyClient, run_id: str, task: UserTask, approve: bool
) -> None:
    """Approve or reject the telegram call; the run goes on accordingly, once only."""
    assert task.tool is not None
    assert (task.tool.name, task.tool.operation_name) == ("telegram", "send_message")
    await client.send_message(build_answer(task, approve, metadata={"comment": "via test"}))
    conv = await wait_status(client, run_id, "Completed")
    row = next(i for i in conv.items if i.type == "UserTaskReq")
    assert row.content["status"] == "Completed"
    assert row.content["outcome"] == {"approved": approve, "metadata": {"comment": "via test"}}
    assert ("ToolCall" in types(conv)) is approve
    assert conv.session.output == {"sent": approve}
    with pytest.raises(ConflictError) as err:
        await client.send_message(build_answer(task, approve))
    assert err.value.code == "task_not_pending"


async def test_forms_option_text_number(client: PhronyClient, sim: SimServer) -> None:
    run = await client.start_run(sim.agents["forms"])
    conv = await wait_status(client, run.run_id, "WaitingForHITL")
    (choice,) = state_of(conv).pending_tasks()
    assert [o.id for o in choice.options] == ["email", "sms", "push"]
    with pytest.raises(InvalidAnswerError):
        build_answer(choice, "fax")
    await client.send_message(build_answer(choice, 2))
    conv = await _next_task(client, run.run_id, "text")
    (text,) = state_of(conv).pending_tasks()
    await client.send_message(build_answer(text, "Winter <sale> [red]now[/red]"))
    conv = await _next_task(client, run.run_id, "number")
    (number,) = state_of(conv).pending_tasks()
    with pytest.raises(InvalidAnswerError, match="not a number"):
        build_answer(number, "abc")
    bad = build_answer(number, 5).to_wire() | {"numberValue": "abc"}
    async with raw(sim) as http:
        refused = await http.post(f"/v1/runs/{run.run_id}/messages", json=bad)
    assert refused.status_code == 400, refused.text
    await client.send_message(build_answer(number, "250"))
    conv = await wait_status(client, run.run_id, "Completed")
    assert conv.session.output == {
        "channel": "sms",
        "subject": "Winter <sale> [red]now[/red]",
        "recipients": 250,
    }
    assert "subject='Winter <sale> [red]now[/red]'" in conv.items[-3].content["output"]


async def _next_task(client: PhronyClient, run_id: str, kind: str) -> Conversation:
    from tests.conftest import eventually

    conv: Conversation = await eventually(
        lambda: client.get_conversation(run_id),
        lambda c: [t["kind"] for t in pending_tasks(c)] == [kind],
    )
    return conv


async def test_multi_agent(client: PhronyClient, sim: SimServer) -> None:
    run = await client.start_run(sim.agents["multi-agent"])
    from tests.conftest import eventually

    conv = await eventually(
        lambda: client.get_conversation(run.run_id),
        lambda c: len(pending_tasks(c)) == 3,
    )
    state = state_of(conv)
    depths = {r.agent_name: r.depth for r in state.runs.values()}
    assert depths == {"Research lead": 0, "Researcher": 1, "Analyst": 1, "Fact checker": 2}
    by_kind = {t.kind: t for t in state.pending_tasks()}
    assert set(by_kind) == {"anomaly_alert", "approval", "aitl_escalation"}
    alert, approval, aitl = (
        by_kind["anomaly_alert"],
        by_kind["approval"],
        by_kind["aitl_escalation"],
    )
    assert not alert.api_completable and alert.run_id == run.run_id
    assert state.runs[aitl.run_id].agent_name == "Fact checker"
    assert state.runs[approval.run_id].agent_name == "Analyst"
    assert state.waiting_for(aitl.run_id) == "WaitingForAITL"
    # A dashboard-only task is refused by the builder, and by the server if sent anyway.
    with pytest.raises(InvalidAnswerError, match="dashboard"):
        build_answer(alert)
    path = f"/v1/runs/{run.run_id}/messages"
    async with raw(sim) as http:
        response = await http.post(path, json={"runId": run.run_id, "userTaskId": alert.id})
        assert (response.status_code, response.json()["code"]) == (409, "dashboard_only")
        # A child's task posted to the root run is refused; to its own run it is accepted.
        response = await http.post(
            path, json={"runId": run.run_id, "userTaskId": aitl.id, "textValue": "x"}
        )
        assert (response.status_code, response.json()["code"]) == (409, "wrong_run")
    await client.send_message(build_answer(aitl, "Yes, HITL approvals"))
    await client.send_message(build_answer(approval, True))
    conv = await wait_status(client, run.run_id, "Completed")
    assert {r.status for r in conv.runs} == {"Completed"}
    assert "AitlRequest" in types(conv) and "AitlResponse" in types(conv)
    answer = next(i for i in conv.items if i.type == "AitlResponse")
    assert answer.content["answer"] == "Yes, HITL approvals"
    alert_row = next(i for i in conv.items if i.content.get("user_task_id") == alert.id)
    assert alert_row.content["status"] == "Cancelled"  # the run ended and dropped it
    assert conv.items[-1].type == "SessionCompleted"
    assert [i.ordinal for i in conv.items] == list(range(1, len(conv.items) + 1))


async def test_timer_skip(client: PhronyClient, sim: SimServer) -> None:
    run = await client.start_run(sim.agents["timer"], {"seconds": 600})
    conv = await wait_status(client, run.run_id, "WaitingForTimer")
    wait = next(i for i in conv.items if i.type == "Wait")
    assert wait.content["seconds"] == 600
    accepted = await client.skip_agent_wait(run.run_id)
    assert accepted.status == "Running"
    conv = await wait_status(client, run.run_id, "Completed")
    assert conv.session.output == {"skipped": True}
    with pytest.raises(BadRequestError) as err:
        await client.skip_agent_wait(run.run_id)
    assert err.value.code == "not_waiting_for_timer"


async def test_redacted_conversation_and_poll(client: PhronyClient, sim: SimServer) -> None:
    run = await client.start_run(sim.agents["redacted"])
    conv = await wait_status(client, run.run_id, "Completed")
    assert types(conv) == ["RunCompleted", "SessionCompleted"]
    assert conv.session.input is None and conv.session.start_context is None
    assert all(r.output is None and r.input is None and r.error is None for r in conv.runs)
    assert state_of(conv).redacted
    info = await client.get_run(run.run_id)  # polling is never redacted
    assert info.output == {"summary": "Revenue up 12% quarter on quarter."}


async def test_failing(client: PhronyClient, sim: SimServer) -> None:
    run = await client.start_run(sim.agents["failing"])
    conv = await wait_status(client, run.run_id, "Failed")
    results = [i for i in conv.items if i.type == "ToolResult"]
    assert [r.content["result"]["successful"] for r in results] == [False, True, False]
    assert "credentials revoked" in (conv.session.error or "")
    assert conv.items[-1].content["status"] == "Failed"
    info = await client.get_run(run.run_id)
    assert info.status == "Failed" and info.error == conv.session.error


async def test_firehose(client: PhronyClient, sim: SimServer) -> None:
    run = await client.start_run(sim.agents["firehose"], {"count": 3000})
    conv = await wait_status(client, run.run_id, "Completed")
    assert sum(i.type == "reasoning" for i in conv.items) == 3000


async def test_big(client: PhronyClient, sim: SimServer) -> None:
    run = await client.start_run(sim.agents["big"], {"items": 20_000})
    conv = await wait_status(client, run.run_id, "Completed")
    assert len(conv.items) == 20_000
    assert len({i.id for i in conv.items}) == 20_000


async def test_tour(client: PhronyClient, sim: SimServer) -> None:
    run = await client.start_run(sim.agents["tour"])
    await wait_status(client, run.run_id, "WaitingForResponse")
    await client.send_text(run.run_id, "terminal UIs")
    conv = await _next_task(client, run.run_id, "multi_option")
    state = state_of(conv)
    assert {r.depth for r in state.runs.values()} == {0, 1}
    (choice,) = state.pending_tasks()
    await client.send_message(build_answer(choice, "thread"))
    conv = await _next_task(client, run.run_id, "approval")
    (approval,) = state_of(conv).pending_tasks()
    assert approval.tool is not None and approval.tool.arguments["format"] == "thread"
    await client.send_message(build_answer(approval, True))
    conv = await wait_status(client, run.run_id, "Completed")
    assert conv.session.output == {"topic": "terminal UIs", "format": "thread"}

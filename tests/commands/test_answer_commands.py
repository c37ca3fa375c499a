"""``reply``, ``approve``, ``reject``, ``answer``, ``ack`` and ``skip-wait`` against the
simulator: each answer lands as the API expects, a wrong one is refused before anything is
sent, and a send is never made twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from phrony_tui.api.models import Conversation, Session, TimelineItem
from phrony_tui.commands.answers import pick
from phrony_tui.commands.exits import CommandError
from phrony_tui.session import SessionState
from phrony_tui.sim import SimServer
from tests.commands.conftest import Phrony, messages_received, settle, sim_env, start


def test_approve_with_a_comment(phrony: Phrony, sim: SimServer) -> None:
    run_id = start(sim, "approval", "WaitingForHITL")
    result = phrony("approve", run_id, "--comment", "checked the channel")
    assert result.code == 0, result
    assert result.out.startswith("Approved “Approval required: Telegram · Send Message” (task ")
    assert result.out.endswith(").\n")
    (body,) = messages_received(sim, run_id)
    assert body["approved"] is True and body["metadata"] == {"comment": "checked the channel"}
    conv = settle(sim, run_id, "Completed")
    assert conv.session.output == {"sent": True}


@pytest.mark.parametrize("kind", ["approval", "hitl", "anomaly_review"])
def test_reject_every_approval_kind(phrony: Phrony, sim: SimServer, kind: str) -> None:
    run_id = start(sim, "approval", "WaitingForHITL", {"kind": kind})
    result = phrony("reject", run_id, "--json")
    assert result.code == 0
    assert result.json()["ok"] is True
    assert messages_received(sim, run_id)[0]["approved"] is False
    assert settle(sim, run_id, "Completed").session.output == {"sent": False}


def test_answer_each_form_kind_by_value(phrony: Phrony, sim: SimServer) -> None:
    run_id = start(sim, "forms", "WaitingForHITL")
    assert phrony("answer", run_id, "--option", "2").code == 0  # the second option: sms
    settle(sim, run_id, "WaitingForHITL")
    # the text task comes next; a number is refused before sending
    assert phrony("answer", run_id, "--number", "5").code == 5
    assert phrony("answer", run_id, "--text", "Spring launch").code == 0
    settle(sim, run_id, "WaitingForHITL")
    sent = len(messages_received(sim, run_id))
    bad = phrony("answer", run_id, "--number", "lots")
    assert bad.code == 2 and "'lots' is not a number" in bad.err
    assert len(messages_received(sim, run_id)) == sent  # nothing sent
    assert phrony("answer", run_id, "--number", "1_500").code == 0
    conv = settle(sim, run_id, "Completed")
    assert conv.session.output == {"channel": "sms", "subject": "Spring launch", "recipients": 1500}


def test_answer_refuses_before_sending(phrony: Phrony, sim: SimServer) -> None:
    run_id = start(sim, "forms", "WaitingForHITL")
    cases = [
        (["--option", "fax"], 2, "'fax' is not one of the options offered (email, sms, push)"),
        (["--option", "9"], 2, "pick an option from 1 to 3"),
        (["--option", "email", "--text", "x"], 2, "give exactly one of --option, --text"),
        ([], 2, "give exactly one of --option, --text or --number"),
        (["--task", "no-such-task", "--option", "email"], 4, "no task no-such-task"),
    ]
    for args, code, expected in cases:
        result = phrony("answer", run_id, *args)
        assert result.code == code, (args, result)
        assert expected in result.err, (args, result.err)
    assert messages_received(sim, run_id) == []


def test_a_task_of_another_kind_or_no_longer_pending(phrony: Phrony, sim: SimServer) -> None:
    run_id = start(sim, "forms", "WaitingForHITL")
    (task,) = phrony("tasks", run_id, "--json").json()
    wrong = phrony("approve", run_id, "--task", task["id"])
    assert wrong.code == 2 and "is a multi_option task, not approval" in wrong.err
    assert phrony("answer", run_id, "--task", task["id"], "--option", "email").code == 0
    again = phrony("answer", run_id, "--task", task["id"], "--option", "sms", "--json")
    assert again.code == 5
    assert again.error_json()["error"].endswith("is no longer pending (Completed)")


def test_several_fitting_tasks_are_listed_and_exit_2() -> None:
    state = SessionState()
    items = [
        TimelineItem(
            id=f"item-{n}",
            run_id=f"run-{n}",
            ordinal=n,
            type="UserTaskReq",
            content={"user_task_id": f"task-{n}", "kind": "approval", "title": f"Send {n}"},
        )
        for n in (1, 2)
    ]
    state.apply_conversation(Conversation(session=Session(id="s"), items=items))
    with pytest.raises(CommandError) as caught:
        pick(state, None, lambda t: t.is_approval, "approval")
    error = caught.value
    assert (error.code, str(error)) == (2, "2 pending tasks fit; pass --task ID")
    assert error.lines == [
        "  task-1  approval  run run-1  Send 1",
        "  task-2  approval  run run-2  Send 2",
    ]
    assert [t["id"] for t in error.details["tasks"]] == ["task-1", "task-2"]
    assert pick(state, "task-2", lambda t: t.is_approval, "approval").run_id == "run-2"


def test_no_fitting_task_is_a_conflict(phrony: Phrony, sim: SimServer) -> None:
    run_id = start(sim, "chat", "WaitingForResponse")
    result = phrony("approve", run_id, "--json")
    assert result.code == 5
    assert result.lines[0] == "phrony-tui approve: no pending approval task in this session"
    assert result.error_json()["tasks"] == []


def test_ack_and_skip_wait(phrony: Phrony, sim: SimServer) -> None:
    run_id = start(sim, "timer", "WaitingForTimer", {"seconds": 3600})
    assert phrony("ack", run_id).code == 0
    (body,) = messages_received(sim, run_id)
    assert set(body) == {"runId", "userTaskId"}
    result = phrony("skip-wait", run_id)
    assert (result.code, result.out) == (0, f"Skipped the wait of run {run_id}.\n")
    conv = settle(sim, run_id, "Completed")
    assert conv.session.output == {"skipped": True}
    late = phrony("skip-wait", run_id, "--json")
    assert late.code == 5 and late.error_json()["exit"] == 5
    assert f"run {run_id} is not waiting for a timer (Completed)" in late.lines[0]


def test_reply_text_stdin_and_files(phrony: Phrony, sim: SimServer, tmp_path: Path) -> None:
    run_id = start(sim, "chat", "WaitingForResponse")
    assert phrony("reply", run_id, "hello there").code == 0
    settle(sim, run_id, "WaitingForResponse")
    assert phrony("reply", run_id, "-", stdin="from a pipe\n").code == 0
    settle(sim, run_id, "WaitingForResponse")
    notes = tmp_path / "notes.txt"
    notes.write_text("the notes")
    assert phrony("reply", run_id, "see attached", "--file", str(notes)).code == 0
    conv = settle(sim, run_id, "WaitingForResponse")
    texts = [b.get("text") for b in messages_received(sim, run_id)]
    assert texts == ["hello there", "from a pipe", "see attached"]
    outputs = [i.content.get("output") for i in conv.items if i.type == "output"]
    assert "Received files: notes.txt" in outputs[-1]
    assert phrony("reply", run_id, "done").code == 0
    settle(sim, run_id, "Completed")


def test_reply_is_refused_before_anything_is_sent(
    phrony: Phrony, sim: SimServer, tmp_path: Path
) -> None:
    run_id = start(sim, "approval", "WaitingForHITL")
    before = len(sim.world.received)
    busy = phrony("reply", run_id, "hi", "--file", str(tmp_path / "missing.txt"))
    assert busy.code == 2 and "does not exist" in busy.err
    empty = phrony("reply", run_id, "  ")
    assert empty.code == 2
    not_waiting = phrony("reply", run_id, "hi")
    assert not_waiting.code == 5 and "is not waiting for a reply (Waiting" in not_waiting.err
    assert [r for r in sim.world.received[before:] if r.method == "POST"] == []
    chat = start(sim, "chat", "WaitingForResponse")
    notes = tmp_path / "notes.txt"
    notes.write_text("x")
    no_uploads = sim.world.key_named("no-uploads").secret
    env = sim_env(sim, tmp_path, PHRONY_API_KEY=no_uploads)
    refused = phrony("reply", chat, "x", "--file", str(notes), env=env)
    assert refused.code == 3 and "upload notes.txt" in refused.err
    assert messages_received(sim, chat) == []


# --- never twice -------------------------------------------------------------------------------


def test_a_failure_before_processing_is_checked_and_not_resent(
    phrony: Phrony, sim: SimServer
) -> None:
    run_id = start(sim, "approval", "WaitingForHITL")
    sim.faults.set("fail-next", 1)
    result = phrony("approve", run_id, "--json")
    assert result.code == 7
    assert "not delivered" in result.lines[0] and "safe to run the command again" in result.lines[0]
    assert messages_received(sim, run_id) == []  # one POST, refused, never resent
    assert phrony("approve", run_id).code == 0
    assert len(messages_received(sim, run_id)) == 1


def test_a_failure_after_processing_is_found_in_the_timeline(
    phrony: Phrony, sim: SimServer
) -> None:
    run_id = start(sim, "chat", "WaitingForResponse")
    sim.faults.set("fail-after-accept", 1)
    result = phrony("reply", run_id, "only once", "--json")
    assert result.code == 0, result
    assert result.json() == {"ok": True, "runId": run_id, "taskId": None, "checked": True}
    assert [b["text"] for b in messages_received(sim, run_id)] == ["only once"]


def test_a_busy_answer_is_retried_as_the_server_advises(phrony: Phrony, sim: SimServer) -> None:
    run_id = start(sim, "approval", "WaitingForHITL")
    sim.faults.set("retry-after", 0.1)
    sim.faults.set("rate-limit-next", 2)  # the read, then its retry
    assert phrony("approve", run_id).code == 0
    assert len(messages_received(sim, run_id)) == 1


def test_reply_checks_its_files_before_asking_about_the_run(
    phrony: Phrony, sim: SimServer, tmp_path: Path
) -> None:
    """An empty file is the caller's mistake (2), found before any request: even on a run
    that does not wait for a reply, the file is what is reported."""
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    run_id = start(sim, "approval", "WaitingForHITL")
    before = sim.world.request_count
    result = phrony("reply", run_id, "hello", "--file", str(empty), "--json")
    assert result.code == 2, result
    assert "upload empty.txt: empty.txt is empty; there is nothing to upload" in result.lines[0]
    assert result.error_json()["exit"] == 2
    assert sim.world.request_count == before
    chat = start(sim, "chat", "WaitingForResponse")
    assert phrony("reply", chat, "hello", "--file", str(empty)).code == 2
    assert messages_received(sim, chat) == []


def skips_sent(sim: SimServer, run_id: str) -> int:
    return sum(
        1
        for r in sim.world.received
        if r.method == "POST" and r.path.endswith("skip-agent-wait") and run_id in r.path
    )


@pytest.mark.parametrize(
    ("scenario", "status", "run_input"),
    [
        ("firehose", "Running", {"count": 2, "rate": 0.01}),  # one step per 100 s
        ("chat", "WaitingForResponse", None),
    ],
)
def test_skip_wait_on_a_run_not_waiting_for_a_timer_is_a_conflict(
    phrony: Phrony, sim: SimServer, scenario: str, status: str, run_input: Any
) -> None:
    """Like ``reply`` and ``ack``: the run is read first, and 5 says it waits for no timer."""
    run_id = start(sim, scenario, status, run_input)
    result = phrony("skip-wait", run_id, "--json")
    assert result.code == 5, result
    assert result.lines[0] == (
        f"phrony-tui skip-wait: run {run_id} is not waiting for a timer ({status})"
    )
    assert result.error_json()["exit"] == 5
    assert skips_sent(sim, run_id) == 0


def test_ack_of_a_dashboard_only_alert_says_where_it_can_be_completed(
    phrony: Phrony, sim: SimServer
) -> None:
    run_id = start(sim, "multi-agent", "WaitingForHITL")
    (alert,) = [t for t in phrony("tasks", run_id, "--json").json() if t["kind"] == "anomaly_alert"]
    assert alert["apiCompletable"] is False
    result = phrony("ack", run_id, "--json")
    assert result.code == 5, result
    assert result.lines[0] == (
        "phrony-tui ack: the pending anomaly_alert task can only be completed in the Phrony "
        "dashboard"
    )
    assert result.lines[1].startswith(f"{alert['id']} anomaly_alert run {run_id} Anomaly")
    assert result.error_json()["exit"] == 5
    assert messages_received(sim, run_id) == []


def test_a_number_a_double_cannot_hold_is_refused_and_an_integer_sent_exactly(
    phrony: Phrony, sim: SimServer
) -> None:
    """The API's numberValue is a double: a whole number beyond 2^53 - 1 would arrive
    rounded, so it is refused with the limit; one within it arrives as that integer."""
    run_id = start(sim, "forms", "WaitingForHITL")
    assert phrony("answer", run_id, "--option", "email").code == 0
    settle(sim, run_id, "WaitingForHITL")
    assert phrony("answer", run_id, "--text", "Launch").code == 0
    settle(sim, run_id, "WaitingForHITL")
    sent = len(messages_received(sim, run_id))
    limit = "exact for whole numbers up to ±9007199254740991 (2^53 - 1)"
    for number in ("9" * 400, "12345678901234567891", "9007199254740993"):
        refused = phrony("answer", run_id, "--number", number)
        assert refused.code == 2, (number, refused)
        assert "is too large to send exactly" in refused.err and limit in refused.err
    huge = phrony("answer", run_id, "--number", "1e400")
    assert huge.code == 2 and "is too large: numbers go up to about ±1.8e308" in huge.err
    assert len(messages_received(sim, run_id)) == sent
    assert phrony("answer", run_id, "--number", "9007199254740991").code == 0
    body = messages_received(sim, run_id)[-1]
    assert body["numberValue"] == 9007199254740991 and type(body["numberValue"]) is int
    conv = settle(sim, run_id, "Completed")
    assert conv.session.output["recipients"] == 9007199254740991


def test_an_empty_text_answer_is_named_as_empty(phrony: Phrony, sim: SimServer) -> None:
    run_id = start(sim, "forms", "WaitingForHITL")
    assert phrony("answer", run_id, "--option", "email").code == 0
    settle(sim, run_id, "WaitingForHITL")
    sent = len(messages_received(sim, run_id))
    empty = phrony("answer", run_id, "--text", "")
    assert empty.code == 2, empty
    assert "must not be empty" in empty.err and "exactly one of" not in empty.err
    assert len(messages_received(sim, run_id)) == sent

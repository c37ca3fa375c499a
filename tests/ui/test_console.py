"""The console against the simulator, one test per kind of pause at least: each checks what the
server received and what the screen shows."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from textual import events
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Input

from phrony_tui.api import PhronyClient
from phrony_tui.sim import SimServer
from phrony_tui.ui.app import ConsoleApp
from phrony_tui.ui.config import Settings
from phrony_tui.ui.screens.prompts import Prompt
from phrony_tui.ui.widgets.composer import Composer
from phrony_tui.ui.widgets.pauses.answer import AnswerInput
from phrony_tui.ui.widgets.pauses.approval import ApprovalControl
from phrony_tui.ui.widgets.pauses.confirm import ConfirmBar
from phrony_tui.ui.widgets.pauses.reply import ReplyArea
from phrony_tui.ui.widgets.timeline import SEARCH_SLICE, Timeline
from tests.ui.helpers import SIZE, console, notices, pause_kind, received, screen_text, shows, until


async def test_chat_turn_with_a_file(sim: SimServer, tmp_path: Path) -> None:
    (tmp_path / "brief.txt").write_text("the brief")
    async with console(sim, "chat") as (app, pilot):
        await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="reply focused")
        await shows(pilot, app, "waiting for your reply")
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, Prompt), what="path prompt")
        await pilot.press(*str(tmp_path / "brief.txt"), "enter")
        await shows(pilot, app, "brief.txt ✕")  # uploaded and attached
        await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="focus back")
        await pilot.press(*"What is [b]this[/b]?", "enter")
        await until(
            pilot,
            lambda: "Received files: brief.txt" in screen_text(app),
            what="the agent's answer",
        )
        (sent,) = received(sim, app.run_id)
        assert sent.status == 202 and sent.body["text"] == "What is [b]this[/b]?"
        assert sent.body["files"][0]["filename"] == "brief.txt"
        await shows(pilot, app, "What is [b]this[/b]?")  # literal, not bold markup
        assert (
            "brief.txt ✕" not in screen_text(app) and app.run_screen.query_one(ReplyArea).text == ""
        )
        await until(pilot, lambda: isinstance(app.focused, ReplyArea), what="reply again")
        await pilot.press(*"done", "enter")
        await until(pilot, lambda: app.state.status == "Completed", what="completed")
        await until(pilot, lambda: "No input needed right now." in screen_text(app))


async def test_newline_does_not_send(sim: SimServer) -> None:
    async with console(sim, "chat") as (app, pilot):
        await until(pilot, lambda: isinstance(app.focused, ReplyArea))
        await pilot.press("a", "ctrl+j", "b")
        assert app.run_screen.query_one(ReplyArea).text == "a\nb"
        assert received(sim, app.run_id) == []


async def test_approve_with_confirmation(sim: SimServer) -> None:
    async with console(sim, "approval") as (app, pilot):
        await until(pilot, lambda: isinstance(app.focused, ApprovalControl), what="approval")
        await shows(
            pilot,
            app,
            "Approval required: Telegram · Send Message",
            "telegram · send_message",
            '"chat_id": "@phrony-ops"',
        )
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.focused, ConfirmBar), what="confirmation")
        await shows(pilot, app, "Approve telegram · send_message with")
        assert received(sim, app.run_id) == []
        await pilot.press("y")
        await until(pilot, lambda: received(sim, app.run_id), what="the POST")
        (sent,) = received(sim, app.run_id)
        assert sent.body["approved"] is True and "metadata" not in sent.body
        await until(pilot, lambda: app.state.status == "Completed")
        await until(pilot, lambda: "approved" in screen_text(app))


async def test_reject_with_a_comment_and_a_cancelled_confirmation(sim: SimServer) -> None:
    async with console(sim, "approval") as (app, pilot):
        await until(pilot, lambda: isinstance(app.focused, ApprovalControl))
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.focused, ConfirmBar))
        await pilot.press("escape")  # cancel: back to the decision, nothing sent
        await until(pilot, lambda: isinstance(app.focused, ApprovalControl))
        await pilot.press("c", *"not today", "enter", "r")
        await until(pilot, lambda: isinstance(app.focused, ConfirmBar))
        await shows(pilot, app, "comment: not today")
        await pilot.press("enter")
        await until(pilot, lambda: received(sim, app.run_id))
        (sent,) = received(sim, app.run_id)
        assert sent.body["approved"] is False
        assert sent.body["metadata"] == {"comment": "not today"}
        await until(pilot, lambda: "Message not sent" in screen_text(app))


async def test_options_text_and_number(sim: SimServer) -> None:
    async with console(sim, "forms") as (app, pilot):
        await until(pilot, lambda: pause_kind(app) == "multi_option", what="options")
        await until(pilot, lambda: "1. Email" in screen_text(app), what="options drawn")
        await shows(pilot, app, "2. SMS")
        await pilot.press("2", "enter")
        await until(pilot, lambda: pause_kind(app) == "text", what="text task")
        await until(pilot, lambda: isinstance(app.focused, AnswerInput))
        await shows(pilot, app, "What subject line should it have?")
        await pilot.press(*"Winter sale", "enter")
        await until(pilot, lambda: pause_kind(app) == "number", what="number task")
        await until(pilot, lambda: isinstance(app.focused, AnswerInput))
        await shows(pilot, app, "How many recipients at most?")
        before = len(received(sim, app.run_id))
        await pilot.press(*"abc", "enter")
        await until(pilot, lambda: "'abc' is not a number" in screen_text(app))
        assert len(received(sim, app.run_id)) == before
        assert app.run_screen.query_one(AnswerInput).value == "abc"  # the draft stays
        await pilot.press(*["backspace"] * 3, *"250", "enter")
        await until(pilot, lambda: app.state.status == "Completed")
        bodies = [r.body for r in received(sim, app.run_id)]
        assert [b.get("selectedOptionId") for b in bodies][:1] == ["sms"]
        assert bodies[1]["textValue"] == "Winter sale" and bodies[2]["numberValue"] == 250
        await shows(pilot, app, "✔ sms", "✔ Winter sale", "✔ 250")  # each task's outcome
        await shows(pilot, app, "Campaign ready: channel=sms, subject='Winter sale'")


async def test_aitl_answered_inside_a_sub_agent_and_dashboard_only_refused(
    sim: SimServer,
) -> None:
    async with console(sim, "multi-agent") as (app, pilot):
        await until(pilot, lambda: len(app.composer.pauses) == 3, what="three pauses")
        kinds = []
        for _ in range(3):
            kinds.append(pause_kind(app))
            if pause_kind(app) == "anomaly_alert":
                await shows(pilot, app, "complete it in the Phrony dashboard")
                await pilot.press("k")  # nothing is sent for a dashboard-only task
            app.composer.select(1)
            await pilot.pause()
        assert sorted(map(str, kinds)) == ["aitl_escalation", "anomaly_alert", "approval"]
        while pause_kind(app) != "aitl_escalation":
            await pilot.press("n")
        await until(pilot, lambda: isinstance(app.focused, AnswerInput))
        await shows(pilot, app, "Is the claim 'agents pause for people' about HITL approvals?")
        await pilot.press(*"Yes, HITL", "enter")
        await until(pilot, lambda: len(app.composer.pauses) == 2, what="answer accepted")
        (sent,) = received(sim)[-1:]
        aitl_run = next(r for r in app.state.runs.values() if r.agent_name == "Fact checker")
        assert sent.path == f"/v1/runs/{aitl_run.id}/messages"
        assert sent.body == {
            "runId": aitl_run.id,
            "userTaskId": sent.body["userTaskId"],
            "textValue": "Yes, HITL",
        }
        assert not [
            r
            for r in received(sim, app.run_id)
            if "userTaskId" in (r.body or {}) and r.status == 202
        ]
        await shows(pilot, app, "Claim verified with a person's help: Yes, HITL")
        while pause_kind(app) != "approval":
            await pilot.press("n")
        await pilot.press("a", "y")
        await until(pilot, lambda: app.state.status == "Completed", what="session done")


async def test_after_an_answer_the_composer_goes_to_a_pause_it_can_answer(
    sim: SimServer,
) -> None:
    """Not to the alert only the dashboard can complete, while a task it can answer waits."""
    async with console(sim, "multi-agent") as (app, pilot):
        await until(pilot, lambda: len(app.composer.pauses) == 3, what="three pauses")
        while pause_kind(app) != "aitl_escalation":
            await pilot.press("n")
        await until(pilot, lambda: isinstance(app.focused, AnswerInput))
        await pilot.press(*"Yes, HITL", "enter")
        await until(pilot, lambda: len(app.composer.pauses) == 2, what="answer accepted")
        await until(pilot, lambda: pause_kind(app) == "approval", what="the approval next")
        await shows(pilot, app, "Approve")


async def test_browse_sub_agent_runs(sim: SimServer) -> None:
    async with console(sim, "multi-agent") as (app, pilot):
        await until(pilot, lambda: len(app.state.runs) == 4)
        child = next(r for r in app.state.runs.values() if r.agent_name == "Analyst")
        app.run_screen.filter_run(child.id)
        await pilot.pause()
        timeline = app.run_screen.query_one(Timeline)
        assert timeline.rows and all(app.state.items[i].run_id == child.id for i in timeline.rows)
        await shows(pilot, app, "showing Analyst only")
        await pilot.press("t", "A")
        await until(pilot, lambda: timeline.run_filter is None)
        assert len(timeline.rows) == len(app.state.items)
        spawn = next(i for i in timeline.rows if app.state.items[i].type == "SubAgentCall")
        timeline.move_to(timeline.rows.index(spawn))
        await pilot.press("enter")  # a sub-agent call jumps to the child run
        await until(pilot, lambda: timeline.run_filter is not None)
        assert timeline.run_filter == app.state.items[spawn].content["child_run_id"]


async def test_acknowledge_alert_and_skip_timer(sim: SimServer) -> None:
    async with console(sim, "timer", {"seconds": 600}) as (app, pilot):
        await until(pilot, lambda: len(app.composer.pauses) == 2, what="alert and timer")
        assert pause_kind(app) == "anomaly_alert"
        await shows(pilot, app, "Batch job running late", "The nightly batch started 20 minutes")
        await pilot.press("t", "k")  # from the timeline too
        await until(pilot, lambda: [p.kind for p in app.composer.pauses] == ["timer"])
        (ack,) = received(sim, app.run_id)
        assert set(ack.body) == {"runId", "userTaskId"}
        await shows(pilot, app, "Waiting for a timer", "left")
        # In minutes and seconds, or hours and minutes: "266:09 left" read as a clock.
        assert re.search(r"Waiting for a timer: (\d+m \d\ds|\d+s) left", screen_text(app))
        await pilot.press("s")
        await until(pilot, lambda: app.state.status == "Completed", what="completed")
        assert received(sim, app.run_id)[-1].path.endswith("/skip-agent-wait")
        await shows(pilot, app, "Batch checked (wait skipped).", "No input needed right now.")


async def test_redacted_run_says_the_timeline_is_hidden(sim: SimServer) -> None:
    async with console(sim, "redacted") as (app, pilot):
        await until(pilot, lambda: app.state.status == "Completed")
        await until(pilot, lambda: "Timeline hidden from API clients" in screen_text(app))
        await shows(pilot, app, "This run's timeline is hidden from API clients")
        assert app.state.redacted


async def test_failed_run_shows_its_error(sim: SimServer) -> None:
    async with console(sim, "failing") as (app, pilot):
        await until(pilot, lambda: app.state.status == "Failed")
        await until(pilot, lambda: "credentials revoked" in screen_text(app))
        await shows(pilot, app, "Failed")


async def test_step_detail_copy_and_help(sim: SimServer) -> None:
    async with console(sim, "approval") as (app, pilot):
        await until(pilot, lambda: pause_kind(app) == "approval")
        await pilot.press("t", "home", "enter")
        await until(pilot, lambda: app.screen.__class__.__name__ == "StepDetail")
        await shows(pilot, app, '"type": "llm_request_prepared"')
        await pilot.press("escape", "question_mark")
        await until(pilot, lambda: app.screen.__class__.__name__ == "HelpScreen")
        await shows(pilot, app, "app.quit", "task.approve")
        await pilot.press("end")  # the last sections are below the first page
        await shows(pilot, app, "quit.no")
        await pilot.press("escape", "/", *"telegram")
        await until(pilot, lambda: app.run_screen.query_one(Timeline).current_id is not None)
        current = app.state.items[app.run_screen.query_one(Timeline).current_id or ""]
        assert "telegram" in str(current.content).lower()


async def test_a_long_timeline_is_searched_without_freezing(sim: SimServer) -> None:
    rows = SEARCH_SLICE * 4
    async with console(sim, "big", {"items": rows}) as (app, pilot):
        timeline = app.run_screen.query_one(Timeline)
        await until(pilot, lambda: len(timeline.rows) == rows)
        await pilot.press("t", "home")
        assert timeline.search("row 1991 done", include_current=True) is None  # goes on meanwhile
        await until(pilot, lambda: timeline.current_id is not None and timeline.cursor > 1900)
        assert "row 1991 done" in str(app.state.items[timeline.current_id or ""].content)
        await pilot.press("/", *"no such row", "enter")
        await until(pilot, lambda: "No match" in notices(app))


async def test_keys_can_be_remapped(sim: SimServer) -> None:
    settings = Settings(keys={"task.approve": "ctrl+y"}, confirm_approvals=False)
    async with console(sim, "approval", settings=settings) as (app, pilot):
        await until(pilot, lambda: isinstance(app.focused, ApprovalControl))
        await pilot.press("t", "ctrl+y")
        await until(pilot, lambda: received(sim, app.run_id), what="approved without confirm")
        assert received(sim, app.run_id)[0].body["approved"] is True


async def test_hints_name_the_keys_bound_after_a_remap(sim: SimServer) -> None:
    settings = Settings(keys={"task.approve": "ctrl+a"})
    async with console(sim, "approval", settings=settings) as (app, pilot):
        await until(pilot, lambda: isinstance(app.focused, ApprovalControl), what="approval")
        await shows(pilot, app, "ctrl+a approve · r reject · c comment")
        await pilot.press("ctrl+a")
        await until(pilot, lambda: isinstance(app.focused, ConfirmBar), what="confirmation")
        await shows(pilot, app, "Approve telegram · send_message with", "y/Enter confirm")
        assert received(sim, app.run_id) == []


@asynccontextmanager
async def typed_as_it_opens(
    sim: SimServer, scenario: str, keys: str
) -> AsyncIterator[tuple[ConsoleApp, Pilot[None]]]:
    """The console on a new run of ``scenario``, with ``keys`` arriving together the moment the
    first pause opens (as a terminal delivers them, with nothing in between)."""
    async with PhronyClient(sim.base_url, sim.api_key) as starter:
        started = await starter.start_run(sim.agents[scenario])
    app = ConsoleApp(PhronyClient(sim.base_url, sim.api_key), started.run_id, steady=True)
    typed: list[str] = []

    def hook(message: Message) -> None:
        if isinstance(message, Composer.PauseOpened) and not typed:
            typed.extend(keys)
            for key in keys:
                app.post_message(events.Key(key, key))

    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await until(pilot, lambda: typed, what="the pause to open")
        yield app, pilot


async def test_keys_typed_as_the_reply_box_appears_land_in_it(sim: SimServer) -> None:
    async with typed_as_it_opens(sim, "chat", "hey") as (app, pilot):
        area = app.run_screen.query_one(ReplyArea)
        await until(pilot, lambda: area.text == "hey", what=f"all three keys, not {area.text!r}")
        assert app.focused is area


async def test_a_comment_typed_as_the_approval_appears_lands_in_it(sim: SimServer) -> None:
    async with typed_as_it_opens(sim, "approval", "cok") as (app, pilot):
        comment = app.run_screen.query_one("#comment", Input)
        await until(pilot, lambda: comment.value == "ok", what=f"comment, not {comment.value!r}")
        assert app.focused is comment and app.composer.pending_decision is None
        await pilot.press("c", "a")  # in the comment, the decision keys are letters
        assert comment.value == "okca" and app.composer.pending_decision is None

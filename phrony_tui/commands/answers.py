"""Commands that act for a person: ``reply``, ``approve``, ``reject``, ``answer``, ``ack`` and
``skip-wait``. Each reads the session first, so a wrong task or kind is refused before
anything is sent, and sends once (``sending``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .exits import CONFLICT, DONE, NOT_FOUND, UNAVAILABLE, USAGE, CommandError, from_api
from .options import Connection, api_command, connection_options, json_option, out, stdin_text
from .reading import emit_json, load_state, run_id_of

if TYPE_CHECKING:
    from ..api import PhronyClient
    from ..api.models import MessageBody
    from ..session import SessionState, UserTask
    from .sending import Delivery


def _task_option(func: Any) -> Any:
    return click.option(
        "--task",
        "task_id",
        metavar="ID",
        default=None,
        help="the task (may be left out when exactly one pending task fits)",
    )(func)


def pick(
    state: SessionState, task_id: str | None, fits: Callable[[UserTask], bool], what: str
) -> UserTask:
    """The task to act on: the one named, or the only pending one that fits."""
    from .describe import task_json, task_line

    if task_id:
        task = state.tasks.get(task_id.strip())
        if task is None:
            raise CommandError(f"no task {task_id} in this session", NOT_FOUND)
        if task.status != "Pending":
            raise CommandError(f"task {task_id} is no longer pending ({task.status})", CONFLICT)
        if not fits(task):
            raise CommandError(f"task {task_id} is a {task.kind} task, not {what}", USAGE)
        return task
    pending = state.pending_tasks()
    fitting = [t for t in pending if fits(t) and t.api_completable]
    if len(fitting) == 1:
        return fitting[0]
    listing = [task_json(t) for t in (fitting or pending)]
    if not fitting:
        elsewhere = [t for t in pending if fits(t)]
        if elsewhere:
            error = CommandError(
                f"the pending {what} task can only be completed in the Phrony dashboard",
                CONFLICT,
                tasks=listing,
            )
            error.lines = [f"  {task_line(t)}" for t in elsewhere]
            raise error
        raise CommandError(f"no pending {what} task in this session", CONFLICT, tasks=listing)
    error = CommandError(f"{len(fitting)} pending tasks fit; pass --task ID", USAGE, tasks=listing)
    error.lines = [f"  {task_line(t)}" for t in fitting]
    raise error


def _settle(delivery: Delivery, what: str) -> None:
    """A delivery that did not succeed, as the command's failure."""
    from .sending import Outcome

    if delivery.ok:
        return
    error = delivery.error
    if delivery.outcome is Outcome.CONFLICT and error is not None:
        raise from_api(error, what)
    if delivery.outcome is Outcome.ELSEWHERE:
        raise CommandError(
            f"{what}: meanwhile the task was answered differently, elsewhere", CONFLICT
        )
    if delivery.outcome is Outcome.NOT_DELIVERED:
        raise CommandError(
            f"{what}: not delivered ({_short(error)}); the timeline shows nothing arrived, "
            "so it is safe to run the command again",
            UNAVAILABLE,
        )
    if delivery.outcome is Outcome.UNKNOWN:
        raise CommandError(
            f"{what}: {_short(error)}; it may or may not have arrived and the timeline cannot "
            "be read now: look (phrony-tui tasks) before sending again",
            UNAVAILABLE,
        )
    assert error is not None
    raise from_api(error, what)


def _status_of(state: SessionState, run_id: str) -> str:
    node = state.runs.get(run_id)
    return node.status if node else state.status


def _must_wait(state: SessionState, run_id: str, status: str, what: str) -> None:
    """Refuse, before sending, to act on a run that does not wait for ``what``; name a run
    of the session that does."""
    from ..text import one_line

    now = _status_of(state, run_id)
    if now != status:
        waiting = [r.id for r in state.runs.values() if r.status == status]
        hint = f"; run {waiting[0]} is" if waiting else ""
        raise CommandError(
            f"run {run_id} is not waiting for {what} ({one_line(now, 40)}){hint}", CONFLICT
        )


def _short(error: Exception | None) -> str:
    from ..api.errors import APIStatusError
    from .exits import said

    if isinstance(error, APIStatusError):
        return said(f"{error.status}: {error.message or 'no message'}")
    return said(str(error)) if error is not None else "no answer"


async def _send(
    client: PhronyClient,
    body: MessageBody,
    since: float,
    what: str,
    as_json: bool,
    done: str = "",
) -> int:
    from ..crash import say
    from .sending import Outcome, send_message

    delivery = await send_message(client, body, since, notice=lambda t: say(f"phrony-tui: {t}"))
    _settle(delivery, what)
    if as_json:
        emit_json(
            {
                "ok": True,
                "runId": body.run_id,
                "taskId": body.user_task_id,
                "checked": delivery.outcome is Outcome.ARRIVED,
            }
        )
    else:
        from ..text import one_line

        out(one_line(done or f"{what}: done.", 300))
    return DONE


async def _answer_task(
    client: PhronyClient,
    run_id: str,
    task_id: str | None,
    fits: Callable[[UserTask], bool],
    kind_name: str,
    answer: Any,
    as_json: bool,
    metadata: dict[str, Any] | None = None,
    verb: str = "answered",
) -> int:
    from ..session import InvalidAnswerError, build_answer
    from ..text import one_line

    state = await load_state(client, run_id_of(run_id))
    task = pick(state, task_id, fits, kind_name)
    if isinstance(answer, str) and answer.isdigit() and task.kind == "multi_option":
        # An option id wins; otherwise digits are the option's 1-based number.
        answer = answer if answer in [o.id for o in task.options] else int(answer)
    try:
        body = build_answer(task, answer, metadata=metadata)
    except InvalidAnswerError as exc:
        raise CommandError(f"task {task.id}: {exc}", USAGE) from None
    what = f"task {task.id}"
    done = f"{verb.capitalize()} “{one_line(task.title or task.kind, 80)}” (task {task.id})."
    return await _send(client, body, state.last_ordinal(), what, as_json, done)


def _is_approval(task: UserTask) -> bool:
    return task.is_approval


@click.command(
    epilog="\b\nExamples:\n  phrony-tui approve RUN_ID\n"
    "  phrony-tui approve RUN_ID --task TASK_ID --comment 'checked the recipient'"
)
@click.argument("run_id", metavar="RUN_ID")
@_task_option
@click.option("--comment", default=None, help="a note stored with the answer")
@connection_options
@json_option
@api_command
async def approve(
    conn: Connection,
    client: PhronyClient,
    run_id: str,
    task_id: str | None,
    comment: str | None,
    as_json: bool,
) -> int:
    """Approve a pending approval (approval, hitl or anomaly_review)."""
    meta = {"comment": comment} if comment else None
    return await _answer_task(
        client, run_id, task_id, _is_approval, "approval", True, as_json, meta, "approved"
    )


@click.command(
    epilog="\b\nExamples:\n  phrony-tui reject RUN_ID --comment 'wrong channel'\n"
    "  phrony-tui reject RUN_ID --task TASK_ID"
)
@click.argument("run_id", metavar="RUN_ID")
@_task_option
@click.option("--comment", default=None, help="a note stored with the answer")
@connection_options
@json_option
@api_command
async def reject(
    conn: Connection,
    client: PhronyClient,
    run_id: str,
    task_id: str | None,
    comment: str | None,
    as_json: bool,
) -> int:
    """Reject a pending approval (approval, hitl or anomaly_review)."""
    meta = {"comment": comment} if comment else None
    return await _answer_task(
        client, run_id, task_id, _is_approval, "approval", False, as_json, meta, "rejected"
    )


@click.command(
    epilog="\b\nExamples:\n  phrony-tui answer RUN_ID --option email\n"
    "  phrony-tui answer RUN_ID --task TASK_ID --text 'Spring launch'\n"
    "  phrony-tui answer RUN_ID --number 500"
)
@click.argument("run_id", metavar="RUN_ID")
@_task_option
@click.option("--option", "option", metavar="ID", default=None, help="multi_option: option id or N")
@click.option("--text", default=None, help="text or aitl_escalation: the answer")
@click.option("--number", default=None, help="number: the answer")
@connection_options
@json_option
@api_command
async def answer(
    conn: Connection,
    client: PhronyClient,
    run_id: str,
    task_id: str | None,
    option: str | None,
    text: str | None,
    number: str | None,
    as_json: bool,
) -> int:
    """Answer a multi_option (--option), text or aitl_escalation (--text) or number
    (--number) task. The value is checked against the task before anything is sent."""
    from ..session.tasks import TEXT_KINDS

    given = [
        (n, v) for n, v in (("option", option), ("text", text), ("number", number)) if v is not None
    ]
    if len(given) != 1:
        raise CommandError("give exactly one of --option, --text or --number", USAGE)
    name, value = given[0]
    kinds: dict[str, Callable[[UserTask], bool]] = {
        "option": lambda t: t.kind == "multi_option",
        "text": lambda t: t.kind in TEXT_KINDS,
        "number": lambda t: t.kind == "number",
    }
    labels = {"option": "multi_option", "text": "text", "number": "number"}
    return await _answer_task(client, run_id, task_id, kinds[name], labels[name], value, as_json)


@click.command(epilog="\b\nExample:\n  phrony-tui ack RUN_ID --task TASK_ID")
@click.argument("run_id", metavar="RUN_ID")
@_task_option
@connection_options
@json_option
@api_command
async def ack(
    conn: Connection, client: PhronyClient, run_id: str, task_id: str | None, as_json: bool
) -> int:
    """Acknowledge an anomaly_alert."""
    return await _answer_task(
        client,
        run_id,
        task_id,
        lambda t: t.kind == "anomaly_alert",
        "anomaly_alert",
        None,
        as_json,
        verb="acknowledged",
    )


@click.command(
    epilog="\b\nExamples:\n  phrony-tui reply RUN_ID 'Use the Q3 numbers'\n"
    "  git log -1 --format=%B | phrony-tui reply RUN_ID -\n"
    "  phrony-tui reply RUN_ID 'Here is the contract' --file contract.pdf"
)
@click.argument("run_id", metavar="RUN_ID")
@click.argument("text", metavar="TEXT", required=False, default="")
@click.option(
    "--file",
    "files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path),
    help="attach a file (uploaded through the file library); repeatable",
)
@connection_options
@json_option
@api_command
async def reply(
    conn: Connection,
    client: PhronyClient,
    run_id: str,
    text: str,
    files: tuple[Path, ...],
    as_json: bool,
) -> int:
    """Send a chat reply to a run waiting for one (TEXT, or - to read standard input)."""
    from ..session import build_reply
    from ..session.tasks import InvalidAnswerError
    from ..starting import StartError, file_size
    from ..text import one_line
    from .reading import read

    if text == "-":
        text = stdin_text().rstrip("\n")
    if not text.strip() and not files:
        raise CommandError("give the reply's TEXT (or - for standard input), or --file", USAGE)
    for path in files:
        try:
            file_size(path, path.name)
        except StartError as exc:
            raise CommandError(f"upload {one_line(path.name, 200)}: {exc}", USAGE) from None
    run_id = run_id_of(run_id)
    state = await load_state(client, run_id)
    _must_wait(state, run_id, "WaitingForResponse", "a reply")
    refs = []
    for path in files:
        refs.append(await read(lambda p=path: client.upload_file(p), f"upload {path.name}"))  # type: ignore[misc]
    try:
        body = build_reply(run_id, text, refs)
    except InvalidAnswerError as exc:
        raise CommandError(str(exc), USAGE) from None
    done = f"Replied to run {run_id}."
    return await _send(client, body, state.last_ordinal(), f"reply to run {run_id}", as_json, done)


@click.command("skip-wait", epilog="\b\nExample:\n  phrony-tui skip-wait RUN_ID")
@click.argument("run_id", metavar="RUN_ID")
@connection_options
@json_option
@api_command
async def skip_wait(conn: Connection, client: PhronyClient, run_id: str, as_json: bool) -> int:
    """End the run's timer wait now (the run must be WaitingForTimer)."""
    from ..crash import say
    from .sending import skip_wait as skip

    run_id = run_id_of(run_id)
    state = await load_state(client, run_id)
    _must_wait(state, run_id, "WaitingForTimer", "a timer")
    delivery = await skip(client, run_id, notice=lambda t: say(f"phrony-tui: {t}"))
    try:
        _settle(delivery, f"run {run_id}")
    except CommandError as exc:
        # 400 also means billing or the runtime refused the resume: only a run that has
        # meanwhile stopped waiting is "not waiting for that".
        if (
            exc.details.get("status") == 400
            and _status_of(await load_state(client, run_id), run_id) != "WaitingForTimer"
        ):
            exc.code = CONFLICT
        raise
    if as_json:
        emit_json({"ok": True, "runId": run_id})
    else:
        out(f"Skipped the wait of run {run_id}.")
    return DONE

"""A pause never waits unnoticed: when a run starts waiting for a person, the terminal rings,
a desktop notification goes out (OSC 9, and OSC 777 for the terminals that read that one), an
optional command runs, and the window title leads with how many things wait.

Whoever learns that something began waiting (a run's screen, the inbox) posts
``WaitingChanged`` to the app; the app hands it to its ``Notifier``. Agent text placed in an
escape sequence is made inert first: no control character (C0, DEL, C1: so no BEL, ESC or
ST) and no ``;`` reach the terminal, so nothing from the server can end the sequence early
or start another.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

from textual.app import App
from textual.message import Message

from ..session import SessionState
from .pauses import Pause, headline
from .sanitize import one_line
from .textual_private import write_to_terminal

Policy = Literal["unfocused", "always", "never"]
TITLE = "phrony-tui"
TITLE_LIMIT = 80
BODY_LIMIT = 200
#: Keys already announced, kept so a pause seen again (a reload) does not ring twice.
SEEN_LIMIT = 2000
_PLACEHOLDER = re.compile(r"\{(title|body|count)\}")
#: xterm's title stack: the title the terminal had comes back when the console exits.
PUSH_TITLE = "\x1b[22;0t"
POP_TITLE = "\x1b[23;0t"


class WaitingItem(NamedTuple):
    """Something that began waiting for a person: a stable key (the same pause is announced
    once), and the words of its notification (agent text, made safe here before use)."""

    key: str
    title: str
    body: str
    run_id: str = ""  # the run that waits, when the one telling knows it


class WaitingChanged(Message, bubble=False):
    """``count`` things wait for a person as far as ``source`` knows, ``new`` of them just
    began. Each run screen is its own source (``run RUN_ID``); the counts of the runs add up,
    and another source (the inbox, which sees them too) is compared with their sum."""

    def __init__(
        self,
        count: int,
        new: Sequence[WaitingItem | tuple[str, str, str]],
        *,
        source: str = "inbox",
    ) -> None:
        super().__init__()
        self.count = count
        self.new = [WaitingItem(*item) for item in new]
        self.source = source


def waiting_item(key: str, pause: Pause, state: SessionState) -> WaitingItem:
    run = state.runs.get(pause.run_id)
    who = (run.agent_name or run.short_id) if run else pause.run_id[:8]
    return WaitingItem(key, f"{who} needs you", headline(pause, state))


class PauseNews:
    """Which of one run's pauses are news to the app: those present when the run first
    loaded are not; a run that waits for a reply again and again makes news each time."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self._told: tuple[int, frozenset[str]] | None = None

    def changed(self, pauses: Sequence[Pause], state: SessionState) -> WaitingChanged | None:
        """What to tell the app about ``pauses`` (None: nothing changed since it last heard)."""
        keyed = {f"{self.run_id}/{p.key.kind.value}/{p.key.id}": p for p in pauses}
        told = self._told
        if told is not None and told == (len(keyed), frozenset(keyed)):
            return None
        self._told = (len(keyed), frozenset(keyed))
        new = []
        if told is not None:
            again = f"@{state.last_ordinal()}"
            new = [
                waiting_item(k if p.task else k + again, p, state)
                for k, p in keyed.items()
                if k not in told[1]
            ]
        return WaitingChanged(len(keyed), new, source=f"run {self.run_id}")


def inert(text: str, limit: int) -> str:
    """``text`` as it may sit inside an OSC sequence: one line, control characters shown as
    placeholders (``one_line``), ``;`` (the field separator) replaced, bounded."""
    safe = one_line(text, limit).replace(";", ",")
    # one_line leaves none; this holds even if it ever did.
    return "".join(c for c in safe if c.isprintable())


def desktop_notification(title: str, body: str) -> str:
    """The bell, OSC 9 (iTerm2, WezTerm, Windows Terminal, kitty…) and OSC 777 (rxvt,
    Ghostty, foot…), each ended by BEL."""
    safe_title, safe_body = inert(title, TITLE_LIMIT), inert(body, BODY_LIMIT)
    return f"\a\x1b]9;{safe_title}: {safe_body}\a\x1b]777;notify;{safe_title};{safe_body}\a"


def window_title(count: int) -> str:
    return f"\x1b]2;({count}) {TITLE}\a" if count else f"\x1b]2;{TITLE}\a"


class Notifier:
    """The app's: it keeps each source's count and the keys already announced."""

    def __init__(
        self, app: App[Any], policy: Policy = "unfocused", command: Sequence[str] = ()
    ) -> None:
        self.app = app
        self.policy = policy
        self.command = list(command)
        self._counts: dict[str, int] = {}
        self._seen: dict[str, None] = {}
        self._shown: int | None = None
        self._command_failed = False

    @property
    def count(self) -> int:
        """What waits: the runs' counts added, or the inbox's when it sees more."""
        runs = sum(n for source, n in self._counts.items() if source.startswith("run "))
        others = [n for source, n in self._counts.items() if not source.startswith("run ")]
        return max([runs, *others])

    def changed(self, message: WaitingChanged) -> None:
        self._counts[message.source] = max(0, message.count)
        fresh = [item for item in message.new if item.key not in self._seen]
        for item in fresh:
            self._seen[item.key] = None
        while len(self._seen) > SEEN_LIMIT:
            del self._seen[next(iter(self._seen))]
        self._update_title()
        if fresh and self._should_alert():
            self._alert(fresh)

    def forget(self, source: str) -> None:
        """A source that went away (a run closed): its count no longer adds up."""
        if self._counts.pop(source, None) is not None:
            self._update_title()

    def close(self) -> None:
        """Give the terminal its own title back."""
        if self._shown is not None:
            write_to_terminal(self.app, POP_TITLE)
            self._shown = None

    def _should_alert(self) -> bool:
        if self.policy == "never":
            return False
        return self.policy == "always" or not self.app.app_focus

    def _update_title(self) -> None:
        if self.policy == "never":
            return
        count = self.count
        if count == (self._shown or 0):
            return
        push = PUSH_TITLE if self._shown is None else ""
        if write_to_terminal(self.app, push + window_title(count)):
            self._shown = count

    def _alert(self, items: list[WaitingItem]) -> None:
        first = items[0]
        body = first.body if len(items) == 1 else f"{first.body} (and {len(items) - 1} more)"
        write_to_terminal(self.app, desktop_notification(first.title, body))
        if self.command:
            values = {
                "title": inert(first.title, TITLE_LIMIT),
                "body": inert(body, BODY_LIMIT),
                "count": str(self.count),
            }
            # One pass: a title holding "{body}" stays text, it is not filled in again.
            argv = [_PLACEHOLDER.sub(lambda m: values[m.group(1)], part) for part in self.command]
            self.app.run_worker(self._run(argv), group="notify-command")

    async def _run(self, argv: list[str]) -> None:
        """Without a shell, off the event loop's critical path; a failure is told once."""
        try:
            process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
            code = await process.wait()
            problem = f"exited with status {code}" if code else ""
        except OSError as exc:
            problem = exc.strerror or type(exc).__name__
        if problem and not self._command_failed:
            self._command_failed = True
            self.app.notify(
                f"notify_command {one_line(argv[0], 60)!r} failed: {one_line(problem, 120)}",
                severity="warning",
                markup=False,
            )

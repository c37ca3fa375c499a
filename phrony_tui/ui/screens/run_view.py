"""What a run's screen shows and the keys that act on it: the footer computed from what is
on screen, the panes (runs tree, timeline, search) and every action. ``RunScreen`` adds the
live data: its stream, its state and the API calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from textual import events, on
from textual.actions import SkipAction
from textual.binding import ActiveBinding, Binding
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, TextArea, Tree

from ...api.models import ItemType
from ...session import SessionState
from ...session.drafts import DraftKey
from ..actions import APP_WIDE, Situation, Where
from ..clipboard import exact_step_json
from ..controller import Controller
from ..keys import KeyLabels, bindings, by_action
from ..messages import CloseRun
from ..sanitize import one_line
from ..widgets.composer import Composer
from ..widgets.left_pane import LeftPane
from ..widgets.search import SearchInput
from ..widgets.status_line import StatusLine
from ..widgets.timeline import Timeline
from .detail import StepDetail
from .home import HomeScreen
from .prompts import Prompt, copy_or_offer_file

#: Narrower than this, the left pane hides itself (a key shows it again).
PANE_HIDES_BELOW = 70
#: First in the footer, before the focused pane's keys: what answers the run. A narrow
#: terminal cuts the footer's end, and "s Skip wait" was the part cut at 80 columns.
FOOTER_FIRST = frozenset(
    {"task.approve", "task.reject", "task.acknowledge", "task.skip_wait", "task.next"}
)

M = TypeVar("M", bound=Message)


def live(message_type: type[M]) -> Callable[[Callable[[Any, M], None]], Any]:
    """``@on(message_type)``, skipped once the screen is no longer attached: a worker's message
    can arrive while the console closes, after its widgets are gone."""

    def decorate(handler: Callable[[Any, M], None]) -> Any:
        def guarded(self: Screen[None], message: M) -> None:
            if self.is_attached:
                handler(self, message)

        guarded.__name__ = handler.__name__
        guarded.__doc__ = handler.__doc__
        return on(message_type)(guarded)

    return decorate


class RunView(Screen[None]):
    """The panes and keys of one run; the subclass fills ``state`` and ``controller``."""

    BINDINGS = [
        b
        for b in bindings(Where.ANYWHERE, Where.RUN)
        if isinstance(b, Binding) and b.id not in APP_WIDE
    ]
    AUTO_FOCUS = None

    run_id: str
    state: SessionState
    controller: Controller
    keys: KeyLabels
    _pane_choice: bool | None = None
    _situation: Situation | None = None

    @property
    def timeline(self) -> Timeline:
        return self.query_one(Timeline)

    @property
    def composer(self) -> Composer:
        return self.query_one(Composer)

    @property
    def status_line(self) -> StatusLine:
        return self.query_one(StatusLine)

    def on_resize(self, event: events.Resize) -> None:
        self._place_pane()

    def _place_pane(self) -> None:
        wide = self.size.width >= PANE_HIDES_BELOW
        self.query_one("#left").display = wide if self._pane_choice is None else self._pane_choice

    # --- what is available now --------------------------------------------------------------

    def situation(self) -> Situation:
        composer = self.composer
        pause = composer.selected
        task = pause.task if pause else None
        focused = self.focused
        return Situation(
            pause=pause.kind if pause else None,
            task_kind=task.kind if task else None,
            completable=bool(task and task.api_completable),
            approval=bool(task and task.is_approval),
            deciding=composer.pending_decision is not None,
            pauses=len(composer.pauses),
            timers=sum(1 for p in composer.pauses if p.kind == "timer"),
            files=bool(pause and composer.drafts.files(pause.key)),
            filtered=self.timeline.run_filter is not None,
            typing=isinstance(focused, Input | TextArea),
            home_below=any(isinstance(s, HomeScreen) for s in self.app.screen_stack),
        )

    def _sync_footer(self) -> None:
        """The footer offers exactly what works now: recomputed whenever what is shown may
        have changed, not only when focus moves."""
        if not self.is_attached:
            return
        now = self.situation()
        if now != self._situation:
            self._situation = now
            self.refresh_bindings()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys as Textual finds them, those that answer the run moved to the front."""
        found = super().active_bindings
        first = {k: b for k, b in found.items() if b.binding.id in FOOTER_FIRST}
        return first | {k: b for k, b in found.items() if k not in first}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only what works now: a letter key is text in a text field (so the footer does not
        offer it there), and the rest depends on what is on screen."""
        entry = by_action(action, (Where.ANYWHERE, Where.RUN))
        if entry is None or not self.is_mounted:
            return True
        situation = self.situation()
        if entry.where is Where.RUN and situation.typing:
            return False
        return entry.when is None or entry.when(situation)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._sync_footer()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self._sync_footer()

    def _busy(self) -> bool:
        """The person is in the middle of something: keep their focus where it is."""
        if isinstance(self.app.screen, ModalScreen):
            return True
        focused = self.focused
        if isinstance(focused, SearchInput) and focused.display:
            return True
        if isinstance(focused, Input) and focused.value:
            return True
        return isinstance(focused, TextArea) and bool(focused.text)

    def _refresh_pauses(self) -> None:
        """Recompute the composer's pauses. A new pause takes the keys unless the person is
        busy; when the one being answered ends, its control goes and the next pause's (or,
        with none to focus, the timeline) takes the keys the hints now name."""
        focused = self.focused
        answering = focused is not None and self.composer in focused.ancestors_with_self
        before = self.composer.selected_key
        began = self.composer.refresh_pauses()
        ended = answering and self.composer.selected_key != before
        moved = (ended or (began and not self._busy())) and self.composer.focus_control()
        if ended and not moved:
            self.timeline.focus()

    # --- panes ------------------------------------------------------------------------------

    @live(Tree.NodeSelected)
    def _on_run_selected(self, message: Tree.NodeSelected[str]) -> None:
        run_id = message.node.data
        if run_id:
            self.filter_run(run_id)

    def filter_run(self, run_id: str | None) -> None:
        self.timeline.set_run_filter(run_id)
        run = self.state.runs.get(run_id or "")
        self.status_line.filter_label = (run.agent_name or run.short_id) if run else ""
        self.status_line.tick()
        if run_id:
            self.query_one(LeftPane).select_run(run_id)
        self._sync_footer()

    @live(Timeline.StepChosen)
    def _on_step_chosen(self, message: Timeline.StepChosen) -> None:
        item = self.state.items.get(message.item_id)
        if item is None:
            return
        child = item.content.get("child_run_id") if isinstance(item.content, dict) else None
        if (
            item.is_type(ItemType.SUB_AGENT_CALL)
            and isinstance(child, str)
            and (child in self.state.runs)
        ):
            self.filter_run(child)
            return
        run = self.state.runs.get(item.run_id)
        who = (run.agent_name or run.short_id) if run else item.run_id[:8]
        self.app.push_screen(StepDetail(item, f"Step {int(item.ordinal)} · {item.type} · {who}"))

    @live(Timeline.CopyStep)
    def _on_copy(self, message: Timeline.CopyStep) -> None:
        item = self.state.items.get(message.item_id)
        if item is not None:
            copy_or_offer_file(self.app, exact_step_json(item), int(item.ordinal))

    @live(Input.Changed)
    def _on_search_changed(self, message: Input.Changed) -> None:
        if isinstance(message.input, SearchInput):
            self.timeline.search(message.value, include_current=True)

    @live(Input.Submitted)
    def _on_search_next(self, message: Input.Submitted) -> None:
        if isinstance(message.input, SearchInput):
            self.timeline.search(message.value, 1, tell=True)

    @live(SearchInput.Step)
    def _on_search_step(self, message: SearchInput.Step) -> None:
        self.timeline.search(message.query, message.direction)

    @live(SearchInput.Closed)
    def _on_search_closed(self, message: SearchInput.Closed) -> None:
        self.timeline.focus()

    @live(Timeline.SearchDone)
    def _on_search_done(self, message: Timeline.SearchDone) -> None:
        if not message.found:
            self.notify("No match", timeout=2)

    # --- actions ----------------------------------------------------------------------------

    def action_approve(self) -> None:
        self.composer.decide(True)
        self._sync_footer()

    def action_reject(self) -> None:
        self.composer.decide(False)
        self._sync_footer()

    def action_acknowledge(self) -> None:
        self.composer.acknowledge()

    def action_skip_wait(self) -> None:
        self.composer.skip_wait()

    def action_next_pause(self) -> None:
        self.composer.select(1)
        self._sync_footer()

    def action_previous_pause(self) -> None:
        self.composer.select(-1)
        self._sync_footer()

    def action_pick_option(self, number: int) -> None:
        self.composer.pick_option(number)

    def select_pause(self, key: DraftKey) -> None:
        """Select the pause ``key`` (opened from an inbox row) and show its step."""
        composer = self.composer
        for _ in range(len(composer.pauses)):
            if composer.selected_key == key:
                break
            composer.select(1)
        pause = composer.selected
        if pause is not None and pause.key == key and pause.task is not None:
            rows = self.timeline.rows
            if pause.task.item_id in rows:
                self.timeline.move_to(rows.index(pause.task.item_id), follow=False)
        self._sync_footer()

    async def action_home(self) -> None:
        await self.app.run_action("home")

    async def action_back(self) -> None:
        """Esc: back to the home screen this run was opened from (and only then)."""
        if not self.situation().home_below:
            raise SkipAction()
        await self.app.run_action("home")

    def action_focus_composer(self) -> None:
        self.composer.focus_control()

    def action_focus_timeline(self) -> None:
        self.timeline.focus()

    def action_leave_input(self) -> None:
        """Esc in a text field: the draft stays, the timeline takes the keys."""
        if not isinstance(self.focused, Input | TextArea):
            raise SkipAction()
        self.timeline.focus()

    def action_toggle_pane(self) -> None:
        left = self.query_one("#left")
        self._pane_choice = not left.display
        self._place_pane()

    def action_show_all_runs(self) -> None:
        self.filter_run(None)

    def action_search(self) -> None:
        search = self.query_one(SearchInput)
        search.display = True
        search.focus()

    def action_attach(self) -> None:
        """Ask for a path (with completion), then attach it to the selected reply."""
        composer = self.composer
        if not composer.wants_files:
            return

        def chosen(path: str | None) -> None:
            if path:
                composer.attach(path)
            composer.focus_control()

        self.app.push_screen(
            Prompt("Attach a file", placeholder="path/to/file", paths=True), chosen
        )

    def action_remove_file(self) -> None:
        # In a prompt, the palette or the search box, and with no file attached, the key is
        # the focused input's own (cut): a priority binding is offered it first everywhere.
        if isinstance(self.app.screen, ModalScreen) or isinstance(self.focused, Input):
            raise SkipAction()
        if not self.composer.remove_last_file():
            raise SkipAction()

    def action_close_run(self) -> None:
        self.app.post_message(CloseRun(self.run_id))

    def action_open_run(self) -> None:
        """A run of this session shows in the timeline; any other run opens beside this one
        once it has loaded (this one stays open, drafts and all)."""

        def chosen(run_id: str | None) -> None:
            run_id = (run_id or "").strip()
            if run_id and run_id in self.state.runs:
                self.filter_run(run_id)
            elif run_id:
                self.notify(f"Opening run {one_line(run_id, 40)}…", timeout=2, markup=False)
                self.run_worker(self.controller.check_run(run_id), group="open-run")

        self.app.push_screen(Prompt("Open a run by id"), chosen)

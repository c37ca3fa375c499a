"""The "New run" form: the input as JSON, files to upload into it, Start. It dismisses with
the started run's id, or None when cancelled.

Nothing is sent until the input parses and every file is found (``phrony_tui.starting``); a
refusal from the server leaves the form exactly as it was, with the reason under it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, ProgressBar, Static, TextArea
from textual.worker import Worker

from ...api import PhronyClient
from ...api.errors import PhronyError
from ...starting import (
    InputFile,
    InvalidJSON,
    StartError,
    StartUncertain,
    check_plan,
    failure_text,
    input_file,
    parse_input,
    start_run,
)
from ..keys import binding, labels_of
from ..sanitize import one_line, plain
from .prompts import PathInput, PathSuggester

DEFAULT_INPUT = "{\n  \n}\n"
FIELD_HINT = "FIELD is where the file goes in the input: contract, case.evidence, docs[0], docs[]"


class FileRow(Horizontal):
    """One file to upload: the field of the input it goes to, and its path."""

    BINDINGS: ClassVar[list[BindingType]] = [binding("new_run.remove_file")]

    def __init__(self, field: str = "", path: str = "") -> None:
        super().__init__(classes="file-row")
        self.initial = (field, path)

    def compose(self) -> ComposeResult:
        field, path = self.initial
        yield Input(field, placeholder="FIELD", classes="file-field")
        yield PathInput(path, placeholder="path to the file", suggester=PathSuggester())
        yield Button("✕", classes="file-remove", tooltip="remove this file")

    @property
    def field(self) -> str:
        return self.query_one(".file-field", Input).value

    @property
    def path(self) -> str:
        return self.query_one(PathInput).value

    def action_remove_file(self) -> None:
        self.post_message(NewRunScreen.RemoveRow(self))

    @on(Button.Pressed, ".file-remove")
    def _remove(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(NewRunScreen.RemoveRow(self))


class NewRunScreen(ModalScreen[str | None]):
    """Start a run of one agent from the console."""

    #: Below 30 rows the editor is shorter, so Start and Cancel stay on screen.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    BINDINGS: ClassVar[list[BindingType]] = [
        binding("new_run.start"),
        binding("new_run.cancel"),
        binding("new_run.add_file"),
    ]

    class RemoveRow(Message, bubble=True):
        def __init__(self, row: FileRow) -> None:
            super().__init__()
            self.row = row

    class Uploading(Message, bubble=False):
        def __init__(self, file: InputFile, sent: int, total: int) -> None:
            super().__init__()
            self.file = file
            self.sent = sent
            self.total = total

    class Starting(Message, bubble=False):
        """Every file is uploaded; the start request is on its way."""

    class Failed(Message, bubble=False):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(
        self,
        client: PhronyClient,
        agent_id: str,
        agent_label: str,
        *,
        input_text: str = DEFAULT_INPUT,
    ) -> None:
        super().__init__()
        self.client = client
        self.agent_id = agent_id
        self.agent_label = agent_label
        self.input_text = input_text
        #: "uploading" or "starting" while a start is under way.
        self.stage: str | None = None
        self.discard_armed = False
        self._worker: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        keys = labels_of(self.app)
        title = Text("New run · ", style="bold")
        title.append(plain(one_line(self.agent_label, 80) or "agent", "bold"))
        title.append(f"  {one_line(self.agent_id, 60)}", style="dim")
        with Vertical(id="new-run"):
            yield Static(title, id="new-run-title")
            with VerticalScroll(id="new-run-body"):
                yield Static(Text("Input (JSON)", style="bold"), classes="new-run-label")
                yield TextArea(
                    self.input_text,
                    id="new-run-input",
                    soft_wrap=False,
                    show_line_numbers=True,
                    tab_behavior="focus",
                )
                yield Static(id="new-run-error", markup=False)
                yield Static(Text("Files", style="bold"), classes="new-run-label -files")
                yield Static(Text(FIELD_HINT, style="dim"), classes="new-run-hint")
                yield Vertical(id="new-run-files")
            with Horizontal(id="new-run-progress"):
                yield ProgressBar(total=100, show_eta=False, id="new-run-bar")
                yield Static(id="new-run-stage", markup=False)
            with Horizontal(id="new-run-buttons"):
                yield Button("Add file", id="new-run-add")
                yield Static(classes="new-run-gap")
                yield Button("Cancel", id="new-run-cancel")
                yield Button("Start", variant="primary", id="new-run-start")
            hint = (
                f"{keys('new_run.start')}: start · {keys('new_run.cancel')}: cancel · "
                f"{keys('new_run.add_file')}: add a file · {keys('new_run.remove_file')}: "
                f"remove it · {keys('prompt.complete')}/→: complete a path"
            )
            yield Static(Text(hint, style="dim"), id="new-run-keys")

    def on_mount(self) -> None:
        editor = self.editor
        if "json" in editor.available_languages:
            editor.language = "json"  # highlighted when the tree-sitter grammar is installed
        editor.focus()
        editor.move_cursor((1, 2) if self.input_text == DEFAULT_INPUT else (0, 0))

    # --- what the form holds ---------------------------------------------------------------

    @property
    def editor(self) -> TextArea:
        return self.query_one("#new-run-input", TextArea)

    @property
    def rows(self) -> list[FileRow]:
        return list(self.query(FileRow))

    @property
    def error_text(self) -> str:
        """The error shown under the editor ("" when none)."""
        return str(self.query_one("#new-run-error", Static).content)

    def unsent(self) -> bool:
        """Whether closing the form would lose what was typed, or a start under way."""
        return self.stage is not None or self._changed()

    def _changed(self) -> bool:
        files = any(row.field.strip() or row.path.strip() for row in self.rows)
        return files or self.editor.text != self.input_text

    def _show_error(self, text: str) -> None:
        error = self.query_one("#new-run-error", Static)
        error.update(plain(text))
        error.set_class(bool(text), "-shown")

    # --- actions ----------------------------------------------------------------------------

    def action_add_file(self) -> None:
        if self.stage is not None:
            return
        row = FileRow()
        self.query_one("#new-run-files", Vertical).mount(row)
        self.call_after_refresh(lambda: row.query_one(".file-field", Input).focus())

    @on(RemoveRow)
    def _remove_row(self, event: RemoveRow) -> None:
        event.stop()
        if self.stage is not None:
            return
        rows = self.rows
        index = rows.index(event.row) if event.row in rows else -1
        event.row.remove()
        rest = [r for r in rows if r is not event.row]
        if rest:
            target = rest[min(index, len(rest) - 1)]
            self.call_after_refresh(lambda: target.query_one(".file-field", Input).focus())
        else:
            self.editor.focus()

    def action_cancel(self) -> None:
        if self.stage == "starting":
            self._show_error("Starting the run: wait for the server's answer.")
            return
        if self.stage == "uploading" and self._worker is not None:
            self._worker.cancel()
            self._busy(None)
            self._show_error("Cancelled the upload; nothing was started.")
            return
        if self._changed() and not self.discard_armed:
            self.discard_armed = True
            again = labels_of(self.app)("new_run.cancel")
            self._show_error(f"Press {again} again to close the form and lose what was typed.")
            return
        self.dismiss(None)

    def action_start(self) -> None:
        if self.stage is not None:
            return
        self.discard_armed = False
        try:
            run_input = parse_input(self.editor.text, "the input")
            files = self._files()
            check_plan(run_input, files)
        except InvalidJSON as exc:
            self._show_error(_sentence(str(exc)))
            self.editor.focus()
            self.editor.move_cursor(_location(self.editor, exc.line, exc.column))
            return
        except StartError as exc:
            self._show_error(_sentence(str(exc)))
            return
        self._show_error("")
        self._busy("uploading" if files else "starting")
        self._worker = self.run_worker(self._start(run_input, files), exclusive=True)

    def _files(self) -> list[InputFile]:
        files = []
        for number, row in enumerate(self.rows, 1):
            field, path = row.field.strip(), row.path.strip()
            if not field and not path:
                continue
            if not field or not path:
                raise StartError(f"file {number}: give both its field and its path")
            files.append(input_file(field, path))
        return files

    async def _start(self, run_input: dict[str, object], files: list[InputFile]) -> None:
        def progress(file: InputFile, sent: int, total: int) -> None:
            self.post_message(self.Uploading(file, sent, total))

        def starting() -> None:
            self.stage = "starting"  # at once: from now on a cancel could lose a started run
            self.post_message(self.Starting())

        try:
            started = await start_run(
                self.client,
                self.agent_id,
                run_input,
                files,
                progress=progress,
                starting=starting,
            )
        except PhronyError as exc:
            self.post_message(self.Failed(f"Not started: {failure_text(exc)}"))
            return
        except (StartError, StartUncertain) as exc:
            self.post_message(self.Failed(_sentence(str(exc))))
            return
        self.dismiss(started.run_id)

    # --- progress ---------------------------------------------------------------------------

    def _busy(self, stage: str | None) -> None:
        self.stage = stage
        self.query_one("#new-run-progress").set_class(stage is not None, "-shown")
        self.query_one("#new-run-body").disabled = stage is not None
        for button in self.query("#new-run-buttons Button").results(Button):
            button.disabled = stage is not None and button.id != "new-run-cancel"
        if stage == "starting":
            self.query_one("#new-run-stage", Static).update("Starting the run…")
            self.query_one(ProgressBar).update(total=None)
        elif stage is None:
            self.editor.focus()

    @on(Uploading)
    def _uploading(self, event: Uploading) -> None:
        if self.stage != "uploading":
            return
        name, field = one_line(event.file.name, 50), one_line(event.file.field, 30)
        done = f"{_size(event.sent)} of {_size(event.total)}"
        self.query_one("#new-run-stage", Static).update(
            plain(f"Uploading {name} for {field}: {done}")
        )
        self.query_one(ProgressBar).update(total=max(event.total, 1), progress=event.sent)

    @on(Starting)
    def _starting(self, event: Starting) -> None:
        self._busy("starting")

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self._busy(None)
        self._show_error(event.text)

    # --- buttons ----------------------------------------------------------------------------

    @on(Button.Pressed, "#new-run-start")
    def _start_pressed(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#new-run-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Button.Pressed, "#new-run-add")
    def _add_pressed(self) -> None:
        self.action_add_file()

    @on(TextArea.Changed)
    @on(Input.Changed)
    def _edited(self) -> None:
        self.discard_armed = False


def _location(editor: TextArea, line: int, column: int) -> tuple[int, int]:
    """Where JSON's line and column (from 1, in characters) are in the editor."""
    row = max(0, min(line - 1, editor.document.line_count - 1))
    return (row, max(0, min(column - 1, len(editor.document.get_line(row)))))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _size(count: int) -> str:
    if count < 1024:
        return f"{count:,} bytes"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KB"
    return f"{count / (1024 * 1024):.1f} MB"

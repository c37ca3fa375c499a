"""A reply to a run waiting for one: a text area, the attached files and their uploads."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Static, TextArea

from ....api.models import FileRef
from ....session.drafts import Upload, UploadId
from ...keys import binding
from ...sanitize import one_line, plain
from .base import KeyLabel, PauseView, hint

BAR_WIDTH = 12


class ReplyArea(TextArea):
    """Multi-line reply: Enter sends, ctrl+j inserts a newline (both remappable)."""

    BINDINGS = [
        # Priority: the text area would otherwise take Enter as a newline.
        binding("composer.send"),
        binding("composer.newline"),
    ]

    class Submitted(Message):
        def __init__(self, area: ReplyArea, text: str) -> None:
            super().__init__()
            self.area = area
            self.text = text

    def action_submit(self) -> None:
        # Enter is a priority binding: it acts as the app reads it, while keys typed just
        # before it (a paste, fast typing) may still wait in this widget's queue. Sending
        # from the back of that queue sends them too.
        self.call_later(self._submit)

    def _submit(self) -> None:
        self.post_message(self.Submitted(self, self.text))

    def action_newline(self) -> None:
        self.insert("\n")


def progress_bar(upload: Upload) -> str:
    """``███░░░ 50%``, or ``starting…`` before the first report."""
    if upload.total <= 0:
        return "starting…"
    done = int(BAR_WIDTH * upload.fraction)
    return "█" * done + "░" * (BAR_WIDTH - done) + f" {int(100 * upload.fraction)}%"


class FileChips(Horizontal):
    """Attached files, each removable (click its ✕, or ctrl+x removes the last), and the
    uploads on their way with a progress bar."""

    class Remove(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def show(self, files: Sequence[FileRef], uploads: Sequence[tuple[UploadId, Upload]]) -> None:
        self.remove_children()
        chips: list[Static] = [
            Chip(f"{one_line(ref.filename or ref.object_key, 40)} ✕", index)
            for index, ref in enumerate(files)
        ]
        chips += [
            Static(
                plain(f"⇡ {one_line(upload.name, 30)} {progress_bar(upload)}"),
                classes="chip uploading",
            )
            for _, upload in uploads
        ]
        if chips:
            self.mount_all(chips)
        self.display = bool(chips)


class Chip(Static):
    def __init__(self, label: str, index: int) -> None:
        super().__init__(plain(label), classes="chip")
        self.index = index

    def on_click(self) -> None:
        self.post_message(FileChips.Remove(self.index))


class ReplyView(PauseView):
    def __init__(self, text: str, label: KeyLabel) -> None:
        area = ReplyArea(text, soft_wrap=True, show_line_numbers=False)
        self.chips = FileChips()
        actions = hint(
            label,
            ("composer.send", "sends"),
            ("composer.newline", "newline"),
            ("composer.attach", "attach a file"),
        )
        super().__init__([area, self.chips, Static(actions, classes="hint")], area)
        self.area = area

    def show_files(
        self, files: Sequence[FileRef], uploads: Sequence[tuple[UploadId, Upload]]
    ) -> None:
        self.chips.show(files, uploads)

    def show_text(self, text: str) -> None:
        """The draft after a send: what was typed meanwhile, without what was sent."""
        if self.area.text != text:
            self.area.load_text(text)


def file_problem(path: Path) -> str:
    """Why ``path`` cannot be attached, or "" when it can (checked before any upload)."""
    shown = one_line(str(path), 80)
    try:
        if not path.exists():
            return f"No such file: {shown}"
        if path.is_dir():
            return f"{shown} is a folder; attach a file inside it"
        if not path.is_file():
            return f"{shown} is not a regular file"
        with path.open("rb"):
            pass
        if path.stat().st_size == 0:
            return f"{shown} is empty; there is nothing to attach"
    except PermissionError:
        return f"{shown} cannot be read: permission denied"
    except OSError as exc:
        return f"{shown} cannot be read: {one_line(exc.strerror or str(exc), 80)}"
    return ""

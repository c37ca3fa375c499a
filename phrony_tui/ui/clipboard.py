"""Copying: the system clipboard where one can be reached, OSC 52 through the terminal
otherwise, and the message says which (tmux drops OSC 52 unless ``set-clipboard`` is on).

A copy is exact and inert: control, C1 and bidi characters travel as JSON escapes
(``\\u202e``), never as the characters themselves.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from textual.app import App

from ..api.deep_json import cap_depth
from ..api.models import TimelineItem
from ..text import inert_json, one_line

#: Past this, OSC 52 is refused by most terminals (and tmux); offer a file instead.
OSC52_LIMIT = 100_000


def exact_json(value: Any) -> str:
    """JSON of ``value`` with every character that could act on a terminal or reorder text
    escaped: the copy holds the data exactly and does nothing when pasted."""
    try:
        text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    except RecursionError:  # nesting deeper than JSON tools handle: cut, and say so inside
        text = json.dumps(cap_depth(value), indent=2, ensure_ascii=False, default=str)
    return inert_json(text)


def exact_step_json(item: TimelineItem) -> str:
    """A step as the API sent it (wire names), exact and inert."""
    wire = item.model_dump(by_alias=True, mode="json", exclude={"content"})
    # ``content`` is passed as it came: pydantic's serializer refuses very deep values.
    return exact_json({**wire, "content": item.content})


def _system_command() -> list[str] | None:
    if os.environ.get("WAYLAND_DISPLAY") and shutil.which("wl-copy"):
        return ["wl-copy"]
    if os.environ.get("DISPLAY"):
        if shutil.which("xclip"):
            return ["xclip", "-selection", "clipboard"]
        if shutil.which("xsel"):
            return ["xsel", "--clipboard", "--input"]
    if shutil.which("pbcopy"):
        return ["pbcopy"]
    return None


def copy_text(app: App[Any], text: str, what: str) -> bool:
    """Copy ``text``; tell the person how it went. False when it was too large for the
    terminal's clipboard and nothing was copied (the caller may offer a file)."""
    command = _system_command()
    if command is not None:
        try:
            # Its own output (a stale DISPLAY's complaint) must not land on the screen.
            subprocess.run(
                command,
                input=text.encode(),
                check=True,
                timeout=2,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except (OSError, subprocess.SubprocessError):
            pass
        else:
            app.notify(f"{what} copied to the clipboard", timeout=3, markup=False)
            return True
    if len(text.encode()) * 4 // 3 > OSC52_LIMIT:
        size = len(text.encode())
        app.notify(
            f"{what} is too large for the terminal's clipboard ({size:,} bytes) and no "
            "clipboard program (wl-copy, xclip, xsel, pbcopy) was found: write it to a file.",
            severity="warning",
            timeout=6,
            markup=False,
        )
        return False
    app.copy_to_clipboard(text)
    note = (
        " (inside tmux it arrives only with `set -g set-clipboard on`)"
        if os.environ.get("TMUX")
        else ""
    )
    app.notify(f"{what} sent to the terminal's clipboard (OSC 52){note}", timeout=4, markup=False)
    return True


def write_file(app: App[Any], path: str, text: str) -> None:
    """Write a copy that the clipboard could not take; say where it went, or why not."""
    target = Path(path).expanduser()
    try:
        with target.open("x", encoding="utf-8") as file:  # never over an existing file
            file.write(text)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        shown = one_line(str(target), 200)
        app.notify(f"Not written: {shown}: {reason}", severity="error", markup=False)
    else:
        app.notify(f"Written to {one_line(str(target.resolve()), 200)}", timeout=6, markup=False)

"""Starting a run: the input read and checked, each file uploaded through the file library
and referenced where the input names it, then the start itself. No Textual: ``phrony-tui
start`` and the console's "New run" form share it.

Everything that can be known locally (the JSON, each file, where it goes) is checked before
the first request, so a typo costs nothing on the server. A file goes in the input as
``{"phronyFile": true, "filename": LEAF, "mediaType": TYPE}``, LEAF being the last segment of
the uploaded file's ``objectKey`` (API.md 3.1: Phrony resolves it before the run starts).

Where a file goes is written as a path into the input: keys joined by dots, an array item as
``[N]`` and a new last item as ``[]``. ``contract``, ``case.evidence``, ``docs[0]``,
``docs[]`` (repeatable) and ``claims[1].photo`` are all fields. Objects and arrays on the way
are created when missing; a key holding ``.``, ``[`` or ``]`` cannot be named.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .text import one_line

if TYPE_CHECKING:
    from .api import PhronyClient
    from .api.errors import PhronyError
    from .api.models import FileRef, StartRunResponse

#: One step of a field path: a key, an index, or None for "append".
Part = str | int | None
#: ``progress(file, bytes sent, bytes in all)`` while a file uploads.
Progress = Callable[["InputFile", int, int], None]

_KEY = r"[^.\[\]]+"
_INDEX = r"\[\d{0,9}\]"
_FIELD = re.compile(rf"{_KEY}(?:{_INDEX})*(?:\.{_KEY}(?:{_INDEX})*)*")
_PART = re.compile(rf"({_KEY})|({_INDEX})")


class StartError(ValueError):
    """Something wrong with what was asked, found before anything was sent."""


class InvalidJSON(StartError):
    """Input text that is not JSON, with where the error is (line and column from 1, offset
    in characters from 0)."""

    def __init__(self, what: str, reason: str, line: int, column: int, offset: int) -> None:
        super().__init__(
            f"{what} is not valid JSON: {reason} at line {line}, column {column} (offset {offset})"
        )
        self.reason = reason
        self.line = line
        self.column = column
        self.offset = offset


class StartUncertain(Exception):
    """The start request failed in a way that leaves unknown whether the run started."""


# --- the input ------------------------------------------------------------------------------


def parse_input(text: str, what: str = "the input") -> dict[str, Any]:
    """The run's ``input`` from JSON text: an object, or ``{}`` for blank text. ``NaN`` and
    ``Infinity`` (Python's, not JSON's) are refused as the server would."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        reason = exc.msg.removesuffix(" at")  # "Invalid control character at": one "at"
        raise InvalidJSON(what, reason, exc.lineno, exc.colno, exc.pos) from None
    except _Constant as exc:
        offset = _outside_strings(text, exc.name)
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        raise InvalidJSON(what, f"{exc.name} is not a JSON value", line, column, offset) from None
    except RecursionError:
        raise StartError(f"{what} is nested too deeply") from None
    if not isinstance(value, dict):
        kinds = ((bool, "a boolean"), (int | float, "a number"), (str, "a string"))
        kind = next((name for t, name in kinds if isinstance(value, t)), "null")
        kind = "an array" if isinstance(value, list) else kind
        raise StartError(f'{what} must be a JSON object like {{"topic": "..."}}, not {kind}')
    return value


class _Constant(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _refuse_constant(name: str) -> Any:
    raise _Constant(name)


def _outside_strings(text: str, word: str) -> int:
    """Where ``word`` first appears outside a JSON string (0 if nowhere)."""
    inside = escaped = False
    for index, char in enumerate(text):
        if inside:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                inside = False
        elif char == '"':
            inside = True
        elif text.startswith(word, index):
            return index
    return 0


def read_input_file(path: str, stdin: Callable[[], str]) -> str:
    """The text of ``--input-file PATH`` (``-``: ``stdin()``), UTF-8 with or without a BOM."""
    if path == "-":
        return stdin()
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise StartError(f"--input-file {one_line(path, 200)} is not UTF-8 text") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise StartError(f"cannot read --input-file {one_line(path, 200)}: {reason}") from None


# --- files ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InputFile:
    """A file to upload and the field of the input it goes to."""

    field: str
    path: Path
    parts: tuple[Part, ...]
    size: int

    @property
    def name(self) -> str:
        return self.path.name


def field_parts(field: str) -> tuple[Part, ...]:
    """``docs[0].file`` as ``("docs", 0, "file")``; ``docs[]`` as ``("docs", None)``."""
    text = field.strip()
    if not _FIELD.fullmatch(text):
        raise StartError(
            f"{one_line(field, 80)!r} is not a field: write keys joined by dots and array "
            "items as [N] or [] (like docs[0].file)"
        )
    parts: list[Part] = []
    for key, index in _PART.findall(text):
        parts.append(key if key else (int(index[1:-1]) if len(index) > 2 else None))
    return tuple(parts)


def input_file(field: str, path: str | Path) -> InputFile:
    """A file checked before anything is sent: it exists, is a file, is readable, holds
    something."""
    parts = field_parts(field)
    if not str(path).strip():
        raise StartError(f"no file given for {one_line(field, 80)}")
    file = Path(path).expanduser()
    return InputFile(field.strip(), file, parts, file_size(file, str(path)))


def file_size(file: Path, given: str | None = None) -> int:
    """The size of a file about to be uploaded, refused here if it cannot be: an upload
    command checks every file before its first request."""
    shown = one_line(str(file) if given is None else given, 200)
    try:
        if file.is_dir():
            raise StartError(f"{shown} is a folder, not a file")
        with file.open("rb") as handle:
            size = handle.seek(0, 2)
    except StartError:
        raise
    except FileNotFoundError:
        raise StartError(f"{shown}: no such file") from None
    except OSError as exc:
        raise StartError(f"cannot read {shown}: {exc.strerror or type(exc).__name__}") from None
    if size == 0:
        raise StartError(f"{shown} is empty; there is nothing to upload")
    return size


def file_spec(spec: str) -> InputFile:
    """``--file FIELD=PATH``."""
    field, sep, path = spec.partition("=")
    if not sep or not field.strip() or not path:
        raise StartError(f"--file takes FIELD=PATH (like contract=./nda.pdf), not {spec!r}")
    return input_file(field, path)


def place(value: dict[str, Any], file: InputFile, reference: Any) -> None:
    """Put ``reference`` at ``file``'s field, creating the objects and arrays on the way."""
    container: Any = value
    parts = file.parts
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = _shown(parts[:depth]) or "the input"
        if isinstance(part, str):
            if not isinstance(container, dict):
                raise StartError(f"{file.field}: {where} is not an object, so it has no key {part}")
            if last:
                container[part] = reference
                return
            child = container.get(part)
            if child is None:
                child = {} if isinstance(parts[depth + 1], str) else []
                container[part] = child
            container = child
            continue
        if not isinstance(container, list):
            raise StartError(f"{file.field}: {where} is not an array")
        index = len(container) if part is None else part
        if index > len(container):
            raise StartError(
                f"{file.field}: {where} has {len(container)} items; use [{len(container)}] "
                "or [] to add one"
            )
        if last:
            if index == len(container):
                container.append(reference)
            else:
                container[index] = reference
            return
        if index == len(container):
            container.append({} if isinstance(parts[depth + 1], str) else [])
        if container[index] is None:
            container[index] = {} if isinstance(parts[depth + 1], str) else []
        container = container[index]


def _shown(parts: tuple[Part, ...]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, str):
            text += f".{part}" if text else part
        else:
            text += "[]" if part is None else f"[{part}]"
    return text


def check_plan(run_input: dict[str, Any], files: list[InputFile]) -> None:
    """Every file has a place, and no two the same one: tried on a copy, so nothing is
    uploaded for a start that would fail here."""
    seen: set[tuple[Part, ...]] = set()
    trial = copy.deepcopy(run_input)
    for file in files:
        if None not in file.parts:
            if file.parts in seen:
                raise StartError(f"two files for the field {file.field}")
            seen.add(file.parts)
        place(trial, file, {"phronyFile": True})


def input_reference(ref: FileRef) -> dict[str, Any]:
    """How the input names an uploaded file: by the leaf of its ``objectKey``."""
    from .api.models import InputFileRef

    leaf = ref.object_key.rstrip("/").rsplit("/", 1)[-1]
    media = ref.media_type or "application/octet-stream"
    return InputFileRef(filename=leaf, media_type=media).to_wire()


# --- starting -------------------------------------------------------------------------------


async def start_run(
    client: PhronyClient,
    agent_id: str,
    run_input: dict[str, Any],
    files: Sequence[InputFile] = (),
    *,
    progress: Progress | None = None,
    notice: Callable[[str], None] | None = None,
    starting: Callable[[], None] | None = None,
) -> StartRunResponse:
    """Upload ``files``, place them in a copy of ``run_input`` and start the run
    (``starting()`` is called once the uploads are done).

    The start is sent once (again only when it surely did not arrive, or the server asks to
    wait); a failure that leaves unknown whether the run started is ``StartUncertain``.
    """
    from .api.errors import RequestError
    from .api.wire import segment
    from .commands.sending import Outcome, deliver

    if not agent_id.strip():
        raise StartError("no agent id given")
    try:
        segment(agent_id.strip(), "agent id")
    except RequestError as exc:
        raise StartError(str(exc)) from None
    check_plan(run_input, list(files))
    value = copy.deepcopy(run_input)
    for file in files:
        report = None if progress is None else _reporter(progress, file)
        ref = await client.upload_file(file.path, progress=report)
        place(value, file, input_reference(ref))
    if starting is not None:
        starting()
    started: list[StartRunResponse] = []

    async def send() -> None:
        started.append(await client.start_run(agent_id.strip(), value))

    async def cannot_tell() -> None:
        return None

    delivery = await deliver(send, cannot_tell, checks=(0.0,), notice=notice)
    if started:
        return started[0]
    error = delivery.error
    if delivery.outcome is Outcome.UNKNOWN:
        raise StartUncertain(
            f"the start may or may not have reached the server ({failure_text(error)}): "
            "look at the agent's sessions before starting again"
        )
    assert error is not None
    raise error


def _reporter(progress: Progress, file: InputFile) -> Callable[[int, int], None]:
    def report(sent: int, total: int) -> None:
        progress(file, sent, total)

    return report


def failure_text(error: PhronyError | None) -> str:
    """A failure as one clean line: the status and the server's own (untrusted) words."""
    from .api.errors import APIStatusError

    if error is None:
        return "no answer"
    if isinstance(error, APIStatusError):
        said = one_line(error.message or "no message", 200)
        return f"the server answered {error.status}: {said}"
    return one_line(str(error), 300)

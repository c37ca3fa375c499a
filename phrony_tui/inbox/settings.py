"""The inbox's part of the settings file, read without the console (``phrony-tui inbox``
must not load the screen's key registry): where the file is, ``profiles`` and
``poll_interval``, and what a broken ``[profiles]`` table is told.

The console reads the same file whole (``phrony_tui.ui.config``), rejecting unknown keys;
here the keys of the console are left to it.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from pathlib import Path
from typing import Annotated, Any

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..api.errors import ConfigError
from ..text import one_line
from .agents import AgentEntry, ProfileSettings

ENV_CONFIG = "PHRONY_TUI_CONFIG"

#: Seconds between two passes of the inbox.
PollInterval = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class InboxSettings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    profiles: dict[str, ProfileSettings] = Field(default_factory=dict)
    poll_interval: PollInterval = 5.0


def config_path(explicit: str | None = None) -> Path:
    """``--config PATH``, else ``$PHRONY_TUI_CONFIG``, else the platform's config directory."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get(ENV_CONFIG):
        return Path(os.environ[ENV_CONFIG]).expanduser()
    return platformdirs.user_config_path("phrony-tui") / "config.toml"


def read_config(explicit: str | None = None) -> tuple[str, dict[str, Any]] | None:
    """The config file's name (as shown) and its TOML, or None when there is no file; a file
    named on purpose that is missing, or one that cannot be read, is a clear error. Both
    readers of the file, the console's settings and the inbox's, start here."""
    path = config_path(explicit)
    if not path.exists():
        if explicit:
            raise ConfigError(f"config file {one_line(str(path))} does not exist")
        return None
    shown = one_line(str(path))
    try:
        return shown, tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config {shown}: {one_line(str(exc))}") from None


def load_inbox_settings(explicit: str | None = None) -> InboxSettings:
    """The inbox's settings, or the defaults when no file exists; a broken file is a clear
    error naming it."""
    found = read_config(explicit)
    if found is None:
        return InboxSettings()
    shown, data = found
    try:
        return InboxSettings.model_validate(data)
    except ValidationError as exc:
        problems = []
        for problem in exc.errors():
            loc = problem["loc"]
            if loc and loc[0] == "profiles":
                problems.append(profile_problem(loc[1:], problem["type"], problem["msg"]))
            else:
                where = ".".join(str(p) for p in loc)
                problems.append(f"{where}: {problem['msg']}")
        raise ConfigError(f"{shown}: {one_line('; '.join(problems), 600)}") from None


def profile_problem(loc: tuple[int | str, ...], kind: str, msg: str) -> str:
    """A problem inside ``[profiles.NAME]`` (``loc`` from NAME on), said as the file spells
    it."""
    table = f"[profiles.{loc[0]}]" if loc else "[profiles]"
    rest = loc[1:]
    example = f'like {table} agents = ["AGENT_ID"]'
    if not rest:
        return f"{table} must be a table, {example}"
    if kind == "extra_forbidden" and len(rest) == 1:
        name = str(rest[0])
        fields = list(ProfileSettings.model_fields)
        return f"{table}: unknown setting {name!r}{_close(name, fields)} (valid: agents)"
    if len(rest) == 1:
        return f"{table} agents must be a list of agent ids, {example}"
    entry = f"{table} agents[{rest[1]}]"
    if len(rest) == 2:
        return f'{entry} must be an agent id or a table with id = "…" and name = "…"'
    field = str(rest[2])
    if kind == "extra_forbidden":
        fields = list(AgentEntry.model_fields)
        return f"{entry}: unknown key {field!r}{_close(field, fields)} (valid: id, name)"
    if kind == "missing":
        return f'{entry} needs id = "AGENT_ID"'
    return f"{entry} {field}: {msg.removeprefix('Value error, ')}"


def _close(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""

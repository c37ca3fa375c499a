"""User settings from a TOML file: theme, confirmations, key remapping.

Looked up in order: ``--config PATH``, ``$PHRONY_TUI_CONFIG``, then the platform's config
directory (``$XDG_CONFIG_HOME/phrony-tui/config.toml``, by default
``~/.config/phrony-tui/config.toml`` on Linux). Example::

    theme = "gruvbox"
    confirm_approvals = true

    poll_interval = 5.0

    [keys]
    "task.approve" = "ctrl+a"
    "timeline.latest" = "end,G"

    [profiles.work]
    agents = ["AGENT_ID"]

    [[profiles.staging.agents]]
    id = "AGENT_ID"
    name = "Ops notifier"

``profiles`` names the agents the inbox watches, per credentials profile (see
``phrony_tui.inbox.agents``); ``poll_interval`` is the inbox's seconds between passes.

A setting or binding id that does not exist is an error naming the file, the key and what is
valid: a typo silently ignored is a key that mysteriously does not work.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from pathlib import Path

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..api.errors import ConfigError
from ..inbox.agents import AgentEntry, ProfileSettings
from .actions import BY_ID
from .sanitize import one_line


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    theme: str = "textual-dark"
    confirm_approvals: bool = True
    keys: dict[str, str] = Field(default_factory=dict)
    profiles: dict[str, ProfileSettings] = Field(default_factory=dict)
    poll_interval: float = Field(default=5.0, gt=0, allow_inf_nan=False)

    @field_validator("keys")
    @classmethod
    def _known_ids(cls, keys: dict[str, str]) -> dict[str, str]:
        for binding_id, spec in keys.items():
            if binding_id not in BY_ID:
                raise ValueError(f"{binding_id!r} is not a binding id{_suggest(binding_id)}")
            if not [k for k in spec.split(",") if k.strip()]:
                raise ValueError(f'{binding_id!r} needs at least one key, like "ctrl+a"')
        return keys


def _suggest(word: str) -> str:
    close = difflib.get_close_matches(word, list(BY_ID), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"{hint} (every id is listed in help)"


def config_path(explicit: str | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get("PHRONY_TUI_CONFIG"):
        return Path(os.environ["PHRONY_TUI_CONFIG"]).expanduser()
    return platformdirs.user_config_path("phrony-tui") / "config.toml"


def load_settings(explicit: str | None = None) -> Settings:
    """The settings, or the defaults when no file exists; a broken file is a clear error."""
    path = config_path(explicit)
    if not path.exists():
        if explicit:
            raise ConfigError(f"config file {one_line(str(path))} does not exist")
        return Settings()
    shown = one_line(str(path))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config {shown}: {one_line(str(exc))}") from None
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{shown}: {_explain(exc)}") from None


def _explain(error: ValidationError) -> str:
    valid = ", ".join(Settings.model_fields)
    problems = []
    for problem in error.errors():
        where = ".".join(str(p) for p in problem["loc"])
        if where.startswith("profiles."):
            problems.append(_profile_problem(problem["loc"][1:], problem["type"], problem["msg"]))
        elif problem["type"] == "extra_forbidden":
            text = f"unknown setting {where!r}{_close(where, list(Settings.model_fields))}"
            problems.append(f"{text} (valid: {valid})")
        elif where == "keys":
            problems.append(f"[keys] {problem['msg'].removeprefix('Value error, ')}")
        elif where.startswith("keys."):
            problems.append(f'[keys] {where[5:]!r} maps to a key string, like "ctrl+a"')
        else:
            problems.append(f"{where}: {problem['msg']}")
    return one_line("; ".join(problems), 600)


def _profile_problem(loc: tuple[int | str, ...], kind: str, msg: str) -> str:
    """A problem inside ``[profiles.NAME]``, said as the file spells it."""
    table = f"[profiles.{loc[0]}]"
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

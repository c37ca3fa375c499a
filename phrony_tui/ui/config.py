"""User settings from a TOML file: theme, confirmations, key remapping.

Looked up in order: ``--config PATH``, ``$PHRONY_TUI_CONFIG``, then the platform's config
directory (``$XDG_CONFIG_HOME/phrony-tui/config.toml``, by default
``~/.config/phrony-tui/config.toml`` on Linux). Example::

    theme = "gruvbox"
    confirm_approvals = true
    notify = "unfocused"          # or "always", "never": bell, desktop notification, title
    notify_command = ["notify-send", "{title}", "{body}"]   # optional, run without a shell
    live_runs = 5                 # open runs that stream live; the others are polled

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
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..api.errors import ConfigError
from ..inbox.agents import ProfileSettings
from ..inbox.settings import PollInterval, profile_problem, read_config
from .actions import BY_ID
from .sanitize import one_line


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    theme: str = "textual-dark"
    confirm_approvals: bool = True
    keys: dict[str, str] = Field(default_factory=dict)
    profiles: dict[str, ProfileSettings] = Field(default_factory=dict)
    poll_interval: PollInterval = 5.0
    notify: Literal["unfocused", "always", "never"] = "unfocused"
    notify_command: list[str] = Field(default_factory=list)
    live_runs: int = Field(default=5, ge=1, le=50)

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


def load_settings(explicit: str | None = None) -> Settings:
    """The settings, or the defaults when no file exists; a broken file is a clear error."""
    found = read_config(explicit)
    if found is None:
        return Settings()
    shown, data = found
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
            problems.append(profile_problem(problem["loc"][1:], problem["type"], problem["msg"]))
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


def _close(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""

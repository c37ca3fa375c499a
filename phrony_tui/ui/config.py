"""User settings from a TOML file: theme, confirmations, key remapping.

Looked up in order: ``--config PATH``, ``$PHRONY_TUI_CONFIG``, ``$XDG_CONFIG_HOME/phrony-tui/
config.toml`` (``~/.config/phrony-tui/config.toml``). Example::

    theme = "gruvbox"
    confirm_approvals = true

    [keys]
    "task.approve" = "ctrl+a"
    "timeline.latest" = "end,G"
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..api.errors import ConfigError


@dataclass
class Settings:
    theme: str = "textual-dark"
    confirm_approvals: bool = True
    keys: dict[str, str] = field(default_factory=dict)
    source: Path | None = None


def config_path(explicit: str | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get("PHRONY_TUI_CONFIG"):
        return Path(os.environ["PHRONY_TUI_CONFIG"]).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "phrony-tui" / "config.toml"


def load_settings(explicit: str | None = None) -> Settings:
    """The settings, or the defaults when no file exists; a broken file is a clear error."""
    path = config_path(explicit)
    if not path.exists():
        if explicit:
            raise ConfigError(f"config file {path} does not exist")
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config {path}: {exc}") from None
    settings = Settings(source=path)
    theme = data.get("theme", settings.theme)
    confirm = data.get("confirm_approvals", settings.confirm_approvals)
    keys = data.get("keys", {})
    if not isinstance(theme, str) or not isinstance(confirm, bool):
        raise ConfigError(f"{path}: theme must be a string and confirm_approvals true or false")
    if not isinstance(keys, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in keys.items()
    ):
        raise ConfigError(f'{path}: [keys] maps binding ids to key strings, like "a"')
    settings.theme, settings.confirm_approvals, settings.keys = theme, confirm, dict(keys)
    return settings

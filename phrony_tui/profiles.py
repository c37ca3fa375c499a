"""Which key and base URL to use: the command line, the environment, then the Phrony CLI's
credentials file (``~/.phrony/credentials``), shared with it and never written by us.

Precedence, for the key and the base URL alike: flag > ``PHRONY_API_KEY`` / ``PHRONY_API_BASE``
> the profile chosen with ``--profile`` or ``PHRONY_PROFILE`` > the file's ``default = "NAME"``
> a table named ``default``. One profile is used, never a mix of two: a profile without
``api_base`` means the public API, not another profile's server.
"""

from __future__ import annotations

import os
import stat
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .api.config import DEFAULT_BASE_URL, ENV_BASE, ENV_KEY, ApiKey
from .api.errors import ConfigError

ENV_CREDENTIALS = "PHRONY_CREDENTIALS_FILE"
ENV_PROFILE = "PHRONY_PROFILE"
DEFAULT_PROFILE = "default"

#: How to give a key, for the error that says none was found.
KEY_HELP = (
    f"set {ENV_KEY} (a phk_… key from Settings → API keys), or put api_key in a profile of "
    "~/.phrony/credentials (or the file named by PHRONY_CREDENTIALS_FILE) and choose it with "
    f"--profile NAME or {ENV_PROFILE}"
)

_warned: set[Path] = set()


class ProfileError(ConfigError):
    """The credentials file or the profile asked for cannot give what is needed."""


@dataclass(frozen=True)
class Profile:
    name: str
    api_key: ApiKey | None = field(default=None, repr=False)
    api_base: str | None = None


@dataclass(frozen=True)
class Credentials:
    """The profiles of one credentials file, in file order."""

    path: Path
    profiles: dict[str, Profile]
    default: str | None = None

    def names(self) -> list[str]:
        return list(self.profiles)


@dataclass(frozen=True)
class Resolved:
    """Where the client points and with which key, and where each came from (for messages and
    the header: nobody should answer a production run thinking it is staging)."""

    base_url: str
    api_key: ApiKey | None = field(repr=False)
    profile: str | None = None
    key_from: str = ""
    base_from: str = ""

    def require_key(self) -> ApiKey:
        if self.api_key is None or not self.api_key.reveal().strip():
            raise ConfigError(f"no API key: {KEY_HELP}")
        return self.api_key


def credentials_path(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    named = env.get(ENV_CREDENTIALS, "").strip()
    return Path(named).expanduser() if named else Path.home() / ".phrony" / "credentials"


def _text(table: Mapping[str, Any], *names: str) -> str | None:
    for name in names:
        value = table.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def warn_if_open(path: Path, warn: Callable[[str], None]) -> None:
    """Say once per file, as ssh does, when others may read the keys in it."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IRWXG | stat.S_IRWXO) and path not in _warned:
        _warned.add(path)
        warn(
            f"warning: permissions {stat.S_IMODE(mode):04o} for {path} are too open: "
            f"other users may read your API keys (chmod 600 {path})"
        )


def load_credentials(
    path: Path, *, required: bool = False, warn: Callable[[str], None] | None = None
) -> Credentials | None:
    """The profiles in ``path``; None when there is no such file and none was asked for."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if required:
            raise ProfileError(f"no credentials file at {path}") from None
        return None
    except OSError as exc:
        raise ProfileError(f"cannot read {path}: {exc.strerror or exc}") from None
    warn_if_open(path, warn or _stderr)
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProfileError(f"{path} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path} is not valid TOML: {exc}") from None
    profiles: dict[str, Profile] = {}
    for name, table in data.items():
        if not isinstance(table, dict):
            continue
        key = _text(table, "api_key", "apiKey")
        profiles[name] = Profile(
            name, ApiKey(key) if key else None, _text(table, "api_base", "apiBase")
        )
    pointer = data.get("default")
    return Credentials(path, profiles, pointer.strip() if isinstance(pointer, str) else None)


def _stderr(message: str) -> None:
    from .crash import say

    say(f"phrony-tui: {message}", sys.stderr)


def _pick(creds: Credentials | None, wanted: str | None, path: Path) -> Profile | None:
    """The one profile in play, or None when the file names none."""
    if wanted:
        if creds is None:
            raise ProfileError(
                f"profile {wanted!r} asked for, but there is no credentials file at {path}"
            )
        if wanted not in creds.profiles:
            known = ", ".join(creds.names()) or "none"
            raise ProfileError(f"no profile {wanted!r} in {path}; profiles: {known}")
        return creds.profiles[wanted]
    if creds is None:
        return None
    if creds.default:
        if creds.default not in creds.profiles:
            known = ", ".join(creds.names()) or "none"
            raise ProfileError(
                f'default = "{creds.default}" in {path} names no profile; profiles: {known}'
            )
        return creds.profiles[creds.default]
    return creds.profiles.get(DEFAULT_PROFILE)


def resolve(
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    profile: str | None = None,
    environ: Mapping[str, str] | None = None,
    warn: Callable[[str], None] | None = None,
) -> Resolved:
    """The key and base URL by the precedence above. The key may be missing here (the
    simulator needs none); ``Resolved.require_key`` says how to give one."""
    env = os.environ if environ is None else environ
    wanted = (profile or env.get(ENV_PROFILE, "")).strip() or None
    key_given = api_key or env.get(ENV_KEY, "").strip() or None
    base_given = base_url or env.get(ENV_BASE, "").strip() or None
    chosen: Profile | None = None
    if wanted or not (key_given and base_given):
        path = credentials_path(env)
        chosen = _pick(load_credentials(path, required=bool(wanted), warn=warn), wanted, path)
        if chosen is not None and chosen.api_key is None and not key_given:
            raise ProfileError(
                f"profile {chosen.name!r} in {path} has no api_key; add one, or {KEY_HELP}"
            )
    key_from = ("argument" if api_key else ENV_KEY) if key_given else ""
    base_from = ("--base-url" if base_url else ENV_BASE) if base_given else ""
    if wanted and chosen is not None and key_from == ENV_KEY and chosen.api_key is not None:
        (warn or _stderr)(f"{ENV_KEY} is set: it is used instead of the key of profile {wanted}")
    key = ApiKey(key_given) if key_given else None
    if key is None and chosen is not None:
        key, key_from = chosen.api_key, f"profile {chosen.name}"
    base = base_given
    if base is None and chosen is not None and chosen.api_base:
        base, base_from = chosen.api_base, f"profile {chosen.name}"
    return Resolved(
        base_url=base or DEFAULT_BASE_URL,
        api_key=key,
        profile=chosen.name if chosen else None,
        key_from=key_from,
        base_from=base_from or "default",
    )


def profile_names(environ: Mapping[str, str] | None = None) -> list[str]:
    """For completion: never an error, never a warning."""
    try:
        creds = load_credentials(credentials_path(environ), warn=lambda _: None)
    except ConfigError:
        return []
    return creds.names() if creds else []

"""Credentials and profiles, shared with the Phrony CLI: which key and base URL win, what an
unknown or keyless profile says, and the warning for a file others can read."""

from __future__ import annotations

from pathlib import Path

import pytest

from phrony_tui.api.config import DEFAULT_BASE_URL
from phrony_tui.api.errors import ConfigError
from phrony_tui.profiles import ProfileError, Resolved, profile_names, resolve

CREDENTIALS = """\
default = "work"

[work]
api_key = "phk_work"
api_base = "https://work.example"
tenant = "ignored"
oauth = { token = "ignored" }

[staging]
apiKey = "phk_staging"
apiBase = "https://staging.example"

[keyless]
api_base = "https://keyless.example"

[nobase]
api_key = "phk_nobase"
"""

#: TOML cannot hold both a ``default`` pointer and a ``[default]`` table: one or the other.
NO_POINTER = CREDENTIALS.replace('default = "work"\n', "") + (
    '[default]\napi_key = "phk_default_table"\napi_base = "https://default-table.example"\n'
)
ONLY_WORK = '[work]\napi_key = "phk_work"\napi_base = "https://work.example"\n'

#: (credentials file, flags, environment, expected key, expected base, expected profile)
CASES: list[tuple[str, dict[str, str], dict[str, str], str | None, str, str | None]] = [
    # the file's default pointer
    (CREDENTIALS, {}, {}, "phk_work", "https://work.example", "work"),
    # no pointer: the table named default
    (NO_POINTER, {}, {}, "phk_default_table", "https://default-table.example", "default"),
    # neither: no profile at all
    (ONLY_WORK, {}, {}, None, DEFAULT_BASE_URL, None),
    # chosen by flag, and by PHRONY_PROFILE; camelCase keys
    (CREDENTIALS, {"profile": "staging"}, {}, "phk_staging", "https://staging.example", "staging"),
    (
        CREDENTIALS,
        {},
        {"PHRONY_PROFILE": "staging"},
        "phk_staging",
        "https://staging.example",
        "staging",
    ),
    # the flag wins over PHRONY_PROFILE
    (
        CREDENTIALS,
        {"profile": "staging"},
        {"PHRONY_PROFILE": "work"},
        "phk_staging",
        "https://staging.example",
        "staging",
    ),
    # the environment wins over the profile, field by field
    (
        CREDENTIALS,
        {"profile": "staging"},
        {"PHRONY_API_KEY": "phk_env"},
        "phk_env",
        "https://staging.example",
        "staging",
    ),
    (
        CREDENTIALS,
        {},
        {"PHRONY_API_BASE": "https://env.example"},
        "phk_work",
        "https://env.example",
        "work",
    ),
    # the flag wins over the environment
    (
        CREDENTIALS,
        {"base_url": "https://flag.example"},
        {"PHRONY_API_BASE": "https://env.example"},
        "phk_work",
        "https://flag.example",
        "work",
    ),
    # a profile without a base URL means the public API, never another profile's server
    (CREDENTIALS, {"profile": "nobase"}, {}, "phk_nobase", DEFAULT_BASE_URL, "nobase"),
    # a keyless profile is fine when the key comes from the environment
    (
        CREDENTIALS,
        {"profile": "keyless"},
        {"PHRONY_API_KEY": "phk_env"},
        "phk_env",
        "https://keyless.example",
        "keyless",
    ),
    # no file at all: the environment alone
    ("", {}, {"PHRONY_API_KEY": "phk_env"}, "phk_env", DEFAULT_BASE_URL, None),
]


def environ(tmp_path: Path, text: str, extra: dict[str, str]) -> dict[str, str]:
    path = tmp_path / "credentials"
    if text:
        path.write_text(text)
        path.chmod(0o600)
    return {"PHRONY_CREDENTIALS_FILE": str(path), **extra}


@pytest.mark.parametrize(("text", "flags", "env", "key", "base", "profile"), CASES)
def test_precedence(
    tmp_path: Path,
    text: str,
    flags: dict[str, str],
    env: dict[str, str],
    key: str | None,
    base: str,
    profile: str | None,
) -> None:
    heard: list[str] = []
    got = resolve(**flags, environ=environ(tmp_path, text, env), warn=heard.append)  # type: ignore[arg-type]
    assert (got.api_key.reveal() if got.api_key else None, got.base_url, got.profile) == (
        key,
        base,
        profile,
    )
    if "PHRONY_API_KEY" in env and flags.get("profile") == "staging":
        assert heard == ["PHRONY_API_KEY is set: it is used instead of the key of profile staging"]
    else:
        assert heard == []


def test_the_file_is_not_read_when_flag_and_environment_give_everything(tmp_path: Path) -> None:
    env = environ(tmp_path, "not [ toml", {"PHRONY_API_KEY": "phk_env"})
    got = resolve(base_url="https://flag.example", environ=env)
    assert got.base_url == "https://flag.example" and got.profile is None


@pytest.mark.parametrize(
    ("text", "profile", "message"),
    [
        (
            CREDENTIALS,
            "prod",
            "no profile 'prod' in {path}; profiles: work, staging, keyless, nobase",
        ),
        (CREDENTIALS, "keyless", "profile 'keyless' in {path} has no api_key; add one, or set"),
        ("", "work", "no credentials file at {path}"),
        ("[work\n", None, "{path} is not valid TOML: "),
        ('default = "gone"\n[a]\napi_key = "k"\n', None, 'default = "gone" in {path} names no'),
    ],
)
def test_what_a_wrong_profile_says(
    tmp_path: Path, text: str, profile: str | None, message: str
) -> None:
    env = environ(tmp_path, text, {})
    with pytest.raises(ProfileError) as caught:
        resolve(profile=profile, environ=env)
    assert message.format(path=tmp_path / "credentials") in str(caught.value)


def test_no_key_names_every_way_to_give_one_and_no_other(tmp_path: Path) -> None:
    got = resolve(environ=environ(tmp_path, "", {}))
    assert isinstance(got, Resolved)
    with pytest.raises(ConfigError) as caught:
        got.require_key()
    text = str(caught.value)
    for way in ("PHRONY_API_KEY", "~/.phrony/credentials", "--profile", "PHRONY_PROFILE"):
        assert way in text
    assert "--api-key" not in text and "explicitly" not in text


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_a_file_others_can_read_is_used_with_one_warning(tmp_path: Path, mode: int) -> None:
    env = environ(tmp_path, CREDENTIALS, {})
    path = tmp_path / "credentials"
    path.chmod(mode)
    heard: list[str] = []
    for _ in range(3):
        assert resolve(environ=env, warn=heard.append).profile == "work"
    assert heard == [
        f"warning: permissions {mode:04o} for {path} are too open: other users may read your "
        f"API keys (chmod 600 {path})"
    ]
    assert oct(path.stat().st_mode & 0o777) == oct(mode)  # never written, never changed


def test_a_private_file_gives_no_warning(tmp_path: Path) -> None:
    heard: list[str] = []
    resolve(environ=environ(tmp_path, CREDENTIALS, {}), warn=heard.append)
    assert heard == []


def test_profile_names_for_completion(tmp_path: Path) -> None:
    env = environ(tmp_path, CREDENTIALS, {})
    assert profile_names(env) == ["work", "staging", "keyless", "nobase"]
    assert profile_names(environ(tmp_path / "x", "", {})) == []

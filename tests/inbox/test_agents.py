"""Which agents the inbox watches: the config's profiles, ``--agent``, and the errors a broken
``[profiles]`` table gives (naming the file, the key and what is valid)."""

from __future__ import annotations

from pathlib import Path

import pytest

from phrony_tui.api.errors import ConfigError
from phrony_tui.inbox.agents import WatchedAgent, how_to_add, watched_agents
from phrony_tui.inbox.settings import load_inbox_settings
from phrony_tui.ui.config import Settings, load_settings

CONFIG = """
[profiles.default]
agents = ["a-default"]

[profiles.work]
agents = ["a-1", "  a-2  ", "a-1"]

[[profiles.staging.agents]]
id = "s-1"
name = "Ops notifier"

[[profiles.staging.agents]]
id = "s-2"
"""


def settings_from(tmp_path: Path, text: str) -> Settings:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return load_settings(str(path))


@pytest.mark.parametrize(
    ("profile", "given", "expected"),
    [
        (None, (), [WatchedAgent("a-default")]),
        ("default", (), [WatchedAgent("a-default")]),
        ("work", (), [WatchedAgent("a-1"), WatchedAgent("a-2")]),
        ("staging", (), [WatchedAgent("s-1", "Ops notifier"), WatchedAgent("s-2")]),
        ("unlisted", (), []),
        ("work", ("x-1", "x-2"), [WatchedAgent("x-1"), WatchedAgent("x-2")]),
        ("unlisted", ("x-1", " ", "x-1"), [WatchedAgent("x-1")]),
        # --agent wins over the list, but an id the config names keeps its name.
        ("staging", ("s-1",), [WatchedAgent("s-1", "Ops notifier")]),
    ],
)
def test_watched_agents_by_profile_and_flags(
    tmp_path: Path, profile: str | None, given: tuple[str, ...], expected: list[WatchedAgent]
) -> None:
    settings = settings_from(tmp_path, CONFIG)
    assert watched_agents(settings, profile, given) == expected


def test_no_config_file_watches_no_agent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHRONY_TUI_CONFIG", str(tmp_path / "absent.toml"))
    for settings in (load_settings(), load_inbox_settings()):
        assert watched_agents(settings, None) == []
        assert settings.poll_interval == 5.0
    with pytest.raises(ConfigError, match=r"absent\.toml does not exist"):
        load_inbox_settings(str(tmp_path / "absent.toml"))


def test_the_command_line_reads_the_agents_beside_the_console_settings(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "nord"\n' + CONFIG + '[keys]\n"task.approve" = "ctrl+a"\n')
    settings = load_inbox_settings(str(path))
    assert watched_agents(settings, "staging") == watched_agents(
        load_settings(str(path)), "staging"
    )


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (WatchedAgent("0f6c2d8e-1111-4222-8333-944455556666", "Ops"), "Ops"),
        (WatchedAgent("0f6c2d8e-1111-4222-8333-944455556666"), "0f6c2d8e"),
        (WatchedAgent("short-id"), "short-id"),
    ],
)
def test_an_agent_is_labelled_by_its_name_else_a_short_id(agent: WatchedAgent, label: str) -> None:
    assert agent.label == label


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("poll_interval = 0\n", "poll_interval: Input should be greater than 0"),
        ("poll_interval = 2.5\nprofils = 1\n", "unknown setting 'profils' (did you mean"),
        ("[profiles.work]\nagent = []\n", "[profiles.work]: unknown setting 'agent'"),
        ("[profiles.work]\nagent = []\n", "(valid: agents)"),
        ("profiles = { work = 3 }\n", "[profiles.work] must be a table"),
        ('[profiles.work]\nagents = "a-1"\n', "[profiles.work] agents must be a list"),
        ("[profiles.work]\nagents = [3]\n", "[profiles.work] agents[0] must be an agent id"),
        ('[profiles.work]\nagents = [""]\n', "agents[0] id: an agent id must not be empty"),
        (
            '[[profiles.work.agents]]\nname = "x"\n',
            '[profiles.work] agents[0] needs id = "AGENT_ID"',
        ),
        (
            '[[profiles.work.agents]]\nid = "a"\nnmae = "x"\n',
            "[profiles.work] agents[0]: unknown key 'nmae' (did you mean 'name'?) (valid: id, "
            "name)",
        ),
    ],
)
def test_a_broken_profiles_table_names_the_file_the_key_and_what_is_valid(
    tmp_path: Path, text: str, expected: str
) -> None:
    """The console's loader and the command line's (which leaves the console's keys alone)
    say the same."""
    path = tmp_path / "config.toml"
    path.write_text(text)
    for load in (load_settings, load_inbox_settings):
        if load is load_inbox_settings and "profils" in text:
            assert load_inbox_settings(str(path)).poll_interval == 2.5
            continue
        with pytest.raises(ConfigError) as caught:
            load(str(path))
        message = str(caught.value)
        assert str(path) in message
        assert expected in message, load


def test_the_how_to_add_words_hold_the_config_snippet_and_the_flag() -> None:
    words = how_to_add("work", "/home/me/.config/phrony-tui/config.toml")
    assert "/home/me/.config/phrony-tui/config.toml" in words
    assert '[profiles.work]\n    agents = ["AGENT_ID", "OTHER_AGENT_ID"]' in words
    assert "[[profiles.work.agents]]" in words and "--agent AGENT_ID" in words
    assert "[profiles.default]" in how_to_add(None)


def test_each_snippet_of_the_how_to_add_words_is_a_working_config(tmp_path: Path) -> None:
    blocks = how_to_add("work").split("\n\n")
    snippets = [b for b in blocks if b.startswith("    ")]
    assert len(snippets) == 2
    found = []
    for snippet in snippets:
        settings = settings_from(tmp_path, "\n".join(line[4:] for line in snippet.splitlines()))
        found.append(watched_agents(settings, "work"))
    assert found == [
        [WatchedAgent("AGENT_ID"), WatchedAgent("OTHER_AGENT_ID")],
        [WatchedAgent("AGENT_ID", "Ops notifier")],
    ]

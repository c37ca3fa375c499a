"""The connection states in words, counted down (or up) from the moment given."""

from __future__ import annotations

from phrony_tui.live import Connection, ConnState
from phrony_tui.live.wording import connection_text, seconds


def test_waits_count_down_and_are_never_under_told() -> None:
    wait = Connection(ConnState.RECONNECTING, "stream closed", retry_at=100.0)
    assert connection_text(wait, 97.0) == "reconnecting in 3 s"
    assert connection_text(wait, 97.5) == "reconnecting in 3 s"
    assert connection_text(wait, 99.9) == "reconnecting in 1 s"
    assert connection_text(wait, 100.5) == "reconnecting"
    poll = Connection(ConnState.POLLING, "429: rate limit exceeded", retry_at=10.0)
    assert connection_text(poll, 8.0) == "polling (429: rate limit exceeded) next in 2 s"
    assert connection_text(poll, 11.0) == "polling (429: rate limit exceeded)"


def test_a_silent_stream_says_for_how_long() -> None:
    silent = Connection(ConnState.SILENT, since=50.0)
    assert connection_text(silent, 90.0) == "live, no event for 40 s"
    assert connection_text(silent, 50.0 + 600) == "live, no event for 10 min"


def test_the_other_states() -> None:
    assert connection_text(Connection(ConnState.LIVE), 0) == "live"
    assert connection_text(Connection(ConnState.CONNECTING, "stream closed"), 0) == "connecting"
    assert connection_text(Connection(ConnState.FINISHED), 0) == "finished"
    offline = Connection(ConnState.OFFLINE, "401: this API key has been revoked")
    assert connection_text(offline, 0) == "offline: 401: this API key has been revoked"
    assert seconds(-3) == "0 s" and seconds(118.5) == "119 s" and seconds(119.2) == "2 min"

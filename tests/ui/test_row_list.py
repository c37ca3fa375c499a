"""The list under the inbox and the sessions: where its cursor goes when rows change."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from phrony_tui.ui.widgets.row_list import RowList


class ListApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.keys: list[str] = []

    def compose(self) -> ComposeResult:
        yield RowList(lambda row, width: Text(self.keys[row] if row < len(self.keys) else ""))


async def test_the_cursor_stays_on_the_first_row_until_the_person_moves_it() -> None:
    """Rows arrive agent by agent: an older wait coming in above the first one is selected,
    not pushed past; once the person moved the cursor, it keeps to its row."""
    app = ListApp()
    async with app.run_test() as pilot:
        rows = app.query_one(RowList)
        for keys in (["b"], ["a", "b"], ["a", "b", "c"]):
            app.keys = keys
            rows.set_rows(keys)
            await pilot.pause()
            assert rows.current_key == ("a" if "a" in keys else "b")
        rows.focus()
        await pilot.press("down")
        assert rows.current_key == "b"
        app.keys = ["z", "a", "b", "c"]
        rows.set_rows(app.keys)
        await pilot.pause()
        assert rows.current_key == "b"


def test_a_wait_at_the_ends_of_the_calendar_is_shown_as_it_came() -> None:
    """A server's year 1 or 9999 with an offset cannot move to UTC: shown as sent, no crash."""
    from datetime import datetime

    from phrony_tui.ui.screens.inbox_tab import utc_stamp

    assert utc_stamp(datetime.fromisoformat("2026-01-02T03:04:05+01:00")) == (
        "2026-01-02 02:04:05 UTC"
    )
    assert utc_stamp(datetime.fromisoformat("0001-01-01T00:00:00+01:00")) == (
        "0001-01-01T00:00:00+01:00"
    )
    assert utc_stamp(datetime.fromisoformat("9999-12-31T23:59:59-01:00")).startswith("9999")

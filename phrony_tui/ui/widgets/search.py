"""The timeline's search box: ``/`` opens it, Enter and ↓ find the next match, Esc closes."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import Input

from ..actions import Where
from ..keys import bindings


class SearchInput(Input):
    BINDINGS = bindings(Where.SEARCH)

    class Step(Message):
        """Move to the next (1) or previous (-1) match of ``query``."""

        def __init__(self, query: str, direction: int) -> None:
            super().__init__()
            self.query = query
            self.direction = direction

    class Closed(Message):
        pass

    def action_step(self, direction: int) -> None:
        self.post_message(self.Step(self.value, direction))

    def action_close(self) -> None:
        self.display = False
        self.post_message(self.Closed())

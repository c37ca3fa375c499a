"""Searching the timeline: the next row containing a query, a slice of rows per turn of the
event loop so that keys stay live over 100,000 rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.message import Message

#: Rows a search looks at per turn of the event loop (a few milliseconds' worth).
SEARCH_SLICE = 500


class SearchDone(Message):
    """A search that went on in the background ended."""

    def __init__(self, query: str, found: bool) -> None:
        super().__init__()
        self.query = query
        self.found = found


@dataclass
class _Job:
    query: str
    needle: str
    direction: int
    start: int
    count: int
    tell: bool
    done: int = 0


class Searcher:
    """Runs one search at a time over the rows ``rows()`` gives; ``describe`` is a row's
    searchable text; ``found`` moves the cursor; ``later`` runs the next slice on the next
    turn of the event loop; ``post`` reports ``SearchDone``."""

    def __init__(
        self,
        rows: Callable[[], list[str]],
        describe: Callable[[str], str],
        found: Callable[[int], None],
        later: Callable[[Callable[[], None]], object],
        post: Callable[[Message], object],
    ) -> None:
        self.rows, self.describe, self.found = rows, describe, found
        self.later, self.post = later, post
        self.job: _Job | None = None
        self._texts: dict[str, str] = {}

    def text_of(self, row_id: str) -> str:
        """A row's searchable text, lower case, made once per version of the row."""
        text = self._texts.get(row_id)
        if text is None:
            text = self._texts[row_id] = self.describe(row_id).lower()
        return text

    def forget(self, row_id: str) -> None:
        self._texts.pop(row_id, None)

    def reset(self) -> None:
        """The rows were rebuilt: texts are made again, a search going on stops."""
        self._texts.clear()
        self.job = None

    def start(self, query: str, cursor: int, direction: int, tell: bool) -> bool | None:
        self.job = None
        rows = self.rows()
        if not query or not rows:
            return False
        job = _Job(query, query.lower(), direction, cursor, len(rows), tell)
        found = self._slice(job)
        if found is None:
            self.job = job
            self.later(self._more)
        elif tell:
            self.post(SearchDone(query, found))
        return found

    def _slice(self, job: _Job) -> bool | None:
        rows = self.rows()
        for _ in range(SEARCH_SLICE):
            if job.done >= job.count:
                return False
            row = (job.start + job.done * job.direction) % job.count
            job.done += 1
            if job.needle in self.text_of(rows[row]):
                self.found(row)
                return True
        return None

    def _more(self) -> None:
        job = self.job
        if job is None or len(self.rows()) < job.count:
            return  # replaced by another search, or the rows were rebuilt
        found = self._slice(job)
        if found is None:
            self.later(self._more)
            return
        self.job = None
        if job.tell:
            self.post(SearchDone(job.query, found))

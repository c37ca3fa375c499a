"""The sessions list as pages fetched on demand: one agent's sessions, or several agents'
merged newest first, optionally filtered by status. No Textual: the sessions tab asks what to
fetch next, hands each page back, and draws ``rows``.

Each (agent, status) pair is one source read with ``skip``/``take``; the merged list grows only
as far as every source that may still hold newer sessions has a row to compare, so the order
is right however the pages arrive. A source that cannot be read does not hold the others up:
the list goes on without it, and once it reads again its sessions newer than the last row
listed are put in their places (the list never shrinks), the older ones merged as usual. A
session seen twice (new ones shift the offsets) is kept once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..api.models import SessionList, SessionListItem
from ..api.models.statuses import STATUS_FILTERS

#: The status filters, in the order a key cycles them; a filter is one or more exact statuses
#: (None: any), the same words ``phrony-tui sessions --status`` takes.
FILTERS: dict[str, tuple[str | None, ...]] = {
    word.capitalize(): statuses or (None,) for word, statuses in STATUS_FILTERS.items()
}
PAGE = 100


@dataclass(frozen=True)
class SessionRow:
    agent_id: str
    session: SessionListItem


@dataclass(frozen=True)
class Source:
    agent_id: str
    status: str | None


@dataclass
class _Read:
    fetched: list[SessionListItem] = field(default_factory=list)
    skip: int = 0
    total: int | None = None
    used: int = 0
    error: str = ""
    failures: int = 0  # in a row
    ended: bool = False  # refused: nothing more will be read of it

    @property
    def more(self) -> bool:
        return not self.ended and (self.total is None or self.skip < self.total)

    @property
    def head(self) -> SessionListItem | None:
        return self.fetched[self.used] if self.used < len(self.fetched) else None


def newest_key(item: SessionListItem) -> str:
    """ISO timestamps of one server sort as text; a session without one sorts last."""
    return item.started_at or ""


class SessionPages:
    """The merged rows so far and what to fetch to extend them."""

    def __init__(self, agent_ids: Sequence[str], status_filter: str = "All") -> None:
        self.agent_ids = list(agent_ids)
        self.status_filter = status_filter
        self.rows: list[SessionRow] = []
        self._seen: set[str] = set()
        self._reads = {
            Source(agent, status): _Read()
            for agent in self.agent_ids
            for status in FILTERS[status_filter]
        }
        self.in_flight: set[Source] = set()

    @property
    def total(self) -> int | None:
        """Every matching session, once each source said how many it has."""
        totals = [r.total for r in self._reads.values()]
        return None if any(t is None for t in totals) else sum(t or 0 for t in totals)

    @property
    def done(self) -> bool:
        return all(not r.more and r.head is None for r in self._reads.values())

    @property
    def errors(self) -> dict[str, str]:
        return {s.agent_id: r.error for s, r in self._reads.items() if r.error}

    def wanted(self) -> list[tuple[Source, int, int]]:
        """``(source, skip, take)`` for each source that must be read before the list can
        grow, and is not being read now."""
        out = []
        for source, read in self._reads.items():
            if read.head is None and read.more and not read.error and source not in self.in_flight:
                out.append((source, read.skip, PAGE))
        return out

    def loaded(self, source: Source, skip: int, page: SessionList) -> bool:
        """A page arrived. True when rows were put between rows already listed (a source read
        again after failing had newer sessions): draw them all again."""
        self.in_flight.discard(source)
        read = self._reads.get(source)
        if read is None or skip != read.skip:
            return False  # a filter changed meanwhile, or a page read twice
        read.error = ""
        read.failures = 0
        read.fetched = read.fetched[read.used :]
        read.used = 0
        read.fetched.extend(page.items)
        read.skip += len(page.items)
        read.total = page.total if page.items else read.skip
        return self._merge()

    def failed(self, source: Source, reason: str, *, final: bool = False) -> int:
        """A page could not be read: this source stops until ``retry`` (for good when
        ``final``: a refusal), and the others are listed without it. Returns how many times
        in a row it failed."""
        self.in_flight.discard(source)
        read = self._reads.get(source)
        if read is None:
            return 0
        read.error = reason
        read.failures += 1
        read.ended = read.ended or final
        self._merge()
        return read.failures

    def retry(self, source: Source) -> None:
        """Read ``source`` again when it is next wanted."""
        read = self._reads.get(source)
        if read is not None:
            read.error = ""

    def _merge(self) -> bool:
        """Extend the rows as far as every source allows; True when some went in between."""
        inserted = self._catch_up()
        while True:
            heads: list[tuple[Source, SessionListItem]] = []
            for source, read in self._reads.items():
                head = read.head
                if head is None:
                    if read.more and not read.error:
                        return inserted  # it may hold a newer one: wait
                    continue
                heads.append((source, head))
            if not heads:
                return inserted
            source, item = max(heads, key=lambda pair: newest_key(pair[1]))
            self._reads[source].used += 1
            if item.id not in self._seen:
                self._seen.add(item.id)
                self.rows.append(SessionRow(source.agent_id, item))

    def _catch_up(self) -> bool:
        """Sessions newer than the last row listed (of a source the list went on without)
        go in their places: every other source's newer ones are listed already."""
        if not self.rows:
            return False
        last = newest_key(self.rows[-1].session)
        inserted = False
        for source, read in self._reads.items():
            while (head := read.head) is not None and newest_key(head) > last:
                read.used += 1
                if head.id not in self._seen:
                    self._seen.add(head.id)
                    row = SessionRow(source.agent_id, head)
                    self.rows.insert(self._place(newest_key(head)), row)
                    inserted = True
        return inserted

    def _place(self, key: str) -> int:
        """Where a session started at ``key`` goes among the rows (newest first): after those
        started at the same time or later."""
        low, high = 0, len(self.rows)
        while low < high:
            middle = (low + high) // 2
            if newest_key(self.rows[middle].session) >= key:
                low = middle + 1
            else:
                high = middle
        return low

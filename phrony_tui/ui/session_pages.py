"""The sessions list as pages fetched on demand: one agent's sessions, or several agents'
merged newest first, optionally filtered by status. No Textual: the sessions tab asks what to
fetch next, hands each page back, and draws ``rows``.

Each (agent, status) pair is one source read with ``skip``/``take``; the merged list grows only
as far as every source that may still hold newer sessions has a row to compare, so the order
is right however the pages arrive. A source that cannot be read does not hold the others up:
the list goes on without it, and once it reads again the list is merged anew, its sessions in
their places. A session seen twice (new ones shift the offsets) is kept once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..api.models import SessionList, SessionListItem

#: The status filters, in the order a key cycles them; a filter is one or more exact statuses.
FILTERS: dict[str, tuple[str | None, ...]] = {
    "All": (None,),
    "Waiting": ("WaitingForResponse", "WaitingForHITL", "WaitingForAITL", "WaitingForTimer"),
    "Running": ("Running",),
    "Completed": ("Completed",),
    "Failed": ("Failed",),
    "Cancelled": ("Cancelled",),
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
    fetched: list[SessionListItem] = field(default_factory=list)  # every one read, in order
    skip: int = 0
    total: int | None = None
    used: int = 0
    error: str = ""
    failures: int = 0  # in a row
    passed_over: bool = False  # rows were merged past it while it could not be read

    @property
    def more(self) -> bool:
        return self.total is None or self.skip < self.total

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
        """A page arrived. True when rows already listed moved (a source read again after
        failing had sessions newer than some listed): draw them all again."""
        self.in_flight.discard(source)
        read = self._reads.get(source)
        if read is None or skip != read.skip:
            return False  # a filter changed meanwhile, or a page read twice
        read.error = ""
        read.failures = 0
        read.fetched.extend(page.items)
        read.skip += len(page.items)
        read.total = page.total if page.items else read.skip
        if read.passed_over:
            self._remerge()
            return True
        self._merge()
        return False

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
        if final:
            read.total = read.skip  # nothing more will be read of it
        self._merge()
        return read.failures

    def retry(self, source: Source) -> None:
        """Read ``source`` again when it is next wanted."""
        read = self._reads.get(source)
        if read is not None:
            read.error = ""

    def _remerge(self) -> None:
        self.rows = []
        self._seen = set()
        for read in self._reads.values():
            read.used = 0
            read.passed_over = False
        self._merge()

    def _merge(self) -> None:
        while True:
            heads: list[tuple[Source, SessionListItem]] = []
            failing: list[_Read] = []
            for source, read in self._reads.items():
                head = read.head
                if head is None:
                    if read.more and not read.error:
                        return  # it may hold a newer one: wait
                    if read.more:
                        failing.append(read)
                    continue
                heads.append((source, head))
            if not heads:
                return
            source, item = max(heads, key=lambda pair: newest_key(pair[1]))
            self._reads[source].used += 1
            if item.id not in self._seen:
                self._seen.add(item.id)
                self.rows.append(SessionRow(source.agent_id, item))
                for read in failing:
                    read.passed_over = True

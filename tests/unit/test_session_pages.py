"""The sessions list merged from several agents, when one of them fails and comes back: the
list never shrinks or goes blank, and every session ends up in its place, newest first."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from phrony_tui.api.models import SessionList, SessionListItem
from phrony_tui.ui.session_pages import PAGE, SessionPages, Source


def sessions(prefix: str, seconds: range) -> list[SessionListItem]:
    return [
        SessionListItem.model_validate(
            {
                "id": f"{prefix}{t:05d}",
                "startedAt": f"2026-12-01T{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}Z",
            }
        )
        for t in seconds
    ]


def page(items: list[SessionListItem], skip: int) -> SessionList:
    return SessionList(items=items[skip : skip + PAGE], total=len(items))


def read(pages: SessionPages, source: Source, items: list[SessionListItem]) -> bool:
    skip = next(s for src, s, _ in pages.wanted() if src == source)
    pages.in_flight.add(source)
    return pages.loaded(source, skip, page(items, skip))


def started(pages: SessionPages) -> list[str]:
    return [row.session.started_at or "" for row in pages.rows]


A, B, C = Source("A", None), Source("B", None), Source("C", None)
A_ALL = sessions("a", range(3999, 1999, -2))  # A and B interleave, 1,000 each, newest first
B_ALL = sessions("b", range(3998, 1998, -2))
C_ALL = sessions("c", range(3997, 1997, -3))


def test_a_source_back_after_failing_puts_its_sessions_in_place_and_nothing_goes() -> None:
    pages = SessionPages(["A", "B"])
    pages.failed(A, "503 · trying again")
    for _ in range(5):  # the person scrolls on: B's pages meanwhile
        read(pages, B, B_ALL)
    listed = [row.session.id for row in pages.rows]
    assert len(listed) == 5 * PAGE

    pages.retry(A)
    assert read(pages, A, A_ALL)  # rows went in between: draw them all again
    ids = [row.session.id for row in pages.rows]
    assert set(listed) <= set(ids) and len(ids) == 6 * PAGE  # nothing listed went away
    assert started(pages) == sorted(started(pages), reverse=True)
    while pages.wanted():
        source = pages.wanted()[0][0]
        read(pages, source, A_ALL if source == A else B_ALL)
    assert len(pages.rows) == 2000 and pages.done
    assert started(pages) == sorted(started(pages), reverse=True)


def test_two_sources_failing_at_once_never_leave_the_list_blank() -> None:
    pages = SessionPages(["A", "B", "C"])
    pages.failed(A, "503")
    pages.failed(C, "503")
    read(pages, B, B_ALL)
    assert len(pages.rows) == PAGE
    pages.retry(A)
    pages.retry(C)
    pages.in_flight |= {A, C}
    pages.loaded(A, 0, page(A_ALL, 0))
    assert len(pages.rows) >= PAGE
    pages.loaded(C, 0, page(C_ALL, 0))
    assert len(pages.rows) >= 2 * PAGE
    assert started(pages) == sorted(started(pages), reverse=True)


def test_a_refusal_ends_that_source_and_keeps_the_servers_total() -> None:
    pages = SessionPages(["A", "B"])
    read(pages, A, A_ALL)
    read(pages, B, B_ALL)
    pages.failed(A, "403", final=True)
    assert pages.total == 2000  # as the server said, not what was read of A
    assert all(source != A for source, _, _ in pages.wanted())


@given(
    st.lists(st.sampled_from(["A", "B", "C"]), min_size=1, max_size=60),
    st.lists(st.booleans(), min_size=60, max_size=60),
)
def test_any_order_of_pages_and_failures_ends_in_one_sorted_list(
    order: list[str], failing: list[bool]
) -> None:
    everything = {A: A_ALL[:300], B: B_ALL[:250], C: C_ALL[:120]}
    pages = SessionPages(["A", "B", "C"])
    shown = 0
    for name, fails in zip(order, failing, strict=False):
        source = Source(name, None)
        wanted = {src: skip for src, skip, _ in pages.wanted()}
        if source not in wanted:
            pages.retry(source)
            continue
        pages.in_flight.add(source)
        if fails:
            pages.failed(source, "503")
        else:
            pages.loaded(source, wanted[source], page(everything[source], wanted[source]))
        assert len(pages.rows) >= shown  # never shrinks
        shown = len(pages.rows)
    for source in everything:
        pages.retry(source)
    while pages.wanted():
        source, skip, _ = pages.wanted()[0]
        pages.in_flight.add(source)
        pages.loaded(source, skip, page(everything[source], skip))
    assert len(pages.rows) == 670 and pages.done
    assert started(pages) == sorted(started(pages), reverse=True)

"""The settler keeps the collector's walk short and lets no garbage stay frozen."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from phrony_tui.api.heap import REVIEW_GAP, Settler, collector_paused


@pytest.fixture
def clock() -> Iterator[list[float]]:
    now = [0.0]
    yield now
    gc.unfreeze()


def test_settles_every_n_steps_or_after_a_while(clock: list[float]) -> None:
    settler = Settler(every=10, after=1.0, clock=lambda: clock[0])
    settler.added(9)
    assert settler.settled == 0
    settler.added(1)
    assert settler.settled == 1 and gc.get_freeze_count() > 0
    settler.added(3)
    settler.tick()
    assert settler.settled == 1  # too soon
    clock[0] += 1.5
    settler.tick()
    assert settler.settled == 2


def test_garbage_caught_among_frozen_objects_goes_at_review(clock: list[float]) -> None:
    class Node:
        def __init__(self) -> None:
            self.other: Node | None = None

    settler = Settler(clock=lambda: clock[0])
    a, b = Node(), Node()
    a.other, b.other = b, a  # a cycle, alive while frozen
    settler.settle()
    del a, b
    gc.collect()
    gc.unfreeze()
    assert len([o for o in gc.get_objects() if isinstance(o, Node)]) == 2  # kept, frozen
    gc.freeze()
    settler.review_soon()
    clock[0] += REVIEW_GAP
    settler.tick()
    assert settler.reviewed == 1
    gc.unfreeze()
    assert not [o for o in gc.get_objects() if isinstance(o, Node)]


def test_collector_paused_restores_it() -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with collector_paused(False):
        assert gc.isenabled()

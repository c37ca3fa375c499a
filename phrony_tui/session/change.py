"""What one update of the session state changed, so a view redraws only that."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Change:
    """What one ``apply_*`` call changed, so the UI refreshes only that."""

    session: bool = False
    runs: set[str] = field(default_factory=set)
    items_added: set[str] = field(default_factory=set)
    items_updated: set[str] = field(default_factory=set)
    items_removed: set[str] = field(default_factory=set)
    tasks: bool = False
    reconcile: bool = False
    reset: bool = False

    def merge(self, other: Change) -> Change:
        """Fold ``other`` into this change (a batch of events is one refresh)."""
        self.session |= other.session
        self.runs |= other.runs
        self.items_added |= other.items_added
        self.items_updated |= other.items_updated
        self.items_removed |= other.items_removed
        self.tasks |= other.tasks
        self.reconcile |= other.reconcile
        self.reset |= other.reset
        return self.settle()

    def settle(self) -> Change:
        """A step added in this change is not also updated in it."""
        self.items_updated -= self.items_added
        return self

    def __bool__(self) -> bool:
        return bool(
            self.session
            or self.runs
            or self.items_added
            or self.items_updated
            or self.items_removed
            or self.tasks
            or self.reconcile
            or self.reset
        )

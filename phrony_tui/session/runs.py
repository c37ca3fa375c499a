"""The runs tree: each run under the parent the server names, and never in a loop.

A hostile or buggy server can name a run its own parent, or make the root a child of its own
descendant. Followed naively, such a loop has no top, so its runs (and any pause they wait in)
vanish from every view walked from the top. So each loop is cut once, at a place that depends
only on the runs themselves (not on the order they arrived in): the run of the loop that claims
the smallest depth, then the smallest id, keeps no parent and heads its branch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..api.models import RunSummary


@dataclass
class RunNode:
    """One run in the tree, with the fields the console shows. ``claimed_parent_id`` is the
    parent the server named; ``parent_id`` is where the run sits in the tree: the same, except
    None for the run that closed a loop."""

    id: str
    parent_id: str | None
    depth: int
    status: str = ""
    tokens: float = 0
    agent_name: str | None = None
    summary: RunSummary | None = None
    children: list[str] = field(default_factory=list)
    claimed_parent_id: str | None = None
    #: Tokens of the run's steps seen so far: a running run's own total arrives only with its
    #: run events (at its end), its steps' tokens as they happen.
    step_tokens: float = 0

    @property
    def spent(self) -> float:
        """The tokens to show for the run: its total, or what its steps spent if that is more
        (while it runs)."""
        return max(self.tokens, self.step_tokens)

    def __post_init__(self) -> None:
        if self.claimed_parent_id is None:
            self.claimed_parent_id = self.parent_id

    @property
    def short_id(self) -> str:
        return self.id[:8]


def link(runs: Mapping[str, RunNode]) -> None:
    """Set every run's place in the tree (``parent_id``, ``children``) from the claims,
    cutting each loop once. Linear in the number of runs."""
    for node in runs.values():
        node.parent_id = node.claimed_parent_id
        node.children = []
    done: set[str] = set()
    for start in runs:
        path: list[str] = []
        on_path: set[str] = set()
        run_id: str | None = start
        while run_id is not None and run_id in runs and run_id not in done:
            if run_id in on_path:
                loop = path[path.index(run_id) :]
                cut = min(loop, key=lambda i: (runs[i].depth, i))
                runs[cut].parent_id = None
                break
            path.append(run_id)
            on_path.add(run_id)
            run_id = runs[run_id].parent_id
        done.update(path)
    for node in runs.values():
        if node.parent_id is not None and node.parent_id in runs:
            runs[node.parent_id].children.append(node.id)


def by_depth(runs: Mapping[str, RunNode]) -> list[RunNode]:
    """Depth-first from the top: each run followed by its sub-agents, every run once. Runs the
    server calls roots come first, then those whose parent is unknown or closed a loop."""
    tops = [r for r in runs.values() if r.parent_id is None or r.parent_id not in runs]
    tops.sort(key=lambda r: r.claimed_parent_id is not None)
    out: list[RunNode] = []
    stack = list(reversed(tops))
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(runs[c] for c in reversed(node.children) if c in runs)
    return out

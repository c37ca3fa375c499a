"""Left pane: the runs tree by depth. Selecting a run filters the timeline to it."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...session import RunNode, SessionState
from ..format import short_status_badge, tokens
from ..palette import PLAIN, TONE_CLASSES, Palette, palette_of
from ..sanitize import one_line


def run_label(run: RunNode, palette: Palette = PLAIN, width: int | None = None) -> Text:
    """Name, short id, status and tokens. Within ``width`` cells the short id goes first,
    then the name is cut: the status and the count are never cut (a cut 410 reads as 41)."""
    name = Text(one_line(run.agent_name or run.short_id, 16), style=palette.strong)
    short = Text(f" {one_line(run.id[:6], 6)} ", style=palette.muted)
    badge = short_status_badge(run.status, palette)
    spent = Text(f" {tokens(run.spent)}" if run.spent else "", style=palette.muted)
    if width is not None:
        fixed = badge.cell_len + spent.cell_len
        if name.cell_len + short.cell_len + fixed > width:
            short = Text(" ")
        name.truncate(max(1, width - fixed - short.cell_len), overflow="ellipsis")
    return Text.assemble(name, short, badge, spent)


class RunsTree(Tree[str]):
    """Runs, root first, each followed by its sub-agents. Node data is the run id. Labels
    are drawn from the runs and the theme's palette at each drawing."""

    COMPONENT_CLASSES = set(TONE_CLASSES)

    def __init__(self, *, id: str | None = None) -> None:
        self._runs: dict[str, RunNode] = {}  # the tree draws labels while it is made
        super().__init__(Text("Runs"), id=id)
        self.show_root = False
        self.guide_depth = 2
        self._shape: list[tuple[str, str | None]] = []

    def render_label(self, node: TreeNode[str], base_style: Style, style: Style) -> Text:
        run = self._runs.get(node.data or "")
        if run is None:
            return super().render_label(node, base_style, style)
        depth, parent = 0, node.parent
        while parent is not None and parent is not self.root:
            depth, parent = depth + 1, parent.parent
        width = self.scrollable_content_region.width - self.guide_depth * depth
        label = run_label(run, palette_of(self), max(width, 8))
        label.stylize(style)
        return label

    def notify_style_update(self) -> None:
        """A theme change: lines the tree cached hold the old colours."""
        super().notify_style_update()
        for node in self._walk():
            node.refresh()

    def show(self, state: SessionState) -> None:
        self._runs = state.runs
        order = state.runs_by_depth()
        shape = [(r.id, r.parent_id) for r in order]
        if shape != self._shape:
            self._rebuild(state, order)
            self._shape = shape
            return
        for node in self._walk():
            run = state.runs.get(node.data or "")
            if run is not None:
                node.set_label(run_label(run))  # marks the node for drawing again

    def _walk(self) -> list[TreeNode[str]]:
        out: list[TreeNode[str]] = []
        stack = list(reversed(self.root.children))
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(node.children))
        return out

    def _rebuild(self, state: SessionState, order: list[RunNode]) -> None:
        selected = self.cursor_node.data if self.cursor_node is not None else None
        self.clear()
        nodes: dict[str, TreeNode[str]] = {}
        for run in order:
            parent = nodes.get(run.parent_id or "", self.root)
            node = parent.add(run_label(run), data=run.id, expand=True, allow_expand=False)
            nodes[run.id] = node
        if selected in nodes:
            self.move_cursor(nodes[selected])

    def select_run(self, run_id: str) -> None:
        for node in self._walk():
            if node.data == run_id:
                self.move_cursor(node)
                return

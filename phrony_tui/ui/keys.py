"""Every key of the console in one place, by binding id (what a config file remaps)."""

from __future__ import annotations

from textual.binding import Binding

#: App-wide bindings. Task keys (a, r, digits, k, s, n) reach the composer from any pane, except
#: while typing in an input, where ctrl+n / ctrl+b still move between tasks.
APP_BINDINGS: list[Binding] = [
    Binding("question_mark,f1", "help", "Help", id="app.help", tooltip="Every key"),
    Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    Binding("a", "approve", "Approve", id="task.approve"),
    Binding("r", "reject", "Reject", id="task.reject"),
    Binding("k", "acknowledge", "Acknowledge", id="task.acknowledge"),
    Binding("s", "skip_wait", "Skip wait", id="task.skip_wait"),
    Binding("n,ctrl+n", "next_pause", "Next task", id="task.next"),
    Binding("N,ctrl+b", "previous_pause", "Prev task", id="task.previous", show=False),
    Binding("i", "focus_composer", "Composer", id="app.focus_composer"),
    Binding("t", "focus_timeline", "Timeline", id="app.focus_timeline", show=False),
    Binding("A", "show_all_runs", "All runs", id="app.all_runs"),
    Binding("slash", "search", "Search", id="app.search"),
    Binding("ctrl+o", "attach", "Attach file", id="composer.attach"),
    # Priority, or the reply box would take it as "cut"; with no file attached it still is.
    Binding(
        "ctrl+x", "remove_file", "Remove file", id="composer.remove_file", show=False, priority=True
    ),
    Binding("ctrl+r", "reconnect", "Reconnect", id="app.reconnect", show=False),
    *[
        Binding(str(n), f"pick_option({n})", show=False, id=f"task.option_{n}")
        for n in range(1, 10)
    ],
]

KEY_HELP: dict[str, list[tuple[str, str, str]]] = {
    "Everywhere": [
        ("app.help", "? / F1", "this help"),
        ("app.quit", "ctrl+q", "quit"),
        ("command_palette", "ctrl+p", "command palette: every action, themes"),
        ("app.focus_composer", "i", "focus the composer"),
        ("app.focus_timeline", "t", "focus the timeline"),
        ("app.search", "/", "search the timeline (Enter/↓ next, ↑ previous, Esc close)"),
        ("app.all_runs", "A", "show all runs again (after selecting one in the tree)"),
        ("app.reconnect", "ctrl+r", "reconnect the live stream now"),
        ("focus", "tab / shift+tab", "move between panes"),
    ],
    "Timeline": [
        ("timeline.up", "↑", "previous step"),
        ("timeline.down", "↓", "next step"),
        ("timeline.page_up", "page up", "a page up"),
        ("timeline.page_down", "page down", "a page down"),
        ("timeline.first", "home / g", "first step"),
        ("timeline.latest", "end / G", "latest step, and follow new ones"),
        ("timeline.open", "enter", "open the step (a sub-agent call opens its run)"),
        ("timeline.expand", "space", "expand or collapse the step in place"),
        ("timeline.copy", "y", "copy the step's JSON"),
    ],
    "Composer": [
        ("task.next", "n / N", "next / previous pending task (ctrl+n / ctrl+b while typing)"),
        ("task.approve", "a", "approve the tool call (then y or Enter to confirm)"),
        ("task.reject", "r", "reject the tool call (then y or Enter to confirm)"),
        ("task.comment", "c", "add a comment to an approval"),
        ("confirm.yes", "y / Enter", "confirm an approval or rejection"),
        ("confirm.no", "n / Esc", "cancel a confirmation"),
        ("task.option_1", "1-9 / ↑ ↓", "select an option (Enter sends)"),
        ("task.acknowledge", "k", "acknowledge an alert"),
        ("task.skip_wait", "s", "skip a timer wait"),
        ("composer.send", "enter", "send the reply or answer"),
        ("composer.newline", "ctrl+j", "new line in a reply"),
        ("composer.attach", "ctrl+o", "attach a file (path with completion)"),
        ("composer.remove_file", "ctrl+x", "remove the last attached file (or click its ✕)"),
    ],
    "Runs tree": [
        ("tree", "↑ ↓ / Enter / click", "select a run: the timeline shows only its steps"),
        ("app.all_runs", "A", "all runs again"),
    ],
    "Search, prompts and dialogs": [
        ("search.close", "Esc", "close the search"),
        ("prompt.cancel", "Esc", "cancel a prompt (Tab or → completes a path)"),
        ("help.close", "Esc / q / ?", "close this help"),
    ],
    "Step detail": [
        ("detail.copy", "y", "copy the step's JSON"),
        ("detail.close", "Esc / q", "close"),
    ],
}

"""Keys made from the action registry: bindings for each place, and keys as people read them
(the user's ``[keys]`` remapping included), for help, the palette and on-screen hints."""

from __future__ import annotations

from collections.abc import Mapping

from textual.binding import Binding, BindingType
from textual.keys import format_key

from .actions import ACTIONS, BY_ID, Action, Where


def bindings(*where: Where) -> list[BindingType]:
    """The bindings of the actions that work in ``where``."""
    return [a.binding() for a in ACTIONS if a.where in where]


def binding(
    action_id: str,
    *,
    action: str | None = None,
    priority: bool | None = None,
    show: bool | None = None,
) -> Binding:
    """The binding of ``action_id``, its keys from the registry; a widget that acts on it in
    its own way names its own action (``decide(True)`` for ``task.approve``)."""
    entry = BY_ID[action_id]
    return Binding(
        entry.keys,
        action or entry.action,
        entry.label,
        show=entry.show if show is None else show,
        priority=entry.priority if priority is None else priority,
        id=entry.id,
        tooltip=entry.description,
    )


def by_action(action: str, where: tuple[Where, ...]) -> Action | None:
    """The registry entry behind a Textual action name (``pick_option`` matches every digit)."""
    for entry in ACTIONS:
        if entry.where in where and entry.action.split("(")[0] == action:
            return entry
    return None


_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "escape": "Esc",
    "enter": "Enter",
    "space": "Space",
    "tab": "Tab",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
}


def show_key(key: str) -> str:
    """One key as people write it: ``ctrl+a``, ``?``, ``F1``, ``Esc``."""
    key = key.strip()
    if key in _NAMES:
        return _NAMES[key]
    if len(key) >= 2 and key[0] == "f" and key[1:].isdigit():
        return key.upper()
    if "+" in key:
        *mods, last = key.split("+")
        return "+".join([*mods, _NAMES.get(last, last)])
    return format_key(key) if len(key) > 1 else key


class KeyLabels:
    """The keys each action has now (defaults, or the user's ``[keys]``), for display."""

    def __init__(self, keymap: Mapping[str, str] | None = None) -> None:
        self.keymap = dict(keymap or {})

    def keys(self, action_id: str) -> list[str]:
        spec = self.keymap.get(action_id) or BY_ID[action_id].keys
        return [k for k in spec.split(",") if k.strip()]

    def __call__(self, action_id: str, *, first: bool = False) -> str:
        keys = [show_key(k) for k in self.keys(action_id)]
        return keys[0] if first and keys else "/".join(keys) or "(unbound)"

"""The line on top of every screen: which profile and which server the console talks to, and
how many runs wait for a person. Nobody should answer a production run thinking it is staging.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from rich.text import Text
from textual.app import App
from textual.widgets import Static

from ..sanitize import one_line

TITLE = "phrony-tui"


@dataclass(frozen=True)
class Place:
    """Where the console points: the profile's name (or where the key came from, when no
    profile is in play) and the API's host."""

    profile: str = "env"
    host: str = ""

    @classmethod
    def of(cls, profile: str | None, base_url: str, *, from_flags: bool = False) -> Place:
        label = profile or ("flags" if from_flags else "env")
        parts = urlsplit(base_url)
        host = parts.hostname or base_url
        if parts.port is not None:
            host = f"{host}:{parts.port}"
        return cls(label, host)


def place_of(app: App[Any]) -> Place:
    place = getattr(app, "place", None)
    return place if isinstance(place, Place) else Place()


def set_waiting(app: App[Any], count: int | None) -> None:
    """The inbox count, in the header of every screen and in the app's title."""
    if count is None:
        app.title, app.sub_title = TITLE, ""
    else:
        app.title = f"{TITLE} ({count})" if count else TITLE
        app.sub_title = f"{count} waiting" if count else "nothing waiting"


class PlaceHeader(Static):
    """Profile, host, and the inbox count (the app's ``sub_title``)."""

    def on_mount(self) -> None:
        self.watch(self.app, "sub_title", self._draw, init=True)

    def _draw(self, _: object = None) -> None:
        place = place_of(self.app)
        text = Text()
        text.append(f" {TITLE} ", style="bold")
        text.append("profile ", style="dim")
        text.append(one_line(place.profile, 40), style="bold")
        text.append(" · ", style="dim")
        text.append(one_line(place.host, 80), style="bold")
        waiting = self.app.sub_title
        if waiting:
            text.append(" · ", style="dim")
            text.append(one_line(waiting, 40), style="bold" if waiting[0].isdigit() else "")
        self.update(text)

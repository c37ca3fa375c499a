"""The live view of a run, shared by every front end: no Textual here, nothing of ``ui/``."""

from .describe import describe
from .feed import LiveFeed
from .updates import Connection, ConnState, Events, Loaded, Update

__all__ = ["ConnState", "Connection", "Events", "LiveFeed", "Loaded", "Update", "describe"]

"""The typed async client of the Phrony public Runs API. No Textual here."""

from .client import PhronyClient
from .compact import CompactConversation, Snapshot, StepRecord
from .config import ApiKey, ClientConfig
from .errors import *  # noqa: F403
from .models import *  # noqa: F403
from .stream import EventStream, Heartbeat, MalformedEvent, SSEParser, StreamItem

__all__ = [
    "ApiKey",
    "ClientConfig",
    "CompactConversation",
    "EventStream",
    "Heartbeat",
    "MalformedEvent",
    "PhronyClient",
    "SSEParser",
    "Snapshot",
    "StepRecord",
    "StreamItem",
]

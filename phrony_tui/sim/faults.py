"""Fault injection: what the simulator does wrong on purpose, set at start or per test."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, fields

FAULT_NAMES = {
    "drop-stream-every": "close the SSE connection abruptly after every N events",
    "drop-stream-random": "close the SSE connection abruptly after an event with probability P",
    "end-stream-every": "end the SSE response cleanly after every N events (the run goes on)",
    "trickle-stream": "while 1, streams send a byte every 50 ms and never a whole event",
    "reset-stream": "while 1, streams send the start of an event, then a TCP reset",
    "reset-stream-every": "reset the TCP connection mid-event after every N events",
    "latency-ms": "delay every API response by N milliseconds",
    "rate-limit-every": "answer every Nth API request with 429 and Retry-After",
    "retry-after": "seconds given in Retry-After on injected 429 and 503 (default 1)",
    "error-5xx-rate": "answer an API request with 500 or 503 with probability P",
    "stall-after": "after N events, keep the stream open but send nothing, not even heartbeats",
    "malformed-every": "send a malformed event before every Nth event",
    "oversized-every": "send an oversized event before every Nth event",
    "oversized-bytes": "size of an oversized event (default 33554432)",
    "heartbeat-s": "seconds between ': ping' comments (default 15)",
    "retry-ms": "the 'retry:' advice sent at the start of each stream (default 1000)",
    "rate-limit-next": "answer the next N API requests with 429 and Retry-After",
    "unavailable-next": "answer the next N API requests with 503 and Retry-After",
    "unavailable-path": "only requests whose path holds TEXT (an agent's id, say) count for "
    "unavailable-next",
    "fail-next": "answer the next N messages/input POSTs with 500 without processing them",
    "fail-after-accept": "process the next N messages/input POSTs, then answer 500 anyway",
    "fail-stream": "answer every stream request with 500 while set to 1",
}


@dataclass
class Faults:
    """Active faults. Zero disables each one. Mutable at run time (tests change it per test)."""

    drop_stream_every: int = 0
    drop_stream_random: float = 0.0
    end_stream_every: int = 0
    trickle_stream: int = 0
    reset_stream: int = 0
    reset_stream_every: int = 0
    latency_ms: int = 0
    rate_limit_every: int = 0
    retry_after: float = 1.0
    error_5xx_rate: float = 0.0
    stall_after: int = 0
    malformed_every: int = 0
    oversized_every: int = 0
    oversized_bytes: int = 33 * 1024 * 1024
    heartbeat_s: float = 15.0
    retry_ms: int = 1000
    rate_limit_next: int = 0
    unavailable_next: int = 0
    unavailable_path: str = ""
    fail_next: int = 0
    fail_after_accept: int = 0
    fail_stream: int = 0
    rng: random.Random = field(default_factory=lambda: random.Random(0), repr=False)

    def set(self, name: str, value: str | float) -> None:
        """Set one fault by its CLI name (``drop-stream-every``) or field name."""
        attr = name.strip().replace("-", "_")
        kinds = {f.name: f.type for f in fields(self) if f.name != "rng"}
        if attr not in kinds:
            known = ", ".join(sorted(FAULT_NAMES))
            raise ValueError(f"unknown fault {name!r}; known faults: {known}")
        if kinds[attr] in ("str", str):
            setattr(self, attr, str(value))
            return
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"fault {name} needs a number, got {value!r}") from None
        if number < 0:
            raise ValueError(f"fault {name} must not be negative")
        setattr(self, attr, int(number) if kinds[attr] in ("int", int) else number)

    def parse(self, spec: str) -> None:
        """``NAME=VALUE``, as given to ``phrony-tui sim --fault``."""
        name, sep, value = spec.partition("=")
        if not sep:
            raise ValueError(f"fault must be NAME=VALUE, got {spec!r}")
        self.set(name, value)

    def clear(self) -> None:
        for f in fields(self):
            if f.name != "rng":
                setattr(self, f.name, f.default)

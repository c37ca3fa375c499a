"""Times as the home screen shows them: how long ago, how long it took, when it started."""

from __future__ import annotations

from datetime import UTC, datetime

_fixed: datetime | None = None


def fix_clock(moment: datetime | None) -> None:
    """Screenshots draw "3m ago" against a fixed now, so two captures are identical."""
    global _fixed
    _fixed = moment


def now() -> datetime:
    return _fixed or datetime.now(UTC)


def parse_time(value: str | datetime | None) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not value or not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def span(seconds: float) -> str:
    """``45s``, ``3m 04s``, ``2h 05m``, ``3d 4h``."""
    try:
        whole = max(0, int(seconds))
    except (ValueError, OverflowError):  # NaN, infinity
        whole = 0
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m {whole % 60:02d}s"
    if whole < 86400:
        return f"{whole // 3600}h {whole % 3600 // 60:02d}m"
    return f"{whole // 86400}d {whole % 86400 // 3600}h"


def ago(value: str | datetime | None, at: datetime | None = None) -> str:
    moment = parse_time(value)
    if moment is None:
        return "—"
    return f"{span(((at or now()) - moment).total_seconds())} ago"


def duration(start: str | None, end: str | None, at: datetime | None = None) -> str:
    began = parse_time(start)
    if began is None:
        return "—"
    ended = parse_time(end) or at or now()
    return span((ended - began).total_seconds())


def stamp(value: str | None) -> str:
    """``11-28 09:30`` in local time; ``—`` when unknown."""
    moment = parse_time(value)
    if moment is None:
        return "—"
    try:
        return moment.astimezone().strftime("%m-%d %H:%M")
    except (ValueError, OverflowError, OSError):
        return "—"

"""Time in one place: store UTC, show Europe/London."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC. Tests freeze time by patching this."""
    return datetime.now(UTC)


def iso_utc(value: datetime) -> str:
    """An aware time as ISO 8601 in UTC ending in `Z`, as log lines carry it."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def to_london(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LONDON)


def format_london(value: datetime | None, fmt: str = "%-d %B %Y at %-I:%M%p") -> str:
    """A date and time as people in England read it, e.g. '3 March 2026 at 9:05am'."""
    local = to_london(value)
    if local is None:
        return ""
    return local.strftime(fmt).replace("AM", "am").replace("PM", "pm")


class UTCDateTime(TypeDecorator):
    """A timestamp stored as UTC and always read back timezone-aware.

    SQLite keeps no zone, PostgreSQL keeps `timestamptz`; this makes both behave the same.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use core.timeutil.utcnow()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

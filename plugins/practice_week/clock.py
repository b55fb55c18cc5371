"""The plugin's one view of the time, so tests freeze it in a single place. Stored in UTC,
shown in London time; deadlines counted in England and Wales working days by core."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from core.toolkit import add_working_days, end_of_day_utc, utcnow

LONDON = ZoneInfo("Europe/London")
FEEDBACK_WORKING_DAYS = 10  # "written feedback within two weeks" (Hillingdon App. B)


def now() -> datetime:
    return utcnow()


def today() -> date:
    return now().astimezone(LONDON).date()


def at_london(day: date, moment: time) -> datetime:
    """A London wall-clock time as aware UTC (how a schedule's times are stored)."""
    return datetime.combine(day, moment, tzinfo=LONDON).astimezone(UTC)


def london(value: datetime) -> datetime:
    return value.astimezone(LONDON)


def feedback_due(observed_on: date) -> datetime:
    """The end of the tenth working day after the observation."""
    return end_of_day_utc(add_working_days(observed_on, FEEDBACK_WORKING_DAYS))

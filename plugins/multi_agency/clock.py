"""Dates as people in England read them: the London calendar day of a UTC moment."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.toolkit import utcnow

LONDON = ZoneInfo("Europe/London")


def london_today() -> date:
    return utcnow().astimezone(LONDON).date()


def london_date(moment: datetime | None) -> date | None:
    return moment.astimezone(LONDON).date() if moment else None

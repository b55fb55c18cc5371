"""The plugin's one view of the time, so tests can freeze it in a single place."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.toolkit import utcnow

LONDON = ZoneInfo("Europe/London")


def now() -> datetime:
    """The current moment, timezone-aware UTC."""
    return utcnow()


def today() -> date:
    """Today's date in London, the calendar cycles and due dates are read on."""
    return now().astimezone(LONDON).date()

"""The plugin's one view of the time and the calendar, so tests freeze it in a single place.

Visits are planned by calendar month. A visit is due by the last working day of its month
(England and Wales bank holidays and weekends skipped, from core's working-day calendar); the
report is due by the end of the month in which the visit took place (Children's Homes
Regulations 2015, reg. 44), i.e. 23:59:59 London time on the month's last calendar day.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.toolkit import end_of_day_utc, is_working_day, utcnow

LONDON = ZoneInfo("Europe/London")


def now() -> datetime:
    """The current moment, timezone-aware UTC."""
    return utcnow()


def today() -> date:
    """Today's date in London."""
    return now().astimezone(LONDON).date()


def month_of(day: date) -> date:
    """The first day of the month `day` falls in (how visits name their month)."""
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    """The first day of the month `n` months after (or before) `month`."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from `earlier`'s month to `later`'s month (negative if before)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def last_day(month: date) -> date:
    return add_months(month, 1) - timedelta(days=1)


def last_working_day(month: date) -> date:
    """The month's last Monday-to-Friday that is not a bank holiday (visits are due by it)."""
    day = last_day(month)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def first_working_day(month: date) -> date:
    day = month_of(month)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def end_of_month_utc(day: date) -> datetime:
    """23:59:59 London time on the last calendar day of `day`'s month, in UTC."""
    return end_of_day_utc(last_day(month_of(day)))


def month_label(month: date) -> str:
    return month.strftime("%B %Y")


def parse_month(text: str | None) -> date | None:
    """A month from 'YYYY-MM' (URLs and job arguments); None if it is not one."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1) if 2000 <= year <= 2100 else None
    except ValueError:
        return None


def month_key(month: date) -> str:
    return month.strftime("%Y-%m")


def to_london_date(moment: datetime) -> date:
    """The London calendar day of an aware moment."""
    return moment.astimezone(LONDON).date()

"""UK working days: the calendar every SLA deadline is counted on.

Working days are Monday to Friday except the England and Wales bank holidays, taken from
`holidays.UK(subdiv="ENG")` with substitute days (26 and 28 December 2026). Without `subdiv`
the package leaves out Easter Monday and the August bank holiday. The package also lists a
holiday that falls on a weekend under its own date, so weekends are skipped separately.

The convention (DOMAIN.md; Haringey "within 5 working days"):
- A deadline set on any day counts from the NEXT working day: set on Friday 19 December 2025,
  5 working days fall on Monday 22, Tuesday 23, Wednesday 24, Monday 29 and Tuesday 30
  December, so it is due on Tuesday 30 December 2025. The day the work arrives never counts,
  whatever the hour, so people are not penalised for something that lands at 5pm.
- A working-day deadline is due at the END of its day, 23:59:59 Europe/London, stored in UTC
  (22:59:59 UTC in summer time, 23:59:59 UTC in winter).
- An hours deadline is plain elapsed time ("a response within 24 hours" means 24 hours, night
  and weekend included), because those clocks are for urgent safety responses.
- Counting backwards (a reminder "1 working day before") gives the end of the working day that
  many working days earlier, i.e. the moment the last N working days begin.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Protocol

import holidays

from core.timeutil import LONDON

END_OF_DAY = time(23, 59, 59)


class Span(Protocol):
    """Anything that says how long: a number of working days or of hours (one of the two)."""

    working_days: int | None
    hours: int | None


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """The England and Wales bank holidays of one year (cached: the package is slow to build)."""
    return frozenset(holidays.UK(subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    """Monday to Friday and not an England and Wales bank holiday."""
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def london_date(moment: date | datetime) -> date:
    """The calendar day in London of a moment (a naive datetime is taken as UTC)."""
    if not isinstance(moment, datetime):
        return moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LONDON).date()


def add_working_days(start: date | datetime, n: int) -> date:
    """The day `n` working days after `start` (which itself never counts).

    `n` = 0 gives `start` if it is a working day, else the next working day ("same day").
    A negative `n` counts backwards. Datetimes are read on the London calendar.
    """
    day = london_date(start)
    if n == 0:
        return day if is_working_day(day) else add_working_days(day, 1)
    step = timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(a: date | datetime, b: date | datetime) -> int:
    """How many working days come after `a` up to and including `b` (negative if b < a).

    The inverse of `add_working_days`: working_days_between(d, add_working_days(d, n)) == n.
    """
    start, end = london_date(a), london_date(b)
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for i in range(1, (end - start).days + 1)
               if is_working_day(start + timedelta(days=i)))


def end_of_day_utc(day: date) -> datetime:
    """23:59:59 on `day` in London, as an aware UTC datetime."""
    return datetime.combine(day, END_OF_DAY, tzinfo=LONDON).astimezone(UTC)


def deadline(start_utc: datetime, rule: Span) -> datetime:
    """When something started at `start_utc` is due under `rule` (see the module docstring)."""
    _check_span(rule)
    if rule.hours is not None:
        return start_utc + timedelta(hours=rule.hours)
    return end_of_day_utc(add_working_days(start_utc, rule.working_days or 0))


def before(moment_utc: datetime, span: Span) -> datetime:
    """The moment `span` before `moment_utc` (for reminders)."""
    _check_span(span)
    if span.hours is not None:
        return moment_utc - timedelta(hours=span.hours)
    if not span.working_days:
        return moment_utc
    return end_of_day_utc(add_working_days(moment_utc, -span.working_days))


def _check_span(span: Span) -> None:
    if (span.hours is None) == (span.working_days is None):
        raise ValueError("give either working_days or hours, not both or neither")

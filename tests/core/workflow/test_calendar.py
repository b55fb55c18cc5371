"""UK working days: England and Wales bank holidays, weekends, end-of-day deadlines in London."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.workflow.calendar import (
    add_working_days,
    bank_holidays,
    deadline,
    is_working_day,
    working_days_between,
)
from core.workflow.machine import Delay


def test_five_working_days_from_friday_19_december_2025_is_tuesday_30_december():
    assert add_working_days(date(2025, 12, 19), 5) == date(2025, 12, 30)


def test_christmas_boxing_day_and_the_weekends_are_skipped():
    days = [add_working_days(date(2025, 12, 19), n) for n in range(1, 6)]
    assert days == [date(2025, 12, 22), date(2025, 12, 23), date(2025, 12, 24),
                    date(2025, 12, 29), date(2025, 12, 30)]


def test_a_deadline_set_on_a_saturday_counts_from_monday():
    assert add_working_days(date(2026, 3, 7), 1) == date(2026, 3, 9)


def test_the_2026_substitute_bank_holiday_on_28_december_is_not_a_working_day():
    assert date(2026, 12, 28) in bank_holidays(2026)
    assert not is_working_day(date(2026, 12, 28))
    # Thursday 24 December 2026 + 1 working day: 25th, 26-27th weekend, 28th substitute day.
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)


def test_easter_monday_and_the_august_bank_holiday_are_not_working_days_in_england():
    assert not is_working_day(date(2026, 4, 6))  # Easter Monday
    assert not is_working_day(date(2026, 8, 31))  # late summer bank holiday
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)  # Good Friday too


def test_a_scottish_only_holiday_is_a_working_day():
    assert is_working_day(date(2026, 1, 2))  # 2 January is a bank holiday in Scotland only


def test_a_bank_holiday_on_a_weekend_does_not_make_the_weekend_count():
    assert date(2026, 12, 26) in bank_holidays(2026)  # Boxing Day 2026 is a Saturday
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 31)) == 3


def test_working_days_between_undoes_add_working_days():
    start = date(2025, 12, 19)
    for n in (0, 1, 5, 20):
        assert working_days_between(start, add_working_days(start, n)) == n
    assert working_days_between(date(2025, 12, 30), date(2025, 12, 19)) == -5


def test_counting_backwards_skips_holidays_too():
    assert add_working_days(date(2025, 12, 30), -5) == date(2025, 12, 19)


def test_a_working_day_deadline_is_due_at_one_second_to_midnight_london_time_in_winter():
    due = deadline(datetime(2025, 12, 19, 15, 0, tzinfo=UTC), Delay(working_days=5))
    assert due == datetime(2025, 12, 30, 23, 59, 59, tzinfo=UTC)


def test_the_deadline_moves_with_the_clocks_when_summer_time_starts():
    # Friday 27 March 2026 is GMT; Monday 30 March is BST (clocks went forward on the 29th).
    due = deadline(datetime(2026, 3, 27, 10, 0, tzinfo=UTC), Delay(working_days=1))
    assert due == datetime(2026, 3, 30, 22, 59, 59, tzinfo=UTC)


def test_the_deadline_moves_back_when_summer_time_ends():
    # Friday 23 October 2026 is BST; Monday 26 October is GMT again.
    due = deadline(datetime(2026, 10, 23, 10, 0, tzinfo=UTC), Delay(working_days=1))
    assert due == datetime(2026, 10, 26, 23, 59, 59, tzinfo=UTC)


def test_the_start_day_is_read_on_the_london_calendar():
    # 23:30 UTC on Friday 5 June 2026 is already Saturday in London, so Monday is not day 1.
    due = deadline(datetime(2026, 6, 5, 23, 30, tzinfo=UTC), Delay(working_days=1))
    assert due == datetime(2026, 6, 8, 22, 59, 59, tzinfo=UTC)


def test_an_hours_deadline_is_plain_elapsed_time_across_a_weekend():
    start = datetime(2026, 3, 6, 16, 0, tzinfo=UTC)  # Friday afternoon
    assert deadline(start, Delay(hours=24)) == datetime(2026, 3, 7, 16, 0, tzinfo=UTC)


def test_a_rule_must_say_working_days_or_hours_but_not_both():
    with pytest.raises(ValueError, match="either working_days or hours"):
        deadline(datetime(2026, 3, 6, tzinfo=UTC), Delay(working_days=1, hours=2))


def test_holiday_sets_are_cached_per_year():
    assert bank_holidays(2027) is bank_holidays(2027)

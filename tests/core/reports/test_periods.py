"""Named periods follow the financial year; a period's bounds are London midnights."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.reports.periods import period_bounds
from core.reports.sections import ReportContext


@pytest.mark.parametrize(("kind", "day", "expected"), [
    ("monthly", date(2025, 2, 14), (date(2025, 2, 1), date(2025, 2, 28))),
    ("quarterly", date(2025, 5, 20), (date(2025, 4, 1), date(2025, 6, 30))),
    ("quarterly", date(2026, 2, 1), (date(2026, 1, 1), date(2026, 3, 31))),
    ("annual", date(2026, 3, 31), (date(2025, 4, 1), date(2026, 3, 31))),
    ("annual", date(2025, 4, 1), (date(2025, 4, 1), date(2026, 3, 31))),
])
def test_named_periods_contain_the_day_given(kind, day, expected):
    assert period_bounds(kind, day) == expected


def test_custom_periods_need_an_end():
    assert period_bounds("custom", date(2025, 1, 3), date(2025, 2, 9)) == (
        date(2025, 1, 3), date(2025, 2, 9))
    with pytest.raises(ValueError):
        period_bounds("custom", date(2025, 1, 3))


def test_a_summer_period_starts_and_ends_at_midnight_in_london():
    context = ReportContext(object(), date(2025, 6, 1), date(2025, 6, 30), "monthly")

    assert context.starts_at == datetime(2025, 5, 31, 23, 0, tzinfo=UTC)
    assert context.ends_before == datetime(2025, 6, 30, 23, 0, tzinfo=UTC)


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        ReportContext(object(), date(2025, 6, 2), date(2025, 6, 1))

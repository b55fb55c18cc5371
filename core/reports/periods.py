"""Named report periods on the financial year that councils and partnerships report on.

Quarters and years start in April (Q1 is April to June; the 2025 to 2026 year runs from
1 April 2025 to 31 March 2026), as local government and partnership boards report.
"""

from __future__ import annotations

from datetime import date, timedelta


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _quarter(day: date) -> tuple[date, date]:
    offset = (day.month - 4) % 3  # months since the quarter began (quarters start Apr, Jul...)
    month = day.month - offset
    start = date(day.year, month, 1)
    return start, _month_end(start + timedelta(days=62))  # 62 days on is in the third month


def _financial_year(day: date) -> tuple[date, date]:
    first = day.year if day.month >= 4 else day.year - 1
    return date(first, 4, 1), date(first + 1, 3, 31)


def period_bounds(kind: str, day: date, end: date | None = None) -> tuple[date, date]:
    """The first and last day of the `kind` period that contains `day`.

    For "custom", `day` is the start and `end` the last day, as given.
    """
    if kind == "monthly":
        return day.replace(day=1), _month_end(day)
    if kind == "quarterly":
        return _quarter(day)
    if kind == "annual":
        return _financial_year(day)
    if kind == "custom":
        if end is None:
            raise ValueError("a custom period needs an end date")
        return day, end
    raise ValueError(f"unknown period kind '{kind}'")

"""What a report is made of: the context it is built for and the sections plugins return.

Plugins answer `qa_report_sections(context)` with `ReportSection`s: data only (figures, an
optional bar chart, narrative text and findings). Core renders every section the same way, on
screen, in PDF, XLSX and CSV, with autoescaping; a plugin never supplies markup. A chart is
always shown with a table of the same numbers, so nobody depends on seeing the bars.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from numbers import Real
from typing import Any

from sqlalchemy import and_, false

from core.timeutil import LONDON

PERIOD_KINDS: dict[str, str] = {
    "monthly": "Monthly",
    "quarterly": "Quarterly",
    "annual": "Annual",
    "custom": "Custom dates",
}


@dataclass(frozen=True)
class ReportContext:
    """Who a report is for and what it covers: passed to every `qa_report_sections` call.

    `partnership` is always set; `agency` narrows the report to one agency's work in that
    partnership and `team` to one team of that agency. `start` and `end` are London dates, both
    included. `user` is the person the report is built for: count only what they may see.
    """

    partnership: Any
    start: date
    end: date
    period: str = "custom"
    agency: Any = None
    team: Any = None
    user: Any = None

    def __post_init__(self) -> None:
        if self.period not in PERIOD_KINDS:
            raise ValueError(f"period must be one of {', '.join(PERIOD_KINDS)}")
        if self.end < self.start:
            raise ValueError("a report period cannot end before it starts")

    @property
    def starts_at(self) -> datetime:
        """The first moment of the period (midnight in London), as an aware datetime."""
        return datetime.combine(self.start, time(), LONDON)

    @property
    def ends_before(self) -> datetime:
        """The first moment after the period (midnight in London after `end`)."""
        return datetime.combine(self.end + timedelta(days=1), time(), LONDON)

    def during(self, column: Any) -> Any:
        """SQL: `column` (a UTC timestamp) falls inside the period."""
        return and_(column >= self.starts_at, column < self.ends_before)

    def placed(self, partnership_id: Any, agency_id: Any = None, team_id: Any = None) -> Any:
        """SQL: a row whose partnership, agency and team columns put it inside the report.

        Data without an agency (or team) column cannot be placed in one agency's (or team's)
        report, so there it matches nothing rather than the whole partnership.
        """
        clauses = [partnership_id == self.partnership.id]
        if self.agency is not None:
            clauses.append(false() if agency_id is None else agency_id == self.agency.id)
        if self.team is not None:
            clauses.append(false() if team_id is None else team_id == self.team.id)
        return and_(*clauses)

    @property
    def scope_label(self) -> str:
        """e.g. 'Northbrook' or 'Northbrook Council, Assessment (Northbrook)'."""
        if self.team is not None:
            return f"{self.agency.name}, {self.team.name} ({self.partnership.name})"
        if self.agency is not None:
            return f"{self.agency.name} ({self.partnership.name})"
        return self.partnership.name

    @property
    def period_label(self) -> str:
        """e.g. '1 April 2025 to 30 June 2025'."""
        return f"{_long(self.start)} to {_long(self.end)}"


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class ReportFigure:
    """One headline number, e.g. ReportFigure("Completion", 76.5, target=80, unit="%").

    `value` may be None when there is nothing to count (shown as "No data").
    """

    label: str
    value: int | float | str | None
    target: int | float | None = None
    unit: str = ""

    @property
    def met(self) -> bool | None:
        """Whether a numeric value reaches its target (None when there is no comparison)."""
        if self.target is None or not isinstance(self.value, Real):
            return None
        return self.value >= self.target


@dataclass(frozen=True)
class ChartSeries:
    """One set of bars: a value for each of the chart's categories, in the same order."""

    label: str
    values: tuple[float, ...]

    def __post_init__(self) -> None:
        values = tuple(self.values)
        for value in values:
            if not isinstance(value, Real) or isinstance(value, bool) or value < 0:
                raise ValueError(f"chart series '{self.label}': values must be numbers >= 0")
        object.__setattr__(self, "values", values)


@dataclass(frozen=True)
class ReportChart:
    """A bar chart (or a stacked bar chart), drawn by core as SVG beside a table of its numbers.

    `categories` are the bars' labels (one row each in the table); each `ChartSeries` gives a
    value per category (one column each). `stacked` puts the series of a category end to end.
    `description` is read out by screen readers; core writes one when it is empty.
    """

    title: str
    categories: tuple[str, ...]
    series: tuple[ChartSeries, ...]
    stacked: bool = False
    unit: str = ""
    description: str = ""
    category_label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "categories", tuple(self.categories))
        object.__setattr__(self, "series", tuple(self.series))
        if not self.series:
            raise ValueError(f"chart '{self.title}' needs at least one series")
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(f"chart '{self.title}': series '{series.label}' has "
                                 f"{len(series.values)} values for "
                                 f"{len(self.categories)} categories")


@dataclass(frozen=True)
class ReportFinding:
    """Something the activity found, under a theme ("Management oversight", "Voice of the
    child"...). Core's themes section groups findings from every section by theme."""

    theme: str
    text: str


@dataclass(frozen=True)
class ReportSection:
    """A plugin's part of a report. `key` starts with the plugin key and a dot; `order` places
    the section among the same plugin's sections (each plugin's sections stay together)."""

    key: str
    title: str
    figures: tuple[ReportFigure, ...] = ()
    chart: ReportChart | None = None
    narrative: str = ""
    findings: tuple[ReportFinding, ...] = ()
    order: int = 100

    def __post_init__(self) -> None:
        object.__setattr__(self, "figures", tuple(self.figures))
        object.__setattr__(self, "findings", tuple(self.findings))

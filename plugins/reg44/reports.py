"""Figures for reports: visits due and done, late reports, recommendations, children's views,
providers. Quarterly, they go to the corporate parenting board (West Sussex QA table).

Every function takes the visits already chosen (scoped to what the reader may see and to the
period), so the report page and core's report sections count the same things. Counts only:
children's views are counted by theme, never quoted, so the figures are coded aggregates.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from core.toolkit import db, get_tool
from plugins.reg44 import clock
from plugins.reg44.models import Home, Recommendation, Visit
from plugins.reg44.settings import child_view_themes
from plugins.reg44.status import reported_late

CELL_LABELS = {"done": "Done", "late": "Done late", "overdue": "Overdue", "planned": "Planned",
               "cancelled": "Cancelled", "none": "Not planned"}


def months_of(start: date, end: date) -> list[date]:
    first, last = clock.month_of(start), clock.month_of(end)
    return [clock.add_months(first, i) for i in range(clock.months_between(first, last) + 1)]


def visits_between(query: Select, start: date, end: date) -> list[Visit]:
    """The visits `query` selects whose month falls in [start, end]."""
    query = query.where(Visit.month >= clock.month_of(start), Visit.month <= clock.month_of(end))
    return list(db.session.scalars(query.options(
        selectinload(Visit.home), selectinload(Visit.children),
        selectinload(Visit.recommendations)).order_by(Visit.month, Visit.id)))


def cell(visit: Visit | None) -> str:
    if visit is None:
        return "none"
    if visit.state == "cancelled":
        return "cancelled"
    if visit.visited_on is not None:
        return "late" if visit.visited_on > visit.due_on else "done"
    return "overdue" if clock.today() > visit.due_on else "planned"


@dataclass
class HomeRow:
    home: Home
    cells: list[str]


def due_vs_done(visits: list[Visit], months: list[date]) -> list[HomeRow]:
    """One row per home with a visit in the period; one cell per month."""
    by_home: dict[int, dict[date, Visit]] = {}
    homes: dict[int, Home] = {}
    for visit in visits:
        by_home.setdefault(visit.home_id, {})[visit.month] = visit
        homes[visit.home_id] = visit.home
    return [HomeRow(homes[h], [cell(by_home[h].get(m)) for m in months])
            for h in sorted(homes, key=lambda h: homes[h].name)]


@dataclass
class VisitTotals:
    planned: int = 0
    done: int = 0
    on_time: int = 0
    overdue: int = 0
    cancelled: int = 0
    reports_late: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.done, 1) if self.done else None


def visit_totals(visits: list[Visit]) -> VisitTotals:
    totals = VisitTotals()
    for visit in visits:
        state = cell(visit)
        totals.cancelled += state == "cancelled"
        totals.planned += state != "cancelled"
        totals.done += state in ("done", "late")
        totals.on_time += state == "done"
        totals.overdue += state == "overdue"
        totals.reports_late += bool(overdue_reports([visit]))
    return totals


def overdue_reports(visits: list[Visit]) -> list[Visit]:
    """Reports finished after the end of the visit's month, or still not finished after it."""
    now = clock.now()
    return [v for v in visits if v.report_due_at is not None and (
        reported_late(v) or (v.finalised_at is None and v.state != "cancelled"
                             and now > v.report_due_at))]


def recommendations(visits: list[Visit], titles: dict[str, str]) -> list[tuple[str, int, int]]:
    """(standard, open, closed) for recommendations made in the period, most first."""
    counts: dict[str, Counter] = {}
    for visit in visits:
        if visit.state not in ("finalised", "distributed"):
            continue
        for rec in visit.recommendations:
            counts.setdefault(rec.standard, Counter())[rec.status] += 1
    rows = [(titles.get(k, k), c["open"], c["closed"]) for k, c in counts.items()]
    return sorted(rows, key=lambda r: (-(r[1] + r[2]), r[0]))


def children_views(visits: list[Visit]) -> tuple[list[tuple[str, int]], int, int]:
    """(theme, children who raised it) most first; children spoken to; those who consented."""
    themes, counted, spoken, consented = child_view_themes(), Counter(), 0, 0
    for visit in visits:
        for child in visit.children:
            spoken += 1
            if child.consent:
                consented += 1
                counted.update(set(child.themes or []))
    rows = [(themes.get(k, k), n) for k, n in counted.most_common()]
    return rows, spoken, consented


@dataclass
class ProviderRow:
    provider: str
    homes: int
    visits_done: int
    reports_late: int
    open_recommendations: int
    not_safeguarded: int
    inadequate_homes: int


def providers(visits: list[Visit]) -> list[ProviderRow]:
    grouped: dict[str, list[Visit]] = {}
    for visit in visits:
        grouped.setdefault(visit.home.provider, []).append(visit)
    return [_provider_row(name, rows) for name, rows in sorted(grouped.items())]


def _provider_row(name: str, visits: list[Visit]) -> ProviderRow:
    homes = {v.home_id: v.home for v in visits}
    open_recs = db.session.scalar(
        select(db.func.count(Recommendation.id))
        .join(Visit, Recommendation.visit_id == Visit.id)
        .where(Recommendation.home_id.in_(list(homes)), Recommendation.status == "open",
               Visit.state.in_(("finalised", "distributed")))) or 0
    return ProviderRow(
        provider=name, homes=len(homes),
        visits_done=sum(1 for v in visits if v.visited_on is not None),
        reports_late=len(overdue_reports(visits)), open_recommendations=open_recs,
        not_safeguarded=sum(1 for v in visits if v.safeguarded == "no"),
        inadequate_homes=sum(1 for h in homes.values() if h.ofsted_judgement == "inadequate"))


def build(query: Select, start: date, end: date, titles: dict[str, str]) -> dict[str, Any]:
    """Everything the report page shows for the visits `query` selects in the period."""
    visits = visits_between(query, start, end)
    months = months_of(start, end)
    views, spoken, consented = children_views(visits)
    return {"months": months, "rows": due_vs_done(visits, months),
            "totals": visit_totals(visits), "late": overdue_reports(visits),
            "recommendations": recommendations(visits, titles), "views": views,
            "spoken": spoken, "consented": consented, "providers": providers(visits),
            "cell_labels": CELL_LABELS}


def standard_titles() -> dict[str, str]:
    """Standard code -> title, from the latest published visit tool."""
    from plugins.reg44.schedule import TOOL_KEY
    from plugins.reg44.visits import OTHER_STANDARD

    tool = get_tool(TOOL_KEY)
    return {**{d.code: d.title for d in tool.domains}, OTHER_STANDARD: "Other"}

"""Completion against allocation: of the cases allocated to auditors in the period, how many
were finished by the end of it, per activity, against the partnership's target (default 80%).

An allocation is a `CaseAssignment` opened in the period; it is complete once closed. The case
says where it counts (partnership, agency, team).
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import and_, case, func, select

from core.cases.models import Case, CaseAssignment
from core.extensions import db
from core.reports.models import settings_for
from core.reports.sections import (
    ChartSeries,
    ReportChart,
    ReportContext,
    ReportFigure,
    ReportFinding,
    ReportSection,
)


def _counts(context: ReportContext) -> list[tuple[str, int, int]]:
    """(activity, allocated, completed) for allocations opened in the period."""
    done = case((and_(CaseAssignment.closed_at.is_not(None),
                      CaseAssignment.closed_at < context.ends_before), 1), else_=0)
    query = (
        select(CaseAssignment.activity, func.count(), func.coalesce(func.sum(done), 0))
        .join(Case, Case.id == CaseAssignment.case_id)
        .where(context.placed(Case.partnership_id, Case.agency_id, Case.team_id),
               context.during(CaseAssignment.opened_at))
        .group_by(CaseAssignment.activity).order_by(CaseAssignment.activity)
    )
    return [(activity, int(n), int(m)) for activity, n, m in db.session.execute(query)]


def activity_name(key: str) -> str:
    """A plugin's name for its key ('core' work is 'Other allocations')."""
    if key == "core":
        return "Other allocations"
    plugins = current_app.extensions["plugins"].loaded
    return next((p.info.name for p in plugins if p.key == key), key)


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def completion_section(context: ReportContext) -> ReportSection:
    rows = _counts(context)
    target = settings_for(context.partnership.id).completion_target
    allocated = sum(n for _, n, _ in rows)
    completed = sum(m for _, _, m in rows)
    rate = percent(completed, allocated)
    return ReportSection(
        key="core.completion", title="Completion against allocation", order=10,
        figures=(ReportFigure("Cases allocated", allocated),
                 ReportFigure("Audits completed", completed),
                 ReportFigure("Completion", rate, target=target, unit="%")),
        chart=_chart(rows) if rows else None,
        narrative=_narrative(context, allocated, completed, rate, target),
        findings=_findings(rate, target),
    )


def _chart(rows: list[tuple[str, int, int]]) -> ReportChart:
    return ReportChart(
        "Allocations completed and outstanding, by activity",
        categories=tuple(activity_name(a) for a, _, _ in rows),
        series=(ChartSeries("Completed", tuple(m for _, _, m in rows)),
                ChartSeries("Not completed", tuple(n - m for _, n, m in rows))),
        stacked=True, category_label="Activity",
    )


def _narrative(context: ReportContext, allocated: int, completed: int, rate: float | None,
               target: int) -> str:
    if not allocated:
        return f"No cases were allocated for audit from {context.period_label}."
    verdict = "meets" if rate is not None and rate >= target else "is below"
    return (f"{completed} of the {allocated} cases allocated from {context.period_label} were "
            f"completed by the end of the period ({rate}%), which {verdict} the target of "
            f"{target}%.")


def _findings(rate: float | None, target: int) -> tuple[ReportFinding, ...]:
    if rate is None or rate >= target:
        return ()
    return (ReportFinding("Audit completion",
                          f"Completion was {rate}%, below the target of {target}%."),)

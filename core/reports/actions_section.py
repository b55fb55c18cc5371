"""Actions opened, signed off and overdue in the period, from the central action tracker.

Only actions the report's reader may see count (`core.actions.queries.visible_ids`). An action
counts as overdue at the end of the period (or today, for a period still running) when it was
due before then and had not been completed by then; cancelled actions never count.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, func, or_, select

from core.actions import settings as action_settings
from core.actions import status as st
from core.actions.models import Action
from core.actions.queries import visible_ids
from core.extensions import db
from core.reports.sections import (
    ChartSeries,
    ReportChart,
    ReportContext,
    ReportFigure,
    ReportFinding,
    ReportSection,
)
from core.timeutil import LONDON

LABELS = ("Opened", "Signed off", "Overdue")


def _cutoff(context: ReportContext) -> date:
    """The day after the last day counted: the end of the period, or today if sooner."""
    return min(context.end + timedelta(days=1), action_settings.today())


def _counts(context: ReportContext) -> tuple[int, int, int]:
    cutoff = _cutoff(context)
    cutoff_at = datetime.combine(cutoff, time(), LONDON)
    overdue = and_(Action.status != st.CANCELLED, Action.due_date < cutoff,
                   Action.created_at < cutoff_at,
                   or_(Action.completed_at.is_(None), Action.completed_at >= cutoff_at))
    query = select(
        func.coalesce(func.sum(case((context.during(Action.created_at), 1), else_=0)), 0),
        func.coalesce(func.sum(case((context.during(Action.signed_off_at), 1), else_=0)), 0),
        func.coalesce(func.sum(case((overdue, 1), else_=0)), 0),
    ).where(context.placed(Action.partnership_id, Action.owner_agency_id, Action.owner_team_id))
    if context.user is not None:
        query = query.where(Action.id.in_(visible_ids(context.user)))
    opened, closed, late = db.session.execute(query).one()
    return int(opened), int(closed), int(late)


def actions_section(context: ReportContext) -> ReportSection:
    opened, closed, late = _counts(context)
    values = (opened, closed, late)
    return ReportSection(
        key="core.actions", title="Actions", order=40,
        figures=tuple(ReportFigure(label, value) for label, value in zip(LABELS, values,
                                                                          strict=True)),
        chart=ReportChart("Actions in the period", categories=LABELS,
                          series=(ChartSeries("Actions", values),), category_label="Actions")
        if any(values) else None,
        narrative=(f"{opened} actions were opened and {closed} were signed off from "
                   f"{context.period_label}; {late} were overdue at the end of the period."),
        findings=(ReportFinding("Actions", f"{late} actions were overdue at the end of the "
                                           "period."),) if late else (),
    )

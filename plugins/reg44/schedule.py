"""The visit schedule: which homes are due a visit in a month, and the visits that plan it.

A home is due a visit in a month when its last planned visit (not cancelled) is at least its
frequency in months earlier, or it has none: every month for a monthly home, once a year for an
annual one. Each planned visit is due by the last working day of its month (bank holidays and
weekends skipped) and gets the independent person currently assigned to the home; its workflow
starts at once, so the visitor is reminded and the lateness escalated by core's SLA sweep.

Generation is idempotent (one visit per home and month, enforced by a unique constraint too):
the scheduled job runs on the first of each month for that month and the next, and anyone who
plans visits may run it again for a month at any time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select

from core.toolkit import Partnership, db, get_tool, job_progress, start_workflow
from plugins.reg44 import clock
from plugins.reg44.models import Home, Visit
from plugins.reg44.vocab import FREQUENCIES
from plugins.reg44.workflow import KEY, SUBJECT

TOOL_KEY = "reg44.visit_report"


@dataclass
class ScheduleResult:
    """What one run planned, per month ("2026-03") and in total."""

    planned: dict[str, int] = field(default_factory=dict)
    not_due: int = 0
    already: int = 0

    @property
    def total(self) -> int:
        return sum(self.planned.values())


def last_planned_month(home: Home, before: date) -> date | None:
    return db.session.scalar(select(func.max(Visit.month)).where(
        Visit.home_id == home.id, Visit.month < before, Visit.state != "cancelled"))


def is_due(home: Home, month: date) -> bool:
    """Whether the home needs a visit planned in `month` under its frequency."""
    last = last_planned_month(home, month)
    return last is None or clock.months_between(last, month) >= FREQUENCIES[home.frequency][1]


def visit_for(home: Home, month: date) -> Visit | None:
    return db.session.scalar(select(Visit).where(Visit.home_id == home.id, Visit.month == month))


def plan_visit(home: Home, month: date, by: Any = None) -> Visit:
    """Create the month's visit for the home and start its workflow (does not commit)."""
    tool = get_tool(TOOL_KEY)
    current = home.current_assignment()
    visit = Visit(
        reference=f"{home.partnership.code_prefix}-R44-{home.id}-{clock.month_key(month)}",
        home=home, partnership_id=home.partnership_id, agency_id=home.agency_id, month=month,
        due_on=clock.last_working_day(month), visitor_id=current.visitor_id if current else None,
        state="scheduled", tool_key=tool.key, tool_version=tool.version, answers={},
        spoken_to=[], created_at=clock.now())
    db.session.add(visit)
    db.session.flush()
    start_workflow(KEY, SUBJECT, visit.id, home.partnership_id, home.agency_id, home.team_id,
                   by=by)
    return visit


def homes_in(partnership_ids: Iterable[int] | None) -> list[Home]:
    query = select(Home).where(Home.active.is_(True)).order_by(Home.partnership_id, Home.name)
    if partnership_ids is not None:
        query = query.where(Home.partnership_id.in_(list(partnership_ids)))
    return list(db.session.scalars(query))


def generate(months: list[date], partnership_ids: Iterable[int] | None = None,
             by: Any = None) -> ScheduleResult:
    """Plan every due visit in each month, in order (so an annual home planned in the first
    month is not due again in the second)."""
    result = ScheduleResult()
    homes = homes_in(partnership_ids)
    for month in months:
        planned = 0
        for home in homes:
            if visit_for(home, month) is not None:
                result.already += 1
            elif clock.month_of(clock.to_london_date(home.created_at)) > month:
                continue
            elif is_due(home, month):
                plan_visit(home, month, by)
                planned += 1
            else:
                result.not_due += 1
        result.planned[clock.month_key(month)] = planned
    return result


def generate_schedule(month: str | None = None, for_partnership: int | None = None) -> dict:
    """The job: plan `month` ('YYYY-MM'), or this month and the next when none is given, for
    one partnership or (the monthly schedule) every partnership."""
    start = clock.parse_month(month) if month else clock.month_of(clock.today())
    if start is None:
        raise ValueError("month must be given as YYYY-MM")
    months = [start] if month else [start, clock.add_months(start, 1)]
    partnerships = None if for_partnership is None else [for_partnership]
    if for_partnership is not None and db.session.get(Partnership, for_partnership) is None:
        raise ValueError("no such partnership")
    result = generate(months, partnerships)
    job_progress(100, f"/reg44/schedule?month={clock.month_key(start)}")
    return {"planned": result.planned, "already": result.already, "not_due": result.not_due}

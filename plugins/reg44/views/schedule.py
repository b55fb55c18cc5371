"""The start page and the monthly schedule: what is planned, due, overdue and done."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from sqlalchemy.orm import selectinload

from core.toolkit import (
    db,
    enqueue,
    permission_required,
    visible_partnerships,
)
from plugins.reg44 import clock
from plugins.reg44.access import visible_visits
from plugins.reg44.models import Visit
from plugins.reg44.permissions import MANAGE, VIEW
from plugins.reg44.status import flags
from plugins.reg44.views import bp

OPEN = ("scheduled", "drafting", "finalised")


@bp.get("/")
@permission_required(VIEW)
def index():
    """Open visits the person can see, soonest due first, with their flags."""
    visits = db.session.scalars(
        visible_visits().where(Visit.state.in_(OPEN)).options(selectinload(Visit.home))
        .order_by(Visit.due_on, Visit.reference)).all()
    return render_template("reg44/index.html", visits=[(v, flags(v)) for v in visits])


@bp.get("/schedule")
@permission_required(VIEW)
def schedule():
    month = clock.parse_month(request.args.get("month")) or clock.month_of(clock.today())
    visits = db.session.scalars(
        visible_visits().where(Visit.month == month).options(selectinload(Visit.home))
        .order_by(Visit.reference)).all()
    partnerships = db.session.scalars(visible_partnerships(MANAGE)).all()
    return render_template(
        "reg44/schedule.html", month=month, visits=[(v, flags(v)) for v in visits],
        previous=clock.month_key(clock.add_months(month, -1)),
        following=clock.month_key(clock.add_months(month, 1)),
        month_value=clock.month_key(month), partnerships=partnerships, errors={},
        partnership_options=_options(partnerships))


def _options(partnerships: list) -> list[tuple[str, str]]:
    return [("", "Select a partnership"), *((str(p.id), p.name) for p in partnerships)]


@bp.post("/schedule")
@permission_required(MANAGE)
def generate():
    """Plan the month's visits in a background job; its page links back to the schedule."""
    month = clock.parse_month(request.form.get("month"))
    partnerships = {str(p.id): p for p in db.session.scalars(visible_partnerships(MANAGE))}
    chosen = partnerships.get(request.form.get("partnership", "")) \
        or (next(iter(partnerships.values())) if len(partnerships) == 1 else None)
    errors = {}
    if month is None:
        errors["month"] = "Enter the month as YYYY-MM, like 2026-03"
    if chosen is None:
        errors["partnership"] = "Select the partnership"
    if errors:
        shown = month or clock.month_of(clock.today())
        return render_template(
            "reg44/schedule.html", month=shown, visits=[], errors=errors,
            previous=clock.month_key(clock.add_months(shown, -1)),
            following=clock.month_key(clock.add_months(shown, 1)),
            month_value=request.form.get("month", ""), partnerships=list(partnerships.values()),
            partnership_options=_options(list(partnerships.values())),
        ), 400
    record = enqueue("reg44.generate_schedule", partnership_id=chosen.id,
                     for_partnership=chosen.id, month=clock.month_key(month))
    db.session.commit()
    return redirect(url_for("jobs.show", job_id=record.id))

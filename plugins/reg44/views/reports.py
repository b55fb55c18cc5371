"""The Regulation 44 report page: a range of months, or a quarter for the corporate parenting
board, for one partnership the reader reaches."""

from __future__ import annotations

from datetime import date

from flask import render_template, request

from core.toolkit import db, permission_required, scoped, visible_partnerships
from plugins.reg44 import clock, reports
from plugins.reg44.models import Visit
from plugins.reg44.permissions import REPORTS
from plugins.reg44.views import bp


def quarter_of(month: date) -> tuple[date, date]:
    first = date(month.year, 3 * ((month.month - 1) // 3) + 1, 1)
    return first, clock.add_months(first, 2)


def _period() -> tuple[date, date, dict[str, str]]:
    errors = {}
    this_quarter = quarter_of(clock.month_of(clock.today()))
    start = clock.parse_month(request.args.get("from")) if request.args.get("from") \
        else this_quarter[0]
    end = clock.parse_month(request.args.get("to")) if request.args.get("to") \
        else this_quarter[1]
    if start is None:
        errors["from"] = "Enter the first month as YYYY-MM, like 2026-01"
    if end is None:
        errors["to"] = "Enter the last month as YYYY-MM, like 2026-03"
    if start and end and (end < start or clock.months_between(start, end) > 23):
        errors["to"] = "The last month must be within two years after the first"
    if errors:
        return this_quarter[0], this_quarter[1], errors
    return start, end, errors


@bp.get("/reports")
@permission_required(REPORTS)
def reports_page():
    start, end, errors = _period()
    partnerships = db.session.scalars(visible_partnerships(REPORTS)).all()
    chosen = next((p for p in partnerships if str(p.id) == request.args.get("partnership")),
                  partnerships[0] if partnerships else None)
    query = scoped(Visit, REPORTS)
    if chosen is not None:
        query = query.where(Visit.partnership_id == chosen.id)
    data = reports.build(query, start, end, reports.standard_titles())
    last_quarter = quarter_of(clock.add_months(quarter_of(clock.month_of(clock.today()))[0], -1))
    return render_template(
        "reg44/reports.html", errors=errors, start=start, end=end, partnerships=partnerships,
        chosen=chosen, partnerships_options=[(str(p.id), p.name) for p in partnerships],
        last_quarter=[clock.month_key(m) for m in last_quarter],
        start_key=clock.month_key(start), end_key=clock.month_key(end), **data)

"""Report pages: choose a report and a period, read the report, set a partnership's targets.

A report is always for a place the person may see (`scope.place_for`); any other partnership,
agency or team is a 404. Choosing uses GET (nothing changes), so a report has a plain address
that can be bookmarked: /reports/<partnership>?agency=&team=&period=&start=&end=.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from core.extensions import db
from core.identity.access import permission_required, reach
from core.identity.models import Partnership
from core.reports import charts
from core.reports.compose import build_report
from core.reports.forms import ReportChoiceForm, ReportSettingsForm
from core.reports.models import ReportSetting, settings_for
from core.reports.periods import period_bounds
from core.reports.scope import MANAGE, VIEW, parse_place_value, place_for, places
from core.reports.sections import PERIOD_KINDS, ReportContext
from core.timeutil import to_london, utcnow
from core.tools.models import GRADE_STAGES

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _today() -> date:
    return to_london(utcnow()).date()


@bp.get("/")
@permission_required(VIEW)
def index():
    choices = places(current_user)
    submitted = "place" in request.args
    form = ReportChoiceForm(formdata=request.args if submitted else None,
                            data=None if submitted else {"period": "quarterly"})
    form.place.choices = [("", "Select a report"), *((p.value, p.label) for p in choices)]
    if submitted and _valid_choice(form, {p.value for p in choices}):
        return redirect(_report_url(form))
    return render_template("reports/index.html", form=form, found=bool(choices),
                           managed=_managed_partnerships())


def _valid_choice(form: ReportChoiceForm, allowed: set[str]) -> bool:
    ok = form.validate()
    if form.place.data not in allowed:
        form.place.errors = [*form.place.errors, "Select the report you want from the list"]
        ok = False
    return ok


def _report_url(form: ReportChoiceForm) -> str:
    partnership_id, agency_id, team_id = parse_place_value(form.place.data)
    start, end = period_bounds(form.period.data, form.start.data, form.end.data)
    args = {"agency": agency_id, "team": team_id}
    return url_for("reports.show", partnership_id=partnership_id, period=form.period.data,
                   start=start.isoformat(), end=end.isoformat(),
                   **{k: v for k, v in args.items() if v is not None})


def _managed_partnerships() -> list[Partnership]:
    where = reach(current_user, MANAGE)
    if where.none:
        return []
    query = db.select(Partnership).order_by(Partnership.name)
    if not where.everything:
        query = query.where(Partnership.id.in_(where.partnership_ids))
    return list(db.session.scalars(query))


def period_from(args) -> tuple[str, date, date]:
    """The period in a report's address; the current quarter when none is given."""
    kind = args.get("period", "")
    if not kind and not args.get("start"):
        start, end = period_bounds("quarterly", _today())
        return "quarterly", start, end
    try:
        start, end = date.fromisoformat(args["start"]), date.fromisoformat(args["end"])
    except (KeyError, ValueError):
        abort(400)
    if kind not in PERIOD_KINDS or end < start:
        abort(400)
    return kind, start, end


def context_for(partnership_id: int, args) -> tuple[ReportContext, object]:
    """The report context the address asks for, or 404 if the person may not see it."""
    place = place_for(current_user, partnership_id, args.get("agency", type=int),
                      args.get("team", type=int))
    if place is None:
        abort(404)
    kind, start, end = period_from(args)
    context = ReportContext(place.partnership, start, end, kind, place.agency, place.team,
                            current_user._get_current_object())
    return context, place


@bp.get("/<int:partnership_id>")
@permission_required(VIEW)
def show(partnership_id: int):
    context, place = context_for(partnership_id, request.args)
    report = build_report(context)
    return render_template("reports/show.html", report=report, place=place,
                           period_kinds=PERIOD_KINDS, charts=charts)


@bp.route("/settings/<int:partnership_id>", methods=["GET", "POST"])
@permission_required(MANAGE)
def settings(partnership_id: int):
    partnership = db.get_or_404(Partnership, partnership_id)
    if partnership not in _managed_partnerships():
        abort(404)
    row = settings_for(partnership.id)
    form = ReportSettingsForm(data=None if request.method == "POST" else {
        "version": row.version or "", "completion_target": row.completion_target,
        "grade_stage": row.grade_stage})
    if request.method == "POST" and form.validate() and _save(row, form):
        flash("Report settings saved", "success")
        return redirect(url_for("reports.index"))
    return render_template("reports/settings.html", form=form, partnership=partnership)


def _save(row: ReportSetting, form: ReportSettingsForm) -> bool:
    """Save, unless someone else saved since the form was opened: then keep what this person
    typed on the page, say what the other person saved, and let them save again."""
    if str(row.version or "") != (form.version.data or "").strip():
        return _conflict(form, row.partnership_id)
    row.completion_target = int(form.completion_target.data)
    row.grade_stage = form.grade_stage.data
    row.changed_at, row.changed_by_id = utcnow(), current_user.id
    db.session.add(row)
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        return _conflict(form, row.partnership_id)
    return True


def _conflict(form: ReportSettingsForm, partnership_id: int) -> bool:
    db.session.expire_all()
    saved = settings_for(partnership_id)
    form.version.data = str(saved.version or "")
    form.completion_target.errors = [
        f"Someone else saved these settings while you were editing (target "
        f"{saved.completion_target}%, {GRADE_STAGES[saved.grade_stage].lower()} grades). "
        "Check your values and save again"]
    return False

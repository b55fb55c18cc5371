"""The practice week pages: the list, planning a week, its leaders, its schedule and telling
everyone."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from core.toolkit import FAMILY_CONTACT_OUTCOMES, can, db, permission_required, visible_agencies
from plugins.practice_week import schedule
from plugins.practice_week.access import find_week, me, visible_observations, visible_weeks
from plugins.practice_week.forms import Invalid, check_version, text
from plugins.practice_week.models import PracticeWeek
from plugins.practice_week.permissions import AUDIT, PLAN, REPORTS, REQUEST, VIEW
from plugins.practice_week.views import bp, invalid


@bp.get("/")
@permission_required(VIEW)
def index():
    user = me()
    observations = visible_observations(user)
    observed = any(m.role == "practitioner" for m in user.memberships) or any(
        o.practitioner_id == user.id for o in observations)
    return render_template(
        "practice_week/index.html", weeks=visible_weeks(), observations=observations,
        may_plan=can(PLAN), may_request=can(REQUEST), user=user, observed=observed)


# --- planning a week -----------------------------------------------------------------------


def _agencies() -> list[Any]:
    return list(db.session.scalars(visible_agencies(PLAN)))


def _week_form(errors: dict[str, str], form: Any, status: int = 200):
    agencies = _agencies()
    page = {"errors": errors, "form": form, "tools": schedule.observation_tools(),
            "agencies": [(str(a.id), a.name) for a in agencies]}
    if status != 200:
        return invalid("practice_week/week_form.html", **page)
    return render_template("practice_week/week_form.html", **page)


@bp.route("/weeks/new", methods=["GET", "POST"])
@permission_required(PLAN)
def new_week():
    if request.method == "GET":
        return _week_form({}, {})
    agencies = {str(a.id): a for a in _agencies()}
    agency = agencies.get(request.form.get("agency", "")) if len(agencies) > 1 \
        else next(iter(agencies.values()), None)
    try:
        if agency is None:
            raise Invalid({"agency": "Select the council"})
        week = schedule.create_week(agency, request.form, me())
    except Invalid as exc:
        return invalid("practice_week/week_form.html", exc.errors, form=request.form,
                       tools=schedule.observation_tools(),
                       agencies=[(str(a.id), a.name) for a in agencies.values()])
    db.session.commit()
    flash(f"Practice week {week.reference} is planned. Add the senior leaders taking part.",
          "success")
    return redirect(url_for("practice_week.week", week_id=week.id))


def week_page(week: PracticeWeek, errors: dict[str, str] | None = None,
              form: Any = None) -> dict[str, Any]:
    leaders = schedule.leader_choices(week) if can(PLAN, week) else {}
    return {"week": week, "errors": errors or {}, "form": form or {},
            "may_plan": can(PLAN, week), "may_report": can(REPORTS, week),
            "leader_options": [("", "Select a senior leader"),
                               *((str(u.id), u.name) for u in leaders.values())],
            "observations": list(week.observations), "may_audit": can(AUDIT, week),
            "audits": [a for a in week.audits
                       if can(PLAN, week) or a.auditor_id == me().id],
            "family_outcomes": FAMILY_CONTACT_OUTCOMES}


@bp.get("/weeks/<int:week_id>")
@permission_required(VIEW)
def week(week_id: int):
    return render_template("practice_week/week.html", **week_page(find_week(week_id)))


@bp.post("/weeks/<int:week_id>/leaders")
@permission_required(PLAN)
def add_leader(week_id: int):
    found = find_week(week_id, PLAN)
    try:
        leader = schedule.add_leader(found, request.form)
    except Invalid as exc:
        db.session.rollback()
        return render_template("practice_week/week.html",
                               **week_page(found, exc.errors, request.form)), 400
    name = leader.user.name
    db.session.commit()
    flash(f"{name} is taking part in the practice week.", "success")
    return redirect(url_for("practice_week.week", week_id=found.id))


@bp.post("/weeks/<int:week_id>/notify")
@permission_required(PLAN)
def notify_everyone(week_id: int):
    found = find_week(week_id, PLAN)
    try:
        told = schedule.notify_everyone(found)
    except Invalid as exc:
        db.session.rollback()
        return render_template("practice_week/week.html", **week_page(found, exc.errors)), 400
    db.session.commit()
    flash(f"{told} people have been told about their observations.", "success")
    return redirect(url_for("practice_week.week", week_id=found.id))


@bp.post("/weeks/<int:week_id>/learning")
@permission_required(PLAN)
def learning(week_id: int):
    found = find_week(week_id, PLAN)
    check_version(request.form, found)
    errors: dict[str, str] = {}
    value = text(request.form, "learning", "the learning from the week", errors)
    if errors:
        db.session.rollback()
        return render_template("practice_week/week.html",
                               **week_page(found, errors, request.form)), 400
    found.learning = value
    db.session.commit()
    flash("The learning from the week is saved.", "success")
    return redirect(url_for("practice_week.week", week_id=found.id))


# --- the schedule --------------------------------------------------------------------------


def _named(user: Any, agency_id: int) -> str:
    teams = schedule.team_names(user, agency_id)
    return f"{user.name} ({teams})" if teams else user.name


def _schedule_page(week: PracticeWeek | None, agency_id: int) -> dict[str, Any]:
    observers = schedule.observer_choices(agency_id, week)
    practitioners = schedule.practitioner_choices(agency_id)
    return {
        "week": week,
        "observer_options": [("", "Select who will observe"),
                             *((str(u.id), u.name) for u in observers.values())],
        "practitioner_options": [("", "Select the practitioner"),
                                 *((str(u.id), _named(u, agency_id))
                                   for u in practitioners.values())],
        "tools": schedule.observation_tools(),
    }


@bp.route("/weeks/<int:week_id>/observations/new", methods=["GET", "POST"])
@permission_required(PLAN)
def schedule_observation(week_id: int):
    found = find_week(week_id, PLAN)
    page = _schedule_page(found, found.agency_id)
    if request.method == "GET":
        return render_template("practice_week/schedule_form.html", errors={}, form={}, **page)
    try:
        obs = schedule.schedule(found.agency_id, found.partnership_id, found, request.form,
                                me())
    except Invalid as exc:
        return invalid("practice_week/schedule_form.html", exc.errors, form=request.form,
                       **page)
    db.session.commit()
    flash(f"Observation {obs.reference} is on the schedule.", "success")
    return redirect(url_for("practice_week.week", week_id=found.id))

"""The homes register: list, register, change, placements, Ofsted judgements, visitors."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.toolkit import (
    Team,
    can,
    db,
    permission_required,
    visible_agencies,
    visible_partnerships,
)
from plugins.reg44 import assignments, homes
from plugins.reg44.access import find_home, me, visible_homes
from plugins.reg44.carryover import ISSUED
from plugins.reg44.forms import Conflict, Invalid
from plugins.reg44.independence import independence_problems
from plugins.reg44.models import Home, Placement, Recommendation, Visit
from plugins.reg44.permissions import MANAGE, VIEW
from plugins.reg44.scrutiny import open_scrutiny_of
from plugins.reg44.views import bp, conflict, invalid


@bp.get("/homes")
@permission_required(VIEW)
def homes_index():
    found = db.session.scalars(visible_homes().options(selectinload(Home.assignments))
                               .order_by(Home.active.desc(), Home.name)).all()
    return render_template("reg44/homes.html", homes=found, may_manage=can(MANAGE))


# --- Registering and changing a home -----------------------------------------------------


def _owners() -> tuple[list, list]:
    """The partnerships and agencies the person may register homes for."""
    partnerships = db.session.scalars(visible_partnerships(MANAGE)).all()
    agencies = db.session.scalars(visible_agencies(MANAGE)).all()
    return partnerships, agencies


def _teams(agency_ids: list[int]) -> dict[int, Team]:
    rows = db.session.scalars(select(Team).where(Team.agency_id.in_(agency_ids))
                              .options(selectinload(Team.agency)).order_by(Team.name))
    return {t.id: t for t in rows}


def _options(partnerships: list, agencies: list, teams: dict[int, Team]) -> dict[str, list]:
    return {
        "partnership": [("", "Select a partnership"), *((str(p.id), p.name) for p in partnerships)],
        "agency": [("", "Select an agency"), *((str(a.id), a.name) for a in agencies)],
        "team": [("", "None"), *((str(t.id), f"{t.agency.name}: {t.name}")
                                 for t in teams.values())],
    }


def _picked(items: list, value: str) -> Any:
    return next((i for i in items if str(i.id) == value), None)


@bp.route("/homes/new", methods=["GET", "POST"])
@permission_required(MANAGE)
def new_home():
    partnerships, agencies = _owners()
    teams = _teams([a.id for a in agencies])
    page = {"partnerships": partnerships, "home": None, "form": request.form,
            "options": _options(partnerships, agencies, teams)}
    if request.method == "GET":
        return render_template("reg44/home_form.html", errors={}, **page)
    partnership = partnerships[0] if len(partnerships) == 1 else \
        _picked(partnerships, request.form.get("partnership", ""))
    agency = _picked(agencies, request.form.get("agency", ""))
    details, errors = homes.read_details(request.form, _teams([agency.id] if agency else []))
    if partnership is None:
        errors["partnership"] = "Select the partnership"
    if agency is None:
        errors["agency"] = "Select the agency responsible for the home"
    try:
        if partnership is None or agency is None:
            raise Invalid(errors)
        home = homes.register_home(partnership, agency, details, errors, me())
    except Invalid as exc:
        return invalid("reg44/home_form.html", exc.errors, **page)
    db.session.commit()
    flash(f"{home.name} is registered.", "success")
    return redirect(url_for("reg44.home", home_id=home.id))


@bp.route("/homes/<int:home_id>/edit", methods=["GET", "POST"])
@permission_required(MANAGE)
def edit_home(home_id: int):
    home = find_home(home_id, MANAGE)
    teams = _teams([home.agency_id])
    page = {"home": home, "partnerships": [], "options": _options([], [], teams)}
    if request.method == "GET":
        return render_template("reg44/home_form.html", errors={}, form=_as_form(home), **page)
    details, errors = homes.read_details(request.form, teams)
    version = request.form.get("version", type=int)
    try:
        homes.update_home(home, details, errors, version, me())
    except Conflict:
        return conflict("this home")
    except Invalid as exc:
        return invalid("reg44/home_form.html", exc.errors, form=request.form, **page)
    db.session.commit()
    flash(f"{home.name} is updated.", "success")
    return redirect(url_for("reg44.home", home_id=home.id))


def _as_form(home: Home) -> dict[str, Any]:
    return {"name": home.name, "kind": home.kind, "team": str(home.team_id or ""),
            "provider": home.provider, "manager_role": home.manager_role,
            "ofsted_urn": home.ofsted_urn or "", "beds": str(home.beds),
            "frequency": home.frequency}


@bp.post("/homes/<int:home_id>/active")
@permission_required(MANAGE)
def set_active(home_id: int):
    home = find_home(home_id, MANAGE)
    homes.set_active(home, request.form.get("active") == "yes")
    db.session.commit()
    flash(f"{home.name} is {'open' if home.active else 'closed'} for visits.", "success")
    return redirect(url_for("reg44.home", home_id=home.id))


# --- The home page ----------------------------------------------------------------------------


@bp.get("/homes/<int:home_id>")
@permission_required(VIEW)
def home(home_id: int):
    found = find_home(home_id)
    return render_template("reg44/home.html", **_home_page(found, errors={}))


def _home_page(home: Home, errors: dict[str, str], form: Any = None) -> dict[str, Any]:
    visits = db.session.scalars(select(Visit).where(Visit.home_id == home.id)
                                .order_by(Visit.month.desc())).all()
    open_recs = db.session.scalars(
        select(Recommendation).join(Visit, Recommendation.visit_id == Visit.id)
        .where(Recommendation.home_id == home.id, Recommendation.status == "open",
               Visit.state.in_(ISSUED))
        .order_by(Recommendation.visit_id, Recommendation.number)).all()
    return {"home": home, "visits": visits, "open_recs": open_recs, "errors": errors,
            "form": form or {}, "may_manage": can(MANAGE, home),
            "scrutiny": open_scrutiny_of(home), "assignment": home.current_assignment()}


def _home_invalid(home: Home, errors: dict[str, str]) -> tuple[str, int]:
    db.session.rollback()
    return render_template("reg44/home.html", **_home_page(home, errors, request.form)), 400


@bp.post("/homes/<int:home_id>/placements")
@permission_required(MANAGE)
def add_placement(home_id: int):
    home = find_home(home_id, MANAGE)
    try:
        placement = homes.add_placement(home, request.form, me())
    except Invalid as exc:
        return _home_invalid(home, exc.errors)
    db.session.commit()
    flash(f"{placement.case.code} is recorded as placed at {home.name}.", "success")
    return redirect(url_for("reg44.home", home_id=home.id))


@bp.post("/homes/<int:home_id>/placements/<int:placement_id>/end")
@permission_required(MANAGE)
def end_placement(home_id: int, placement_id: int):
    home = find_home(home_id, MANAGE)
    placement = db.session.get(Placement, placement_id)
    if placement is None or placement.home_id != home.id or placement.ended_on is not None:
        abort(404)
    prefix = f"ended_on-{placement.id}"
    given = {f"ended_on-{part}": request.form.get(f"{prefix}-{part}", "")
             for part in ("day", "month", "year")}
    try:
        homes.end_placement(placement, given)
    except Invalid as exc:
        return _home_invalid(home, {prefix: exc.errors["ended_on"]})
    db.session.commit()
    flash(f"{placement.case.code} has left {home.name}.", "success")
    return redirect(url_for("reg44.home", home_id=home.id))


@bp.post("/homes/<int:home_id>/judgements")
@permission_required(MANAGE)
def add_judgement(home_id: int):
    home = find_home(home_id, MANAGE)
    try:
        homes.record_judgement(home, request.form, me())
    except Invalid as exc:
        return _home_invalid(home, exc.errors)
    db.session.commit()
    scrutiny = open_scrutiny_of(home)
    if scrutiny is not None and home.ofsted_judgement == "inadequate":
        flash(f"Ofsted's judgement is recorded. {len(scrutiny.children)} children placed at "
              f"{home.name} are flagged for a decision.", "success")
        return redirect(url_for("reg44.scrutiny_page", scrutiny_id=scrutiny.id))
    flash("Ofsted's judgement is recorded.", "success")
    return redirect(url_for("reg44.home", home_id=home.id))


# --- Independent persons ---------------------------------------------------------------------


@bp.route("/homes/<int:home_id>/visitor", methods=["GET", "POST"])
@permission_required(MANAGE)
def assign_visitor(home_id: int):
    home = find_home(home_id, MANAGE)
    people = [(u, independence_problems(u, home)) for u in assignments.candidates(home)]
    page = {"home": home, "people": people, "assignment": home.current_assignment()}
    if request.method == "GET":
        return render_template("reg44/assign.html", errors={}, form={}, **page)
    try:
        assignment = assignments.assign(home, request.form, me())
    except Invalid as exc:
        return invalid("reg44/assign.html", exc.errors, form=request.form, **page)
    db.session.commit()
    flash(f"{assignment.visitor.name} is the independent person for {home.name}.", "success")
    return redirect(url_for("reg44.home", home_id=home.id))


@bp.post("/homes/<int:home_id>/visitor/end")
@permission_required(MANAGE)
def end_visitor(home_id: int):
    home = find_home(home_id, MANAGE)
    try:
        assignments.end_assignment(home, me())
    except Invalid as exc:
        return _home_invalid(home, exc.errors)
    db.session.commit()
    flash(f"{home.name} has no independent person now.", "success")
    return redirect(url_for("reg44.home", home_id=home.id))


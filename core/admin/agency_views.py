"""Agencies and the teams inside them."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from sqlalchemy import func, select

from core.admin.forms import SERVICE_AREAS, AgencyForm, TeamForm
from core.admin.helpers import (
    actor,
    add_errors,
    choices,
    load,
    optional_id,
    submitted_and_valid,
)
from core.admin.reach import partnerships_managed
from core.admin.views import bp
from core.extensions import db
from core.identity.access import can, permission_required, scoped
from core.identity.models import Agency, Membership, Partnership, Team
from core.identity.roles import AGENCY_TYPES

VIEW, MANAGE = "admin.agencies.view", "admin.agencies.manage"


@bp.get("/agencies")
@permission_required(VIEW)
def agencies():
    rows = db.session.scalars(scoped(Agency, VIEW).order_by(Agency.name)).all()
    return render_template("admin/agencies.html", agencies=rows, types=AGENCY_TYPES,
                           shown=shown_partnerships, may_add=can(MANAGE))


def shown_partnerships(agency: Agency, permission: str = VIEW) -> list[Partnership]:
    """An agency's partnerships that the viewer may see (a shared agency hides the others)."""
    return [p for p in agency.partnerships if can(permission, p)]


@bp.get("/agencies/<int:agency_id>")
@permission_required(VIEW)
def agency(agency_id: int):
    agency = load(Agency, agency_id, VIEW)
    people = db.session.scalar(select(func.count(func.distinct(Membership.user_id)))
                               .where(Membership.agency_id == agency.id))
    return render_template("admin/agency.html", agency=agency, types=AGENCY_TYPES,
                           areas=SERVICE_AREAS, people=people,
                           partnerships=shown_partnerships(agency),
                           may_manage=can(MANAGE, agency))


@bp.route("/agencies/new", methods=["GET", "POST"])
@permission_required(MANAGE)
def agency_new():
    form = _agency_form(None)
    if submitted_and_valid(form, lambda: _agency_ok(form, None)):
        agency = Agency(name=form.name.data, type=form.type.data, active=form.active.data,
                        partnerships=_chosen_partnerships(form, None))
        db.session.add(agency)
        db.session.commit()
        flash(f"{agency.name} added", "success")
        return redirect(url_for("admin.agency", agency_id=agency.id))
    return render_template("admin/agency_form.html", form=form, agency=None)


@bp.route("/agencies/<int:agency_id>/edit", methods=["GET", "POST"])
@permission_required(MANAGE)
def agency_edit(agency_id: int):
    agency = load(Agency, agency_id, MANAGE)
    form = _agency_form(agency)
    if submitted_and_valid(form, lambda: _agency_ok(form, agency)):
        agency.name, agency.type, agency.active = form.name.data, form.type.data, form.active.data
        agency.partnerships = _chosen_partnerships(form, agency)
        db.session.commit()
        flash(f"{agency.name} saved", "success")
        if not can(VIEW, agency):
            return redirect(url_for("admin.agencies"))
        return redirect(url_for("admin.agency", agency_id=agency.id))
    return render_template("admin/agency_form.html", form=form, agency=agency)


def _managed() -> list[Partnership]:
    return list(db.session.scalars(partnerships_managed(actor(), MANAGE)))


def _agency_form(agency: Agency | None) -> AgencyForm:
    form = AgencyForm(obj=agency)
    managed = _managed()
    form.partnerships.choices = choices(managed, lambda p: p.name)
    if agency is not None and not form.is_submitted():
        form.partnerships.data = [p.id for p in agency.partnerships if p in managed]
    return form


def _chosen_partnerships(form: AgencyForm, agency: Agency | None) -> list[Partnership]:
    """The ticked partnerships plus those the editor cannot see or change (kept as they are)."""
    managed = _managed()
    kept = [p for p in (agency.partnerships if agency else []) if p not in managed]
    return kept + [p for p in managed if p.id in set(form.partnerships.data or [])]


def _agency_ok(form: AgencyForm, agency: Agency | None) -> bool:
    problems: dict[str, str] = {}
    managed_ids = {p.id for p in _managed()}
    if set(form.partnerships.data or []) - managed_ids:
        problems["partnerships"] = "You can only add the agency to partnerships you coordinate"
    elif not _chosen_partnerships(form, agency):
        problems["partnerships"] = "Select at least one partnership"
    query = select(Agency.id).where(func.lower(Agency.name) == (form.name.data or "").lower())
    if agency is not None:
        query = query.where(Agency.id != agency.id)
    if form.name.data and db.session.scalar(query.limit(1)) is not None:
        problems["name"] = "An agency with this name already exists"
    add_errors(form, problems)
    return not problems


# --- teams -----------------------------------------------------------------------------------


@bp.route("/agencies/<int:agency_id>/teams/new", methods=["GET", "POST"])
@permission_required(MANAGE)
def team_new(agency_id: int):
    agency = load(Agency, agency_id, MANAGE)
    form = _team_form(agency, None)
    if submitted_and_valid(form, lambda: _team_ok(form, agency, None)):
        team = Team(agency=agency)
        _fill_team(team, form)
        db.session.add(team)
        db.session.commit()
        flash(f"{team.name} added to {agency.name}", "success")
        return redirect(url_for("admin.agency", agency_id=agency.id))
    return render_template("admin/team_form.html", form=form, agency=agency, team=None)


@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
@permission_required(MANAGE)
def team_edit(team_id: int):
    team = load(Team, team_id, MANAGE)
    form = _team_form(team.agency, team)
    if submitted_and_valid(form, lambda: _team_ok(form, team.agency, team)):
        _fill_team(team, form)
        db.session.commit()
        flash(f"{team.name} saved", "success")
        return redirect(url_for("admin.agency", agency_id=team.agency_id))
    return render_template("admin/team_form.html", form=form, agency=team.agency, team=team)


def _possible_parents(agency: Agency, team: Team | None) -> list[Team]:
    """Teams of the same agency that would not make a loop (not the team or its sub-teams)."""
    def inside(candidate: Team) -> bool:
        seen: set[int] = set()
        while candidate is not None and candidate.id not in seen:
            if team is not None and candidate.id == team.id:
                return True
            seen.add(candidate.id)
            candidate = candidate.parent
        return False

    return [t for t in agency.teams if not inside(t)]


def _team_form(agency: Agency, team: Team | None) -> TeamForm:
    form = TeamForm(obj=team)
    form.parent.choices = choices(_possible_parents(agency, team), lambda t: t.name,
                                  blank="Not part of another team")
    if team is not None and not form.is_submitted():
        form.parent.data = str(team.parent_id or "")
        form.service_area.data = team.service_area or ""
    return form


def _team_ok(form: TeamForm, agency: Agency, team: Team | None) -> bool:
    problems: dict[str, str] = {}
    parent_id = optional_id(form.parent.data)
    if parent_id is not None and parent_id not in {t.id for t in _possible_parents(agency, team)}:
        problems["parent"] = f"Select a team of {agency.name}, or none"
    name = (form.name.data or "").lower()
    clash = [t for t in agency.teams if t.name.lower() == name and t is not team]
    if clash:
        problems["name"] = f"{agency.name} already has a team with this name"
    add_errors(form, problems)
    return not problems


def _fill_team(team: Team, form: TeamForm) -> None:
    team.name, team.service_area = form.name.data, form.service_area.data
    team.parent_id = optional_id(form.parent.data)

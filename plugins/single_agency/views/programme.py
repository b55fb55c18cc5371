"""The council's audit programme: schedule, sampling, allocation and follow-up settings."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from core.toolkit import (
    ROLES,
    Agency,
    Team,
    db,
    permission_required,
    published_tools,
    visible_agencies,
)
from plugins.single_agency import clock
from plugins.single_agency.blueprint import bp
from plugins.single_agency.cycles import create_programme, programme_for
from plugins.single_agency.forms import MODERATION_OPTIONS, programme_values, read_programme
from plugins.single_agency.settings import AUDITOR_ROLES, MONTHS, cycle_months, defaults
from plugins.single_agency.views.common import CONFLICT, me, page, status_for


def councils() -> list[Agency]:
    return list(db.session.scalars(visible_agencies("single_agency.programme")))


def council_or_404(agency_id: int) -> Agency:
    agency = next((a for a in councils() if a.id == agency_id), None)
    if agency is None:
        abort(404)
    return agency


def _areas(agency: Agency) -> list[str]:
    return sorted({a for a in db.session.scalars(select(Team.service_area).where(
        Team.agency_id == agency.id)) if a})


@bp.get("/programme")
@permission_required("single_agency.programme")
def programmes():
    rows = [(a, programme_for(a.id)) for a in councils()]
    return page("programmes.html", rows=rows)


def _context(agency: Agency, values: dict, **extra):
    months = cycle_months(values["year_start_month"], values["cycles_per_year"] or 1,
                          values["paused_months"]) if not extra.get("errors") else []
    return dict(agency=agency, values=values, months=list(enumerate(MONTHS, start=1)),
                roles=[(r, ROLES[r].label) for r in AUDITOR_ROLES], areas=_areas(agency),
                tools=published_tools(), moderation_options=MODERATION_OPTIONS,
                cycle_months=[MONTHS[m - 1] for m in months], **extra)


@bp.route("/programme/<int:agency_id>", methods=["GET", "POST"])
@permission_required("single_agency.programme")
def programme(agency_id: int):
    agency = council_or_404(agency_id)
    current = programme_for(agency.id)
    values = programme_values(current) if current else defaults() | {"active": True}
    version = current.version if current else 0
    if request.method == "GET":
        return page("programme.html", **_context(agency, values, version=version))
    values, errors = read_programme(request.form, _areas(agency))
    if str(version) != request.form.get("version", ""):
        return page("programme.html", 409, **_context(agency, values, version=version,
                                                      conflict=CONFLICT, errors=errors))
    if errors:
        return page("programme.html", status_for(errors),
                    **_context(agency, values, version=version, errors=errors))
    return _save(agency, current, values)


def _save(agency: Agency, current, values: dict):
    target = current or create_programme(agency, me())
    for key, value in values.items():
        setattr(target, key, value)
    target.updated_at, target.updated_by_id = clock.now(), me().id
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        fresh = programme_for(agency.id)
        return page("programme.html", 409, **_context(agency, values, version=fresh.version,
                                                      conflict=CONFLICT))
    flash(f"Audit programme for {agency.name} saved", "success")
    return redirect(url_for("single_agency.programme", agency_id=agency.id))


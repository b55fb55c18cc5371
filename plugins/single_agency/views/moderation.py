"""Moderation pages: the list, choosing a moderator, and the moderator's form."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from sqlalchemy import select

from core.toolkit import Membership, can, db, permission_required, roles_with
from plugins.single_agency import grading, people
from plugins.single_agency import moderation as service
from plugins.single_agency.audits import tool_of
from plugins.single_agency.blueprint import bp
from plugins.single_agency.history import stage_grades
from plugins.single_agency.models import Audit, Moderation
from plugins.single_agency.scope import audit_or_404, visible_audits
from plugins.single_agency.views.audit import overview
from plugins.single_agency.views.common import CONFLICT, me, page, status_for


@bp.get("/moderation")
@permission_required("single_agency.view")
def moderation_list():
    visible = visible_audits().with_only_columns(Audit.id)
    rows = db.session.scalars(select(Moderation).where(Moderation.audit_id.in_(visible))
                              .order_by(Moderation.completed_at.is_not(None),
                                        Moderation.selected_at.desc()).limit(100)).all()
    mine = [m for m in rows if m.moderator_id == me().id and m.completed_at is None]
    return page("moderation_list.html", rows=rows, mine=mine, may_qa=can("single_agency.qa"))


def moderators(audit: Audit) -> list:
    """People in the council who may moderate this audit (independent, not the auditor)."""
    ids = db.session.scalars(select(Membership.user_id).where(
        Membership.agency_id == audit.agency_id,
        Membership.role.in_(roles_with("single_agency.moderate"))))
    return [u for u in people.users(ids) if service.moderator_refusal(audit, u) is None]


@bp.post("/audits/<int:audit_id>/moderation/request")
@permission_required("single_agency.qa")
def request_moderation(audit_id: int):
    audit = audit_or_404(audit_id)
    if not can("single_agency.qa", audit):
        abort(404)
    try:
        service.request(audit)
    except service.ModerationInvalid as exc:
        db.session.rollback()
        return overview(audit, exc.errors)
    db.session.commit()
    flash(f"Audit {audit.reference} added to the moderation list", "success")
    return redirect(url_for("single_agency.moderate", audit_id=audit.id))


@bp.post("/audits/<int:audit_id>/moderation/moderator")
@permission_required("single_agency.qa")
def choose_moderator(audit_id: int):
    audit = audit_or_404(audit_id)
    if audit.moderation is None or not can("single_agency.qa", audit):
        abort(404)
    chosen = next((u for u in moderators(audit)
                   if str(u.id) == request.form.get("moderator", "")), None)
    if chosen is None:
        return _form(audit, request.form, {"moderator": "Select a moderator from the list"})
    try:
        service.assign(audit.moderation, chosen)
    except service.ModerationInvalid as exc:
        db.session.rollback()
        return _form(audit, request.form, exc.errors)
    db.session.commit()
    flash(f"{chosen.name} has been asked to moderate {audit.reference}", "success")
    return redirect(url_for("single_agency.moderate", audit_id=audit.id))


def _values(audit: Audit) -> dict:
    before, overall = stage_grades(audit, ("after_conversation",))
    values = {f"{code}-grade": grade for code, grade in before.items()}
    values["overall-grade"] = overall or ""
    values["version"] = audit.moderation.version
    return values


def _form(audit: Audit, values, errors: dict, conflict: str | None = None):
    before, overall = stage_grades(audit, ("after_conversation",))
    status = 409 if conflict else status_for(errors)
    return page("moderate.html", status, audit=audit, moderation=audit.moderation,
                tool=tool_of(audit), values=values, errors=errors, conflict=conflict,
                before=before, before_overall=overall, labels=grading.LABELS,
                moderators=moderators(audit) if can("single_agency.qa", audit) else [],
                may_record=audit.moderation.completed_at is None
                and service.moderator_refusal(audit, me(), "You") is None
                and audit.moderation.moderator_id in (None, me().id))


@bp.route("/audits/<int:audit_id>/moderate", methods=["GET", "POST"])
@permission_required("single_agency.view")
def moderate(audit_id: int):
    audit = audit_or_404(audit_id)
    if audit.moderation is None:
        abort(404)
    if request.method == "GET":
        return _form(audit, _values(audit), {})
    try:
        service.record(audit.moderation, request.form, me())
    except service.StaleModeration:
        db.session.rollback()
        fresh = audit_or_404(audit_id)
        return _form(fresh, dict(request.form) | {"version": fresh.moderation.version}, {},
                     CONFLICT)
    except service.ModerationInvalid as exc:
        db.session.rollback()
        return _form(audit_or_404(audit_id), dict(request.form), exc.errors)
    db.session.commit()
    flash(f"Moderation of {audit.reference} recorded", "success")
    return redirect(url_for("single_agency.show", audit_id=audit.id))

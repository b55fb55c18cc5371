"""Dispute pages: raising a dispute, and the page where each stage is recorded."""

from __future__ import annotations

from flask import flash, redirect, request, url_for

from core.toolkit import allowed_transitions, db, format_london, permission_required
from plugins.single_agency import disputes as service
from plugins.single_agency import grading, people
from plugins.single_agency.audits import read_date, tool_of
from plugins.single_agency.blueprint import bp
from plugins.single_agency.history import stage_grades
from plugins.single_agency.models import Dispute
from plugins.single_agency.scope import audit_or_404, dispute_or_404
from plugins.single_agency.views.common import me, page, status_for


@bp.route("/audits/<int:audit_id>/dispute", methods=["GET", "POST"])
@permission_required("single_agency.dispute")
def raise_dispute(audit_id: int):
    audit = audit_or_404(audit_id)
    refusal = service.refusal_to_raise(audit, me())
    errors = {"grounds": refusal} if refusal else {}
    if request.method == "POST" and not refusal:
        try:
            dispute = service.raise_dispute(audit, me(), request.form.get("grounds", ""))
        except service.DisputeInvalid as exc:
            db.session.rollback()
            errors = exc.errors
        else:
            db.session.commit()
            flash("Your dispute has been recorded: the informal meeting is due within 5 "
                  "working days", "success")
            return redirect(url_for("single_agency.dispute", dispute_id=dispute.id))
    return page("dispute_new.html", status_for(errors) if request.method == "POST" else 200,
                audit=audit, errors=errors, refusal=refusal,
                values={"grounds": request.form.get("grounds", "")})


def _page(dispute: Dispute, errors: dict, values: dict):
    instance = service.instance_of(dispute)
    allowed = {t.key for t in allowed_transitions(instance, me())}
    current, overall = stage_grades(dispute.audit)
    names = {u.id: u.name for u in people.users({e.user_id for e in instance.log})}
    return page("dispute.html", status_for(errors), dispute=dispute, audit=dispute.audit,
                errors=errors, values=values, trail=instance.log, names=names,
                may_record=service.RECORD.get(dispute.state) in allowed,
                may_escalate=service.ESCALATE.get(dispute.state) in allowed,
                may_resolve=service.RESOLVE.get(dispute.state) in allowed,
                may_withdraw="withdraw" in allowed, tool=tool_of(dispute.audit),
                current=current, current_overall=overall, labels=grading.LABELS,
                outcomes=service.OUTCOMES, format_london=format_london,
                states={s.key: s.label for s in _definition().states})


def _definition():
    from plugins.single_agency.workflow import DISPUTE_WORKFLOW

    return DISPUTE_WORKFLOW


@bp.get("/disputes/<int:dispute_id>")
@permission_required("single_agency.view")
def dispute(dispute_id: int):
    return _page(dispute_or_404(dispute_id), {}, {})


def _act(dispute_id: int, action, done: str, note_field: str):
    """Run one step; a refusal shows the page again, the message next to this form's note
    (each form on the page has its own note field, so ids stay unique)."""
    dispute = dispute_or_404(dispute_id)
    try:
        action(dispute)
    except service.DisputeInvalid as exc:
        db.session.rollback()
        errors = {(note_field if key == "note" else key): message
                  for key, message in exc.errors.items()}
        return _page(dispute_or_404(dispute_id), errors, dict(request.form))
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("single_agency.dispute", dispute_id=dispute_id))


@bp.post("/disputes/<int:dispute_id>/record")
@permission_required("single_agency.view")
def record_dispute_step(dispute_id: int):
    def action(dispute: Dispute) -> None:
        errors: dict[str, str] = {}
        held = read_date(request.form, "meeting", errors, "the meeting", required=False)
        if errors:
            raise service.DisputeInvalid(errors)
        service.record_step(dispute, me(), request.form.get("record_note", ""), held)

    return _act(dispute_id, action, "Recorded", "record_note")


@bp.post("/disputes/<int:dispute_id>/escalate")
@permission_required("single_agency.view")
def escalate_dispute(dispute_id: int):
    return _act(dispute_id,
                lambda d: service.escalate(d, me(), request.form.get("escalate_note", "")),
                "The dispute has been escalated", "escalate_note")


@bp.post("/disputes/<int:dispute_id>/resolve")
@permission_required("single_agency.view")
def resolve_dispute(dispute_id: int):
    return _act(dispute_id, lambda d: service.resolve(
        d, me(), request.form.get("resolve_note", ""), request.form.get("outcome", ""),
        request.form), "The outcome of the dispute has been recorded", "resolve_note")


@bp.post("/disputes/<int:dispute_id>/withdraw")
@permission_required("single_agency.dispute")
def withdraw_dispute(dispute_id: int):
    return _act(dispute_id,
                lambda d: service.withdraw(d, me(), request.form.get("withdraw_note", "")),
                "The dispute has been withdrawn", "withdraw_note")

"""Submitting an audit, and the QA team's check: the queue, accept, return, cancel."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from sqlalchemy.orm import selectinload

from core.toolkit import db, permission_required, scoped
from plugins.single_agency import qa as service
from plugins.single_agency.audits import AuditInvalid, StaleAudit
from plugins.single_agency.blueprint import bp
from plugins.single_agency.models import Audit
from plugins.single_agency.scope import audit_or_404
from plugins.single_agency.views.audit import overview
from plugins.single_agency.views.common import me, page, rng


def _back(audit_id: int, message: str, category: str = "success"):
    flash(message, category)
    return redirect(url_for("single_agency.show", audit_id=audit_id))


def _run(audit_id: int, action, done: str):
    try:
        action()
    except StaleAudit:
        db.session.rollback()
        return _back(audit_id, "Someone else changed this audit at the same time, so nothing "
                               "was saved. Check it and try again.", "message")
    except AuditInvalid as exc:
        db.session.rollback()
        return overview(audit_or_404(audit_id), exc.errors)
    db.session.commit()
    return _back(audit_id, done)


@bp.post("/audits/<int:audit_id>/submit")
@permission_required("single_agency.audit")
def submit(audit_id: int):
    audit = audit_or_404(audit_id)
    return _run(audit.id, lambda: service.submit(audit, me(), request.form.get("version")),
                "The audit has been sent to the QA team for checking")


@bp.get("/qa")
@permission_required("single_agency.qa")
def qa_queue():
    waiting = db.session.scalars(scoped(Audit, "single_agency.qa").where(
        Audit.state == "qa_check").options(selectinload(Audit.case))
        .order_by(Audit.submitted_at)).all()
    return page("qa_queue.html", waiting=waiting)


@bp.post("/audits/<int:audit_id>/accept")
@permission_required("single_agency.qa")
def accept(audit_id: int):
    audit = audit_or_404(audit_id)
    return _run(audit.id, lambda: service.accept(audit, me(), rng()),
                f"Audit {audit.reference} accepted")


@bp.post("/audits/<int:audit_id>/return")
@permission_required("single_agency.qa")
def return_audit(audit_id: int):
    audit = audit_or_404(audit_id)
    return _run(audit.id, lambda: service.return_for_amendment(
        audit, me(), request.form.get("comments", "")),
        f"Audit {audit.reference} returned to the auditor for amendment")


@bp.post("/audits/<int:audit_id>/cancel")
@permission_required("single_agency.qa")
def cancel(audit_id: int):
    audit = audit_or_404(audit_id)
    return _run(audit.id, lambda: service.cancel(audit, me(), request.form.get("reason", "")),
                f"Audit {audit.reference} cancelled")

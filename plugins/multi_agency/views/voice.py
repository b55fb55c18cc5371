"""Recording the child's or the parent's views for a case of the audit."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from sqlalchemy import or_, select

from core.toolkit import FAMILY_CONTACT_OUTCOMES, db, permission_required
from plugins.multi_agency import voice as service
from plugins.multi_agency.clock import london_today
from plugins.multi_agency.models import MultiAgencyAudit
from plugins.multi_agency.permissions import FAMILY_VOICE
from plugins.multi_agency.selection import audit_case
from plugins.multi_agency.views.common import attempt, bp, form_date, form_text, me


def _audit_for_worker(audit_id: int, kind: str) -> MultiAgencyAudit:
    """The named worker may not otherwise see the audit (a practitioner, say): they reach it
    through being named, and no one else does."""
    audit = db.session.get(MultiAgencyAudit, audit_id)
    if audit is None or kind not in service.KINDS or not service.may_record(audit, kind, me()):
        abort(404)
    return audit


def _page(audit, selected, kind, errors=None, values=None):
    found = service.voice_of(selected, kind)
    return render_template("multi_agency/voice_form.html", audit=audit, selected=selected,
                           kind=kind, label=service.KINDS[kind], errors=errors or {},
                           values=values or found, outcomes=FAMILY_CONTACT_OUTCOMES)


@bp.route("/<int:audit_id>/cases/<code>/voice/<kind>", methods=["GET", "POST"])
@permission_required(FAMILY_VOICE)
def record_voice(audit_id: int, code: str, kind: str):
    audit = _audit_for_worker(audit_id, kind)
    selected = audit_case(audit, code)
    if selected is None:
        abort(404)
    if request.method != "POST":
        return _page(audit, selected, kind)
    errors: dict[str, str] = {}
    contacted_on = form_date("contacted_on", errors, "The date of the contact")
    values = {"outcome": form_text("outcome"), "contacted_on": contacted_on,
              "views": form_text("views")}
    target = url_for("multi_agency.case", audit_id=audit.id, code=selected.code) \
        if service.may_read(audit, me()) else url_for("multi_agency.voice_list",
                                                      audit_id=audit.id, kind=kind)
    return attempt(lambda: service.record_voice(audit, selected, kind, values["outcome"],
                                                contacted_on, values["views"],
                                                london_today(), me()),
                   "Views recorded", target,
                   lambda e: _page(audit, selected, kind, e, values), errors)


@bp.get("/<int:audit_id>/voice/<kind>")
@permission_required(FAMILY_VOICE)
def voice_list(audit_id: int, kind: str):
    """The named worker's list of the audit's cases, by code, with what is recorded."""
    audit = _audit_for_worker(audit_id, kind)
    rows = [(c, service.voice_of(c, kind)) for c in audit.cases]
    return render_template("multi_agency/voice_list.html", audit=audit, kind=kind,
                           label=service.KINDS[kind], rows=rows,
                           outcomes=FAMILY_CONTACT_OUTCOMES)



@bp.get("/family-views")
@permission_required(FAMILY_VOICE)
def family_index():
    """Audits where the person is named to gather the child's or the parent's views."""
    user = me()
    audits = db.session.scalars(select(MultiAgencyAudit).where(
        or_(MultiAgencyAudit.participation_worker_id == user.id,
            MultiAgencyAudit.parent_voice_officer_id == user.id),
        MultiAgencyAudit.status.in_(("open", "consultation")))
        .order_by(MultiAgencyAudit.reference)).all()
    rows = [(a, kind) for a in audits for kind in service.KINDS
            if service.may_record(a, kind, user)]
    return render_template("multi_agency/family_index.html", rows=rows, kinds=service.KINDS)
